"""Did a passed test cell really run its check?

nbgrader gives a test cell its points when the cell raises nothing. Student code can arrange
that without any check running: replace ``ex.q1.grade`` with a function that does nothing,
install an IPython transformer that deletes the call, or swallow the error with
``set_custom_exc``. A genuine passing check leaves a pass marker in the cell's outputs (see
:data:`course_helpers.grading.CHECK_MIME`); a test cell that scored without one is reported
and scores zero.
"""

from __future__ import annotations

import re
from typing import Any

from nbformat import NotebookNode

from course_helpers.classroom import cells as tracked
from course_helpers.grading import pass_markers

_CALL = re.compile(r"\b\w+\.(q\w+)\.grade\((?P<args>[^\n]*)\)")
_HIDDEN = re.compile(r"hidden\s*=\s*True")


def expected_passes(source: str) -> list[tuple[str, bool]]:
    """(question, hidden) for every ``ex.qN.grade(...)`` call in a test cell's source."""
    return [(match.group(1), bool(_HIDDEN.search(match.group("args"))))
            for match in _CALL.finditer(source)]


def unproven_passes(notebook: NotebookNode, cells: dict[str, dict[str, Any]]) -> list[str]:
    """grade_ids of test cells that scored points without a pass marker for every check."""
    unproven = []
    for cell in notebook.cells:
        grade_id = tracked.grade_id(cell)
        if cell.cell_type != "code" or not tracked.is_test(cell) or grade_id not in cells:
            continue
        if not (cells[grade_id].get("auto_score") or 0) > 0:
            continue
        wanted = expected_passes(cell.source)
        found = [(str(m.get("question", "")).rsplit(".", 1)[-1], bool(m.get("hidden")))
                 for m in pass_markers(cell.get("outputs", [])) if m.get("passed") is True]
        for call in wanted:
            if call in found:
                found.remove(call)
            else:
                unproven.append(grade_id)
                break
    return unproven
