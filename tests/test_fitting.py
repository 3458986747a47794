"""Lesson 06's pictures: the training behind them, the figures, and the explorer's sliders."""

from __future__ import annotations

import math
import re
import warnings

import matplotlib
import pytest
import torch
from course_helpers.exercises.regression import _line_data

from course_helpers import fitting, plots

CJK = re.compile(r"[\u3400-\u9fff]")
SEED_X = torch.tensor([1.0, 2.0, 3.0])
SEED_Y = torch.tensor([2.0, 4.0, 6.0])
NOISY = _line_data(30, slope=2.0, intercept=1.0, noise=0.4, seed=0, high=3.0)


@pytest.fixture(autouse=True)
def _agg_and_closed_figures():
    import matplotlib.pyplot as plt

    previous = matplotlib.get_backend()
    plt.switch_backend("Agg")
    yield
    plt.close("all")
    plt.switch_backend(previous)


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text()]


# ---- the numbers ----------------------------------------------------------------------------


def test_gradient_descent_reaches_the_least_squares_line():
    fit = fitting.gradient_descent(*NOISY, 0.1, 300)
    slope, intercept = fitting.least_squares(*NOISY)
    assert (fit.w, fit.b) == pytest.approx((slope, intercept), rel=1e-4)
    assert len(fit.losses) == 300 and not fit.diverged
    assert fit.losses[0] == pytest.approx(float((NOISY[1].double() ** 2).mean()))
    assert all(b <= a + 1e-12 for a, b in zip(fit.losses[10:], fit.losses[11:], strict=False))


def test_gradient_descent_matches_the_seed_loop_from_zero():
    # One step from w = b = 0 on x = 1, 2, 3 and y = 2x: gradients -56/3 and -8.
    fit = fitting.gradient_descent(SEED_X, SEED_Y, 0.1, 1)
    assert (fit.w, fit.b) == pytest.approx((56 / 3 * 0.1, 0.8))
    assert fitting.least_squares(SEED_X, SEED_Y) == pytest.approx((2.0, 0.0), abs=1e-9)


def test_a_diverging_run_stops_early_and_says_so():
    fit = fitting.gradient_descent(*NOISY, 0.5, 300)
    assert fit.diverged and len(fit.losses) < 300
    assert all(math.isfinite(v) for v in fit.losses[:-1])
    assert fitting.verdict(*NOISY, fit).key == "regression.verdict.diverged"


@pytest.mark.parametrize("lr, epochs, key", [
    (0.1, 300, "regression.verdict.converged"),
    (0.001, 40, "regression.verdict.slow"),
    (0.5, 40, "regression.verdict.diverged"),
])
def test_verdict(lr, epochs, key):
    assert fitting.verdict(*NOISY, fitting.gradient_descent(*NOISY, lr, epochs)).key == key


def _lesson_data() -> tuple[torch.Tensor, torch.Tensor]:
    """The 30 noisy points of lesson 06 (same generator and seed)."""
    gen = torch.Generator().manual_seed(6)
    x = 3 * torch.rand(30, generator=gen)
    return x, 2 * x + 1 + 0.4 * torch.randn(30, generator=gen)


@pytest.mark.parametrize("losses, expected", [
    ([1.0, 2.0, 4.0, 8.0], True),            # growing from the start
    ([5.0, 1.0, 0.5, 0.9, 3.0], True),       # falls first, then grows
    ([2.0, 2.0, 2.0, 2.0], False),           # flat
    ([8.0, 4.0, 2.0, 1.0, 0.5], False),      # converging
    ([1.0, 0.5, float("nan")], True),
    ([], False),
])
def test_growing(losses, expected):
    assert fitting.growing(losses) is expected


def test_a_growing_loss_is_diverging_long_before_it_overflows():
    # Lesson 06, learning rate 0.3 for 40 epochs: the loss grows to about 1e7, far below
    # the overflow guard, and the run is still diverging.
    x, y = _lesson_data()
    fit = fitting.gradient_descent(x, y, 0.3, 40)
    assert len(fit.losses) == 40 and fit.losses[-1] < 1e12
    assert fit.losses[-1] > fit.losses[0]
    assert fit.diverged
    assert fitting.verdict(x, y, fit).key == "regression.verdict.diverged"


