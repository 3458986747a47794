"""Lesson 03 (gradient accumulation and clearing): exercises, references and their checks.

Every expected answer is simulated here in float64 from the update rule (``w ← w − lr·∇f``),
never by running the reference solution. The same simulation, with one step done wrong,
gives the fingerprint of each typical mistake: a gradient that is never cleared, a second
``step()`` with the same gradient, an update with the wrong sign, a list that holds one
tensor many times. A student's path that matches one of them gets that mistake named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
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
from course_helpers.outcome import Outcome
from course_helpers.question import Case, Question

# ---- reference solutions (shown by ``solution()``) --------------------------------------


def grads_after_each_backward(x, times):
    """x.grad after each of `times` backward passes of (x**2).sum(), never cleared."""
    x = x.detach().clone().requires_grad_(True)
    grads = []
    for _ in range(times):
        (x ** 2).sum().backward()
        grads.append(x.grad.clone())  # a copy: backward() keeps adding into x.grad
    return grads


def descend(w0, lr, steps):
    """w after each step of gradient descent on w**2 + 20, started at w0."""
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
    """Parameters after each torch.optim.SGD step on w0**2 + 2*w1**2."""
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
    """Gradient of ((x @ w - y)**2).mean(), accumulated over k equal micro-batches."""
    w = w.detach().clone().requires_grad_(True)
    for xb, yb in zip(x.chunk(k), y.chunk(k), strict=True):
        loss = ((xb @ w - yb) ** 2).mean()
        (loss / k).backward()  # each part counts 1/k, as in the full mean
    return w.grad


# ---- float64 simulations: the right path and the typical wrong ones ----------------------

Gradient = Callable[[torch.Tensor], torch.Tensor]


def _square_grad(w: torch.Tensor) -> torch.Tensor:
    return 2 * w  # d/dw (w**2 + 20)


def _bowl_grad(w: torch.Tensor) -> torch.Tensor:
    return w * torch.tensor([2.0, 4.0], dtype=torch.float64)  # d/dw (w0**2 + 2*w1**2)


def simulate(grad: Gradient, start: torch.Tensor, lr: float, steps: int, *,
             clear: bool = True, steps_per_grad: int = 1, sign: float = 1.0) -> torch.Tensor:
    """The parameters after each step of gradient descent, in float64.

    ``clear=False`` lets the gradient accumulate as ``.grad`` does without clearing;
    ``steps_per_grad=2`` applies every gradient twice (``step()`` called twice);
    ``sign=-1`` climbs instead of descending.
    """
    w = start.to(torch.float64).clone()
    total = torch.zeros_like(w)
    path = []
    for _ in range(steps):
        g = grad(w)
        total = total + g if not clear else g
        for _ in range(steps_per_grad):
            w = w - sign * lr * total
        path.append(w.clone())
    return torch.stack(path)


# ---- failures inside the student's loop --------------------------------------------------


def explain_loop_error(error: Exception) -> Message:
    """What usually raises this error inside a training loop, or the general explanation."""
    return loops.explain_loop_error(error, zero_none=msg("clearing.diag.zero_none"),
                                    rebind_none=msg("clearing.diag.rebind_none"),
                                    rebind_no_grad=msg("clearing.diag.rebind_no_grad"))


@dataclass
class LoopQuestion(Question):
    """A question whose answer runs a loop of backward passes.

    Errors raised in the loop are explained in terms of clearing and updating, and a second
    call on the first case must be right as well: a parameter or gradient kept outside the
    function carries on where the first call stopped, like a training cell run twice.
    """

    repeat: bool = False

    def evaluate(self, answer: object, *, hidden: bool = False) -> Outcome:
        if not callable(answer):
            return super().evaluate(answer, hidden=hidden)
        wrapped = loops.catching(answer)
        outcome = super().evaluate(wrapped, hidden=hidden)
        if not outcome.passed:
            return outcome
        case = (self.hidden if hidden else self.visible)[0]
        try:
            result, seen = self._call(wrapped, case)
            again_wrong = self.judge(result, replace(case, seen=seen)) is not None
        except Exception:  # a second call that fails outright shows the same mistake
            again_wrong = True
        if again_wrong:
            title = msg("outcome.title", number=self.number)
            return self._incorrect(title, msg("clearing.diag.state_kept"), case, hidden)
        return outcome


def _reports_failures(judge: Callable[[Any, Case], Message | None]
                      ) -> Callable[[Any, Case], Message | None]:
    def checked(result: Any, case: Case) -> Message | None:
        if isinstance(result, loops.Failed):
            return explain_loop_error(result.error)
        return judge(result, case)

    return checked


# ---- how each answer is judged ----------------------------------------------------------


def _close(got: torch.Tensor, want: torch.Tensor, rtol: float, atol: float) -> bool:
    return trusted.shape(got) == trusted.shape(want) and close(got, want, rtol=rtol, atol=atol)


@_reports_failures
def _judge_accumulating(result: object, case: Case) -> Message | None:
    x, times = case.args
    x64 = x.to(torch.float64)
    expected = [2 * (n + 1) * x64 for n in range(times)]
    problem = check_tuple(result, times)
    if problem is not None:
        return problem
    assert isinstance(result, tuple | list)
    items = list(result)
    if times >= 2 and all(type(t) in (trusted.Tensor, trusted.Parameter)
                          and trusted.shape(t) == trusted.shape(x64) for t in items):
        rtol, atol = tolerances(trusted.dtype(items[0]), Expect())
        got = [trusted.as_float64(t) for t in items]
        if all(_close(g, expected[-1], rtol, atol) for g in got):
            return msg("clearing.diag.grads_aliased", count=times)
        if all(_close(g, expected[0], rtol, atol) for g in got):
            return msg("clearing.diag.grads_cleared")
    for index, (item, want) in enumerate(zip(items, expected, strict=True)):
        expect = Expect(what=msg("what.item", index=index + 1), requires_grad=False,
                        reduction_size=trusted.numel(x64), reduction="sum")
        problem = check_gradient(item, want, expect)
        if problem is not None:
            return problem
    return None


def _path_judge(grad: Gradient, what_key: str) -> Callable[[Any, Case], Message | None]:
    @_reports_failures
    def judge(result: object, case: Case) -> Message | None:
        start, lr, steps = case.args
        start64 = torch.as_tensor(start, dtype=torch.float64)
        expected = simulate(grad, start64, lr, steps)
        what = msg(what_key)
        with_start = torch.cat([start64.unsqueeze(0), expected])
        if isinstance(result, trusted.Tensor) and trusted.shape(result) == tuple(
                with_start.shape) and type(result) is trusted.Tensor:
            if close(trusted.as_float64(result), with_start, rtol=1e-4, atol=1e-6):
                return msg("clearing.diag.path_includes_start", actual=steps + 1,
                           expected=steps)
        problem = check_structure(result, expected, Expect(what=what))
        if problem is not None:
            return problem
        assert isinstance(result, torch.Tensor)
        got = trusted.as_float64(result)
        # A path may be computed in float32 and returned in float64: never ask for more
        # than float32 accuracy; every typical mistake is off by far more than that.
        rtol, atol = tolerances(trusted.dtype(result), Expect())
        floor_rtol, floor_atol = tolerances(torch.float32, Expect())
        rtol, atol = max(rtol, floor_rtol), max(atol, floor_atol)
        if close(got, expected, rtol=rtol, atol=atol):
            return None
        # The typical mistakes, each simulated; float error may pile up along a wrong path.
        loose = (rtol * 10, atol * 10)
        final = expected[-1].expand_as(expected)
        before = torch.cat([start64.unsqueeze(0), expected[:-1]])
        stuck = start64.expand_as(expected)
        wrong_paths = (
            ("clearing.diag.path_aliased", final),
            ("clearing.diag.never_cleared", simulate(grad, start64, lr, steps, clear=False)),
            ("clearing.diag.step_twice", simulate(grad, start64, lr, steps, steps_per_grad=2)),
            ("clearing.diag.path_ascent", simulate(grad, start64, lr, steps, sign=-1.0)),
            ("clearing.diag.path_before_step", before),
            ("clearing.diag.path_stuck", stuck),
        )
        for key, path in wrong_paths:
            if close(got, path, rtol=loose[0], atol=loose[1]):
                return msg(key)
        if not bool(trusted.item(trusted.all_(trusted.isfinite(got)))):
            return msg("compare.not_finite", what=what)
        return msg("clearing.diag.path_differs", what=what, step=_first_wrong_step(
            got, expected, rtol, atol))

    return judge


def _first_wrong_step(got: torch.Tensor, want: torch.Tensor, rtol: float, atol: float) -> int:
    for index in range(trusted.shape(want)[0]):
        if not close(got[index], want[index], rtol=rtol, atol=atol):
            return index + 1
    return 1


@_reports_failures
def _judge_microbatch(result: object, case: Case) -> Message | None:
    x, y, w, k = case.args
    x64, y64, w64 = (t.to(torch.float64) for t in (x, y, w))
    n = x64.shape[0]

    def mse_grad(xs: torch.Tensor, ys: torch.Tensor) -> torch.Tensor:
        return 2 * xs.T @ (xs @ w64 - ys) / xs.shape[0]

    expected = mse_grad(x64, y64)
    expect = Expect(what=msg("what.gradient"), requires_grad=False)
    if result is None:
        return msg("diag.grad_none", what=expect.what)
    problem = check_structure(result, expected, expect)
    if problem is not None:
        return problem
    assert isinstance(result, torch.Tensor)
    got = trusted.as_float64(result)
    rtol, atol = tolerances(trusted.dtype(result), expect)
    if close(got, expected, rtol=rtol, atol=atol):
        return None
    last = mse_grad(x64[-(n // k):], y64[-(n // k):])
    if k > 1 and close(got, expected * k, rtol=rtol, atol=atol):
        return msg("clearing.diag.microbatch_unscaled", k=k)
    if k > 1 and (close(got, last, rtol=rtol, atol=atol)
                  or close(got, last / k, rtol=rtol, atol=atol)):
        return msg("clearing.diag.microbatch_last_only")
    if close(got, expected * n, rtol=rtol, atol=atol):
        return msg("diag.sum_not_mean", what=expect.what, factor=n)
    return check_values(result, expected, expect)


# ---- the questions ------------------------------------------------------------------------

q1 = LoopQuestion(
    key="clearing.q1", number="1", points=2, name="ex.q1",
    reference=grads_after_each_backward, judge=_judge_accumulating,
    visible=[Case((torch.tensor([1.0, 2.0, 3.0]), 3),
                  "x = torch.tensor([1., 2., 3.]), times = 3")],
    hidden=[Case((vector(4, seed=301), 4)),
            Case((vector(3, seed=302, dtype=torch.float64), 2)),
            Case((torch.tensor(-1.5), 5)),
            Case((vector(2, seed=303), 1))],
)

q2 = LoopQuestion(
    key="clearing.q2", number="2", points=2, name="ex.q2", reference=descend,
    judge=_path_judge(_square_grad, "clearing.what.path"),
    visible=[Case((10.0, 0.01, 100), "w0 = 10.0, lr = 0.01, steps = 100")],
    hidden=[Case((-3.5, 0.1, 20)),
            Case((2.0, 0.9, 12)),     # oscillates around the minimum
            Case((0.5, 1.05, 10)),    # diverges
            Case((10.0, 0.001, 50))],  # seed 002: x**2 with lr 0.001
)

q3 = LoopQuestion(
    key="clearing.q3", number="3", points=2, name="ex.q3", reference=train_sgd,
    judge=_path_judge(_bowl_grad, "clearing.what.params_path"),
    visible=[Case((torch.tensor([0.5, 0.5]), 0.01, 3),
                  "params_init = torch.tensor([0.5, 0.5]), lr = 0.01, steps = 3")],
    hidden=[Case((torch.tensor([1.0, -2.0], dtype=torch.float64), 0.1, 8)),
            Case((torch.tensor([-0.3, 0.8]), 0.3, 6)),
            Case((torch.tensor([2.0, 1.0]), 0.05, 30)),
            Case((vector(2, seed=311), 0.2, 4))],
)


def _data(n: int, d: int, seed: int, dtype: torch.dtype = torch.float32
          ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    x = vector(n * d, seed=seed, dtype=dtype).reshape(n, d)
    y = vector(n, seed=seed + 1, dtype=dtype)
    w = vector(d, seed=seed + 2, dtype=dtype, scale=1.0)
    return x, y, w


q4 = LoopQuestion(
    key="clearing.q4", number="4", points=2, name="ex.q4", reference=microbatch_grad,
    judge=_judge_microbatch,
    visible=[Case((torch.arange(12.0).reshape(6, 2), torch.tensor([1.0, 0.0, 2.0, 1.0, 3.0, 2.0]),
                   torch.tensor([0.5, -0.5]), 3),
                  "x = torch.arange(12.0).reshape(6, 2), "
                  "y = torch.tensor([1., 0., 2., 1., 3., 2.]), "
                  "w = torch.tensor([0.5, -0.5]), k = 3")],
    hidden=[Case((*_data(8, 3, seed=321), 4)),
            Case((*_data(12, 2, seed=324, dtype=torch.float64), 2)),
            Case((*_data(10, 2, seed=327), 5)),
            Case((*_data(4, 3, seed=330), 1))],
)

QUESTIONS = (q1, q2, q3, q4)

