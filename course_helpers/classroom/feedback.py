"""Per-student feedback pages, made by nbgrader, with the hidden tests taken out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nbgrader.preprocessors import ClearHiddenTests

from course_helpers.classroom.model import Classroom
from course_helpers.classroom.record import tools_on_path

HIDDEN_MARKERS = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "hidden=True")

# nbgrader's default feedback shows test cells as graded, hidden tests included. The course's
# nbgrader_config.py adds HideHiddenTests; the command line repeats it so that the pages are
# safe even with an older config.
PREPROCESSORS = ("nbgrader.preprocessors.GetGrades",
                 "course_helpers.classroom.feedback.HideHiddenTests",
                 "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor")
_HIDDEN_NOTE = "（隐藏测试的代码不显示 / hidden test code not shown）"


class HideHiddenTests(ClearHiddenTests):
    """Take hidden tests out of a graded test cell: its source, and tracebacks quoting it.

    A check that fails shows only its own message, but an interrupted or crashing test cell
    shows Python's traceback, which quotes the lines around the failure.
    """

    def preprocess_cell(self, cell, resources, cell_index):  # type: ignore[override]
        # Student cells may quote the markers too; nbgrader would refuse the whole notebook.
        try:
            self._remove_hidden_test_region(cell)
        except RuntimeError:
            cell.source = _HIDDEN_NOTE
        if _reveals(cell.source):
            cell.source = _HIDDEN_NOTE
        if cell.cell_type != "code":
            return cell, resources
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [_HIDDEN_NOTE if _reveals(entry) else entry
                                       for entry in output.get("traceback", [])]
            elif output.get("output_type") == "stream" and _reveals(output.get("text", "")):
                output["text"] = _HIDDEN_NOTE + "\n"
        return cell, resources


def _reveals(text: str) -> bool:
    return any(marker in text for marker in HIDDEN_MARKERS)


class FeedbackError(RuntimeError):
    """nbgrader could not write the feedback."""


def generate_feedback(root: Path, lesson: str) -> list[Path]:
    """Write ``feedback/<student>/<lesson>/<lesson>.html`` for every graded submission."""
    tools_on_path()
    course = Classroom.at(root)
    students = course.graded_students(lesson)
    if not students:
        return []
    command = [sys.executable, "-m", "nbgrader", "generate_feedback", lesson, "--force",
               "--log-level=WARN", "--GenerateFeedback.preprocessors=" + repr(list(PREPROCESSORS))]
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    pages = [course.feedback_page(student, lesson) for student in students]
    missing = [page for page in pages if not page.is_file()]
    if done.returncode != 0 or missing:
        detail = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise FeedbackError(f"{lesson}: {detail}")
    for page in pages:
        leaked = [marker for marker in HIDDEN_MARKERS if marker in page.read_text()]
        if leaked:
            page.unlink()
            raise FeedbackError(f"{page}: hidden tests would show ({leaked})")
    return pages
