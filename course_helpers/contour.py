"""Optimizer paths on a 2-D loss (lesson 05): a contour plot and a slider explorer.

The loss is the classroom's bowl ``w0**2 + 2 * w1**2``: twice as steep along w1 as along w0,
which is exactly where plain SGD zig-zags, momentum overshoots and Adagrad evens out the steps.
Paths come from real optimizers (``torch.optim`` or a student's class) run in float64.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from course_helpers import plots, widgets
from course_helpers.i18n import Message, msg

START = (-2.5, 1.5)
# A path that leaves this box has diverged: stop it there and say so in its label.
_FAR = 1e3
_COLOURS = ("#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
LEARNING_RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.55)

Recipe = Callable[[list[torch.Tensor]], Any]


def bowl(w: torch.Tensor) -> torch.Tensor:
    """The loss w0² + 2·w1² of a tensor whose last dimension holds (w0, w1)."""
    return w[..., 0] ** 2 + 2 * w[..., 1] ** 2


def standard_recipes(lr: float, momentum: float) -> list[tuple[Message, Recipe]]:
    """SGD, SGD with momentum and Adagrad from ``torch.optim``, all with learning rate lr."""
    return [
        (msg("optim.plot.sgd"), lambda params: torch.optim.SGD(params, lr=lr)),
        (msg("optim.plot.momentum", momentum=f"{momentum:g}"),
         lambda params: torch.optim.SGD(params, lr=lr, momentum=momentum)),
        (msg("optim.plot.adagrad"), lambda params: torch.optim.Adagrad(params, lr=lr)),
    ]


def path_of(make_optimizer: Recipe, *, steps: int = 30,
            start: Sequence[float] = START) -> list[tuple[float, float]]:
    """The start and (w0, w1) after each step of ``make_optimizer([w])`` on the bowl.

    A diverging path stops once it is far away, so that it can still be drawn.
    """
    w = torch.tensor([float(v) for v in start], dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer([w])
    points = [(float(start[0]), float(start[1]))]
    for _ in range(steps):
        optimizer.zero_grad()
        bowl(w).backward()
        optimizer.step()
        w0, w1 = (float(v) for v in w.detach().tolist())
        points.append((w0, w1))
        if not (abs(w0) < _FAR and abs(w1) < _FAR):
            break
    return points


def _loss_at(point: tuple[float, float]) -> float:
    return point[0] ** 2 + 2 * point[1] ** 2


def diverged(points: list[tuple[float, float]]) -> bool:
    """A path that left the picture, or whose loss ended higher than it started."""
    if not all(abs(a) < _FAR and abs(b) < _FAR for a, b in points):
        return True
    return _loss_at(points[-1]) > _loss_at(points[0])


def _label(name: Message | str, points: list[tuple[float, float]]) -> str:
    """The legend entry in the languages shown, with "(diverged)" in each of them."""
    note = plots.label_parts(msg("optim.plot.diverged"))
    names = plots.label_parts(name) if isinstance(name, Message) else [str(name)] * len(note)
    if diverged(points):
        names = [f"{n}{d}" if d.startswith("（") else f"{n} {d}"
                 for n, d in zip(names, note, strict=True)]
    return plots.join_parts(names)


def contour_paths(recipes: Sequence[tuple[Message | str, Recipe]] | None = None, *,
                  lr: float = 0.1, momentum: float = 0.9, steps: int = 30,
                  start: Sequence[float] = START, title: Message | None = None):
    """Contours of the bowl with the path of every optimizer, and their losses per step.

    ``recipes`` are (name, make_optimizer) pairs; by default SGD, momentum and Adagrad
    with ``lr`` and ``momentum``.
    """
    import matplotlib.pyplot as plt

    plots.configure()
    chosen = list(recipes) if recipes is not None else standard_recipes(lr, momentum)
    paths = [(name, path_of(make, steps=steps, start=start)) for name, make in chosen]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.3),
                                      gridspec_kw={"width_ratios": [1.35, 1]})
    span = max(3.0, abs(start[0]) * 1.2, abs(start[1]) * 1.6)
    w0 = torch.linspace(-span, span, 161, dtype=torch.float64)
    w1 = torch.linspace(-span / 1.6, span / 1.6, 121, dtype=torch.float64)
    grid0, grid1 = torch.meshgrid(w0, w1, indexing="xy")
    levels = torch.tensor([0.05, 0.2, 0.5, 1, 2, 4, 7, 11, 16]).tolist()
    left.contour(grid0.numpy(), grid1.numpy(), bowl(torch.stack([grid0, grid1], -1)).numpy(),
                 levels=levels, colors="#9aa9b8", linewidths=0.8)
    for index, (name, points) in enumerate(paths):
        colour = _COLOURS[index % len(_COLOURS)]
        shown = [(a, b) for a, b in points if abs(a) < _FAR and abs(b) < _FAR]
        # Later paths are thinner and on top: a path that retraces another stays visible.
        width = max(2.6 - 0.7 * index, 1.0)
        left.plot([a for a, _ in shown], [b for _, b in shown], "-o", color=colour,
                  markersize=1.5 + width, linewidth=width, alpha=0.9,
                  label=_label(name, points), zorder=3 + index)
        losses = [_loss_at(p) for p in shown]
        right.plot(range(len(losses)), losses, "-", color=colour, linewidth=width,
                   label=_label(name, points), zorder=3 + index)
    left.plot([start[0]], [start[1]], "s", color="black", markersize=7,
              label=plots.label(msg("optim.plot.start")), zorder=10)
    left.plot([0.0], [0.0], "*", color="black", markersize=11,
              label=plots.label(msg("optim.plot.minimum")), zorder=10)
    left.set_xlim(-span, span)
    left.set_ylim(-span / 1.6, span / 1.6)
    left.set_aspect("equal")
    left.set_xlabel("w0")
    left.set_ylabel("w1")
    left.legend(loc="lower left", fontsize=7.5)
    left.set_title(plots.label(title or msg("optim.plot.contour_title")), fontsize=9)
    right.set_yscale("log")
    right.set_xlabel(plots.label(msg("optim.plot.step")))
    right.set_ylabel(plots.label(msg("optim.plot.loss")))
    right.set_title(plots.label(msg("optim.plot.loss_per_step")), fontsize=10)
    right.legend(loc="best", fontsize=8)
    if recipes is None:
        fig.suptitle(plots.label(msg("optim.plot.settings", lr=f"{lr:g}",
                                     momentum=f"{momentum:g}", steps=steps)), fontsize=10)
    fig.tight_layout()
    return plots.finish(fig)


def contour_explorer(*, lr: float = 0.1, momentum: float = 0.9, steps: int = 30,
                     start: Sequence[float] = START, rates: tuple[float, ...] = LEARNING_RATES):
    """Sliders for the learning rate and the momentum that redraw the three paths.

    While nbgrader runs the notebook, the starting picture is drawn as a plain figure.
    """
    if lr not in rates:
        raise ValueError(f"lr={lr} is not one of the rates {rates}")
    if widgets._grading():
        contour_paths(lr=lr, momentum=momentum, steps=steps, start=start)
        return None
    import ipywidgets

    rate = ipywidgets.SelectionSlider(options=[(f"{r:g}", r) for r in rates], value=lr,
                                      description=plots.label(msg("optim.widget.lr")),
                                      **widgets.look(460))
    beta = ipywidgets.FloatSlider(value=momentum, min=0.0, max=0.95, step=0.05,
                                  description=plots.label(msg("optim.widget.momentum")),
                                  **widgets.look(460))
    widgets.explore([rate, beta], lambda: contour_paths(
        lr=float(rate.value), momentum=round(float(beta.value), 2), steps=steps, start=start))
    return None
