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

LESSON = "02_autograd"


def _test_cells(path) -> list[str]:
    notebook = nbformat.read(path, as_version=4)
    return [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade")]


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lessons(ROOT))
def test_every_test_cell_passes_on_the_solution(lesson: str, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "both")
    assert _test_cells(source_notebook(ROOT, lesson)), "no graded cells"
    # nbgrader validate exits 0 even on failure; its API returns what failed.
    results = Validator().validate(str(source_notebook(ROOT, lesson)))
    assert results == {}, results


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", lessons(ROOT))
def test_no_test_cell_passes_on_the_untouched_release(lesson: str):
    results = Validator(invert=True).validate(str(release_notebook(ROOT, lesson)))
    assert "changed" not in results and "type_changed" not in results, results
    assert results.get("passed", []) == [], [p["source"] for p in results["passed"]]


# Typical mistakes a student makes in lesson 02, each with the diagnosis feedback must show.
MISTAKES = {
    "q3-solution": (
        "def mean_square_grad(x):\n"
        "    x = x.detach().clone().requires_grad_(True)\n"
        "    (x ** 2 + 20).sum().backward()\n"
        "    return x.grad\n",
        ["你用的是 sum()（求和）", "but you used sum()"],
    ),
    "q5-solution": (
        "def two_input_grads(a, b):\n"
        "    a = a.detach().clone().requires_grad_(True)\n"
        "    b = b.detach().clone().requires_grad_(True)\n"
        "    (a ** 2 + b ** 2 + a * b).sum().backward()\n"
        "    return b.grad, a.grad\n",
        ["两个梯度的顺序反了", "The two gradients are swapped"],
    ),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("grading"), LESSON)
    right = solution_sources(LESSON)
    submit(course, LESSON, "correct", right)
    submit(course, LESSON, "blank", {})
    mixed = dict(right)
    mixed.update({grade_id: source for grade_id, (source, _) in MISTAKES.items()})
    submit(course, LESSON, "mistakes", mixed)
    result = nbgrader(course, "autograde", LESSON, "--create", "--force")
    assert result.returncode == 0, result.stderr[-4000:]
    feedback = nbgrader(course, "generate_feedback", LESSON, "--force")
    assert feedback.returncode == 0, feedback.stderr[-4000:]
    return course


def _score(course, student: str) -> tuple[float, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(LESSON, student)
        return submission.score, submission.max_score


@pytest.mark.notebook
def test_correct_submission_gets_full_marks(graded):
    score, maximum = _score(graded, "correct")
    assert maximum == 12
    assert score == maximum


@pytest.mark.notebook
def test_blank_release_gets_zero(graded):
    assert _score(graded, "blank") == (0, 12)


@pytest.mark.notebook
def test_typical_mistakes_lose_exactly_their_points(graded):
    assert _score(graded, "mistakes") == (12 - 2 * len(MISTAKES), 12)
    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission_notebook(LESSON, LESSON, "mistakes")
        zero = sorted(g.name for g in submission.grades if g.score == 0)
    assert zero == ["q3-test", "q5-test"]


@pytest.mark.notebook
def test_feedback_names_the_mistake_in_both_languages(graded):
    page = (graded / "feedback" / "mistakes" / LESSON / f"{LESSON}.html").read_text()
    text = re.sub(r"<[^>]+>", "", page)
    for _, phrases in MISTAKES.values():
        for phrase in phrases:
            assert phrase in text, phrase


@pytest.mark.notebook
def test_blank_feedback_says_not_attempted(graded):
    page = (graded / "feedback" / "blank" / LESSON / f"{LESSON}.html").read_text()
    assert "尚未作答" in page and "Not attempted yet" in page
