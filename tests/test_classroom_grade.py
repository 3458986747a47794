"""Grading a whole class with the real nbgrader: robustness, cheats, records, feedback, CSV.

One scratch course holds lesson 02 and a class with every robustness case and every cheat
(tests/classroom_class.py); it is graded once, in parallel, and the tests read the result
from the report, the gradebook, the ledger, the autograded notebooks and the feedback.
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest

from course_helpers.classroom.export import export_grades
from course_helpers.classroom.feedback import generate_feedback
from course_helpers.classroom.grade import ClassReport, grade_class
from course_helpers.classroom.worker import Limits
from course_helpers.course import copy_course
from course_helpers.grading import CHECK_MIME, OUTCOME_MIME
from tests.classroom_class import CLASS, LESSON, hand_in
from tests.conftest import ROOT
from tests.gradingcourse import gradebook_scores

pytestmark = pytest.mark.notebook

LIMITS = Limits(cell_timeout=8, submission_timeout=60, memory_bytes=3 * 2**30)


def make_course(tmp: Path) -> Path:
    return copy_course(ROOT, [LESSON], tmp / "course")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, ClassReport]:
    course = make_course(tmp_path_factory.mktemp("class"))
    hand_in(course)
    report = grade_class(course, [LESSON], workers=2, limits=LIMITS)
    return course, report


def _row(report: ClassReport, student: str):
    return next(row for row in report.rows if row.student == student)


def _gradebook_scores(course: Path) -> dict[str, float]:
    return {student: score for (student, _), score in gradebook_scores(course).items()}


def _autograded_cell(course: Path, student: str, grade_id: str) -> nbformat.NotebookNode:
    """One cell of a student's autograded notebook, as nbgrader left it."""
    notebook = nbformat.read(course / "autograded" / student / LESSON / f"{LESSON}.ipynb",
                             as_version=4)
    return next(c for c in notebook.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _stream_text(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.mark.parametrize("student", sorted(CLASS))
def test_each_submission_gets_its_expected_result(graded, student):
    _, report = graded
    row = _row(report, student)
    _, score, failure = CLASS[student]
    if failure is None:
        assert row.status == "graded", (row.reason, row.notes)
        assert row.score == score, [str(n) for n in row.notes]
        assert row.max_score == 12
    else:
        assert row.status == "failed"
        assert row.reason is not None and row.reason.key == failure
        text = str(row.reason)
        assert len(text.splitlines()) == 2 and "Traceback" not in text  # zh line, en line


def test_the_gradebook_holds_exactly_the_graded_submissions(graded):
    course, report = graded
    expected = {row.student: row.score for row in report.rows if row.status == "graded"}
    assert _gradebook_scores(course) == expected


@pytest.mark.parametrize(("student", "note"), [
    ("deleted_cells", "classroom.note.restored_cells"),
    ("duplicated", "classroom.note.duplicate_ids"),
    ("renamed", "classroom.note.renamed"),
    ("loop_no_sigint", "classroom.note.set_aside"),
    ("kernel_dies", "classroom.note.set_aside"),
])
def test_repairs_are_reported(graded, student, note):
    _, report = graded
    assert note in [n.key for n in _row(report, student).notes]


def test_a_cell_that_ignores_interrupts_is_named(graded):
    _, report = graded
    note = next(n for n in _row(report, "loop_no_sigint").notes
                if n.key == "classroom.note.set_aside")
    assert note.params["cell"] == "q2-solution"
    assert note.params["why"].key == "classroom.hung"


def test_a_dying_kernel_is_named(graded):
    _, report = graded
    note = next(n for n in _row(report, "kernel_dies").notes
                if n.key == "classroom.note.set_aside")
    assert note.params["cell"] == "q3-solution"
    assert note.params["why"].key == "classroom.kernel_died"


def test_memory_is_capped_per_submission(graded):
    course, _ = graded
    cell = _autograded_cell(course, "memory_hog", "q4-solution")
    assert any(o.get("ename") == "MemoryError" for o in cell.outputs), cell.outputs


def test_flooding_output_is_truncated(graded):
    course, _ = graded
    text = _stream_text(_autograded_cell(course, "flood", "q6-solution"))
    assert len(text) < 200_000
    assert "truncated" in text


def test_the_kernel_sees_no_course_files_and_cannot_write_grades(graded):
    course, _ = graded
    text = _stream_text(_autograded_cell(course, "cheat_snoop", "q2-solution"))
    assert "course files in sight: []" in text
    assert _gradebook_scores(course)["cheat_snoop"] == 10


def test_a_hostile_kernel_reaches_nothing_of_the_course(graded):
    course, _ = graded
    text = _stream_text(_autograded_cell(course, "cheat_proc", "q2-solution"))
    assert "reached: []" in text
    scores = _gradebook_scores(course)
    assert scores["cheat_proc"] == 10  # the wrong answer's score, nothing more
    assert scores["blank"] == 0 and scores["alice"] == 12


def test_only_test_cells_carry_the_judges_verdict(graded):
    course, _ = graded
    notebook = nbformat.read(course / "autograded" / "alice" / LESSON / f"{LESSON}.ipynb",
                             as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type != "code":
            continue
        kinds = {kind for o in cell.outputs for kind in o.get("data", {})}
        if grade_id.endswith("-test"):
            assert CHECK_MIME in kinds, grade_id  # alice is right everywhere
            assert "observe(" not in cell.source and "grade(" in cell.source
        else:  # the setup cell and the answers: as the kernel left them
            assert CHECK_MIME not in kinds and OUTCOME_MIME not in kinds, grade_id
            assert not [o for o in cell.outputs if o.output_type == "error"], grade_id


def test_a_second_run_changes_nothing(graded):
    course, report = graded
    before = _gradebook_scores(course)
    again = grade_class(course, [LESSON], workers=2, limits=LIMITS)
    assert {row.status for row in again.rows} == {"unchanged", "failed"}
    assert {r.student: (r.score, r.status == "failed") for r in again.rows} == {
        r.student: (r.score, r.status == "failed") for r in report.rows}
    assert _gradebook_scores(course) == before


def test_regrading_gives_the_same_scores(graded):
    course, report = graded
    before = _gradebook_scores(course)
    chosen = ["alice", "cheat_grade", "deleted_cells"]
    again = grade_class(course, [LESSON], students=chosen, workers=2, limits=LIMITS,
                        force=True)
    assert {r.student: (r.status, r.score) for r in again.rows} == {
        r.student: ("graded", r.score) for r in report.rows if r.student in chosen}
    assert _gradebook_scores(course) == before


def test_feedback_pages_show_no_hidden_tests(graded):
    course, _ = graded
    pages = generate_feedback(course, LESSON)
    assert {p.parts[-3] for p in pages} == set(_gradebook_scores(course))
    for page in pages:
        html = page.read_text()
        assert "HIDDEN TESTS" not in html and "hidden=True" not in html
    loop = (course / "feedback" / "loop" / LESSON / f"{LESSON}.html").read_text()
    # The judge's verdict on the answer that ran out of time is shown, its hidden part is not.
    assert "ran past the time limit" in loop


def test_grades_export_as_csv(graded, tmp_path):
    course, _ = graded
    target = tmp_path / "grades.csv"
    assert export_grades(course, [LESSON], target) == len(CLASS)
    with target.open(encoding="utf-8-sig") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert rows["alice"]["score"] == "12" and rows["alice"]["status"] == "graded"
    assert rows["truncated"]["status"] == "failed"
    assert "incomplete" in rows["truncated"]["reason"]
    assert rows["missing"]["status"] == "failed"
