"""Interactive pictures: sliders that redraw a plot.

While nbgrader executes a notebook (autograde, validate) nobody can move a slider, so each
explorer draws its starting picture as a plain figure instead: no widget messages for the
grader to wait on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import torch

from course_helpers import plots
from course_helpers.i18n import msg


def tangent_explorer(f: Callable[[torch.Tensor], torch.Tensor], *, low: float = -3.0,
                     high: float = 3.0, start: float = 1.0):
    """A slider for x0 that redraws f, f' and the tangent line at x0."""
    xs = torch.linspace(low, high, 121)
    if _grading():
        plots.function_and_derivative(f, xs, x0=start)
        return None
    import ipywidgets

    slider = ipywidgets.FloatSlider(value=start, min=low, max=high, step=0.1,
                                    description=plots.label(msg("widget.x0")), **look(480))
    explore([slider], lambda: plots.function_and_derivative(f, xs, x0=slider.value))
    return None


LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.6, 0.9, 1.0, 1.05, 1.1)


def learning_rate_explorer(f: Callable[[torch.Tensor], torch.Tensor], w0: float, *,
                           steps: int = 20, rates: tuple[float, ...] = LEARNING_RATES,
                           start: float = 0.1):
    """A learning-rate slider (roughly log-spaced) that redraws gradient descent on f from w0.

    The title says what the rate does: too small, good, oscillating or diverging.
    """
    if start not in rates:
        raise ValueError(f"start={start} is not one of the rates {rates}")
    if _grading():
        path = plots.descent_steps(f, w0, start, steps)
        plots.descent_overview(f, path, title=msg(
            "clearing.plot.lr_title", lr=f"{start:g}", verdict=plots.descent_verdict(f, path)))
        return None
    import ipywidgets

    slider = ipywidgets.SelectionSlider(options=[(f"{rate:g}", rate) for rate in rates],
                                        value=start,
                                        description=plots.label(msg("clearing.widget.lr")),
                                        **look(520))

    def draw() -> None:
        lr = float(slider.value)
        path = plots.descent_steps(f, w0, lr, steps)
        verdict = plots.descent_verdict(f, path)
        plots.descent_overview(f, path, title=msg("clearing.plot.lr_title", lr=f"{lr:g}",
                                                  verdict=verdict))

    explore([slider], draw)
    return None


def look(width: int) -> dict[str, Any]:
    """How every slider in the course looks and behaves: redraw on release, full labels."""
    import ipywidgets

    return {"continuous_update": False, "style": {"description_width": "initial"},
            "layout": ipywidgets.Layout(width=f"{width}px")}


def explore(sliders: Sequence[Any], draw: Callable[[], None]) -> None:
    """Show ``sliders`` above a picture that ``draw`` draws again whenever one of them moves."""
    import ipywidgets
    from IPython.display import display

    output = ipywidgets.Output()

    def redraw(change: object = None) -> None:
        output.clear_output(wait=True)
        with output:
            draw()

    for slider in sliders:
        slider.observe(redraw, names="value")
    redraw()
    display(ipywidgets.VBox([*sliders, output]))


def _grading() -> bool:
    """True while nbgrader runs the notebook (it sets NBGRADER_EXECUTION for the kernel)."""
    return bool(os.environ.get("NBGRADER_EXECUTION"))
