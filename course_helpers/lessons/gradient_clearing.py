"""Lesson 03 (gradient accumulation and clearing): the questions and how a result is judged.

The expected gradients and paths, and the path each typical mistake produces (a gradient that
is never cleared, a second ``step()`` with the same gradient, an update with the wrong sign, a
list that holds one tensor many times), come from the lesson's check data, or from the answer
key for a hidden case. A student's result that follows one of the known mistakes gets that
mistake named. The templates the hidden cases are drawn from are declared with the questions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from course_helpers import trusted
from course_helpers.compare import (
    Expect,
    check_gradient,
    check_structure,
    check_tuple,
    check_values,
    close,
    tolerances,
)
from course_helpers.i18n import Message, msg
from course_helpers.lessons import loops
from course_helpers.lessons.inputs import vector
from course_helpers.mistakes import first_wrong_step, matching
from course_helpers.question import Case, Question, declare

# ---- failures inside the student's loop --------------------------------------------------


def explain_loop_error(error: Exception) -> Message:
    """What usually raises this error inside a training loop, or the general explanation."""
    if isinstance(error, TypeError) and "builtin_function_or_method" in str(error):
        # ``x.requires_grad_`` without parentheses: the method itself went on as a tensor.
        return msg("clearing.diag.method_not_called")
    return loops.explain_loop_error(error, zero_none=msg("clearing.diag.zero_none"),
                                    rebind_none=msg("clearing.diag.rebind_none"),
                                    rebind_no_grad=msg("clearing.diag.rebind_no_grad"))


# ---- how each answer is judged ----------------------------------------------------------


def _close(got: torch.Tensor, want: torch.Tensor, rtol: float, atol: float) -> bool:
    return trusted.shape(got) == trusted.shape(want) and close(got, want, rtol=rtol, atol=atol)


def _judge_accumulating(result: object, case: Case, expected: dict) -> Message | None:
    x, times = case.args
    want = expected["grads"]
    problem = check_tuple(result, times)
    if problem is not None:
        return problem
    assert isinstance(result, tuple | list)
    items = list(result)
    if expected["mistakes"] and all(type(t) in (trusted.Tensor, trusted.Parameter)
                                    and trusted.shape(t) == trusted.shape(x) for t in items):
        rtol, atol = tolerances(trusted.dtype(items[0]), Expect())
        got = [trusted.as_float64(t) for t in items]
        # A list of gradients follows a mistake when every entry does.
        for mistake in expected["mistakes"]:
            if all(_close(g, row, rtol, atol) for g, row in zip(got, mistake["path"],
                                                                 strict=True)):
                key = mistake["key"]
                return (msg(key, count=times) if key == "clearing.diag.grads_aliased"
                        else msg(key))
    for index, (item, grad) in enumerate(zip(items, want, strict=True)):
        if type(item) is list:  # x.grad.tolist(): numbers, no longer a tensor
            return msg("clearing.diag.grad_as_list", index=index + 1)
        expect = Expect(what=msg("what.item", index=index + 1), requires_grad=False,
                        reduction_size=trusted.numel(x), reduction="sum")
        problem = check_gradient(item, grad, expect)
        if problem is not None:
            return problem
    return None


def _path_judge(what_key: str) -> Callable[[Any, Case, dict], Message | None]:
    def judge(result: object, case: Case, expected: dict) -> Message | None:
        start, _, steps = case.args
        want = expected["path"]
        what = msg(what_key)
        with_start = torch.cat([torch.as_tensor(start, dtype=torch.float64).unsqueeze(0), want])
        if isinstance(result, trusted.Tensor) and trusted.shape(result) == tuple(
                with_start.shape) and type(result) is trusted.Tensor:
            if close(trusted.as_float64(result), with_start, rtol=1e-4, atol=1e-6):
                return msg("clearing.diag.path_includes_start", actual=steps + 1,
                           expected=steps)
        problem = check_structure(result, want, Expect(what=what))
        if problem is not None:
            return problem
        assert isinstance(result, torch.Tensor)
        got = trusted.as_float64(result)
        # A path may be computed in float32 and returned in float64: never ask for more
        # than float32 accuracy; every typical mistake is off by far more than that.
        rtol, atol = tolerances(trusted.dtype(result), Expect())
        floor_rtol, floor_atol = tolerances(torch.float32, Expect())
        rtol, atol = max(rtol, floor_rtol), max(atol, floor_atol)
        if close(got, want, rtol=rtol, atol=atol):
            return None
        # Float error may pile up along a wrong path: match the known mistakes loosely.
        key = matching(got, expected["mistakes"], rtol=rtol * 10, atol=atol * 10)
        if key is not None:
            return msg(key)
        if not bool(trusted.item(trusted.all_(trusted.isfinite(got)))):
            return msg("compare.not_finite", what=what)
        return msg("clearing.diag.path_differs", what=what,
                   step=first_wrong_step(got, want, rtol=rtol, atol=atol))

    return judge


def _judge_microbatch(result: object, case: Case, expected: dict) -> Message | None:
    x, _, _, k = case.args
    want = expected["grad"]
    expect = Expect(what=msg("what.gradient"), requires_grad=False)
    if result is None:
        return msg("diag.grad_none", what=expect.what)
    problem = check_structure(result, want, expect)
    if problem is not None:
        return problem
    assert isinstance(result, torch.Tensor)
    got = trusted.as_float64(result)
    rtol, atol = tolerances(trusted.dtype(result), expect)
    if close(got, want, rtol=rtol, atol=atol):
        return None
    key = matching(got, expected["mistakes"], rtol=rtol, atol=atol)
    if key == "clearing.diag.microbatch_unscaled":
        return msg(key, k=k)
    if key == "clearing.diag.microbatch_split_size":
        n = trusted.shape(x)[0]
        return msg(key, k=k, count=-(-n // k))
    if key == "diag.sum_not_mean":
        return msg(key, what=expect.what, factor=trusted.shape(x)[0])
    if key is not None:
        return msg(key)
    return check_values(result, want, expect)


# ---- the questions ------------------------------------------------------------------------


def _loop(points: int, function: str, judge: Callable[..., Message | None],
          visible: list[Case], draws: list[Case], varied: tuple[int, ...] | None = None
          ) -> Question:
    """A question whose answer runs a loop of backward passes.

    Errors raised in the loop are explained in terms of clearing and updating, and a second
    call on the first case, with the same inputs, must be right as well: a parameter or
    gradient kept outside the function carries on where the first call stopped, like a
    training cell run twice. The tensors the function is given must come back unchanged (a
    leaf made of the caller's tensor itself would start the second call from where the first
    one stopped). ``draws`` are the templates of the hidden cases, ``varied`` the argument
    positions drawn afresh (see :class:`~course_helpers.question.Question`).
    """
    return Question(points=points, function=function, judge=judge, visible=visible,
                    draws=draws, varied=varied, repeat=False, again=True, keeps_inputs=True,
                    explain=explain_loop_error,
                    rename={"diag.state_kept": "clearing.diag.state_kept"})


def _data(n: int, d: int, seed: int, dtype: torch.dtype = torch.float32
          ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Inputs ``x``, ``y``, ``w`` of a micro-batch case: n rows of d features."""
    x = vector(n * d, seed=seed, dtype=dtype).reshape(n, d)
    y = vector(n, seed=seed + 1, dtype=dtype)
    w = vector(d, seed=seed + 2, dtype=dtype, scale=1.0)
    return x, y, w


