"""Answers that run a training loop: an exception becomes a result the judge explains.

Lessons 03 and 06 ask for loops of backward passes and updates. An error inside such a loop
is a mistake like a wrong number, with the usual causes: ``.grad`` still ``None`` before the
first backward pass, or ``w = w - lr * w.grad`` replacing the leaf tensor. Each lesson words
those diagnoses for its own exercises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from course_helpers.diagnose import diagnose_exception
from course_helpers.i18n import Message


@dataclass(frozen=True)
class Failed:
    """An exception the student's function raised, handed to the judge as its result."""

    error: Exception


def catching(answer: Callable[..., Any]) -> Callable[..., Any]:
    """``answer``, returning :class:`Failed` instead of raising; the blank template still raises."""

    def call(*args: Any) -> Any:
        try:
            return answer(*args)
        except NotImplementedError:
            raise
        except Exception as error:  # any failure of student code is feedback
            return Failed(error)

    return call


def explain_loop_error(error: Exception, *, zero_none: Message, rebind_none: Message,
                       rebind_no_grad: Message) -> Message:
    """What usually raises this error inside a training loop, or the general explanation."""
    text = str(error)
    if isinstance(error, AttributeError) and "NoneType" in text and "zero_" in text:
        return zero_none
    if isinstance(error, TypeError) and "NoneType" in text:
        return rebind_none
    general = diagnose_exception(error)
    if general.key == "diag.no_grad_tensor_backward":
        return rebind_no_grad
    return general
