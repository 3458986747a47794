"""What each graded question of a submission came to, kept as data for the mistake report.

Every test cell of a graded notebook becomes one :class:`QuestionRecord`: its status
(correct, incorrect, not attempted, or not run) and, for a wrong answer, the diagnosis as a
catalogue key with its numbers. The score decides whether a question is correct (the same
points the gradebook holds); the rest comes from the outcome records a failing check leaves in
its cell's outputs (:data:`course_helpers.grading.OUTCOME_MIME`), from what the grader itself
found (a pass without its check, an answer that hands its work to ``torch.optim``, a cell set
aside) and from the error a cell stopped with. The records are stored in the grading ledger, so
a regrade replaces them and an unchanged submission keeps them.

The outputs come from the student's kernel and are read as untrusted data: strict JSON, a size
limit, known shapes only. A record never changes a score.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import nbformat
from nbformat import NotebookNode

from course_helpers.classroom import cells as tracked
from course_helpers.classroom.model import Classroom
from course_helpers.classroom.worker import CellScore, Graded
from course_helpers.grading import MAX_OUTCOME_CHARS, OUTCOME_MIME, message_data
from course_helpers.i18n import Message, msg
from course_helpers.messages import CATALOGUE

CORRECT, INCORRECT, NOT_ATTEMPTED, NOT_RUN = "correct", "incorrect", "not_attempted", "not_run"
STATUSES = (CORRECT, INCORRECT, NOT_ATTEMPTED, NOT_RUN)

_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,100}")
_MAX_PARAMS = 20
_MAX_TEXT = 200
# Errors that mean the cell never finished, rather than a wrong answer.
_STOPPED = {"CellTimeoutError": "report.diag.timeout", "KeyboardInterrupt": "report.diag.timeout",
            "DeadKernelError": "report.diag.kernel_died"}
# The judge's diagnoses of an answer that did not finish, as the report names them.
_UNFINISHED: dict[str, Message | None] = {"judge.timed_out": msg("report.diag.timeout"),
                                          "judge.not_observed": None}


@dataclass(frozen=True)
class QuestionRecord:
    """One graded question of one submission."""

    question: str                 # "q3": the test cell's grade_id without "-test"
    status: str                   # one of STATUSES
    score: float = 0.0
    max_score: float = 0.0
    diagnosis: Message | None = None
    hidden: bool = False          # the failure came from the hidden inputs

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"question": self.question, "status": self.status,
                                "score": self.score, "max_score": self.max_score}
        if self.diagnosis is not None:
            data["diagnosis"] = message_data(self.diagnosis)
        if self.hidden:
            data["hidden"] = True
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QuestionRecord | None:
        """The record, or None when ``data`` is not one (a damaged or foreign ledger)."""
        try:
            status = str(data["status"])
            if status not in STATUSES:
                return None
            diagnosis = data.get("diagnosis")
            return cls(str(data["question"])[:_MAX_TEXT], status, float(data.get("score", 0)),
                       float(data.get("max_score", 0)),
                       read_message(diagnosis) if diagnosis is not None else None,
                       bool(data.get("hidden", False)))
        except (KeyError, TypeError, ValueError):
            return None


def question_of(grade_id: str) -> str:
    """``q3`` for ``q3-test`` or ``q3-solution``: the part a lesson's cells share."""
    return grade_id.rsplit("-", 1)[0] if "-" in grade_id else grade_id


def read_message(data: Any, depth: int = 0) -> Message | None:
    """A message from untrusted data, or None: a known key and plain parameters only."""
    if not isinstance(data, Mapping) or not isinstance(data.get("key"), str):
        return None
    key = data["key"]
    if not _KEY.fullmatch(key) or key not in CATALOGUE:
        return None
    params: dict[str, Any] = {}
    raw = data.get("params", {})
    if not isinstance(raw, Mapping):
        return None
    for name, value in list(raw.items())[:_MAX_PARAMS]:
        if not isinstance(name, str):
            continue
        if isinstance(value, Mapping):
            inner = read_message(value, depth + 1) if depth < 2 else None
            if inner is not None:
                params[name] = inner
        elif value is None or isinstance(value, bool | int | float):
            params[name] = value
        elif isinstance(value, str):
            params[name] = value[:_MAX_TEXT]
    return Message(key, params)


