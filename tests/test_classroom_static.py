"""The grader's source checks: answers that hand their work to torch.optim score nothing.

The checks read the submitted source outside the kernel. They must catch delegation however
it is spelled (aliases, helpers in other cells, functional forms, dynamic lookups) and must
not touch right answers, including the instructor's own and ones that name torch.optim only
for its base class.
"""

from __future__ import annotations

import nbformat
import pytest

from course_helpers.classroom.grade import grade_class
from course_helpers.classroom.samples import answered, solutions
from course_helpers.classroom.static import delegations
from course_helpers.classroom.worker import Limits
from course_helpers.course import copy_course, source_notebook
from tests.conftest import ROOT

LESSON = "05_custom_optimizers"
RIGHT = solutions(ROOT, LESSON)
HEAD = ("class MomentumSGD(torch.optim.Optimizer):\n"
        "    def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0,"
        " weight_decay=0.0):\n"
        "        super().__init__(params, dict(lr=lr, momentum=momentum,"
        " dampening=dampening, weight_decay=weight_decay))\n"
        "    def step(self, closure=None):\n")
DELEGATING = {
    "direct": HEAD + "        for group in self.param_groups:\n"
                     "            torch.optim.SGD(group['params'], lr=group['lr']).step()\n",
    "alias": "import torch.optim as o\n" + HEAD + "        o.SGD(self.param_groups).step()\n",
    "from_import": "from torch.optim import SGD\n" + HEAD
                   + "        SGD(self.param_groups).step()\n",
    "functional": HEAD + "        torch.optim._functional.sgd([], [], [])\n",
    "getattr": HEAD + "        getattr(torch.optim, 'S' + 'GD')(self.param_groups).step()\n",
    "dunder_import": HEAD + "        __import__('torch').optim\n",
}
HELPER_CELL = ("from torch import optim as library\n"
               "def run_inner(params, group):\n"
               "    library.SGD(params, lr=group['lr']).step()\n")


def _with(q2: str, extra: str | None = None) -> nbformat.NotebookNode:
    notebook = answered(ROOT, LESSON, {**RIGHT, "q2-solution": q2})
    if extra is not None:
        notebook.cells.append(nbformat.v4.new_code_cell(extra))
    return notebook


@pytest.mark.parametrize("how", sorted(DELEGATING))
def test_delegation_is_found_however_it_is_spelled(how):
    assert set(delegations(LESSON, _with(DELEGATING[how]))) == {"q2"}


def test_a_helper_in_another_cell_is_followed():
    q2 = HEAD + "        for group in self.param_groups:\n" \
                "            run_inner(group['params'], group)\n"
    assert delegations(LESSON, _with(q2, HELPER_CELL)) == {"q2": "library.SGD"}


def test_right_answers_pass():
    assert delegations(LESSON, nbformat.read(source_notebook(ROOT, LESSON), as_version=4)) == {}
    assert delegations(LESSON, answered(ROOT, LESSON, RIGHT)) == {}


def test_a_students_own_comparison_elsewhere_is_not_held_against_the_answer():
    # A scratch cell compares with torch's SGD; the answer has a local of the same name.
    scratch = "w = torch.zeros(2, requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1)\n"
    q2 = RIGHT["q2-solution"].replace("for group in self.param_groups:",
                                      "opt = self\n        for group in opt.param_groups:", 1)
    assert "opt = self" in q2
    assert delegations(LESSON, _with(q2, scratch)) == {}


def test_lessons_without_a_rule_are_not_checked():
    notebook = answered(ROOT, "02_autograd", solutions(ROOT, "02_autograd"))
    notebook.cells.append(nbformat.v4.new_code_cell("import torch.optim\ntorch.optim.SGD"))
    assert delegations("02_autograd", notebook) == {}


@pytest.mark.notebook
def test_grading_gives_a_delegating_answer_nothing(tmp_path):
    course = copy_course(ROOT, [LESSON], tmp_path / "course")
    for student, notebook in {"right": answered(ROOT, LESSON, RIGHT),
                              "delegates": _with(DELEGATING["direct"].replace(
                                  "torch.optim.SGD(group['params'], lr=group['lr']).step()",
                                  "torch.optim.SGD(group['params'], lr=group['lr'],"
                                  " momentum=group['momentum'], dampening=group['dampening'],"
                                  " weight_decay=group['weight_decay']).step()"))}.items():
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{LESSON}.ipynb")
    report = grade_class(course, [LESSON], workers=2,
                         limits=Limits(cell_timeout=20, submission_timeout=120))
    rows = {row.student: row for row in report.rows}
    assert rows["right"].score == rows["right"].max_score
    assert rows["delegates"].score == rows["right"].score - 2
    assert [n.params["question"] for n in rows["delegates"].notes
            if n.key == "grading.note.delegated"] == ["q2"]
