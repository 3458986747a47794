"""The grading face: a failed check is the feedback panel, one short error line, no stderr.

nbgrader scores a test cell by its outputs: an error output (or anything written to stderr)
means zero. So a failing ``Question.grade(...)`` still raises :class:`CheckFailed`, an
``AssertionError``. What the student reads is the same coloured HTML panel that ``check()``
shows, displayed just before the raise; the error under it is one line
(``✗ 练习 3 未通过 · Exercise 3 not passed``), because IPython shows ``_render_traceback_()``
in place of the Python stack when an exception provides it. Where no panel is seen, the error
carries the whole feedback instead: outside a Jupyter kernel, and under ``nbgrader validate``,
whose report shows only the tracebacks of failed cells. The exception's message is always the
whole feedback as plain text.

The pass marker. Every passing ``Question.grade(...)`` shows its success feedback as one
display_data whose bundle also holds :data:`CHECK_MIME` with
``{"question": "ex.q3", "key": "autograd.q3", "hidden": false, "passed": true}``. A failing
grade raises :class:`CheckFailed` and shows no marker. The grader counts a test cell only if
its outputs hold the markers of the checks it calls (:func:`pass_markers` reads them), so a
check that was replaced, removed by an input transformer or whose failure was swallowed
scores nothing. JupyterLab renders the ``text/html`` of the same bundle and ignores the marker.

The outcome record. The panel of a failing grade is one display_data whose bundle also holds
:data:`OUTCOME_MIME`: the same fields with ``"status"`` (``incorrect`` or ``not_attempted``)
and ``"diagnosis"``, the first detail of the outcome as data
(``{"key": "diag.scaled", "params": {...}}``, strict JSON, at most :data:`MAX_OUTCOME_CHARS`).
The instructor's mistake report counts these; it never raises a score. The bundle's plain
text is empty (the error's message holds that text); JupyterLab and nbgrader's feedback page
show its HTML panel.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from course_helpers.i18n import Message
from course_helpers.outcome import Outcome, Status

CHECK_MIME = "application/vnd.course-helpers.check+json"
"""The mime type of the pass marker in a passing check's display_data."""

OUTCOME_MIME = "application/vnd.course-helpers.outcome+json"
"""The mime type of a failing check's outcome as data (status and diagnosis)."""

MAX_OUTCOME_CHARS = 4000
"""The largest outcome record, as JSON text; a bigger diagnosis keeps only its key."""
_MAX_TEXT = 200


# Taken when the course is imported: a later ``IPython.get_ipython = ...`` changes nothing.
try:
    from IPython import get_ipython as _get_ipython
except ImportError:  # pragma: no cover - IPython is a dependency
    _get_ipython = None  # type: ignore[assignment]


class CheckFailed(AssertionError):
    """Raised by ``Question.grade`` when an answer is wrong or missing.

    ``shown``: the grade displayed the outcome's panel (wherever there is a display) before
    raising; where the student reads that panel, the notebook error is then one line.
    """

    def __init__(self, outcome: Outcome, *, shown: bool = False) -> None:
        super().__init__("\n".join(outcome.text_lines()))
        self.outcome = outcome
        self.shown = shown

    def _render_traceback_(self) -> list[str]:
        if self.shown and panel_is_read():
            return [self.outcome.verdict()]
        return self.outcome.ansi_lines()


def panel_is_read() -> bool:
    """True where a failing grade's HTML panel is what the student reads.

    That is a Jupyter kernel (JupyterLab, nbgrader's autograde and its feedback page), except
    under ``nbgrader validate``: its report lists only the errors of failed cells.
    """
    shell = _get_ipython() if _get_ipython is not None else None
    if shell is None or getattr(shell, "kernel", None) is None:
        return False
    return os.environ.get("NBGRADER_EXECUTION") != "validate"


def marker_bundle(outcome: Outcome, marker: Mapping[str, Any]) -> dict[str, Any]:
    """The display bundle of a passing grade: plain text, HTML and the pass marker."""
    return {"text/plain": repr(outcome), "text/html": outcome._repr_html_(),
            CHECK_MIME: dict(marker)}


def outcome_bundle(outcome: Outcome, marker: Mapping[str, Any]) -> dict[str, Any]:
    """The display bundle of a failing grade: the HTML panel and the outcome as plain data."""
    problem = outcome.details[0] if outcome.details else None
    diagnosis = (message_data(problem)
                 if outcome.status is Status.INCORRECT and problem is not None else None)
    record = {**marker, "status": outcome.status.value, "diagnosis": diagnosis}
    if len(json.dumps(record, allow_nan=False)) > MAX_OUTCOME_CHARS and diagnosis:
        record["diagnosis"] = {"key": diagnosis["key"], "params": {}}
    # The plain text stays empty: the error's message already holds it.
    return {"text/plain": "", "text/html": outcome._repr_html_(), OUTCOME_MIME: record}


def message_data(message: Message, depth: int = 0) -> dict[str, Any]:
    """A message as strict JSON: its key and its parameters (numbers stay numbers)."""
    params: dict[str, Any] = {}
    for name, value in list(message.params.items())[:20]:
        if isinstance(value, Message):
            params[str(name)] = (message_data(value, depth + 1) if depth < 2
                                 else {"key": value.key, "params": {}})
        elif value is None or isinstance(value, bool | int) or (
                isinstance(value, float) and value == value and abs(value) != float("inf")):
            params[str(name)] = value
        else:
            params[str(name)] = str(value)[:_MAX_TEXT]
    return {"key": str(message.key)[:_MAX_TEXT], "params": params}


def pass_markers(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pass-marker payloads found in a cell's outputs (nbformat output dicts), in order."""
    found = []
    for output in outputs or ():
        if not isinstance(output, Mapping):
            continue
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue
        data = output.get("data")
        payload = data.get(CHECK_MIME) if isinstance(data, Mapping) else None
        if isinstance(payload, str):  # some tools store JSON mime data as text
            try:
                payload = json.loads(payload)
            except ValueError:
                continue
        if isinstance(payload, Mapping):
            found.append(dict(payload))
    return found
