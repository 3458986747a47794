"""Helpers for the bilingual PyTorch autograd course.

The first cell of every lesson imports this package before any student code runs; the
checks keep references to the torch functions they need from that moment on.
"""

from __future__ import annotations

import importlib
from typing import Any

from course_helpers import trusted  # noqa: F401  (capture torch functions first)
from course_helpers.grading import CheckFailed
from course_helpers.i18n import get_language, set_language
from course_helpers.outcome import Outcome, Status

__all__ = [
    "CheckFailed",
    "Outcome",
    "Status",
    "get_language",
    "set_language",
    "setup_notebook",
]
__version__ = "0.1.0"

_LAZY = {"plots", "graph", "widgets", "compare", "diagnose", "exercises", "contour", "fitting"}


def __getattr__(name: str) -> Any:
    # matplotlib and ipywidgets load only when a lesson first draws something.
    if name in _LAZY:
        return importlib.import_module(f"course_helpers.{name}")
    raise AttributeError(f"module 'course_helpers' has no attribute {name!r}")


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext course_helpers``: explain the classic autograd errors under their tracebacks."""
    from course_helpers import hints

    hints.load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext course_helpers``."""
    from course_helpers import hints

    hints.unload(ipython)


def setup_notebook(seed: int = 0) -> None:
    """Prepare a lesson: a fixed seed, readable tensor printing, course plot styles."""
    import torch

    torch.manual_seed(seed)
    torch.set_printoptions(precision=4, sci_mode=False)
    from course_helpers import plots

    plots.configure()
