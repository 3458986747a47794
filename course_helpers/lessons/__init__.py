"""What the student's kernel imports for each lesson: its questions and how they are checked.

One module per lesson, named after the lesson's folder without its number
(``02_autograd`` → ``course_helpers.lessons.autograd``). A module declares its questions with
:func:`course_helpers.question.declare`; their expected results come from check data, and the
reference solutions and hidden cases live apart, in ``course_helpers.key``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Lesson folder -> module name.
FOLDERS = {
    "01_tensors": "tensors",
    "02_autograd": "autograd",
    "03_gradient_clearing": "gradient_clearing",
    "04_no_grad_detach": "no_grad_detach",
    "05_custom_optimizers": "custom_optimizers",
    "06_linear_regression": "linear_regression",
}


def lesson_module(name: str) -> ModuleType:
    """``course_helpers.lessons.<name>``."""
    return importlib.import_module(f"{__name__}.{name}")


def declared_lessons() -> list[str]:
    """The lesson modules that exist in this install, in course order."""
    found = []
    for name in FOLDERS.values():
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
            continue
        found.append(name)
    return found
