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


def label(message: Message) -> str:
    """A plot label in the languages shown, English only when Chinese cannot be drawn."""
    shown = [lang for lang in languages_shown() if lang == "en" or cjk_font()]
    if not shown:
        shown = ["en"]
    return " / ".join(message.render(lang) for lang in shown)


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
