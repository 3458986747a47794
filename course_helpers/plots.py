"""Matplotlib pictures for the lessons, with Chinese labels when a CJK font exists.

Without a CJK font matplotlib would write "Glyph missing" warnings to stderr, which the
notebook tests count as failures, so labels fall back to English instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import matplotlib
import torch

from course_helpers.i18n import Message, languages_shown, msg

_CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
    "Noto Sans CJK JP",
)


@cache
def cjk_font() -> str | None:
    """The name of an installed font that can draw Chinese, or None."""
    from matplotlib import font_manager

    # Reading the font list directly avoids findfont(), which logs a warning on a miss.
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FAMILIES if name in installed), None)


def configure() -> None:
    """Set fonts and sizes once for every plot in the course."""
    font = cjk_font()
    if font:
        matplotlib.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams["figure.dpi"] = 90
    matplotlib.rcParams["axes.grid"] = True
    matplotlib.rcParams["grid.alpha"] = 0.3


def label_parts(message: Message) -> list[str]:
    """The label in each language shown, English only when Chinese cannot be drawn."""
    shown = [lang for lang in languages_shown() if lang == "en" or cjk_font()]
    return [message.render(lang) for lang in shown or ["en"]]


def label(message: Message) -> str:
    """A plot label in the languages shown; a text that reads the same in both appears once."""
    return join_parts(label_parts(message))


def join_parts(parts: list[str]) -> str:
    """Join per-language texts with " / ", dropping repeats ("SGD / SGD" is just "SGD")."""
    return " / ".join(dict.fromkeys(parts))


def derivative_by_autograd(f: Callable[[torch.Tensor], torch.Tensor], xs: torch.Tensor
                           ) -> torch.Tensor:
    """f'(xs) for an elementwise f, computed with autograd."""
    x = xs.detach().clone().to(torch.float64).requires_grad_(True)
    f(x).sum().backward()
    assert x.grad is not None
    return x.grad.detach()


def function_and_derivative(f: Callable[[torch.Tensor], torch.Tensor], xs: torch.Tensor,
                            *, x0: float | None = None):
    """Plot f and its autograd derivative over xs; with x0, also the tangent line there."""
    import matplotlib.pyplot as plt

    configure()
    xs64 = xs.detach().to(torch.float64)
    with torch.no_grad():
        ys = f(xs64)
    slopes = derivative_by_autograd(f, xs64)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(xs64.numpy(), ys.numpy(), label=label(msg("plot.function")), color="#1f77b4")
    ax.plot(xs64.numpy(), slopes.numpy(), label=label(msg("plot.derivative")),
            color="#d62728", linestyle="--")
    if x0 is not None:
        point = torch.tensor([float(x0)], dtype=torch.float64)
        with torch.no_grad():
            y0 = float(f(point)[0])
        slope = float(derivative_by_autograd(f, point)[0])
        tangent = y0 + slope * (xs64 - x0)
        ax.plot(xs64.numpy(), tangent.numpy(), color="#2ca02c", linewidth=1.2,
                label=label(msg("plot.tangent", x=f"{x0:.2f}", slope=f"{slope:.3f}")))
        ax.plot([x0], [y0], "o", color="#2ca02c")
        span = float(ys.max() - ys.min()) or 1.0
        ax.set_ylim(float(min(ys.min(), slopes.min())) - 0.2 * span,
                    float(max(ys.max(), slopes.max())) + 0.2 * span)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel("x")
    ax.set_title(label(msg("plot.function_and_derivative")))
    ax.legend(loc="best")
    return finish(fig)


def finish(fig):
    """Show a figure in a notebook (and free it); elsewhere hand it back to the caller."""
    import matplotlib.pyplot as plt

    if "inline" in matplotlib.get_backend():
        from IPython.display import display

        display(fig)
        plt.close(fig)
        return None
    return fig


# ---- gradient descent: paths on a 1-D curve and losses per step (lesson 03) ----------------

_PATH_COLOURS = ("#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")
# A path that leaves this range has diverged; drawing further only flattens the picture.
_FAR = 1e6


def _as_floats(values: object) -> list[float]:
    if isinstance(values, torch.Tensor):
        return [float(v) for v in values.detach().to(torch.float64).reshape(-1).tolist()]
    return [float(v) for v in values]  # type: ignore[union-attr]


def _named_series(data: object, default: Message) -> list[tuple[str, list[float]]]:
    """One series, a mapping name -> series, or a list of (name, series) pairs.

    Names are strings or catalogue messages (messages are not hashable: pass them in pairs).
    """
    from collections.abc import Mapping

    if isinstance(data, Mapping):
        items = list(data.items())
    elif isinstance(data, list | tuple) and data and all(
            isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str | Message)
            for item in data):
        items = list(data)
    else:
        items = [(default, data)]
    return [(label(name) if isinstance(name, Message) else str(name), _as_floats(values))
            for name, values in items]


def _values_of(f: Callable[[torch.Tensor], torch.Tensor], points: list[float]) -> list[float]:
    with torch.no_grad():
        return _as_floats(f(torch.tensor(points, dtype=torch.float64)))


