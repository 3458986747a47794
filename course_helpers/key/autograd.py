"""Lesson 02 (autograd): reference solutions and expected results."""

from __future__ import annotations

import torch

from course_helpers.compare import finite_difference
from course_helpers.key import Answer, answers
from course_helpers.question import Case

# ---- reference solutions: the solution cells, word for word (shown by ``solution()``) ----


def make_leaf(values):
    """返回需要梯度的浮点型叶子张量。/ Return a float leaf tensor that requires grad."""
    return torch.tensor(values, dtype=torch.float32, requires_grad=True)


def grad_of_dot(x):
    """返回 2 * dot(x, x) 对 x 的梯度。/ Gradient of 2 * dot(x, x) with respect to x."""
    x = x.detach().clone().requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward()
    return x.grad


def mean_square_grad(x):
    """返回 (x**2 + 20).mean() 对 x 的梯度。/ Gradient of (x**2 + 20).mean() with respect to x."""
    x = x.detach().clone().requires_grad_(True)
    f = (x ** 2 + 20).mean()
    f.backward()
    return x.grad


def elementwise_grad(x):
    """返回 y = x * x 的逐元素导数 dy_i/dx_i。/ Elementwise derivatives dy_i/dx_i of y = x * x."""
    x = x.detach().clone().requires_grad_(True)
    y = x * x
    y.backward(gradient=torch.ones_like(y))
    return x.grad


def two_input_grads(a, b):
    """返回 (df/da, df/db)，其中 f = (a**2 + b**2 + a*b).sum()。/ Return (df/da, df/db)."""
    a = a.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    f = (a ** 2 + b ** 2 + a * b).sum()
    f.backward()
    return a.grad, b.grad


def derivative(f, xs):
    """用自动微分计算 f'(xs)。/ Compute f'(xs) with autograd."""
    x = xs.detach().clone().requires_grad_(True)
    f(x).sum().backward()
    return x.grad


# ---- expected results, from the formulas in float64 -----------------------------------------


def _as64(case: Case, index: int = 0) -> torch.Tensor:
    return case.args[index].to(torch.float64)


ANSWERS = answers(
    Answer(make_leaf,
           lambda case: {"values": torch.tensor(case.args[0], dtype=torch.float64)}),
    Answer(grad_of_dot, lambda case: {"grad": 4 * _as64(case),
                                      "loss": 2 * (_as64(case) * _as64(case)).sum()}),
    Answer(mean_square_grad, lambda case: {"grad": 2 * _as64(case) / _as64(case).numel(),
                                           "loss": (_as64(case) ** 2 + 20).mean()}),
    Answer(elementwise_grad, lambda case: {"grad": 2 * _as64(case),
                                           "loss": _as64(case) * _as64(case)}),
    Answer(two_input_grads,
           lambda case: {"grads": [2 * _as64(case, 0) + _as64(case, 1),
                                   2 * _as64(case, 1) + _as64(case, 0)]}),
    Answer(derivative,
           lambda case: {"derivative": finite_difference(case.args[0], case.args[1])}),
)
