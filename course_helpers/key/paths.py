"""Float64 training paths, right and wrong: the key's one simulation of gradient descent.

Lessons 03, 04 and 06 ask for a training loop. The expected path and the fingerprint of each
typical mistake (a gradient never cleared, ``step()`` twice, an update with the wrong sign)
are all this one loop with one setting changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

Gradient = Callable[[torch.Tensor], torch.Tensor]
Loss = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Path:
    """The parameters after each step, and the loss measured before each step."""

    params: torch.Tensor
    losses: torch.Tensor


def descent(grad: Gradient, start: torch.Tensor, lr: float, steps: int, *,
            loss: Loss | None = None, clear: bool = True, steps_per_grad: int = 1,
            sign: float = 1.0) -> Path:
    """Gradient descent from ``start``, in float64.

    ``clear=False`` lets the gradient accumulate as ``.grad`` does without clearing;
    ``steps_per_grad=2`` applies every gradient twice (``step()`` called twice);
    ``sign=-1`` climbs instead of descending. ``loss`` (optional) is recorded before each
    step, as a training loop reports it.
    """
    w = torch.as_tensor(start, dtype=torch.float64).clone()
    total = torch.zeros_like(w)
    params, losses = [], []
    for _ in range(steps):
        if loss is not None:
            losses.append(loss(w))
        g = grad(w)
        total = total + g if not clear else g
        for _ in range(steps_per_grad):
            w = w - sign * lr * total
        params.append(w.clone())
    empty = torch.zeros(0, dtype=torch.float64)
    return Path(torch.stack(params) if params else empty.reshape(0, *w.shape),
                torch.stack(losses) if losses else empty)


def mistake(key: str, path: torch.Tensor) -> dict[str, object]:
    """One known mistake as check data: its diagnosis key and the path it produces."""
    return {"key": key, "path": path}