def descent_steps(f: Callable[[torch.Tensor], torch.Tensor], w0: float, lr: float,
                  steps: int) -> list[float]:
    """``w0`` and w after each of ``steps`` gradient-descent steps on ``f`` (float64).

    The gradient is cleared before every backward pass. A diverging path stops early,
    once it is far away, so that it can still be drawn.
    """
    w = torch.tensor(float(w0), dtype=torch.float64, requires_grad=True)
    path = [float(w0)]
    for _ in range(steps):
        if w.grad is not None:
            w.grad.zero_()
        f(w).backward()
        with torch.no_grad():
            w -= lr * w.grad
        path.append(float(w.detach()))
        if not abs(path[-1]) < _FAR:
            break
    return path


def descent_verdict(f: Callable[[torch.Tensor], torch.Tensor], path: list[float]) -> Message:
    """Too small, good, oscillating or diverging: what a learning rate did on this path."""
    losses = _values_of(f, path)
    if not all(abs(v) < float("inf") for v in losses) or losses[-1] > losses[0] + 1e-12:
        return msg("clearing.lr.diverging")
    from itertools import pairwise

    moves = [b - a for a, b in pairwise(path)]
    flips = sum(1 for a, b in pairwise(moves) if a * b < 0)
    if len(moves) >= 2 and flips >= (len(moves) - 1) / 2:
        return msg("clearing.lr.oscillating")
    slopes = derivative_by_autograd(f, torch.tensor([path[0], path[-1]], dtype=torch.float64))
    if abs(float(slopes[1])) > 0.1 * abs(float(slopes[0])):
        return msg("clearing.lr.too_small", steps=len(path) - 1)
    return msg("clearing.lr.good")


def _draw_path(ax, f: Callable[[torch.Tensor], torch.Tensor],
               paths: list[tuple[str, list[float]]]) -> None:
    shown = [[w for w in path if abs(w) < _FAR] for _, path in paths]
    points = [w for path in shown for w in path]
    low, high = min(points), max(points)
    margin = 0.15 * ((high - low) or 1.0)
    xs = torch.linspace(low - margin, high + margin, 241, dtype=torch.float64)
    with torch.no_grad():
        ys = f(xs)
    ax.plot(xs.numpy(), ys.numpy(), color="#1f77b4", linewidth=2,
            label=label(msg("clearing.plot.loss_fn")))
    for index, ((name, _), path) in enumerate(zip(paths, shown, strict=True)):
        colour = _PATH_COLOURS[index % len(_PATH_COLOURS)]
        # Earlier paths on top: where two paths share the curve, both stay visible.
        ax.plot(path, _values_of(f, path), "-o", color=colour, markersize=3.5, linewidth=1,
                alpha=0.85, label=name, zorder=3 + len(paths) - index)
    start = shown[0][0]
    ax.plot([start], _values_of(f, [start]), "s", color="black", markersize=7,
            label=label(msg("clearing.plot.start")), zorder=4 + len(paths))
    ax.set_xlabel(label(msg("clearing.plot.parameter")))
    ax.set_ylabel(label(msg("clearing.plot.loss")))
    ax.legend(loc="best")


def _draw_losses(ax, series: list[tuple[str, list[float]]], *, log: bool) -> None:
    for index, (name, losses) in enumerate(series):
        colour = _PATH_COLOURS[index % len(_PATH_COLOURS)]
        ax.plot(range(len(losses)), losses, "-", color=colour, linewidth=1.5, label=name)
    values = [v for _, losses in series for v in losses]
    if log and values and all(v > 0 for v in values):
        ax.set_yscale("log")
    ax.set_xlabel(label(msg("clearing.plot.step")))
    ax.set_ylabel(label(msg("clearing.plot.loss")))
    ax.legend(loc="best")


def descent_path(f: Callable[[torch.Tensor], torch.Tensor], path: object, *,
                 title: Message | None = None):
    """Draw f and the steps of gradient descent on it.

    ``path`` holds w at the start and after every step (a list or a 1-D tensor); several
    paths come as a mapping from a name to a path, or as a list of (name, path) pairs whose
    names may be catalogue messages.
    """
    import matplotlib.pyplot as plt

    configure()
    fig, ax = plt.subplots(figsize=(7, 4))
    _draw_path(ax, f, _named_series(path, msg("clearing.plot.path")))
    ax.set_title(label(title or msg("clearing.plot.path_title")))
    fig.tight_layout()
    return finish(fig)


def loss_curve(losses: object, *, title: Message | None = None, log: bool = False):
    """Draw the loss at each step: one series, or several named ones (as for descent_path)."""
    import matplotlib.pyplot as plt

    configure()
    fig, ax = plt.subplots(figsize=(7, 3.6))
    _draw_losses(ax, _named_series(losses, msg("clearing.plot.loss")), log=log)
    ax.set_title(label(title or msg("clearing.plot.loss_title")))
    fig.tight_layout()
    return finish(fig)


def descent_overview(f: Callable[[torch.Tensor], torch.Tensor], path: object, *,
                     title: Message | None = None, log: bool = False):
    """The path on the curve (left) and the loss at each step (right), in one figure."""
    import matplotlib.pyplot as plt

    configure()
    series = _named_series(path, msg("clearing.plot.path"))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 3.9))
    _draw_path(left, f, series)
    _draw_losses(right, [(name, _values_of(f, [w for w in p if abs(w) < _FAR]))
                         for name, p in series], log=log)
    left.set_title(label(msg("clearing.plot.path_title")))
    right.set_title(label(msg("clearing.plot.loss_title")))
    if title is not None:
        fig.suptitle(label(title))
    fig.tight_layout()
    return finish(fig)