@pytest.mark.parametrize("lr, epochs, key", [
    (0.3, 40, "regression.verdict.diverged"),   # growing
    (0.0, 40, "regression.verdict.slow"),       # flat: nothing moves
    (0.1, 40, "regression.verdict.slow"),       # converging, not there yet
    (0.1, 600, "regression.verdict.converged"),  # converging, arrived
])
def test_verdict_on_growing_flat_and_converging_runs(lr, epochs, key):
    x, y = _lesson_data()
    fit = fitting.gradient_descent(x, y, lr, epochs)
    assert fitting.verdict(x, y, fit).key == key
    assert fit.diverged is (key == "regression.verdict.diverged")


# ---- the figures ---------------------------------------------------------------------------


def test_data_and_line_draws_points_both_lines_and_the_prediction(capfd):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = fitting.data_and_line(SEED_X, SEED_Y, 1.9, 0.2, closed_form=(2.0, 0.0),
                                    predict_at=4.0)
    ax = fig.axes[0]
    assert len(ax.collections) == 1  # the scatter of the data
    assert len(ax.lines) == 4  # two lines, each with its prediction at x = 4
    texts = _texts(fig)
    assert any("拟合直线 / fitted line: y = 1.900x + 0.200" in t for t in texts)
    assert any("最小二乘解 / least squares: y = 2.000x + 0.000" in t for t in texts)
    assert ax.get_xlim()[1] > 4.0
    assert capfd.readouterr().err == ""


def test_data_alone_and_a_negative_intercept():
    fig = fitting.data_and_line(SEED_X, SEED_Y)
    assert len(fig.axes[0].lines) == 0
    fig = fitting.data_and_line(SEED_X, SEED_Y, 2.0, -0.5)
    assert any("y = 2.000x − 0.500" in t for t in _texts(fig))


def test_overview_has_data_and_a_log_loss_curve():
    fit = fitting.gradient_descent(*NOISY, 0.1, 50)
    fig = fitting.training_overview(*NOISY, fit.w, fit.b, fit.losses,
                                    closed_form=fitting.least_squares(*NOISY))
    left, right = fig.axes
    assert len(left.lines) == 2
    assert len(right.lines[0].get_ydata()) == 50
    assert right.get_yscale() == "log"
    assert right.get_xlabel() == "轮（epoch） / epoch"


def test_loss_per_epoch_reuses_the_course_loss_curve():
    fig = fitting.loss_per_epoch(torch.tensor([4.0, 2.0, 1.0]))
    assert fig.axes[0].get_title() == "每一轮的损失 / Loss per epoch"
    assert fig.axes[0].get_yscale() == "log"


def test_labels_fall_back_to_english_without_a_chinese_font(monkeypatch):
    monkeypatch.setattr(plots, "cjk_font", lambda: None)
    fig = fitting.data_and_line(SEED_X, SEED_Y, 2.0, 0.0)
    assert not any(CJK.search(t) for t in _texts(fig))


# ---- the explorer --------------------------------------------------------------------------


def test_explorer_retrains_when_either_slider_moves(monkeypatch):
    import IPython.display

    shown, drawn = [], []
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    monkeypatch.setattr(fitting, "training_overview",
                        lambda x, y, w, b, losses, *, closed_form=None, title=None:
                        drawn.append((w, b, len(losses), title)))
    assert fitting.learning_rate_explorer(*NOISY, epochs=40) is None
    rate, epochs = shown[0].children[:2]
    assert rate.continuous_update is False and epochs.continuous_update is False
    assert rate.value == 0.1 and epochs.value == 40
    assert "学习率" in rate.description and "learning rate" in rate.description
    assert drawn[-1][2] == 40
    assert drawn[-1][3].params["verdict"].key == "regression.verdict.converged"
    rate.value = 0.5
    assert drawn[-1][3].params["verdict"].key == "regression.verdict.diverged"
    assert drawn[-1][0] is None  # the diverged line is not drawn
    rate.value = 0.001
    epochs.value = 200
    assert drawn[-1][2] == 200 and drawn[-1][3].params["epochs"] == 200
    assert drawn[-1][3].params["verdict"].key == "regression.verdict.slow"
    assert len(drawn) == 4


def test_explorer_draws_a_plain_figure_under_nbgrader(monkeypatch):
    drawn = []
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    monkeypatch.setattr(fitting, "training_overview",
                        lambda *args, **kwargs: drawn.append(kwargs["title"]))
    assert fitting.learning_rate_explorer(*NOISY, start=0.3, epochs=10) is None
    assert drawn[0].params["lr"] == "0.3"


def test_explorer_refuses_a_start_outside_its_rates():
    with pytest.raises(ValueError, match="not one of the rates"):
        fitting.learning_rate_explorer(*NOISY, start=0.25)
