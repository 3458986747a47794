"""The error-explanation extension, in a real kernel: each classic error gets its explanation."""

from __future__ import annotations

import re

import nbformat
import pytest

from tests.conftest import run_cells

ERRORS = {
    "backward twice": (
        "x = torch.tensor(3.0, requires_grad=True)\ny = x ** 2\ny.backward()\ny.backward()",
        "第二次沿同一张计算图做反向传播", "backward through the same graph a second time"),
    "in-place on a leaf": (
        "w = torch.ones(2, requires_grad=True)\nw -= 0.1",
        "原地修改了一个需要梯度的叶子张量", "changed a leaf tensor that requires grad in place"),
    "numpy of a grad tensor": (
        "torch.ones(2, requires_grad=True).numpy()",
        "先 .detach() 再 .numpy()", "Call .detach() first"),
    "backward of a non-scalar": (
        "x = torch.ones(3, requires_grad=True)\n(x * x).backward()",
        "非标量（向量）调用了 backward()", "backward() on a non-scalar"),
    "backward without grad": (
        "torch.ones(3).sum().backward()",
        "不需要梯度的张量调用了 backward()", "does not require grad"),
    "integer requires_grad": (
        "torch.tensor([1, 2, 3], requires_grad=True)",
        "给整数张量设置了 requires_grad", "requires_grad on an integer tensor"),
}


def run(cells: list[str], lang: str = "both") -> list[nbformat.NotebookNode]:
    return run_cells(cells, {"COURSE_LANG": lang})


def _plain(lines: list[str]) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(lines))


@pytest.fixture(scope="module")
def explained() -> dict[str, nbformat.NotebookNode]:
    names = list(ERRORS)
    cells = run(["%load_ext course_helpers\nimport torch"] + [ERRORS[n][0] for n in names]
                + ["raise ValueError('not an autograd error')",
                   "raise RuntimeError('some other runtime error')"])
    return dict(zip([*names, "value error", "other runtime"], cells[1:], strict=True))


@pytest.mark.notebook
@pytest.mark.parametrize("name", list(ERRORS))
def test_classic_error_keeps_its_traceback_and_gains_an_explanation(explained, name):
    _, zh, en = ERRORS[name]
    errors = [o for o in explained[name].outputs if o.output_type == "error"]
    assert len(errors) == 1
    text = _plain(errors[0].traceback)
    assert "Traceback" in text or "Error" in text  # the original stays
    assert "怎么回事" in text and "What happened" in text
    assert zh in text and en in text
    streams = [o for o in explained[name].outputs if o.output_type == "stream"]
    assert not [o for o in streams if o.name == "stderr"]


@pytest.mark.notebook
@pytest.mark.parametrize("name", ["value error", "other runtime"])
def test_other_exceptions_pass_through_untouched(explained, name):
    errors = [o for o in explained[name].outputs if o.output_type == "error"]
    assert len(errors) == 1
    text = _plain(errors[0].traceback)
    assert "not an autograd error" in text or "some other runtime error" in text
    assert "What happened" not in text


@pytest.mark.notebook
def test_without_the_extension_there_is_no_explanation():
    cells = run(["import torch", ERRORS["backward twice"][0]])
    text = _plain(cells[1].outputs[-1].traceback)
    assert "backward through the graph a second time" in text
    assert "What happened" not in text


@pytest.mark.notebook
def test_explanations_follow_the_language_setting():
    cells = run(["%load_ext course_helpers\nimport torch", ERRORS["numpy of a grad tensor"][0]],
                lang="zh")
    text = _plain(cells[1].outputs[-1].traceback)
    assert "先 .detach() 再 .numpy()" in text and "What happened" not in text
