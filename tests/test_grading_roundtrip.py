"""Grading with the real nbgrader: validator on the notebooks, and autograde into a gradebook."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.validator import Validator

from course_helpers.course import lessons, release_notebook, source_notebook
from tests.conftest import ROOT
from tests.gradingcourse import make_course, nbgrader, solution_sources, submit
from tests.submissions import by_lesson

MISTAKES = by_lesson()


def _points(path) -> dict[str, float]:
    notebook = nbformat.read(path, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
            for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")}


def test_every_lesson_has_typical_mistake_submissions():
    assert sorted(MISTAKES) == lessons(ROOT)


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lessons(ROOT))
def test_every_test_cell_passes_on_the_solution(lesson: str):
    assert _points(source_notebook(ROOT, lesson)), "no graded cells"
    # nbgrader validate exits 0 even on failure; its API returns what failed.
    results = Validator().validate(str(source_notebook(ROOT, lesson)))
    assert results == {}, results


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lessons(ROOT))
def test_no_test_cell_passes_on_the_untouched_release(lesson: str):
    results = Validator(invert=True).validate(str(release_notebook(ROOT, lesson)))
    assert "changed" not in results and "type_changed" not in results, results
    assert results.get("passed", []) == [], [p["source"] for p in results["passed"]]


@pytest.fixture(scope="module", params=sorted(MISTAKES))
def graded(request, tmp_path_factory):
    lesson = request.param
    course = make_course(tmp_path_factory.mktemp(f"grading-{lesson}"), lesson)
    right = solution_sources(lesson)
    submit(course, lesson, "correct", right)
    submit(course, lesson, "blank", {})
    mixed = dict(right)
    mixed.update({grade_id: source for grade_id, (source, _) in MISTAKES[lesson].items()})
    submit(course, lesson, "mistakes", mixed)
    result = nbgrader(course, "autograde", lesson, "--create", "--force")
    assert result.returncode == 0, result.stderr[-4000:]
    feedback = nbgrader(course, "generate_feedback", lesson, "--force")
    assert feedback.returncode == 0, feedback.stderr[-4000:]
    return lesson, course


def _score(course, lesson: str, student: str) -> tuple[float, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(lesson, student)
        return submission.score, submission.max_score


@pytest.mark.notebook
def test_correct_submission_gets_full_marks(graded):
    lesson, course = graded
    total = sum(_points(source_notebook(ROOT, lesson)).values())
    assert _score(course, lesson, "correct") == (total, total)


@pytest.mark.notebook
def test_blank_release_gets_zero(graded):
    lesson, course = graded
    total = sum(_points(source_notebook(ROOT, lesson)).values())
    assert _score(course, lesson, "blank") == (0, total)


@pytest.mark.notebook
def test_typical_mistakes_lose_exactly_their_points(graded):
    lesson, course = graded
    points = _points(source_notebook(ROOT, lesson))
    wrong_tests = sorted(g.replace("-solution", "-test") for g in MISTAKES[lesson])
    expected = sum(points.values()) - sum(points[t] for t in wrong_tests)
    assert _score(course, lesson, "mistakes") == (expected, sum(points.values()))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(lesson, lesson, "mistakes")
        zero = sorted(g.name for g in submission.grades if g.score == 0)
    assert zero == wrong_tests


@pytest.mark.notebook
def test_feedback_names_the_mistake_in_both_languages(graded):
    lesson, course = graded
    page = (course / "feedback" / "mistakes" / lesson / f"{lesson}.html").read_text()
    text = re.sub(r"<[^>]+>", "", page)
    for _, phrases in MISTAKES[lesson].values():
        for phrase in phrases:
            assert phrase in text, phrase


@pytest.mark.notebook
def test_blank_feedback_says_not_attempted(graded):
    lesson, course = graded
    page = (course / "feedback" / "blank" / lesson / f"{lesson}.html").read_text()
    assert "尚未作答" in page and "Not attempted yet" in page
