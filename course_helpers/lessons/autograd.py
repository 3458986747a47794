"""Lesson 02 (autograd): the questions and how a result is judged.

Each judge compares the student's result with expected values computed in float64 from the
formulas (``4x`` for ``2·x·x``, a finite difference for an arbitrary f); the values come from
the lesson's check data, or from the answer key for a hidden case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from course_helpers import trusted
from course_helpers.compare import (
    Expect,
    check_against_estimate,
    check_gradient,
    check_tensor,
    check_tuple,
    close,
)
from course_helpers.i18n import Message, msg
from course_helpers.lessons.inputs import vector
from course_helpers.question import Case, Question, declare


def _explain(error: Exception) -> Message | None:
    """A method used without parentheses: ``x.requires_grad_`` is the method, not a tensor."""
    if isinstance(error, TypeError) and "builtin_function_or_method" in str(error):
        return msg("autograd.diag.method_not_called")
    return None


def _returned_loss(result: object, expected: dict) -> Message | None:
    """The value of the function (the loss) returned instead of its gradient."""
    loss = expected.get("loss")
    # Only a plain tensor is looked at: anything else has already got its diagnosis.
    if (loss is None or not trusted.is_plain(result)
            or trusted.shape(result) != trusted.shape(loss)):  # type: ignore[arg-type]
        return None
    if close(trusted.as_float64(result), loss, rtol=1e-4, atol=1e-6):  # type: ignore[arg-type]
        return msg("autograd.diag.returned_loss")
    return None


def _judge_leaf(result: object, case: Case, expected: dict) -> Message | None:
    return check_tensor(result, expected["values"],
                        Expect(requires_grad=True, leaf=True, what=msg("what.tensor")))


def _gradient_judge(reduction: str | None = None):
    def judge(result: object, case: Case, expected: dict) -> Message | None:
        x = case.args[0]
        expect = Expect(what=msg("what.gradient"), requires_grad=False,
                        reduction_size=x.numel() if reduction else None, reduction=reduction)
        problem = check_gradient(result, expected["grad"], expect)
        if problem is not None:
            return _returned_loss(result, expected) or problem
        return None

    return judge


def _judge_two_inputs(result: object, case: Case, expected: dict) -> Message | None:
    problem = check_tuple(result, 2)
    if problem is not None:
        return problem
    assert isinstance(result, tuple | list)
    want = expected["grads"]
    first = [check_gradient(result[i], want[i],
                            Expect(what=msg("what.item", index=i + 1), requires_grad=False))
             for i in range(2)]
    if all(p is None for p in first):
        return None
    swapped = [check_gradient(result[i], want[1 - i],
                              Expect(what=msg("what.item", index=i + 1), requires_grad=False))
               for i in range(2)]
    if all(p is None for p in swapped):
        return msg("diag.swapped")
    return next(p for p in first if p is not None)


def _call_through_f(answer: Callable[..., Any], case: Case, args: tuple[Any, ...]
                    ) -> tuple[Any, bool]:
    """Run ``answer`` with an ``f`` that notes whether it was ever given a tensor that
    requires grad: without that, the derivative cannot have come from autograd."""
    f, *rest = args
    tracked = [False]

    def f_seen_by_autograd(*inputs: Any, **kwargs: Any) -> Any:
        if any(trusted.is_plain(t) and trusted.requires_grad(t) for t in inputs):
            tracked[0] = True
        return f(*inputs, **kwargs)

    result = answer(f_seen_by_autograd, *rest)
    return result, tracked[0]


def _judge_derivative(result: object, case: Case, expected: dict) -> Message | None:
    assert isinstance(result, tuple)
    derivative, through_autograd = result
    problem = check_against_estimate(derivative, expected["derivative"])
    if through_autograd or derivative is None:
        return problem
    # Right (or nearly right) numbers that f never saw with gradient tracking on: a finite
    # difference or a formula typed in, not autograd.
    near = check_against_estimate(derivative, expected["derivative"],
                                  Expect(what=msg("what.gradient"), requires_grad=False,
                                         rtol=1e-2, atol=1e-3))
    if problem is None or near is None:
        return msg("autograd.diag.not_autograd")
    return problem


# ---- hidden-case templates: the functions f of q6 ------------------------------------------


def _cubic(t: torch.Tensor) -> torch.Tensor:
    return t**3 - 2 * t


def _bump(t: torch.Tensor) -> torch.Tensor:
    return torch.exp(-(t**2)) * torch.cos(2 * t)


# Every question from q2 on hands the answer tensors it must leave as they were: a student
# who switches on requires_grad of the caller's tensor gets accumulated gradients on a second
# call with the same tensor.
QUESTIONS = declare(
    __name__, "autograd",
    Question(points=2, function="make_leaf", judge=_judge_leaf,
             visible=[Case(([1, 2, 3],), "values = [1, 2, 3]")],
             draws=[Case(([0.5, -2.0, 4.25, 10.0],)), Case(([7],)),
                    Case(([[1, 2], [3, 4]],)), Case(([-1.5, 0, 2],))]),
    Question(points=2, function="grad_of_dot", judge=_gradient_judge(), keeps_inputs=True,
             explain=_explain,
             visible=[Case((torch.arange(4.0),), "x = torch.arange(4.0)"),
                      Case((torch.tensor([1.5, -2.0, 0.5], dtype=torch.float64),),
                           "x = torch.tensor([1.5, -2., 0.5], dtype=torch.float64)")],
             draws=[Case((vector(5, seed=21),)),
                    Case((vector(3, seed=22, dtype=torch.float64),)),
                    Case((torch.tensor([-2.5]),))]),
    Question(points=2, function="mean_square_grad", judge=_gradient_judge("mean"),
             keeps_inputs=True, explain=_explain,
             visible=[Case((torch.tensor([10.0, 20.0, 30.0, 40.0], dtype=torch.float64),),
                           "x = torch.tensor([10., 20., 30., 40.], dtype=torch.float64)")],
             draws=[Case((vector(6, seed=31),)),
                    Case((vector(3, seed=32, dtype=torch.float64),)),
                    Case((torch.tensor([4.0]),))]),
    Question(points=2, function="elementwise_grad", judge=_gradient_judge("sum"),
             keeps_inputs=True, explain=_explain,
             visible=[Case((torch.arange(4.0),), "x = torch.arange(4.0)")],
             draws=[Case((vector(7, seed=41),)),
                    Case((vector(2, seed=42, dtype=torch.float64),))]),
    Question(points=2, function="two_input_grads", judge=_judge_two_inputs, keeps_inputs=True,
             explain=_explain,
             visible=[Case((torch.tensor([10.0, -1.0], dtype=torch.float64),
                            torch.tensor([20.0, 3.0], dtype=torch.float64)),
                           "a = torch.tensor([10., -1.], dtype=torch.float64), "
                           "b = torch.tensor([20., 3.], dtype=torch.float64)")],
             draws=[Case((torch.tensor([10.0, 20.0]), torch.tensor([30.0, 40.0]))),
                    Case((vector(6, seed=51).reshape(2, 3),
                          vector(6, seed=52).reshape(2, 3)))]),
    Question(points=2, function="derivative", judge=_judge_derivative, keeps_inputs=True,
             call=_call_through_f, explain=_explain,
             visible=[Case((torch.sin, torch.linspace(-3, 3, 7, dtype=torch.float64)),
                           "f = torch.sin, xs = torch.linspace(-3, 3, 7, dtype=torch.float64)"),
                      Case((torch.tanh, torch.tensor([-1.0, 0.5, 2.0])),
                           "f = torch.tanh, xs = torch.tensor([-1., 0.5, 2.])")],
             draws=[Case((_cubic, vector(5, seed=61, dtype=torch.float64))),
                    Case((torch.tanh, vector(4, seed=62))),
                    Case((_bump, torch.linspace(-2, 2, 9, dtype=torch.float64)))]),
)
