"""Lesson 04 (no_grad and detach): reference solutions and expected results. The templates
of the hidden cases live with the questions, in the lesson module.

Expected values come from float64 formulas (``w * x``, ``w - lr * w.grad``) and, for the
descent loop, from :mod:`course_helpers.key.paths`, never from running a reference solution.
The same descent with one thing done wrong (a gradient never cleared, a mean instead of a
sum) gives the fingerprint of each typical mistake.
"""

from __future__ import annotations

import torch

from course_helpers.key import Answer, answers
from course_helpers.key.paths import descent, mistake
from course_helpers.question import Case

# ---- reference solutions: the solution cells, word for word (shown by ``solution()``) ----


def predict(w, x):
    """返回不需要梯度的 w * x。/ Return w * x as a tensor that does not require grad."""
    with torch.no_grad():
        return w * x


def sgd_step_(w, lr):
    """原地更新 w，然后清零梯度。/ Update w in place, then clear its gradient."""
    with torch.no_grad():
        w -= lr * w.grad
    w.grad.zero_()


def to_numpy(t):
    """返回与 t 数值相同的 NumPy 数组。/ Return a NumPy array with the values of t."""
    return t.detach().cpu().numpy()


def independent_copy(t):
    """返回 t 的独立副本。/ Return an independent copy of t."""
    return t.detach().clone()


def freeze_first_layer_(model):
    """冻结 model[0] 的全部参数。/ Freeze every parameter of model[0]."""
    for p in model[0].parameters():
        p.requires_grad_(False)


def descend(w0, lr, steps):
    """返回每一步之后的 w，形状 (steps, *w0.shape)。/ Return w after each step, stacked."""
    w = w0.detach().clone().requires_grad_(True)
    history = []
    for _ in range(steps):
        loss = (w ** 2).sum()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad.zero_()
        history.append(w.detach().clone())
    return torch.stack(history)


# ---- expected results, in float64 --------------------------------------------------------


def _as64(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.detach().to(torch.float64)


def _expect_predict(case: Case) -> dict:
    w, x = case.args
    return {"prediction": _as64(w.values) * _as64(x)}


def _expect_sgd_step(case: Case) -> dict:
    spec, lr = case.args
    step = _as64(spec.grad) * lr
    return {"w": _as64(spec.values) - step, "step": step}


_NUMPY_DTYPES = {torch.float32: "float32", torch.float64: "float64", torch.float16: "float16"}


def _expect_to_numpy(case: Case) -> dict:
    values = case.args[0].values
    return {"array": _as64(values), "dtype": _NUMPY_DTYPES[values.dtype]}


def _expect_copy(case: Case) -> dict:
    return {"copy": _as64(case.args[0].values)}


def _expect_freeze(case: Case) -> dict:
    first = case.args[0].template[0]
    return {"frozen": [f"0.{name}" for name, _ in first.named_parameters()]}


def _square_grad(w: torch.Tensor) -> torch.Tensor:
    return 2 * w  # d/dw (w ** 2).sum()


def _expect_descend(case: Case) -> dict:
    w0, lr, steps = case.args
    n = w0.numel()
    mistakes = [mistake("nograd.q6.not_zeroed",
                        descent(_square_grad, w0, lr, steps, clear=False).params)]
    if n > 1:  # for a single number the mean is the sum
        mistakes.append({**mistake("nograd.q6.mean",
                                   descent(lambda w: _square_grad(w) / n, w0, lr, steps).params),
                         "params": {"n": n}})
    return {"history": descent(_square_grad, w0, lr, steps).params, "mistakes": mistakes}


ANSWERS = answers(
    Answer(predict, _expect_predict),
    Answer(sgd_step_, _expect_sgd_step),
    Answer(to_numpy, _expect_to_numpy),
    Answer(independent_copy, _expect_copy),
    Answer(freeze_first_layer_, _expect_freeze),
    Answer(descend, _expect_descend),
)
