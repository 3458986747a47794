"""Lesson 05's pictures: optimizer paths on the bowl w0**2 + 2*w1**2 and the two sliders."""

from __future__ import annotations

import re
import warnings

import matplotlib
import pytest
import torch

import course_helpers as ch
from course_helpers import contour, i18n, plots
from course_helpers.exercises import optimizers

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(autouse=True)
def _agg_and_closed_figures():
    import matplotlib.pyplot as plt

    previous = matplotlib.get_backend()
    plt.switch_backend("Agg")
    yield
    plt.close("all")
    plt.switch_backend(previous)


def test_contour_is_a_lazy_name_of_the_package():
    assert ch.contour is contour


def test_paths_follow_the_classroom_numbers():
    # seed 003: SGD lr 0.01 from [0.5, 0.5] -> [0.49, 0.48]; Adagrad -> [0.49, 0.49].
    sgd = contour.path_of(lambda p: torch.optim.SGD(p, lr=0.01), steps=1, start=(0.5, 0.5))
    assert sgd[1] == pytest.approx((0.49, 0.48))
    ada = contour.path_of(lambda p: torch.optim.Adagrad(p, lr=0.01), steps=2, start=(0.5, 0.5))
    assert ada[1] == pytest.approx((0.49, 0.49))
    assert ada[2] == pytest.approx((0.4830, 0.4830), abs=1e-4)


def test_a_student_class_can_draw_its_own_path():
    mine = contour.path_of(lambda p: optimizers.q2.reference(p, lr=0.1, momentum=0.9), steps=20)
    theirs = contour.path_of(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), steps=20)
    assert len(mine) == len(theirs) == 21
    for a, b in zip(mine, theirs, strict=True):
        assert a == pytest.approx(b)


def test_diverging_paths_stop_and_are_labelled():
    path = contour.path_of(lambda p: torch.optim.SGD(p, lr=0.9), steps=200)
    assert len(path) < 201 and contour.diverged(path)
    assert not contour.diverged(contour.path_of(lambda p: torch.optim.SGD(p, lr=0.1)))
    # Growing but still on the picture counts as diverging too.
    assert contour.diverged(contour.path_of(lambda p: torch.optim.SGD(p, lr=0.55), steps=5))


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


def test_contour_draws_three_paths_with_bilingual_labels(capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = contour.contour_paths(lr=0.55, momentum=0.5, steps=30)
    left, right = fig.axes[:2]
    legend = [t.get_text() for t in left.get_legend().get_texts()]
    assert legend[:3] == ["SGD（发散） / SGD (diverged)", "SGD + 动量 0.5 / SGD + momentum 0.5",
                          "Adagrad"]
    assert "起点 / start" in legend and "最小值点 / minimum" in legend
    assert len(right.get_lines()) == 3 and right.get_yscale() == "log"
    assert left.collections, "no contour lines"
    texts = _texts(fig)
    assert any("等高线" in t and "Contours" in t for t in texts)
    assert "学习率 0.55，动量 0.5，30 步 / learning rate 0.55, momentum 0.5, 30 steps" in texts
    assert capfd.readouterr().err == ""


def test_custom_recipes_and_names(monkeypatch):
    monkeypatch.setattr(i18n, "_chosen", "en")
    fig = contour.contour_paths([("mine", lambda p: optimizers.q1.reference(p, lr=0.1))],
                                steps=5)
    assert [t.get_text() for t in fig.axes[1].get_legend().get_texts()] == ["mine"]
    assert fig._suptitle is None
    assert not any(CJK.search(t) for t in _texts(fig))


def test_labels_fall_back_to_english_without_a_chinese_font(monkeypatch):
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    fig = contour.contour_paths(steps=5)
    assert not any(CJK.search(t) for t in _texts(fig))


def test_explorer_redraws_on_both_sliders(monkeypatch):
    import IPython.display

    shown, drawn = [], []
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    monkeypatch.setattr(contour, "contour_paths", lambda **kw: drawn.append(kw))
    assert contour.contour_explorer(steps=12) is None
    rate, beta, _ = shown[0].children
    assert rate.continuous_update is False and beta.continuous_update is False
    assert "学习率" in rate.description and "learning rate" in rate.description
    assert "动量" in beta.description and "momentum" in beta.description
    assert drawn[-1] == {"lr": 0.1, "momentum": 0.9, "steps": 12, "start": contour.START}
    rate.value = 0.5
    assert drawn[-1]["lr"] == 0.5
    beta.value = 0.3
    assert drawn[-1]["momentum"] == 0.3
    assert len(drawn) == 3


def test_explorer_draws_a_plain_figure_while_grading(monkeypatch):
    drawn = []
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setattr(contour, "contour_paths", lambda **kw: drawn.append(kw))
    assert contour.contour_explorer(lr=0.2, momentum=0.5) is None
    assert drawn == [{"lr": 0.2, "momentum": 0.5, "steps": 30, "start": contour.START}]


def test_explorer_refuses_a_rate_outside_its_options():
    with pytest.raises(ValueError, match="not one of the rates"):
        contour.contour_explorer(lr=0.123)
