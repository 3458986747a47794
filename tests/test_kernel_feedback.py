"""The check faces in a real kernel: what a student and nbgrader actually receive."""

from __future__ import annotations

import html
import re

import nbformat
import pytest

from tests.conftest import run_cells

SETUP = (
    "import torch\nimport course_helpers as ch\n"
    "from course_helpers.exercises import autograd as ex\n"
)

WRONG = (
    "def mean_square_grad(x):\n"
    "    import warnings, sys\n"
    "    warnings.warn('a warning from student code')\n"
    "    print('student chatter', file=sys.stderr)\n"
    "    x = x.detach().clone().requires_grad_(True)\n"
    "    (x ** 2 + 20).sum().backward()\n"
    "    return x.grad\n"
    "ex.q3.grade(mean_square_grad)\n"
)
RIGHT = (
    "def mean_square_grad(x):\n"
    "    import warnings\n"
    "    warnings.warn('a harmless warning')\n"
    "    x = x.detach().clone().requires_grad_(True)\n"
    "    ((x ** 2 + 20).sum() / x.numel()).backward()\n"
    "    return x.grad\n"
    "ex.q3.grade(mean_square_grad)\n"
    "ex.q3.grade(mean_square_grad, hidden=True)\n"
)


def run(*sources: str, env_lang: str = "both") -> list[nbformat.NotebookNode]:
    return run_cells(list(sources), {"COURSE_LANG": env_lang})


def panel_text(outputs: list) -> str:
    """The text of the HTML feedback panels among a cell's outputs."""
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", " ", o.data["text/html"]))
                     for o in outputs if "text/html" in o.get("data", {}))


@pytest.mark.notebook
def test_failed_grade_is_one_short_bilingual_error_and_nothing_on_stderr():
    cells = run(SETUP, WRONG, RIGHT, "ex.q3.check(mean_square_grad)")
    wrong, right, check = cells[1].outputs, cells[2].outputs, cells[3].outputs
    errors = [o for o in wrong if o.output_type == "error"]
    assert len(errors) == 1
    assert errors[0].ename == "CheckFailed"
    # The feedback is the same panel as check()'s; the error under it is one short line.
    panel = panel_text(wrong)
    assert "course-incorrect" in wrong[0].data["text/html"]
    assert "你用的是 sum()（求和）" in panel and "but you used sum()" in panel
    assert errors[0].traceback == ["✗ 练习 3 未通过 · Exercise 3 not passed"]
    assert not [o for o in wrong + right if o.output_type == "stream" and o.name == "stderr"]
    assert not [o for o in right if o.output_type == "error"]
    html = [o.data["text/html"] for o in right if "text/html" in o.get("data", {})]
    assert len(html) == 2 and all("course-correct" in h for h in html)
    assert "lang='zh-CN'" in html[0] and "lang='en'" in html[0]
    # check() reports the last definition (the right one) as coloured HTML, never raising.
    assert check and "course-correct" in check[0].data["text/html"]


@pytest.mark.notebook
def test_language_choice_reaches_the_kernel():
    cells = run(SETUP, WRONG, env_lang="en")
    panel = panel_text(cells[1].outputs)
    assert "but you used sum()" in panel and "求和" not in panel
    assert cells[1].outputs[-1].traceback == ["✗ Exercise 3 not passed"]


@pytest.mark.notebook
def test_explorers_draw_plain_figures_while_nbgrader_runs_the_notebook():
    cells = ["import torch\nimport course_helpers as ch",
             "ch.widgets.tangent_explorer(lambda t: torch.sin(t) * t)",
             "ch.widgets.learning_rate_explorer(lambda w: w ** 2 + 20, 10.0)"]

    def kinds(env: dict[str, str]) -> list[set[str]]:
        executed = run_cells(cells, env)
        assert not [o for c in executed for o in c.outputs if o.output_type == "error"]
        return [{k for o in c.outputs for k in o.get("data", {})} for c in executed[1:]]

    for outputs in kinds({"NBGRADER_EXECUTION": "autograde"}):
        assert "image/png" in outputs
        assert "application/vnd.jupyter.widget-view+json" not in outputs
    for outputs in kinds({}):
        assert "application/vnd.jupyter.widget-view+json" in outputs
