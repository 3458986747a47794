"""Typical-mistake submissions, one module per lesson.

Each module names its ``LESSON`` and a ``MISTAKES`` dict: the ``grade_id`` of a solution cell
maps to (the wrong code a student typically writes, phrases its feedback must show). The
round-trip test hands in the correct answers with these cells replaced.
"""

from __future__ import annotations

import importlib
import pkgutil

Mistakes = dict[str, tuple[str, list[str]]]


def by_lesson() -> dict[str, Mistakes]:
    """Lesson name -> its typical mistakes."""
    found: dict[str, Mistakes] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found[module.LESSON] = module.MISTAKES
    return dict(sorted(found.items()))
