"""The kernel's half of grading: run the student's answer and write down what it gave.

When an instructor grades, each test cell calls :func:`observe` in place of its check: it
runs the answer on the question's visible cases and on hidden cases drawn from the grader's
seed, exactly as a check would, and writes every result, the arguments as the answer left
them, and any error's diagnosis, to a file of plain data (:mod:`course_helpers.plaindata`).
It decides nothing: the judge, in the grader's own process and with the answer key, reads
the file and gives the score. Whatever this module is made to write, it cannot say that an
answer is right; only values the judge checks can.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from course_helpers import plaindata, trusted
from course_helpers.question import Case, Question, _NotAttempted, _Raised

MISSING = object()
"""Stands for an answer whose name the notebook never defined."""


def observe(lesson: str, number: int, answer: Any, seed: int | None, path: str) -> None:
    """Run ``answer`` on question ``number`` of ``lesson`` and write what it gave to ``path``."""
    question = importlib.import_module(f"course_helpers.lessons.{lesson}").QUESTIONS[number - 1]
    writer = plaindata.Writer()
    header: dict[str, Any] = {"lesson": lesson, "number": number, "complete": False,
                              "defined": answer is not MISSING,
                              "callable": callable(answer) and answer is not MISSING,
                              "type": type(answer).__name__[:80],
                              "visible": [], "hidden": [], "grad_left_off": False}
    try:
        if header["callable"]:
            trusted.set_grad_enabled(True)
            try:
                for kind, cases in (("visible", question.visible),
                                    ("hidden", question.draw(seed))):
                    for index, case in enumerate(cases):
                        attempts = [_attempt(question, answer, case, writer)]
                        if index == 0 and (question.repeat or question.again):
                            attempts.append(_attempt(question, answer, case, writer))
                        header[kind].append(attempts)
            finally:
                header["grad_left_off"] = not trusted.is_grad_enabled()
                trusted.set_grad_enabled(True)
        header["complete"] = True
    except KeyboardInterrupt:  # the grader's time limit: the cases not reached did not run
        header["stopped"] = "time"
        raise
    finally:
        _write(Path(path), writer, header)


def _attempt(question: Question, answer: Any, case: Case,
             writer: plaindata.Writer) -> dict[str, Any]:
    try:
        result, seen = question._call(answer, case)
    except _NotAttempted:
        return {"status": "not_attempted"}
    except _Raised as raised:
        from course_helpers.grading import message_data

        return {"status": "raised", "diagnosis": message_data(raised.diagnosis)}
    # Written now: a later call may change the very tensors this one returned. Result and
    # arguments form one tree, so that what they share (an object, memory) is seen as shared.
    return {"status": "returned", "values": writer.node((result, tuple(seen)))}


def _write(path: Path, writer: plaindata.Writer, header: dict[str, Any]) -> None:
    try:
        data = writer.to_bytes(header)
    except (plaindata.Unreadable, ValueError):
        data = plaindata.Writer().to_bytes({**header, "visible": [], "hidden": [],
                                            "complete": False, "too_big": True})
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
