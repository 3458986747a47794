"""Lesson 02 (autograd): exercises, their reference solutions and how each is checked.

Expected values come from the formulas (``4x`` for ``2·x·x``, a finite difference for an
arbitrary f), not from running the reference solution, so a mistake shared by the reference
and a student's answer cannot hide.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from course_helpers.compare import (
    Expect,
    check_against_finite_difference,
    check_gradient,
    check_tensor,
    check_tuple,
)
from course_helpers.exercises.inputs import vector
from course_helpers.i18n import Message, msg
from course_helpers.question import Case, Question

# ---- reference solutions (shown by ``solution()``) --------------------------------------


def make_leaf(values):
    """A floating-point leaf tensor holding ``values`` that requires grad."""
    return torch.tensor(values, dtype=torch.float32, requires_grad=True)


def grad_of_dot(x):
    """Gradient of y = 2 * dot(x, x) with respect to x."""
    x = x.detach().clone().requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward()
    return x.grad


def mean_square_grad(x):
    """Gradient of mean(x**2 + 20) with respect to x."""
    x = x.detach().clone().requires_grad_(True)
    (x**2 + 20).mean().backward()
    return x.grad


def elementwise_grad(x):
    """dy_i/dx_i for the vector y = x * x."""
    x = x.detach().clone().requires_grad_(True)
    y = x * x
    y.backward(gradient=torch.ones_like(y))
    return x.grad


def two_input_grads(a, b):
    """(df/da, df/db) for f = sum(a**2 + b**2 + a*b)."""
    a = a.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    (a**2 + b**2 + a * b).sum().backward()
    return a.grad, b.grad


def derivative(f, xs):
    """f'(xs) for an elementwise function f, computed with autograd."""
    x = xs.detach().clone().requires_grad_(True)
    f(x).sum().backward()
    return x.grad


# ---- how each answer is judged ----------------------------------------------------------


def _judge_leaf(result: object, case: Case) -> Message | None:
    expected = torch.tensor(case.args[0], dtype=torch.float64)
    return check_tensor(result, expected,
                        Expect(requires_grad=True, leaf=True, what=msg("what.tensor")))


def _gradient_judge(formula: Callable[[torch.Tensor], torch.Tensor],
                    reduction: str | None = None):
    def judge(result: object, case: Case) -> Message | None:
        x = case.args[0].to(torch.float64)
        expect = Expect(what=msg("what.gradient"), requires_grad=False,
                        reduction_size=x.numel() if reduction else None, reduction=reduction)
        return check_gradient(result, formula(x), expect)

    return judge


def _judge_two_inputs(result: object, case: Case) -> Message | None:
    problem = check_tuple(result, 2)
    if problem is not None:
        return problem
    assert isinstance(result, tuple | list)
    a, b = (t.to(torch.float64) for t in case.args)
    expected = (2 * a + b, 2 * b + a)
    first = [check_gradient(result[i], expected[i],
                            Expect(what=msg("what.item", index=i + 1), requires_grad=False))
             for i in range(2)]
    if all(p is None for p in first):
        return None
    swapped = [check_gradient(result[i], expected[1 - i],
                              Expect(what=msg("what.item", index=i + 1), requires_grad=False))
               for i in range(2)]
    if all(p is None for p in swapped):
        return msg("diag.swapped")
    return next(p for p in first if p is not None)


def _judge_derivative(result: object, case: Case) -> Message | None:
    f, xs = case.args
    return check_against_finite_difference(result, f, xs)


def _cubic(t: torch.Tensor) -> torch.Tensor:
    return t**3 - 2 * t


def _bump(t: torch.Tensor) -> torch.Tensor:
    return torch.exp(-(t**2)) * torch.cos(2 * t)


# ---- the questions ------------------------------------------------------------------------

q1 = Question(
    key="autograd.q1", number="1", points=2, name="ex.q1", reference=make_leaf,
    judge=_judge_leaf,
    visible=[Case(([1, 2, 3],), "values = [1, 2, 3]")],
    hidden=[Case(([0.5, -2.0, 4.25, 10.0],)), Case(([7],)), Case(([[1, 2], [3, 4]],)),
            Case(([-1.5, 0, 2],))],
)

q2 = Question(
    key="autograd.q2", number="2", points=2, name="ex.q2", reference=grad_of_dot,
    judge=_gradient_judge(lambda x: 4 * x),
    visible=[Case((torch.arange(4.0),), "x = torch.arange(4.0)")],
    hidden=[Case((vector(5, seed=21),)), Case((vector(3, seed=22, dtype=torch.float64),)),
            Case((torch.tensor([-2.5]),))],
)

q3 = Question(
    key="autograd.q3", number="3", points=2, name="ex.q3", reference=mean_square_grad,
    judge=_gradient_judge(lambda x: 2 * x / x.numel(), reduction="mean"),
    visible=[Case((torch.tensor([10.0, 20.0, 30.0, 40.0], dtype=torch.float64),),
                  "x = torch.tensor([10., 20., 30., 40.], dtype=torch.float64)")],
    hidden=[Case((vector(6, seed=31),)), Case((vector(3, seed=32, dtype=torch.float64),)),
            Case((torch.tensor([4.0]),))],
)

q4 = Question(
    key="autograd.q4", number="4", points=2, name="ex.q4", reference=elementwise_grad,
    judge=_gradient_judge(lambda x: 2 * x, reduction="sum"),
    visible=[Case((torch.arange(4.0),), "x = torch.arange(4.0)")],
    hidden=[Case((vector(7, seed=41),)), Case((vector(2, seed=42, dtype=torch.float64),))],
)

q5 = Question(
    key="autograd.q5", number="5", points=2, name="ex.q5", reference=two_input_grads,
    judge=_judge_two_inputs,
    visible=[Case((torch.tensor(10.0, dtype=torch.float64),
                   torch.tensor(20.0, dtype=torch.float64)),
                  "a = torch.tensor(10., dtype=torch.float64), "
                  "b = torch.tensor(20., dtype=torch.float64)")],
    hidden=[Case((torch.tensor([10.0, 20.0]), torch.tensor([30.0, 40.0]))),
            Case((vector(6, seed=51).reshape(2, 3), vector(6, seed=52).reshape(2, 3)))],
)

q6 = Question(
    key="autograd.q6", number="6", points=2, name="ex.q6", reference=derivative,
    judge=_judge_derivative,
    visible=[Case((torch.sin, torch.linspace(-3, 3, 7, dtype=torch.float64)),
                  "f = torch.sin, xs = torch.linspace(-3, 3, 7, dtype=torch.float64)")],
    hidden=[Case((_cubic, vector(5, seed=61, dtype=torch.float64))),
            Case((torch.tanh, vector(4, seed=62))),
            Case((_bump, torch.linspace(-2, 2, 9, dtype=torch.float64)))],
)

QUESTIONS = (q1, q2, q3, q4, q5, q6)
