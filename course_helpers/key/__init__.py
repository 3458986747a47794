"""The answer key: reference solutions and the expected results.

Only the self-study install and the instructor (who grades) have this folder; the assessed
release leaves it out (see ``course-helpers release --assessed``). Each lesson module here
lists one :class:`Answer` per question of ``course_helpers.lessons.<lesson>``, in the same
order. A visible check in the student's kernel never runs this code: it reads what
:func:`compile_lesson` computed from it at release time (:mod:`course_helpers.checkdata`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from course_helpers import checkdata, guard
from course_helpers.checkdata import Expected
from course_helpers.question import Case


@dataclass(frozen=True)
class Answer:
    """What only the key knows about one question.

    ``reference`` is the solution (shown by ``solution()``), ``expect(case)`` the plain data
    the question's judge compares a result with (expected values and the fingerprints of the
    known mistakes on that case). The hidden cases' templates are inputs and live with the
    questions (``Question.draws``); what they should give is known only here.
    """

    reference: Callable[..., Any]
    expect: Callable[[Case], Expected]


def answers(*items: Answer) -> tuple[Answer, ...]:
    """A lesson's answers in the order of its questions, watched like the questions are."""
    for number, item in enumerate(items, start=1):
        guard.register_question(item, f"ex.q{number}")
    return items


def compile_lesson(lesson: str) -> bytes:
    """Run every expectation of ``lesson`` on its visible cases: the lesson's check data."""
    questions = importlib.import_module(f"course_helpers.lessons.{lesson}").QUESTIONS
    key = importlib.import_module(f"course_helpers.key.{lesson}").ANSWERS
    if len(key) != len(questions):
        raise ValueError(f"{lesson}: {len(questions)} questions, {len(key)} answers")
    expectations = {int(q.number): [answer.expect(case) for case in q.visible]
                    for q, answer in zip(questions, key, strict=True)}
    return checkdata.encode(lesson, expectations)


def compile_all() -> dict[str, bytes]:
    """Every declared lesson's check data, by lesson module name."""
    from course_helpers.lessons import declared_lessons

    return {name: compile_lesson(name) for name in declared_lessons()}
