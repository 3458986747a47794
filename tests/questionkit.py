"""Assertions shared by the lessons' exercise tests."""

from __future__ import annotations

import re

from course_helpers.outcome import Outcome, Status
from course_helpers.question import Question

CJK = re.compile(r"[\u3400-\u9fff]")


def key_of(outcome: Outcome) -> str:
    """The message key of the first detail: the diagnosis of a wrong answer."""
    return outcome.details[0].key


def assert_incorrect(question: Question, answer: object, key: str, *,
                     hidden: bool = False) -> Outcome:
    """``answer`` is judged wrong with the diagnosis ``key``."""
    outcome = question.evaluate(answer, hidden=hidden)
    assert outcome.status is Status.INCORRECT, outcome
    assert key_of(outcome) == key, outcome
    return outcome


def assert_incorrect_everywhere(question: Question, answer: object, key: str) -> None:
    """Wrong with the same diagnosis on the visible and on the hidden cases."""
    assert_incorrect(question, answer, key)
    assert_incorrect(question, answer, key, hidden=True)


def assert_correct_everywhere(question: Question, answer: object) -> None:
    """Right on the visible and on the hidden cases."""
    for hidden in (False, True):
        outcome = question.evaluate(answer, hidden=hidden)
        assert outcome.status is Status.CORRECT, (hidden, outcome)