QUESTIONS = declare(
    __name__, "clearing",
    _loop(2, "grads_after_each_backward", _judge_accumulating,
          [Case((torch.tensor([1.0, 2.0, 3.0]), 3),
                "x = torch.tensor([1., 2., 3.]), times = 3"),
           Case((torch.tensor([0.5, -1.0], dtype=torch.float64), 2),
                "x = torch.tensor([0.5, -1.], dtype=torch.float64), times = 2")],
          [Case((vector(4, seed=301), 4)),
           Case((vector(3, seed=302, dtype=torch.float64), 2)),
           Case((torch.tensor(-1.5), 5)),
           Case((vector(2, seed=303), 1))]),
    _loop(2, "descend", _path_judge("clearing.what.path"),
          [Case((10.0, 0.01, 100), "w0 = 10.0, lr = 0.01, steps = 100")],
          [Case((-3.5, 0.1, 20)),
           Case((2.0, 0.9, 12)),     # oscillates around the minimum
           Case((0.5, 1.05, 10)),    # diverges
           Case((10.0, 0.001, 50))],
          varied=(0,)),  # the start; the learning rates are chosen to oscillate or diverge
    _loop(2, "train_sgd", _path_judge("clearing.what.params_path"),
          [Case((torch.tensor([0.5, 0.5]), 0.01, 3),
                "params_init = torch.tensor([0.5, 0.5]), lr = 0.01, steps = 3"),
           Case((torch.tensor([1.0, -0.5], dtype=torch.float64), 0.1, 4),
                "params_init = torch.tensor([1., -0.5], dtype=torch.float64), lr = 0.1, "
                "steps = 4")],
          [Case((torch.tensor([1.0, -2.0], dtype=torch.float64), 0.1, 8)),
           Case((torch.tensor([-0.3, 0.8]), 0.3, 6)),
           Case((torch.tensor([2.0, 1.0]), 0.05, 30)),
           Case((vector(2, seed=311), 0.2, 4))]),
    _loop(2, "microbatch_grad", _judge_microbatch,
          [Case((torch.arange(12.0).reshape(6, 2),
                 torch.tensor([1.0, 0.0, 2.0, 1.0, 3.0, 2.0]), torch.tensor([0.5, -0.5]), 3),
                "x = torch.arange(12.0).reshape(6, 2), "
                "y = torch.tensor([1., 0., 2., 1., 3., 2.]), "
                "w = torch.tensor([0.5, -0.5]), k = 3"),
           Case((torch.arange(8.0, dtype=torch.float64).reshape(4, 2) / 4,
                 torch.tensor([1.0, -1.0, 0.5, 2.0], dtype=torch.float64),
                 torch.tensor([1.0, 0.5], dtype=torch.float64), 2),
                "x = torch.arange(8.0, dtype=torch.float64).reshape(4, 2) / 4, "
                "y = torch.tensor([1., -1., 0.5, 2.], dtype=torch.float64), "
                "w = torch.tensor([1., 0.5], dtype=torch.float64), k = 2")],
          [Case((*_data(8, 3, seed=321), 4)),
           Case((*_data(12, 2, seed=324, dtype=torch.float64), 2)),
           Case((*_data(10, 2, seed=327), 5)),
           Case((*_data(4, 3, seed=330), 1))]),
)
