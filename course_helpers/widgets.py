"""Interactive pictures: sliders that redraw a plot."""

from __future__ import annotations

from collections.abc import Callable

import torch

from course_helpers import plots
from course_helpers.i18n import msg


def tangent_explorer(f: Callable[[torch.Tensor], torch.Tensor], *, low: float = -3.0,
                     high: float = 3.0, start: float = 1.0):
    """A slider for x0 that redraws f, f' and the tangent line at x0."""
    import ipywidgets as widgets
    from IPython.display import display

    xs = torch.linspace(low, high, 121)
    slider = widgets.FloatSlider(value=start, min=low, max=high, step=0.1,
                                 description=plots.label(msg("widget.x0")),
                                 continuous_update=False,
                                 style={"description_width": "initial"},
                                 layout=widgets.Layout(width="480px"))
    output = widgets.Output()

    def redraw(change: object = None) -> None:
        output.clear_output(wait=True)
        with output:
            plots.function_and_derivative(f, xs, x0=slider.value)

    slider.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([slider, output])
    display(box)
    return None
