"""Cheats written by someone who has read the package: reaching the answer key from an answer.

In the self-study edition and in the grader's own kernel the key is importable, so the grader
reads the submitted source, outside the kernel: an answer that reaches the course package,
builds code at run time or reads the interpreter's internals scores nothing. Each cheat here
is graded end to end and must gain no point over leaving the question blank.
"""

from __future__ import annotations

import nbformat
import pytest

from course_helpers.classroom.grade import grade_class
from course_helpers.classroom.samples import answered, solutions
from course_helpers.classroom.static import delegations
from course_helpers.classroom.worker import Limits
from course_helpers.course import copy_course, lessons, source_notebook
from tests.conftest import ROOT

LESSON = "02_autograd"
RIGHT = solutions(ROOT, LESSON)
BLANK_Q2 = "def grad_of_dot(x):\n    raise NotImplementedError()\n"

# question q2 (grad_of_dot) answered without doing the work; (answer cell, extra cell).
CHEATS: dict[str, tuple[str, str | None]] = {
    "calls the reference": ("def grad_of_dot(x):\n    return ex.q2.reference(x)\n", None),
    "reference bound in another cell": ("def grad_of_dot(x):\n    return reference(x)\n",
                                        "reference = ex.q2.reference\n"),
    "rebinds the name later": (BLANK_Q2, "grad_of_dot = ex.q2.reference\n"),
    "imports the key": ("from course_helpers.key.autograd import grad_of_dot\n", None),
    "imports the key by name": (
        "def grad_of_dot(x):\n"
        "    key = __import__('course_helpers.key.autograd', fromlist=['x'])\n"
        "    return key.grad_of_dot(x)\n", None),
    "runs the solution text": ("exec(ex.q2.solution())\n", None),
    "execs the key file from disk": (
        BLANK_Q2,
        "import course_helpers\n"
        "path = course_helpers.__file__.replace('__init__.py', 'key/autograd.py')\n"
        "exec(open(path).read())\n"),
    "looks up the hidden cases": (
        "def grad_of_dot(x):\n"
        "    for case in ex.q2.draws:\n"
        "        if case.args[0].shape == x.shape:\n"
        "            return ex.q2.expect(case)['grad'].to(x.dtype)\n"
        "    return 4 * x\n", None),
    "walks to the module globals": (
        "def grad_of_dot(x):\n"
        "    found = type(x).__init__.__globals__\n"
        "    return found['ex'].q2.reference(x)\n", None),
    "reads the notebook's globals": (
        "def grad_of_dot(x):\n    return globals()['e' + 'x'].q2.reference(x)\n", None),
    "finds modules through sys": (
        "import sys\n"
        "def grad_of_dot(x):\n"
        "    return sys.modules['course_helpers.key.autograd'].grad_of_dot(x)\n", None),
    "a dynamic attribute": (
        "def grad_of_dot(x):\n    return getattr(ex.q2, 'refer' + 'ence')(x)\n", None),
}


def _notebook(answer: str, extra: str | None) -> nbformat.NotebookNode:
    notebook = answered(ROOT, LESSON, {**RIGHT, "q2-solution": answer})
    if extra is not None:
        notebook.cells.append(nbformat.v4.new_code_cell(extra))
    return notebook


@pytest.mark.parametrize("how", sorted(CHEATS))
def test_every_cheat_is_found_in_the_source(how):
    found = delegations(LESSON, _notebook(*CHEATS[how]))
    assert "q2" in found, found


@pytest.mark.parametrize("lesson", lessons(ROOT))
def test_right_answers_of_every_lesson_are_untouched(lesson):
    assert delegations(lesson, nbformat.read(source_notebook(ROOT, lesson), as_version=4)) == {}
    assert delegations(lesson, answered(ROOT, lesson, solutions(ROOT, lesson))) == {}


def test_honest_code_that_looks_alike_is_untouched():
    # A local variable named like the setup cell's alias, a constant getattr with a default,
    # and checks run from a scratch cell are all ordinary.
    q2 = ("def grad_of_dot(x):\n"
          "    ex = x.detach().clone().requires_grad_(True)\n"
          "    y = 2 * torch.dot(ex, ex)\n"
          "    y.backward()\n"
          "    return getattr(ex, 'grad', None)\n")
    notebook = _notebook(q2, "ex.q2.check(grad_of_dot)\nex.q2.hint()\n")
    assert delegations(LESSON, notebook) == {}


@pytest.mark.notebook
def test_graded_end_to_end_no_cheat_gains_a_point(tmp_path):
    course = copy_course(ROOT, [LESSON], tmp_path / "course")
    hand_ins = {"blank": _notebook(BLANK_Q2, None)}
    names = {}
    for number, (how, (answer, extra)) in enumerate(sorted(CHEATS.items())):
        names[f"cheat{number:02d}"] = how
        hand_ins[f"cheat{number:02d}"] = _notebook(answer, extra)
    for student, notebook in hand_ins.items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{LESSON}.ipynb")
    report = grade_class(course, [LESSON], workers=2,
                         limits=Limits(cell_timeout=20, submission_timeout=120))
    rows = {row.student: row for row in report.rows}
    assert rows["blank"].status == "graded"
    assert rows["blank"].score == rows["blank"].max_score - 2  # q2 left blank, the rest right
    for student, how in names.items():
        row = rows[student]
        assert row.score <= rows["blank"].score, (how, row.score, row.notes)