def outcome_records(outputs: Iterable[Any]) -> list[dict[str, Any]]:
    """The outcome records of failing checks in a cell's outputs, validated, in order."""
    found = []
    for output in outputs or ():
        if not isinstance(output, Mapping) or output.get("output_type") != "display_data":
            continue
        data = output.get("data")
        payload = data.get(OUTCOME_MIME) if isinstance(data, Mapping) else None
        text = payload if isinstance(payload, str) else _dumps(payload)
        if text is None or len(text) > MAX_OUTCOME_CHARS:
            continue
        try:
            record = json.loads(text, parse_constant=_refuse)
        except ValueError:
            continue
        if isinstance(record, Mapping) and record.get("status") in (INCORRECT, NOT_ATTEMPTED):
            found.append(dict(record))
    return found


def _dumps(payload: Any) -> str | None:
    try:
        return json.dumps(payload, allow_nan=False) if payload is not None else None
    except (TypeError, ValueError):
        return None


def _refuse(constant: str) -> None:
    raise ValueError(f"not strict JSON: {constant}")


def question_records(notebook: NotebookNode, scores: Mapping[str, CellScore], *,
                     delegated: Mapping[str, Message] = {},
                     set_aside: Mapping[str, Message] = {}) -> list[QuestionRecord]:
    """A record for every graded test cell of an autograded notebook.

    ``scores`` maps grade_id to nbgrader's scores of that cell (after the
    grader's own corrections); ``delegated`` maps a question to why its answer does not
    count, and ``set_aside`` maps a question to why one of its cells was replaced before
    grading.
    """
    records = []
    for cell in notebook.cells:
        grade_id = tracked.grade_id(cell)
        if cell.cell_type != "code" or not tracked.is_test(cell) or grade_id not in scores:
            continue
        score = float(scores[grade_id].auto_score or 0)
        top = scores[grade_id].max_score
        question = question_of(grade_id)
        records.append(_record(question, delegated.get(question),
                               set_aside.get(question), cell.get("outputs", []), score, top))
    return records


def _record(question: str, delegated: Message | None,
            set_aside: Message | None, outputs: list[Any], score: float,
            top: float) -> QuestionRecord:
    if top > 0 and score >= top:
        return QuestionRecord(question, CORRECT, score, top)
    if delegated is not None:
        return QuestionRecord(question, INCORRECT, score, top, delegated)
    if set_aside is not None:
        return QuestionRecord(question, NOT_RUN, score, top, set_aside)
    markers = outcome_records(outputs)
    if markers:
        first = markers[0]
        diagnosis = read_message(first.get("diagnosis"))
        if diagnosis is not None and diagnosis.key in _UNFINISHED:
            # The judge found the answer never finished: not a wrong answer.
            return QuestionRecord(question, NOT_RUN, score, top, _UNFINISHED[diagnosis.key]
                                  or diagnosis)
        return QuestionRecord(question, str(first["status"]), score, top, diagnosis,
                              first.get("hidden") is True)
    errors = [o for o in outputs if isinstance(o, Mapping) and o.get("output_type") == "error"]
    if errors:
        name = str(errors[-1].get("ename", ""))[:_MAX_TEXT]
        if name in _STOPPED:
            return QuestionRecord(question, NOT_RUN, score, top, msg(_STOPPED[name]))
        return QuestionRecord(question, INCORRECT, score, top,
                              msg("report.diag.error", error=name or "?"))
    return QuestionRecord(question, INCORRECT, score, top)


def not_run(questions: Iterable[tuple[str, float]], reason: Message | None
            ) -> list[QuestionRecord]:
    """Every question of a submission that could not be graded at all, with the reason."""
    return [QuestionRecord(question, NOT_RUN, 0.0, top, reason) for question, top in questions]


def graded_records(course: Classroom, student: str, lesson: str, graded: Graded,
                   delegated: Mapping[str, Message], notes: Iterable[Message]
                   ) -> list[dict[str, Any]]:
    """The ledger's question records of a submission just graded, as plain JSON."""
    path = course.autograded(student, lesson) / f"{lesson}.ipynb"
    try:
        notebook = nbformat.read(path, as_version=4)
    except (OSError, ValueError):
        return []
    set_aside = {question_of(str(note.params.get("cell", ""))): note.params["why"]
                 for note in notes if note.key == "classroom.note.set_aside"
                 and isinstance(note.params.get("why"), Message)}
    records = question_records(notebook, graded.cells, delegated=delegated,
                               set_aside=set_aside)
    return [r.to_json() for r in records]
