"""Lesson 03's pictures: gradient-descent paths, loss curves and the learning-rate slider."""

from __future__ import annotations

import math
import re
import warnings

import matplotlib
import pytest
import torch

from course_helpers import i18n, plots, widgets
from course_helpers.i18n import msg

CJK = re.compile(r"[\u3400-\u9fff]")


def bowl(w):
    return w ** 2 + 20


@pytest.fixture(autouse=True)
def _agg_and_closed_figures():
    import matplotlib.pyplot as plt

    previous = matplotlib.get_backend()
    plt.switch_backend("Agg")
    yield
    plt.close("all")
    plt.switch_backend(previous)


# ---- the numbers behind the pictures ---------------------------------------------------------


def test_descent_steps_reproduce_the_seed_numbers():
    path = plots.descent_steps(lambda x: x ** 2, 10.0, 0.001, 3)
    assert path == pytest.approx([10.0, 9.98, 9.96004, 9.94011992])
    path = plots.descent_steps(bowl, 10.0, 0.01, 100)
    assert len(path) == 101
    assert path[-1] == pytest.approx(10 * 0.98 ** 100)


def test_descent_steps_stop_once_a_path_has_diverged():
    path = plots.descent_steps(bowl, 10.0, 3.0, 100)
    assert len(path) < 101
    assert abs(path[-1]) >= 1e6
    assert all(math.isfinite(w) for w in path)


@pytest.mark.parametrize("lr, key", [
    (0.001, "clearing.lr.too_small"),
    (0.01, "clearing.lr.too_small"),
    (0.1, "clearing.lr.good"),
    (0.3, "clearing.lr.good"),
    (0.9, "clearing.lr.oscillating"),
    (1.0, "clearing.lr.oscillating"),
    (1.1, "clearing.lr.diverging"),
])
def test_verdict_names_what_the_learning_rate_does(lr, key):
    path = plots.descent_steps(bowl, 10.0, lr, 20)
    verdict = plots.descent_verdict(bowl, path)
    assert verdict.key == key
    if key == "clearing.lr.too_small":
        assert verdict.params["steps"] == 20


def test_verdict_of_a_path_with_nan_is_diverging():
    assert plots.descent_verdict(bowl, [1.0, float("nan")]).key == "clearing.lr.diverging"


@pytest.mark.parametrize("data", [
    [1.0, 2.0, 3.0],
    torch.tensor([1.0, 2.0, 3.0]),
    {"a": [1.0, 2.0, 3.0]},
    [(msg("clearing.plot.cleared"), torch.tensor([1.0, 2.0, 3.0]))],
])
def test_named_series_accepts_lists_tensors_mappings_and_pairs(data):
    series = plots._named_series(data, msg("clearing.plot.path"))
    assert len(series) == 1
    name, values = series[0]
    assert isinstance(name, str) and name
    assert values == [1.0, 2.0, 3.0]


# ---- the figures -------------------------------------------------------------------------------


def _texts(fig) -> list[str]:
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
    return [t for t in texts if t]


def test_descent_path_draws_the_curve_every_path_and_the_start(capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.descent_path(bowl, [(msg("clearing.plot.cleared"), [10.0, 8.0, 6.4]),
                                        (msg("clearing.plot.not_cleared"), [10.0, 8.0, 2.8])])
    ax = fig.axes[0]
    assert len(ax.lines) == 1 + 2 + 1
    texts = _texts(fig)
    assert "梯度下降的路径 / Path of gradient descent" in texts
    assert "每步清零 / cleared every step" in texts
    assert "参数 w / parameter w" == ax.get_xlabel()
    curve_x = ax.lines[0].get_xdata()
    assert min(curve_x) < 2.8 and max(curve_x) > 10.0
    assert capfd.readouterr().err == ""


def test_loss_curve_uses_a_log_scale_only_when_asked_and_possible():
    fig = plots.loss_curve([120.0, 50.0, 21.0], log=True)
    assert fig.axes[0].get_yscale() == "log"
    fig = plots.loss_curve([120.0, 50.0, 21.0])
    assert fig.axes[0].get_yscale() == "linear"
    fig = plots.loss_curve({"lr = 0.1": [1.0, 0.0, -1.0]}, log=True)
    assert fig.axes[0].get_yscale() == "linear"
    assert "步数 / step" == fig.axes[0].get_xlabel()


def test_overview_has_the_path_and_the_losses_side_by_side():
    path = plots.descent_steps(bowl, 10.0, 1.1, 20)
    title = msg("clearing.plot.lr_title", lr="1.1", verdict=plots.descent_verdict(bowl, path))
    fig = plots.descent_overview(bowl, path, title=title, log=True)
    left, right = fig.axes
    assert len(left.lines) == 3 and left.get_title().startswith("梯度下降的路径")
    assert len(right.lines[0].get_ydata()) == len(path)
    assert right.get_yscale() == "log"
    suptitle = fig._suptitle.get_text()
    assert "学习率 1.1：太大" in suptitle and "learning rate 1.1: too large" in suptitle


def test_labels_fall_back_to_english_without_a_chinese_font(monkeypatch):
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    fig = plots.descent_path(bowl, [10.0, 8.0])
    assert not any(CJK.search(t) for t in _texts(fig))
    assert fig.axes[0].get_title() == "Path of gradient descent"


def test_a_label_that_reads_the_same_in_both_languages_appears_once(monkeypatch):
    monkeypatch.setattr(plots, "cjk_font", lambda: "Noto Sans CJK SC")
    assert plots.label(msg("optim.plot.sgd")) == "SGD"
    assert plots.label_parts(msg("optim.plot.sgd")) == ["SGD", "SGD"]
    assert plots.label(msg("optim.plot.momentum", momentum=0.5)) == (
        "SGD + 动量 0.5 / SGD + momentum 0.5")


def test_labels_follow_the_language_setting(monkeypatch):
    monkeypatch.setattr(i18n, "_chosen", "zh")
    fig = plots.loss_curve([3.0, 2.0])
    assert fig.axes[0].get_title() == "每一步的损失"


# ---- the learning-rate slider ------------------------------------------------------------------


def test_learning_rate_explorer_redraws_with_a_verdict(monkeypatch):
    import IPython.display

    shown, drawn = [], []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    monkeypatch.setattr(plots, "descent_overview",
                        lambda f, path, *, title=None, log=False: drawn.append((path, title)))
    assert widgets.learning_rate_explorer(bowl, 10.0, steps=20) is None
    box = shown[0]
    slider = box.children[0]
    assert slider.continuous_update is False
    assert slider.value == 0.1
    assert [value for _, value in slider.options] == list(widgets.LEARNING_RATES)
    assert "学习率" in slider.description and "learning rate" in slider.description
    assert drawn[-1][1].params["verdict"].key == "clearing.lr.good"
    slider.value = 1.1
    assert drawn[-1][1].params["verdict"].key == "clearing.lr.diverging"
    assert drawn[-1][1].params["lr"] == "1.1"
    slider.value = 0.001
    assert drawn[-1][1].params["verdict"].key == "clearing.lr.too_small"
    assert len(drawn) == 3


def test_learning_rate_explorer_refuses_a_start_outside_its_rates():
    with pytest.raises(ValueError, match="not one of the rates"):
        widgets.learning_rate_explorer(bowl, 10.0, start=0.2)
