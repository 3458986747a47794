"""Assertions shared by the lessons' exercise tests."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from course_helpers.outcome import Outcome, Status
from course_helpers.question import Question

CJK = re.compile(r"[\u3400-\u9fff]")


def key_of(outcome: Outcome) -> str:
    """The message key of the first detail: the diagnosis of a wrong answer."""
    return outcome.details[0].key


def judged(question: Question, answer: object, seed: int | None = None) -> Outcome:
    """The grader's verdict: ``answer`` observed as in a grading kernel, then judged from the
    plain data it wrote (visible cases, then hidden ones drawn for ``seed``)."""
    from course_helpers import observe, plaindata
    from course_helpers.classroom.judge import decide

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "observed.safetensors"
        observe.observe(question.lesson, int(question.number), answer, seed, str(path))
        return decide(question, plaindata.read_file(path), seed)


def assert_judged_alike(question: Question, answer: object, *, stateful: bool = False) -> None:
    """The judge, working from plain data, reaches the verdict the kernel's checks reach.

    ``stateful``: the answer keeps state from call to call, so each later run finds it
    further along; only the verdict's status is compared then, not its diagnosis."""
    visible = question.evaluate(answer)
    direct = visible if visible.status is not Status.CORRECT else question.evaluate(
        answer, hidden=True)
    verdict = judged(question, answer)
    assert verdict.status is direct.status, (direct, verdict)
    if direct.status is Status.INCORRECT and not stateful:
        assert key_of(verdict) == key_of(direct), (direct, verdict)


def assert_incorrect(question: Question, answer: object, key: str, *,
                     hidden: bool = False, stateful: bool = False) -> Outcome:
    """``answer`` is judged wrong with the diagnosis ``key``, in the kernel and by the judge."""
    outcome = question.evaluate(answer, hidden=hidden)
    assert outcome.status is Status.INCORRECT, outcome
    assert key_of(outcome) == key, outcome
    assert_judged_alike(question, answer, stateful=stateful)
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
    assert judged(question, answer).status is Status.CORRECT
