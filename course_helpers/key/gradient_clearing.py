"""Lesson 03 (gradient accumulation and clearing): reference solutions and expected results.
The templates of the hidden cases live with the questions, in the lesson module.

Every expected path is gradient descent simulated in float64 from the update rule
(``w ← w − lr·∇f``) by :mod:`course_helpers.key.paths`, never by running a reference solution.
The same simulation with one step done wrong gives the fingerprint of each typical mistake.
"""

from __future__ import annotations

import torch

from course_helpers.key import Answer, answers
from course_helpers.key.paths import descent, mistake
from course_helpers.question import Case

# ---- reference solutions: the solution cells, word for word (shown by ``solution()``) ----


def grads_after_each_backward(x, times):
    """每次 backward 之后的梯度（不清零）/ The gradient after each backward pass (never cleared)."""
    x = x.detach().clone().requires_grad_(True)
    grads = []
    for _ in range(times):
        (x ** 2).sum().backward()
        grads.append(x.grad.clone())
    return grads


def descend(w0, lr, steps):
    """对 w**2 + 20 做梯度下降，返回每一步之后的 w / w after each step of gradient descent."""
    w = torch.tensor(w0, dtype=torch.float32, requires_grad=True)
    path = []
    for _ in range(steps):
        loss = w ** 2 + 20
        if w.grad is not None:
            w.grad.zero_()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        path.append(w.item())
    return torch.tensor(path)


def train_sgd(params_init, lr, steps):
    """用 SGD 最小化 w0**2 + 2*w1**2，返回每一步之后的参数 / Parameters after each SGD step."""
    w = params_init.detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=lr)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = w[0] ** 2 + 2 * w[1] ** 2
        loss.backward()
        optimizer.step()
        path.append(w.detach().clone())
    return torch.stack(path)


def microbatch_grad(x, y, w, k):
    """k 个微批量累积出的梯度 / The gradient accumulated over k micro-batches."""
    w = w.detach().clone().requires_grad_(True)
    for xb, yb in zip(x.chunk(k), y.chunk(k)):  # noqa: B905
        loss = ((xb @ w - yb) ** 2).mean()
        (loss / k).backward()
    return w.grad


# ---- expected results, in float64 --------------------------------------------------------


def _square_grad(w: torch.Tensor) -> torch.Tensor:
    return 2 * w  # d/dw (w**2 + 20)


def _bowl_grad(w: torch.Tensor) -> torch.Tensor:
    return w * torch.tensor([2.0, 4.0], dtype=torch.float64)  # d/dw (w0**2 + 2*w1**2)


def _expect_accumulating(case: Case) -> dict:
    """x.grad after n backward passes of (x**2).sum() is 2n·x; a list of one aliased tensor
    repeats the last entry, a gradient cleared every time repeats the first."""
    x, times = case.args
    x64 = x.to(torch.float64)
    grads = [2 * (n + 1) * x64 for n in range(times)]
    mistakes = []
    if times >= 2:
        mistakes = [mistake("clearing.diag.grads_aliased", torch.stack([grads[-1]] * times)),
                    mistake("clearing.diag.grads_cleared", torch.stack([grads[0]] * times))]
    return {"grads": grads, "mistakes": mistakes}


def _expect_path(grad):
    def expect(case: Case) -> dict:
        start, lr, steps = case.args
        start64 = torch.as_tensor(start, dtype=torch.float64)
        right = descent(grad, start64, lr, steps).params
        # In the order they are tried: the first one a wrong path follows is named.
        mistakes = [
            mistake("clearing.diag.path_aliased", right[-1].expand_as(right).clone()),
            mistake("clearing.diag.never_cleared",
                    descent(grad, start64, lr, steps, clear=False).params),
            mistake("clearing.diag.step_twice",
                    descent(grad, start64, lr, steps, steps_per_grad=2).params),
            mistake("clearing.diag.path_ascent",
                    descent(grad, start64, lr, steps, sign=-1.0).params),
            mistake("clearing.diag.path_before_step",
                    torch.cat([start64.unsqueeze(0), right[:-1]])),
            mistake("clearing.diag.path_stuck", start64.expand_as(right).clone()),
        ]
        return {"path": right, "mistakes": mistakes}

    return expect


def _expect_microbatch(case: Case) -> dict:
    """The full-batch MSE gradient; unscaled micro-batches, the last micro-batch alone,
    pieces of k rows instead of k pieces, and a summed loss give multiples or parts of it."""
    x, y, w, k = case.args
    x64, y64, w64 = (t.to(torch.float64) for t in (x, y, w))
    n = x64.shape[0]

    def mse_grad(xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
        return 2 * xs.T @ (xs @ w64 - ys) / xs.shape[0]

    full = mse_grad(x64, y64)
    last = mse_grad(x64[-(n // k):], y64[-(n // k):])
    mistakes = []
    if k > 1:
        mistakes = [mistake("clearing.diag.microbatch_unscaled", full * k),
                    mistake("clearing.diag.microbatch_last_only", last),
                    mistake("clearing.diag.microbatch_last_only", last / k)]
    if k > 1 and -(-n // k) != k:
        # torch.split(x, k): pieces of k rows each, not k pieces (the same only when n = k²).
        pieces = sum(mse_grad(x64[i:i + k], y64[i:i + k]) for i in range(0, n, k))
        mistakes += [mistake("clearing.diag.microbatch_split_size", pieces / k),
                     mistake("clearing.diag.microbatch_split_size", pieces)]
    mistakes.append(mistake("diag.sum_not_mean", full * n))
    return {"grad": full, "mistakes": mistakes}


ANSWERS = answers(
    Answer(grads_after_each_backward, _expect_accumulating),
    Answer(descend, _expect_path(_square_grad)),
    Answer(train_sgd, _expect_path(_bowl_grad)),
    Answer(microbatch_grad, _expect_microbatch),
)
