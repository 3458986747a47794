"""The lessons' questions under their earlier import path, for notebooks already handed out.

``from course_helpers.exercises import clearing`` gives ``course_helpers.lessons.
gradient_clearing``; new notebooks import from :mod:`course_helpers.lessons`.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

# Earlier module name -> lesson module name.
MOVED = {
    "tensors": "tensors",
    "autograd": "autograd",
    "clearing": "gradient_clearing",
    "nograd": "no_grad_detach",
    "optimizers": "custom_optimizers",
    "regression": "linear_regression",
}


def _lesson(old: str) -> ModuleType:
    module = importlib.import_module(f"course_helpers.lessons.{MOVED[old]}")
    sys.modules.setdefault(f"{__name__}.{old}", module)
    return module


def __getattr__(name: str) -> ModuleType:
    if name in MOVED:
        return _lesson(name)
    raise AttributeError(name)


def exercise_modules() -> list[ModuleType]:
    """Every lesson's module (those defining ``QUESTIONS``), in course order."""
    return [_lesson(old) for old in MOVED]


# ``import course_helpers.exercises.clearing`` finds the module by this name.
for _old in MOVED:
    _lesson(_old)
