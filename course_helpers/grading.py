"""The grading face: a failed check becomes a short bilingual error, and nothing on stderr.

nbgrader scores a test cell by its outputs: an error output (or anything written to stderr)
means zero. :class:`CheckFailed` is an ``AssertionError`` whose notebook traceback is just the
coloured feedback, because IPython shows ``_render_traceback_()`` in place of the Python
stack when an exception provides it.

The pass marker. Every passing ``Question.grade(...)`` shows its success feedback as one
display_data whose bundle also holds :data:`CHECK_MIME` with
``{"question": "ex.q3", "key": "autograd.q3", "hidden": false, "passed": true}``. A failing
grade raises :class:`CheckFailed` and shows no marker. The grader counts a test cell only if
its outputs hold the markers of the checks it calls (:func:`pass_markers` reads them), so a
check that was replaced, removed by an input transformer or whose failure was swallowed
scores nothing. JupyterLab renders the ``text/html`` of the same bundle and ignores the marker.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from course_helpers.outcome import Outcome

CHECK_MIME = "application/vnd.course-helpers.check+json"
"""The mime type of the pass marker in a passing check's display_data."""


class CheckFailed(AssertionError):
    """Raised by ``Question.grade`` when an answer is wrong or missing."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__("\n".join(outcome.text_lines()))
        self.outcome = outcome

    def _render_traceback_(self) -> list[str]:
        return self.outcome.ansi_lines()


def marker_bundle(outcome: Outcome, marker: Mapping[str, Any]) -> dict[str, Any]:
    """The display bundle of a passing grade: plain text, HTML and the pass marker."""
    return {"text/plain": repr(outcome), "text/html": outcome._repr_html_(),
            CHECK_MIME: dict(marker)}


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
