"""Lesson 06 (linear regression): reference solutions and expected results.

The expected line comes from the float64 formula (slope = cov(x, y) / var(x)), never from a
reference solution. The losses a training loop reports, right or with a typical mistake
(gradient never cleared, a summed loss, a step uphill), are gradient descent on the line's
mean squared error simulated in float64 by :mod:`course_helpers.key.paths`.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from course_helpers.key import Answer, answers
from course_helpers.key.paths import Path, descent, mistake
from course_helpers.question import Case

# ---- reference solutions: the solution cells, word for word (shown by ``solution()``) ----


def mse(pred, target):
    """均方误差（零维张量）。/ Mean squared error as a 0-d tensor."""
    return ((pred - target) ** 2).mean()


def train_by_hand(x, y, lr, epochs):
    """从 w = b = 0 开始做梯度下降，返回 (w, b, losses)。/ Gradient descent from w = b = 0."""
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses = []
    for _ in range(epochs):
        loss = ((w * x + b - y) ** 2).mean()
        losses.append(loss.item())
        if w.grad is not None:
            w.grad.zero_()
            b.grad.zero_()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
    return w.detach(), b.detach(), losses


def train_with_module(model, x, y, lr, epochs):
    """原地训练 model，返回每轮的损失。/ Train model in place; return the losses."""
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def closed_form(x, y):
    """用 torch.linalg.lstsq 求 (w, b)。/ Least-squares (w, b) with torch.linalg.lstsq."""
    A = torch.stack([x, torch.ones_like(x)], dim=1)
    solution = torch.linalg.lstsq(A, y.unsqueeze(1)).solution
    return solution[0, 0], solution[1, 0]


# ---- float64 arithmetic of the line ---------------------------------------------------------


def _flat64(t: torch.Tensor) -> torch.Tensor:
    return t.reshape(-1).to(torch.float64)


def _least_squares(x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Slope and intercept of the least-squares line, from the float64 formula."""
    x64, y64 = _flat64(x), _flat64(y)
    dx, dy = x64 - x64.mean(), y64 - y64.mean()
    slope = float((dx * dy).sum() / (dx * dx).sum())
    return slope, float(y64.mean()) - slope * float(x64.mean())


def _through_origin(x: torch.Tensor, y: torch.Tensor) -> float:
    """The slope of the best line forced through (0, 0): what a design without 1s gives."""
    x64, y64 = _flat64(x), _flat64(y)
    return float((x64 * y64).sum() / (x64 * x64).sum())


def _loss(x: torch.Tensor, y: torch.Tensor, w: float, b: float) -> float:
    return float(((w * _flat64(x) + b - _flat64(y)) ** 2).mean())


def _line_descent(x: torch.Tensor, y: torch.Tensor, w0: float, b0: float, lr: float,
                  epochs: int, *, total: bool = False, clear: bool = True,
                  sign: float = 1.0) -> Path:
    """Gradient descent on the squared error of the line w·x + b from (w0, b0), in float64.

    ``params`` holds (w, b) after each epoch, ``losses`` the loss each epoch reports before
    its update. ``total=True`` trains on the summed squared error instead of the mean.
    """
    x64, y64 = _flat64(x), _flat64(y)
    scale = 2.0 if total else 2.0 / x64.numel()

    def residual(p: torch.Tensor) -> torch.Tensor:
        return p[0] * x64 + p[1] - y64

    def grad(p: torch.Tensor) -> torch.Tensor:
        r = residual(p)
        return scale * torch.stack([(r * x64).sum(), r.sum()])

    def loss(p: torch.Tensor) -> torch.Tensor:
        squares = residual(p) ** 2
        return squares.sum() if total else squares.mean()  # what the loop reports

    start = torch.tensor([float(w0), float(b0)], dtype=torch.float64)
    return descent(grad, start, lr, epochs, loss=loss, clear=clear, sign=sign)


# ---- expected results ------------------------------------------------------------------------


def _expect_mse(case: Case) -> dict:
    pred, target = (t.to(torch.float64) for t in case.args)
    diff = pred - target
    loss = (diff ** 2).mean()
    # In the order they are tried: the first one a wrong loss equals is named.
    mistakes = [
        mistake("diag.sum_not_mean", (diff ** 2).sum()),
        mistake("regression.diag.rmse", loss.sqrt()),
        mistake("regression.diag.abs_error", diff.abs().mean()),
        mistake("regression.diag.not_squared", diff.mean()),
        mistake("regression.diag.not_squared", -diff.mean()),
        mistake("regression.diag.half", loss / 2),
    ]
    return {"loss": loss, "mistakes": mistakes}


def _expect_training(x: torch.Tensor, y: torch.Tensor, w0: float, b0: float, lr: float,
                     epochs: int) -> dict:
    """The line to reach, the first and last losses of a right loop, and the losses each
    typical wrong loop reports."""
    slope, intercept = _least_squares(x, y)
    start = _loss(x, y, w0, b0)
    after_one = (float(_line_descent(x, y, w0, b0, lr, 2).losses[1]) if epochs > 1
                 else start)
    mistakes = [
        mistake("regression.diag.no_zero_grad",
                _line_descent(x, y, w0, b0, lr, epochs, clear=False).losses),
        mistake("regression.diag.sum_loss",
                _line_descent(x, y, w0, b0, lr, epochs, total=True).losses),
        mistake("regression.diag.uphill",
                _line_descent(x, y, w0, b0, lr, epochs, sign=-1.0).losses),
    ]
    return {"slope": slope, "intercept": intercept, "start_loss": start,
            "after_one_loss": after_one, "best_loss": _loss(x, y, slope, intercept),
            "mistakes": mistakes}


def _expect_by_hand(case: Case) -> dict:
    x, y, lr, epochs = case.args
    return _expect_training(x, y, 0.0, 0.0, lr, epochs)


def _per_sample(x: torch.Tensor, y: torch.Tensor, w0: float, b0: float, lr: float,
                epochs: int) -> dict:
    """One SGD step per data point, in order, for ``epochs`` passes, in float64: where such
    a loop ends (``end``: w, b) and what it may report as its first loss (``first``: the
    mean, sum or last of the first pass's per-point losses)."""
    x64, y64 = _flat64(x).tolist(), _flat64(y).tolist()
    w, b = float(w0), float(b0)
    first: list[float] = []
    for epoch in range(epochs):
        for xi, yi in zip(x64, y64, strict=True):
            r = w * xi + b - yi
            if epoch == 0:
                first.append(r * r)
            w, b = w - lr * 2.0 * r * xi, b - lr * 2.0 * r
    # A loop that blows up ends nowhere (and check data holds finite numbers only).
    end = [w, b] if math.isfinite(w) and math.isfinite(b) else None
    firsts = [sum(first) / len(first), sum(first), first[-1]]
    return {"end": end, "first": [v for v in firsts if math.isfinite(v)]}


def _expect_module(case: Case) -> dict:
    w0, b0, x, y, lr, epochs = case.args
    return {**_expect_training(x, y, w0, b0, lr, epochs),
            "per_sample": _per_sample(x, y, w0, b0, lr, epochs)}


def _expect_closed_form(case: Case) -> dict:
    x, y = case.args
    slope, intercept = _least_squares(x, y)
    return {"slope": slope, "intercept": intercept, "through_origin": _through_origin(x, y)}


# ---- the answers (the hidden cases' templates are the lesson's ``draws``) --------------------

ANSWERS = answers(
    Answer(mse, _expect_mse),
    Answer(train_by_hand, _expect_by_hand),
    Answer(train_with_module, _expect_module),
    Answer(closed_form, _expect_closed_form),
)
