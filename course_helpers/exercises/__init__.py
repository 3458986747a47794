"""One module of exercises per lesson (``from course_helpers.exercises import autograd``)."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def exercise_modules() -> list[ModuleType]:
    """Every lesson's exercise module (those defining ``QUESTIONS``)."""
    modules = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "QUESTIONS"):
            modules.append(module)
    return modules
