"""The judge: the score of each test cell, decided in the grader from what the kernel observed.

Two nbgrader preprocessors around the notebook's execution. :class:`PlaceProbes` has each
test cell run, in place of its check, the observer: it runs the student's answer on the
visible cases and on hidden cases drawn from a seed only the grader knows
(:mod:`course_helpers.observe`), writing plain data to the kernel's folder under a name the
notebook cannot guess. :class:`Judge` reads
that data back with size limits (:mod:`course_helpers.plaindata`), rebuilds the results,
judges them with the question's own judge against expectations from the answer key, and
replaces the test cell's outputs with the verdict: the feedback panel, and for a wrong
answer one error line, which is what nbgrader's SaveAutoGrades scores. Whatever the notebook
displayed or raised in that cell is gone, and the test cell's own source is put back.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from course_helpers import plaindata
from course_helpers.classroom import cells, rebuild
from course_helpers.grading import marker_bundle, outcome_bundle
from course_helpers.i18n import msg
from course_helpers.outcome import Outcome, Status
from course_helpers.question import Case, Question, _fresh, _NotAttempted, _Raised

_TEST = re.compile(r"q(\d+)-test")
_PROBE = "course_helpers_probe"
FOLDER = ".judge"


def lesson_module(lesson: str) -> str:
    """``02_autograd`` → ``autograd``."""
    return lesson.split("_", 1)[1] if "_" in lesson else lesson


def questions_of(lesson: str) -> Sequence[Question]:
    from course_helpers.lessons import lesson_module as load

    return load(lesson_module(lesson)).QUESTIONS


def submission_seed(secret: str, digest: str, lesson: str) -> str:
    """The seed of one submission: the instructor's secret and the submission's content."""
    return hmac.new(secret.encode(), f"{lesson}\0{digest}".encode(), hashlib.sha256).hexdigest()


def question_seed(seed: str, number: int) -> int:
    return int(hashlib.sha256(f"{seed}:{number}".encode()).hexdigest()[:15], 16)


def test_number(cell: NotebookNode) -> int | None:
    """The question a test cell checks (``q3-test`` → 3), or None."""
    found = _TEST.fullmatch(cells.grade_id(cell) or "")
    return int(found.group(1)) if found and cell.cell_type == "code" else None


class _Judging(NbGraderPreprocessor):
    """What both steps are told of one grading attempt."""

    lesson = Unicode("", help="The lesson's folder name, such as 02_autograd.").tag(config=True)
    seed = Unicode("", help="The submission's seed (the secret and its content).").tag(
        config=True)
    nonce = Unicode("", help="Random per attempt: names the observation files.").tag(
        config=True)

    def _path(self, number: int) -> str:
        return f"{FOLDER}/{self.nonce}-q{number}.safetensors"


class PlaceProbes(_Judging):
    """Have each test cell observe its question's answer instead of checking it.

    The kernel's own check would only be replaced by the verdict, so the test cell runs the
    observer in its place (at the same point of the notebook, on the same answer); the
    :class:`Judge` puts the test's own source back.
    """

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]):  # type: ignore[override]
        questions = questions_of(self.lesson)
        for cell in nb.cells:
            number = test_number(cell)
            if number is None or not 1 <= number <= len(questions):
                continue
            question = questions[number - 1]
            path = self._path(number)
            cell.metadata[_PROBE] = {"source": cell.source}
            cell.source = (
                "__import__('course_helpers.observe', fromlist=['observe']).observe("
                f"{lesson_module(self.lesson)!r}, {number}, globals().get("
                f"{question.function!r}, __import__('course_helpers.observe', "
                f"fromlist=['MISSING']).MISSING), {question_seed(self.seed, number)}, "
                f"{path!r})")
        return nb, resources


class Judge(_Judging):
    """Replace each test cell's outputs with the judge's verdict and put its source back."""

    run_directory = Unicode("", help="The kernel's folder, where it wrote.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]):  # type: ignore[override]
        questions = questions_of(self.lesson)
        for cell in nb.cells:
            probe = cell.metadata.pop(_PROBE, None)
            if isinstance(probe, dict) and isinstance(probe.get("source"), str):
                cell.source = probe["source"]
            number = test_number(cell)
            # Every graded test cell gets a verdict (fail-closed for one no question claims);
            # the locked setup cell and the answers keep their outputs.
            if number is not None or (cell.cell_type == "code" and cells.is_test(cell)):
                outcome, marker = self._verdict(questions, number)
                cell.outputs = _outputs(outcome, marker)
        return nb, resources

    def _verdict(self, questions: Sequence[Question], number: int | None
                 ) -> tuple[Outcome, dict[str, Any]]:
        if number is None or not 1 <= number <= len(questions):
            title = msg("outcome.title", number=str(number or "?"))
            return Outcome(Status.INCORRECT, title, (msg("judge.not_judged"),)), {}
        question = questions[number - 1]
        path = Path(self.run_directory) / self._path(number)
        try:
            observed = plaindata.read_file(path)
        except plaindata.Unreadable as why:
            observed = None
            reason = str(why)
        else:
            reason = ""
        outcome = decide(question, observed, question_seed(self.seed, number), reason)
        hidden = any(detail.key == "outcome.hidden_case" for detail in outcome.details)
        return outcome, {"question": question.name, "key": question.key, "hidden": hidden}


def _outputs(outcome: Outcome, marker: dict[str, Any]) -> list[NotebookNode]:
    if outcome.status is Status.CORRECT:
        return [new_output("display_data", data=marker_bundle(outcome, {**marker,
                                                                         "passed": True}))]
    # As a failing grade() leaves it: the whole feedback as the error's text, one line shown.
    return [new_output("display_data", data=outcome_bundle(outcome, marker)),
            new_output("error", ename="CheckFailed", evalue="\n".join(outcome.text_lines()),
                       traceback=[outcome.verdict()])]


def decide(question: Question, observed: tuple[dict[str, Any], dict[str, Any]] | None,
           seed: int | None, reason: str = "") -> Outcome:
    """The verdict on one question from what the kernel observed (None: nothing readable)."""
    title = msg("outcome.title", number=question.number)
    if observed is None:
        return question._incorrect(title, msg("judge.no_observation", reason=reason or "?"),
                                   None, True)
    header, tensors = observed
    if header.get("lesson") != question.lesson or header.get("number") != int(question.number):
        return question._incorrect(title, msg("judge.no_observation", reason="mismatch"),
                                   None, True)
    if header.get("defined") is not True:
        return Outcome(Status.NOT_ATTEMPTED, title, (msg("outcome.not_attempted_detail"),))
    if header.get("callable") is not True:
        return question._incorrect(title, msg("diag.not_callable", name=question.function,
                                              type=str(header.get("type", "?"))[:80]),
                                   None, True)
    visible, hidden = list(question.visible), question.draw(seed)
    kinds = {id(case): "visible" for case in visible} | {id(case): "hidden" for case in hidden}
    reader = rebuild.Reader(tensors)

    def call(case: Case, index: int, attempt: int) -> tuple[Any, tuple[Any, ...]]:
        attempts = header.get(kinds[id(case)])
        try:
            found = attempts[index][attempt]  # type: ignore[index]
        except (TypeError, IndexError, KeyError):
            stopped = "judge.timed_out" if header.get("stopped") == "time" else "judge.not_observed"
            raise _Raised(msg(stopped)) from None
        status = found.get("status") if isinstance(found, dict) else None
        if status == "not_attempted":
            raise _NotAttempted
        try:
            if status == "raised":
                raise _Raised(rebuild.message_from_data(found.get("diagnosis")))
            if status != "returned":
                raise plaindata.Unreadable("status")
            like = tuple(_fresh(arg) for arg in copy.copy(case.args))
            values = reader.value(found.get("values"), (None, like))
            if not isinstance(values, tuple) or len(values) != 2:
                raise plaindata.Unreadable("values")
            result, seen = values
        except plaindata.Unreadable as why:
            raise _Raised(msg("judge.unreadable", reason=str(why)[:120])) from None
        if not isinstance(seen, tuple):
            raise _Raised(msg("judge.unreadable", reason="arguments"))
        return result, seen

    items = [(case, False, i) for i, case in enumerate(visible)]
    items += [(case, True, i) for i, case in enumerate(hidden)]
    outcome = question._verdict(items, call)
    if header.get("grad_left_off") is True and outcome.status is not Status.NOT_ATTEMPTED:
        outcome = Outcome(Status.INCORRECT, outcome.title,
                          (msg("diag.grad_left_off"),
                           msg("outcome.hint_pointer", name=question.name)))
    return outcome
