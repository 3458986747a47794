"""Pictures for lesson 06: data with a fitted line, the loss per epoch, and an explorer.

The explorer retrains a line by gradient descent (float64, w = b = 0 at the start) whenever
its learning-rate or epochs slider moves. While nbgrader executes a notebook nobody can move
a slider, so it draws the starting picture as a plain figure instead (see ``widgets``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from course_helpers import plots, widgets
from course_helpers.i18n import Message, msg

RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5)
# Beyond this the loss has diverged; the rest of the run would only overflow.
_FAR = 1e12


@dataclass(frozen=True)
class Fit:
    """A line fitted by gradient descent: the end point and the loss in every epoch."""

    w: float
    b: float
    losses: list[float]
    diverged: bool


def _flat64(t: object) -> torch.Tensor:
    return torch.as_tensor(t).detach().reshape(-1).to(torch.float64)


def gradient_descent(x: object, y: object, lr: float, epochs: int, *, w0: float = 0.0,
                     b0: float = 0.0) -> Fit:
    """Fit y ≈ w·x + b by full-batch gradient descent on the MSE, in float64.

    ``losses[i]`` is the loss in epoch i, before its update. A run whose loss passes 1e12
    stops there; it, and a run whose loss ends above its lowest value (see :func:`growing`),
    is marked as diverged.
    """
    xs, ys = _flat64(x), _flat64(y)
    w = torch.tensor(float(w0), dtype=torch.float64, requires_grad=True)
    b = torch.tensor(float(b0), dtype=torch.float64, requires_grad=True)
    losses: list[float] = []
    for _ in range(epochs):
        loss = ((w * xs + b - ys) ** 2).mean()
        losses.append(float(loss.detach()))
        if not losses[-1] < _FAR:  # also catches NaN
            return Fit(float(w.detach()), float(b.detach()), losses, True)
        w.grad = None
        b.grad = None
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
    return Fit(float(w.detach()), float(b.detach()), losses, growing(losses))


def growing(losses: list[float]) -> bool:
    """True when the loss ends above the lowest loss of the run: the run is diverging.

    On the mean squared error of a linear model, gradient descent that converges never raises
    the loss, so a last loss above the minimum (beyond rounding) means the steps overshoot
    further and further, however small the loss still is. A flat run is not growing.
    """
    if not losses:
        return False
    last, lowest = losses[-1], min(losses)
    if not math.isfinite(last):
        return True
    return last > lowest + 1e-9 * abs(lowest) + 1e-12


def least_squares(x: object, y: object) -> tuple[float, float]:
    """Slope and intercept of the least-squares line (torch.linalg.lstsq in float64)."""
    xs, ys = _flat64(x), _flat64(y)
    design = torch.stack([xs, torch.ones_like(xs)], dim=1)
    solution = torch.linalg.lstsq(design, ys.unsqueeze(1)).solution
    return float(solution[0, 0]), float(solution[1, 0])


def verdict(x: object, y: object, fit: Fit) -> Message:
    """Diverging (the loss grows), close to the least-squares line, or not there yet."""
    if fit.diverged or growing(fit.losses) or not all(math.isfinite(v) for v in (fit.w, fit.b)):
        return msg("regression.verdict.diverged")
    slope, intercept = least_squares(x, y)
    if abs(fit.w - slope) <= 0.01 * (1 + abs(slope)) and abs(fit.b - intercept) <= 0.01 * (
            1 + abs(intercept)):
        return msg("regression.verdict.converged")
    return msg("regression.verdict.slow")


def _line_label(key: str, w: float, b: float) -> str:
    sign = "+" if b >= 0 else "−"
    return f"{plots.label(msg(key))}: y = {w:.3f}x {sign} {abs(b):.3f}"


def _draw_data(ax, x: object, y: object, lines: list[tuple[str, float, float, str, str]],
               predict_at: float | None) -> None:
    xs, ys = _flat64(x), _flat64(y)
    ax.scatter(xs.numpy(), ys.numpy(), s=22, color="#1f77b4", zorder=3,
               label=plots.label(msg("regression.plot.data")))
    low, high = float(xs.min()), float(xs.max())
    if predict_at is not None:
        low, high = min(low, predict_at), max(high, predict_at)
    margin = 0.08 * ((high - low) or 1.0)
    grid = torch.linspace(low - margin, high + margin, 2, dtype=torch.float64)
    for name, w, b, colour, style in lines:
        if not (math.isfinite(w) and math.isfinite(b)):
            continue
        ax.plot(grid.numpy(), (w * grid + b).numpy(), style, color=colour, linewidth=2,
                label=name)
        if predict_at is not None:
            ax.plot([predict_at], [w * predict_at + b], "o", color=colour, markersize=7,
                    markerfacecolor="white", zorder=4)
    span = float(ys.max() - ys.min()) or 1.0
    top, bottom = float(ys.max()), float(ys.min())
    if predict_at is not None:
        for _, w, b, _, _ in lines:
            if math.isfinite(w) and math.isfinite(b):
                top, bottom = max(top, w * predict_at + b), min(bottom, w * predict_at + b)
    ax.set_ylim(bottom - 0.25 * span, top + 0.25 * span)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper left", fontsize=8)


def _lines(w: float | None, b: float | None, closed_form: tuple[float, float] | None
           ) -> list[tuple[str, float, float, str, str]]:
    lines = []
    if w is not None and b is not None:
        lines.append((_line_label("regression.plot.fitted", float(w), float(b)), float(w),
                      float(b), "#d62728", "-"))
    if closed_form is not None:
        cw, cb = closed_form
        lines.append((_line_label("regression.plot.closed_form", float(cw), float(cb)),
                      float(cw), float(cb), "#2ca02c", "--"))
    return lines


def data_and_line(x: object, y: object, w: float | None = None, b: float | None = None, *,
                  closed_form: tuple[float, float] | None = None,
                  predict_at: float | None = None, title: Message | None = None):
    """The data points, the line y = w·x + b if given, and optionally the closed-form line.

    With ``predict_at`` the x range reaches that point and each line's prediction there is
    marked with a circle.
    """
    import matplotlib.pyplot as plt

    plots.configure()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    _draw_data(ax, x, y, _lines(w, b, closed_form), predict_at)
    ax.set_title(plots.label(title or msg("regression.plot.data_title")))
    fig.tight_layout()
    return plots.finish(fig)


def _draw_losses(ax, losses: list[float]) -> None:
    shown = [v for v in losses if math.isfinite(v)]
    ax.plot(range(len(shown)), shown, "-", color="#d62728", linewidth=1.5)
    if shown and all(v > 0 for v in shown):
        ax.set_yscale("log")
    ax.set_xlabel(plots.label(msg("regression.plot.epoch")))
    ax.set_ylabel(plots.label(msg("regression.plot.loss")))
    ax.set_title(plots.label(msg("regression.plot.loss_title")))


def loss_per_epoch(losses: object, *, log: bool = True):
    """The loss in each epoch (a list or 1-D tensor), on a log scale by default."""
    return plots.loss_curve(losses, title=msg("regression.plot.loss_title"), log=log)


def training_overview(x: object, y: object, w: float | None, b: float | None, losses: object, *,
                      closed_form: tuple[float, float] | None = None,
                      title: Message | None = None):
    """Data with the fitted line (left) and the loss per epoch (right), in one figure."""
    import matplotlib.pyplot as plt

    plots.configure()
    values = [float(v) for v in _flat64(losses).tolist()] if not isinstance(
        losses, list) else [float(v) for v in losses]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 3.9))
    _draw_data(left, x, y, _lines(w, b, closed_form), None)
    left.set_title(plots.label(msg("regression.plot.data_title")))
    _draw_losses(right, values)
    if title is not None:
        fig.suptitle(plots.label(title))
    fig.tight_layout()
    return plots.finish(fig)


def _explorer_figure(x: object, y: object, lr: float, epochs: int,
                     closed_form: tuple[float, float]):
    fit = gradient_descent(x, y, lr, epochs)
    title = msg("regression.plot.explorer_title", lr=f"{lr:g}", epochs=epochs,
                verdict=verdict(x, y, fit))
    # A diverged line is far off the picture: show the least-squares line alone.
    w, b = (None, None) if fit.diverged else (fit.w, fit.b)
    return training_overview(x, y, w, b, fit.losses, closed_form=closed_form, title=title)


def learning_rate_explorer(x: object, y: object, *, rates: tuple[float, ...] = RATES,
                           start: float = 0.1, epochs: int = 40, max_epochs: int = 300):
    """Sliders for the learning rate and the number of epochs; each move retrains and redraws.

    The left panel shows the data, the trained line and the least-squares line; the right
    one the loss per epoch; the title says whether the run diverged, converged or needs more.
    """
    if start not in rates:
        raise ValueError(f"start={start} is not one of the rates {rates}")
    closed = least_squares(x, y)
    if widgets._grading():
        _explorer_figure(x, y, start, epochs, closed)
        return None
    import ipywidgets as ipw

    rate_slider = ipw.SelectionSlider(options=[(f"{rate:g}", rate) for rate in rates],
                                      value=start,
                                      description=plots.label(msg("regression.widget.lr")),
                                      **widgets.look(520))
    epoch_slider = ipw.IntSlider(value=epochs, min=1, max=max_epochs, step=1,
                                 description=plots.label(msg("regression.widget.epochs")),
                                 **widgets.look(520))
    widgets.explore([rate_slider, epoch_slider], lambda: _explorer_figure(
        x, y, float(rate_slider.value), int(epoch_slider.value), closed))
    return None
