"""Lesson 02 (autograd): the questions and how a result is judged.

Each judge compares the student's result with expected values computed in float64 from the
formulas (``4x`` for ``2·x·x``, a finite difference for an arbitrary f); the values come from
the lesson's check data, or from the answer key for a hidden case.
"""

from __future__ import annotations

import torch

from course_helpers.compare import (
    Expect,
    check_against_estimate,
    check_gradient,
    check_tensor,
    check_tuple,
)
from course_helpers.i18n import Message, msg
from course_helpers.question import Case, Question, declare


def _judge_leaf(result: object, case: Case, expected: dict) -> Message | None:
    return check_tensor(result, expected["values"],
                        Expect(requires_grad=True, leaf=True, what=msg("what.tensor")))


def _gradient_judge(reduction: str | None = None):
    def judge(result: object, case: Case, expected: dict) -> Message | None:
        x = case.args[0]
        expect = Expect(what=msg("what.gradient"), requires_grad=False,
                        reduction_size=x.numel() if reduction else None, reduction=reduction)
        return check_gradient(result, expected["grad"], expect)

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


def _judge_derivative(result: object, case: Case, expected: dict) -> Message | None:
    return check_against_estimate(result, expected["derivative"])


QUESTIONS = declare(
    __name__, "autograd",
    Question(points=2, function="make_leaf", judge=_judge_leaf,
             visible=[Case(([1, 2, 3],), "values = [1, 2, 3]")]),
    Question(points=2, function="grad_of_dot", judge=_gradient_judge(),
             visible=[Case((torch.arange(4.0),), "x = torch.arange(4.0)")]),
    Question(points=2, function="mean_square_grad", judge=_gradient_judge("mean"),
             visible=[Case((torch.tensor([10.0, 20.0, 30.0, 40.0], dtype=torch.float64),),
                           "x = torch.tensor([10., 20., 30., 40.], dtype=torch.float64)")]),
    Question(points=2, function="elementwise_grad", judge=_gradient_judge("sum"),
             visible=[Case((torch.arange(4.0),), "x = torch.arange(4.0)")]),
    Question(points=2, function="two_input_grads", judge=_judge_two_inputs,
             visible=[Case((torch.tensor(10.0, dtype=torch.float64),
                            torch.tensor(20.0, dtype=torch.float64)),
                           "a = torch.tensor(10., dtype=torch.float64), "
                           "b = torch.tensor(20., dtype=torch.float64)")]),
    Question(points=2, function="derivative", judge=_judge_derivative,
             visible=[Case((torch.sin, torch.linspace(-3, 3, 7, dtype=torch.float64)),
                           "f = torch.sin, xs = torch.linspace(-3, 3, 7, dtype=torch.float64)")]),
)
