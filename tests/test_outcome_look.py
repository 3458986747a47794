"""One look for the three outcomes: a failing grade is the feedback panel and one short error.

The browser test (tests/test_browser.py) checks how the three look in JupyterLab; these check
what a kernel sends under JupyterLab, nbgrader's autograde and nbgrader's validate.
"""

from __future__ import annotations

import html
import re

import pytest

from course_helpers import i18n
from course_helpers.grading import OUTCOME_MIME, CheckFailed
from course_helpers.i18n import msg
from course_helpers.outcome import Outcome, Status
from tests.conftest import run_cells

SETUP = "import course_helpers as ch\nfrom course_helpers.lessons import autograd as ex\n"
WRONG = ("def mean_square_grad(x):\n"
         "    x = x.detach().clone().requires_grad_(True)\n"
         "    (x ** 2 + 20).sum().backward()\n"
         "    return x.grad\n"
         "ex.q3.grade(mean_square_grad)\n")
BLANK = "def grad_of_dot(x):\n    raise NotImplementedError()\nex.q2.grade(grad_of_dot)\n"


def _panel(outputs: list) -> str:
    pages = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", " ", page)) for page in pages)


def test_the_verdict_is_one_line_in_the_languages_shown(monkeypatch):
    monkeypatch.setattr(i18n, "_chosen", None)
    title = msg("outcome.title", number="3")
    wrong = Outcome(Status.INCORRECT, title, (msg("outcome.hint_pointer", name="ex.q3"),))
    blank = Outcome(Status.NOT_ATTEMPTED, title)
    monkeypatch.setenv("COURSE_LANG", "both")
    assert wrong.verdict() == "✗ 练习 3 未通过 · Exercise 3 not passed"
    assert blank.verdict() == "… 练习 3 未通过 · Exercise 3 not passed"
    monkeypatch.setenv("COURSE_LANG", "en")
    assert wrong.verdict() == "✗ Exercise 3 not passed"
    # Outside a kernel nobody sees a panel: the error keeps the whole feedback.
    error = CheckFailed(wrong, shown=True)
    assert error._render_traceback_() == wrong.ansi_lines()
    assert str(error) == "\n".join(wrong.text_lines())


@pytest.mark.notebook
@pytest.mark.parametrize("execution", ["", "autograde"])
def test_a_failing_grade_is_its_panel_and_one_line(execution):
    env = {"COURSE_LANG": "both"} | ({"NBGRADER_EXECUTION": execution} if execution else {})
    cells = run_cells([SETUP, WRONG, BLANK], env)
    for outputs, kind, line in [
            (cells[1].outputs, "course-incorrect", "✗ 练习 3 未通过 · Exercise 3 not passed"),
            (cells[2].outputs, "course-not_attempted", "… 练习 2 未通过 · Exercise 2 not passed")]:
        assert [o.output_type for o in outputs] == ["display_data", "error"], outputs
        panel, error = outputs
        # One display: the panel JupyterLab and the feedback page show, and the record the
        # mistake report reads; then the error that makes nbgrader score the cell 0.
        assert f"course-feedback {kind}" in panel.data["text/html"]
        assert panel.data[OUTCOME_MIME]["status"] == kind.removeprefix("course-")
        assert error.ename == "CheckFailed" and error.traceback == [line]
        assert "练习" in error.evalue and "Exercise" in error.evalue  # the whole text
    text = _panel(cells[1].outputs)
    assert "你用的是 sum()（求和）" in text and "but you used sum()" in text


@pytest.mark.notebook
def test_under_validate_the_error_keeps_the_whole_feedback():
    # nbgrader's Validate lists only the errors of failed cells, not their panels.
    cells = run_cells([SETUP, WRONG], {"COURSE_LANG": "both", "NBGRADER_EXECUTION": "validate"})
    error = cells[1].outputs[-1]
    trace = "\n".join(error.traceback)
    assert "你用的是 sum()（求和）" in trace and "but you used sum()" in trace
    assert "File " not in trace and "Traceback" not in trace
