"""Lesson 06 (linear regression): exercises, references and how each is checked.

Training answers are judged on behaviour: run on fresh data, the student's loop must reach
the closed-form least-squares line within :data:`TOLERANCE` and its loss must go down. The
expected line comes from the float64 formula (slope = cov(x, y) / var(x)), never from the
reference solution. When an answer misses, float64 simulations of the typical wrong loops
(gradient never cleared, a summed loss, a step uphill) are compared with the losses it
reported, so the feedback can name the mistake.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from course_helpers import trusted
from course_helpers.compare import (
    Expect,
    check_structure,
    check_tuple,
    close,
    type_name,
)
from course_helpers.i18n import Message, msg
from course_helpers.lessons import loops
from course_helpers.lessons.inputs import vector
from course_helpers.outcome import Outcome
from course_helpers.question import Case, Question

# A trained parameter p counts as reaching the closed-form value p* when
# |p - p*| <= TOLERANCE * (1 + |p*|).
TOLERANCE = 1e-3

# ---- reference solutions (shown by ``solution()``) --------------------------------------


def mse(pred, target):
    """Mean squared error between two tensors of the same shape, as a 0-dim tensor."""
    return ((pred - target) ** 2).mean()


def train_by_hand(x, y, lr, epochs):
    """Fit y ≈ w * x + b by gradient descent from w = b = 0; return (w, b, losses)."""
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
    return w.detach(), b.detach(), torch.tensor(losses)


def train_with_module(model, x, y, lr, epochs):
    """Train the given nn.Linear(1, 1) in place with MSELoss and SGD; return the losses."""
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
    """The least-squares line y ≈ w * x + b, solved with torch.linalg.lstsq; return (w, b)."""
    design = torch.stack([x, torch.ones_like(x)], dim=1)  # columns: x and 1
    solution = torch.linalg.lstsq(design, y.unsqueeze(1)).solution
    return solution[0, 0], solution[1, 0]


# ---- data and float64 arithmetic of the line ------------------------------------------------


def _line_data(n: int, *, slope: float, intercept: float, noise: float, seed: int,
               low: float = 0.0, high: float = 1.0, dtype: torch.dtype = torch.float32
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """n noisy points around y = slope * x + intercept, x in [low, high), from a private seed."""
    generator = torch.Generator().manual_seed(seed)
    x = low + (high - low) * torch.rand(n, generator=generator, dtype=torch.float64)
    y = slope * x + intercept + noise * torch.randn(n, generator=generator, dtype=torch.float64)
    return x.to(dtype), y.to(dtype)


def _least_squares(x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Slope and intercept of the least-squares line, from the float64 formula."""
    x64, y64 = x.reshape(-1).to(torch.float64), y.reshape(-1).to(torch.float64)
    dx, dy = x64 - x64.mean(), y64 - y64.mean()
    slope = float((dx * dy).sum() / (dx * dx).sum())
    return slope, float(y64.mean()) - slope * float(x64.mean())


def _through_origin(x: torch.Tensor, y: torch.Tensor) -> float:
    """The slope of the best line forced through (0, 0): what a design without 1s gives."""
    x64, y64 = x.reshape(-1).to(torch.float64), y.reshape(-1).to(torch.float64)
    return float((x64 * y64).sum() / (x64 * x64).sum())


def _loss(x: torch.Tensor, y: torch.Tensor, w: float, b: float) -> float:
    return float(((w * x + b - y) ** 2).mean())


@dataclass(frozen=True)
class _Run:
    """A float64 simulation: the loss reported in each epoch (before its update), the end."""

    losses: torch.Tensor
    w: float
    b: float


def _simulate(x: torch.Tensor, y: torch.Tensor, w0: float, b0: float, lr: float, epochs: int,
              *, clear: bool = True, total: bool = False, sign: float = 1.0) -> _Run:
    """Gradient descent on the MSE of a line, in float64.

    ``clear=False`` lets the gradients accumulate as ``.grad`` does without zeroing,
    ``total=True`` trains on the summed squared error instead of the mean, and
    ``sign=-1`` steps uphill.
    """
    x64, y64 = x.reshape(-1).to(torch.float64), y.reshape(-1).to(torch.float64)
    scale = 2.0 if total else 2.0 / x64.numel()
    w, b = torch.tensor(float(w0), dtype=torch.float64), torch.tensor(float(b0),
                                                                       dtype=torch.float64)
    gw_sum, gb_sum = torch.zeros((), dtype=torch.float64), torch.zeros((), dtype=torch.float64)
    losses = []
    for _ in range(epochs):
        residual = w * x64 + b - y64
        squares = residual * residual
        losses.append(squares.sum() if total else squares.mean())  # what the loop reports
        gw, gb = scale * (residual * x64).sum(), scale * residual.sum()
        gw_sum, gb_sum = (gw_sum + gw, gb_sum + gb) if not clear else (gw, gb)
        w, b = w - sign * lr * gw_sum, b - sign * lr * gb_sum
    return _Run(torch.stack(losses), float(w), float(b))


def _reached(got: float, want: float) -> bool:
    return abs(got - want) <= TOLERANCE * (1.0 + abs(want))


# ---- reading what the student returned ----------------------------------------------------


def _number(value: object, what: Message) -> float | Message:
    """A Python float from a one-element tensor (any shape) or a plain number, else a message."""
    if type(value) in (int, float):
        return float(value)  # type: ignore[arg-type]
    if value is None:
        return msg("compare.none", what=what)
    if not isinstance(value, trusted.Tensor):
        return msg("compare.not_tensor", what=what, type=type_name(value))
    if type(value) not in (trusted.Tensor, trusted.Parameter):
        return msg("compare.tensor_subclass", what=what, type=type_name(value))
    if trusted.numel(value) != 1:
        return msg("regression.diag.not_scalar", what=what, count=trusted.numel(value))
    if not trusted.dtype(value).is_floating_point:
        return msg("compare.not_float", what=what, dtype=str(trusted.dtype(value)))
    return float(trusted.item(trusted.as_float64(value)))


def _loss_list(value: object, epochs: int) -> torch.Tensor | Message:
    """The reported losses as a float64 tensor: a 1-D tensor, or a list of numbers/scalars."""
    what = msg("regression.what.losses")
    if isinstance(value, trusted.Tensor):
        if type(value) not in (trusted.Tensor, trusted.Parameter):
            return msg("compare.tensor_subclass", what=what, type=type_name(value))
        if len(trusted.shape(value)) != 1:
            return msg("regression.diag.losses_shape", shape=str(trusted.shape(value)),
                       epochs=epochs)
        items: list[object] = [value[i] for i in range(trusted.shape(value)[0])]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        return msg("regression.diag.losses_type", type=type_name(value), epochs=epochs)
    if len(items) != epochs:
        return msg("compare.length", what=what, expected=epochs, actual=len(items))
    numbers = []
    for index, item in enumerate(items):
        number = _number(item, msg("regression.what.loss_item", index=index))
        if isinstance(number, Message):
            return number
        numbers.append(number)
    return torch.tensor(numbers, dtype=torch.float64)


# ---- failures inside the student's loop ---------------------------------------------------


def _explain_loop_error(error: Exception) -> Message:
    """What usually raises this error inside a training loop, or the general explanation."""
    return loops.explain_loop_error(error, zero_none=msg("regression.diag.zero_none"),
                                    rebind_none=msg("regression.diag.rebind"),
                                    rebind_no_grad=msg("regression.diag.rebind_no_grad"))


class _TrainingQuestion(Question):
    """A question whose answer is a training loop; errors in the loop are explained as such."""

    def evaluate(self, answer: object, *, hidden: bool = False) -> Outcome:
        if not callable(answer):
            return super().evaluate(answer, hidden=hidden)
        return super().evaluate(self._wrap(answer), hidden=hidden)

    def _wrap(self, answer: Callable[..., Any]) -> Callable[..., Any]:
        return loops.catching(answer)


class _ModuleQuestion(_TrainingQuestion):
    """The answer trains a model it is given; each call gets a new nn.Linear(1, 1).

    A case holds the starting weight and bias first; the student's function receives
    ``(model, x, y, lr, epochs)`` and the judge receives ``(answer's result, model after)``.
    """

    def _wrap(self, answer: Callable[..., Any]) -> Callable[..., Any]:
        inner = super()._wrap(answer)

        def call(w0: float, b0: float, *args: Any) -> Any:
            model = _new_linear(w0, b0)
            return inner(model, *args), model

        return call


def _new_linear(w0: float, b0: float) -> nn.Linear:
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(w0)
        model.bias.fill_(b0)
    return model


# ---- how each answer is judged ----------------------------------------------------------


def _judge_mse(result: object, case: Case) -> Message | None:
    pred, target = (t.to(torch.float64) for t in case.args)
    n = pred.numel()
    diff = pred - target
    expected = (diff ** 2).mean()
    what = msg("regression.what.loss")
    if type(result) in (int, float):
        return msg("regression.diag.loss_float")
    problem = check_structure(result, expected, Expect(what=what))
    if problem is not None:
        return problem
    assert isinstance(result, torch.Tensor)
    got = trusted.item(trusted.as_float64(result))
    want = float(expected)
    rtol, atol = 1e-4, 1e-6
    if abs(got - want) <= atol + rtol * abs(want):
        return None
    typical = (
        (float((diff ** 2).sum()), msg("diag.sum_not_mean", what=what, factor=n)),
        (float(expected.sqrt()), msg("regression.diag.rmse")),
        (float(diff.abs().mean()), msg("regression.diag.abs_error")),
        (float(diff.mean()), msg("regression.diag.not_squared")),
        (float(-diff.mean()), msg("regression.diag.not_squared")),
        (want / 2, msg("regression.diag.half")),
    )
    for value, message in typical:
        if abs(got - value) <= atol + rtol * abs(value):
            return message
    return msg("compare.values", what=what, error=f"{abs(got - want):.3g}", rtol=rtol,
               atol=atol)


def _judge_run(x: torch.Tensor, y: torch.Tensor, w0: float, b0: float, lr: float,
               epochs: int, w: float, b: float, losses: torch.Tensor) -> Message | None:
    """Did the loop that reported ``losses`` and ended at (w, b) fit the line? If not, why?"""
    slope, intercept = _least_squares(x, y)
    finite = bool(trusted.item(trusted.all_(trusted.isfinite(losses))))
    converged = _reached(w, slope) and _reached(b, intercept)
    start = _loss(x.to(torch.float64), y.to(torch.float64), w0, b0)
    best = _loss(x.to(torch.float64), y.to(torch.float64), slope, intercept)
    first, last = float(losses[0]), float(losses[-1])
    if converged and finite:
        # losses[0] is the loss before the first update (after it, if recorded late).
        after_one = _simulate(x, y, w0, b0, lr, 2).losses[1].item() if epochs > 1 else start
        if not any(abs(first - want) <= 1e-3 * (1.0 + want) for want in (start, after_one)):
            return msg("regression.diag.first_loss", expected=f"{start:.6g}",
                       actual=f"{first:.6g}")
        if abs(last - best) > 1e-3 * (1.0 + best):
            return msg("regression.diag.last_loss", expected=f"{best:.6g}",
                       actual=f"{last:.6g}")
        return None
    if abs(w - w0) <= 1e-7 * (1.0 + abs(w0)) and abs(b - b0) <= 1e-7 * (1.0 + abs(b0)):
        return msg("regression.diag.not_trained", w=f"{w:.4g}", b=f"{b:.4g}")
    wrong_loops = (
        ("regression.diag.no_zero_grad", dict(clear=False)),
        ("regression.diag.sum_loss", dict(total=True)),
        ("regression.diag.uphill", dict(sign=-1.0)),
    )
    for key, how in wrong_loops:
        run = _simulate(x, y, w0, b0, lr, epochs, **how)
        if _same_start(losses, run.losses):
            return msg(key, epochs=epochs, n=trusted.numel(x))
    if not finite or last > first:
        return msg("regression.diag.diverged", lr=f"{lr:g}", first=f"{first:.4g}",
                   last=f"{last:.4g}")
    return msg("regression.diag.not_converged", w=f"{w:.5g}", b=f"{b:.5g}",
               slope=f"{slope:.5g}", intercept=f"{intercept:.5g}", tol=f"{TOLERANCE:g}",
               epochs=epochs)


def _same_start(got: torch.Tensor, want: torch.Tensor, count: int = 30) -> bool:
    """Do the first finite losses of a simulated loop match the reported ones?"""
    # Only where the simulation stays finite and within float32 range (a float32 loop
    # overflows to inf long before float64 does).
    safe = trusted.le(trusted.abs_(want), 1e30)
    usable = 0
    while usable < min(count, trusted.numel(want)) and bool(safe[usable]):
        usable += 1
    if usable < 3:
        return False
    for offset in (0, 1):  # the loss recorded before or after its update
        if usable - offset < 3:
            continue
        if close(got[:usable - offset], want[offset:usable], rtol=1e-3, atol=1e-6):
            return True
    return False


def _judge_by_hand(result: object, case: Case) -> Message | None:
    if isinstance(result, loops.Failed):
        return _explain_loop_error(result.error)
    x, y, lr, epochs = case.args
    problem = check_tuple(result, 3)
    if problem is not None:
        return problem
    assert isinstance(result, tuple | list)
    w = _number(result[0], msg("regression.what.w"))
    if isinstance(w, Message):
        return w
    b = _number(result[1], msg("regression.what.b"))
    if isinstance(b, Message):
        return b
    losses = _loss_list(result[2], epochs)
    if isinstance(losses, Message):
        return losses
    return _judge_run(x, y, 0.0, 0.0, lr, epochs, w, b, losses)


def _judge_module(result: object, case: Case) -> Message | None:
    returned, model = result  # type: ignore[misc]
    if isinstance(returned, loops.Failed):
        return _explain_loop_error(returned.error)
    w0, b0, x, y, lr, epochs = case.args
    losses = _loss_list(returned, epochs)
    if isinstance(losses, Message):
        return losses
    weight = _number(_parameter(model, "weight"), msg("regression.what.weight"))
    if isinstance(weight, Message):
        return weight
    bias = _number(_parameter(model, "bias"), msg("regression.what.bias"))
    if isinstance(bias, Message):
        return bias
    return _judge_run(x, y, w0, b0, lr, epochs, weight, bias, losses)


def _parameter(model: nn.Module, name: str) -> object:
    parameters = object.__getattribute__(model, "_parameters")
    return parameters.get(name)


def _judge_closed_form(result: object, case: Case) -> Message | None:
    x, y = case.args
    problem = check_tuple(result, 2)
    if problem is not None:
        return problem
    assert isinstance(result, tuple | list)
    w = _number(result[0], msg("regression.what.w"))
    if isinstance(w, Message):
        return w
    b = _number(result[1], msg("regression.what.b"))
    if isinstance(b, Message):
        return b
    slope, intercept = _least_squares(x, y)

    def near(got: float, want: float) -> bool:
        return abs(got - want) <= 1e-4 * (1.0 + abs(want))

    if near(w, slope) and near(b, intercept):
        return None
    if near(w, intercept) and near(b, slope):
        return msg("regression.diag.swapped_wb")
    if near(w, _through_origin(x, y)) and abs(b) <= 1e-6:
        return msg("regression.diag.no_ones_column")
    return msg("regression.diag.closed_form_values", w=f"{w:.5g}", b=f"{b:.5g}",
               slope=f"{slope:.5g}", intercept=f"{intercept:.5g}")


# ---- the questions ------------------------------------------------------------------------

_SEED_X = torch.tensor([1.0, 2.0, 3.0])
_SEED_Y = torch.tensor([2.0, 4.0, 6.0])

q1 = Question(
    key="regression.q1", number="1", points=2, name="ex.q1", reference=mse,
    judge=_judge_mse,
    visible=[Case((torch.tensor([1.5, 3.0, 4.5]), _SEED_Y),
                  "pred = torch.tensor([1.5, 3.0, 4.5]), target = torch.tensor([2., 4., 6.])")],
    hidden=[Case((vector(7, seed=601), vector(7, seed=602))),
            Case((vector(5, seed=603, dtype=torch.float64),
                  vector(5, seed=604, dtype=torch.float64))),
            Case((vector(4, seed=605).reshape(4, 1), vector(4, seed=606).reshape(4, 1))),
            Case((torch.tensor([3.0, -1.0]), torch.tensor([1.0, 2.0])))],
)

_NOISY_A = _line_data(20, slope=-1.5, intercept=0.5, noise=0.2, seed=611, high=2.0)
_NOISY_B = _line_data(12, slope=3.0, intercept=-2.0, noise=0.3, seed=612, low=-1.0, high=1.0,
                      dtype=torch.float64)
_NOISY_C = _line_data(25, slope=0.8, intercept=1.0, noise=0.3, seed=613, high=6.0)

q2 = _TrainingQuestion(
    key="regression.q2", number="2", points=2, name="ex.q2", reference=train_by_hand,
    judge=_judge_by_hand,
    visible=[Case((_SEED_X, _SEED_Y, 0.1, 500),
                  "x = torch.tensor([1., 2., 3.]), y = torch.tensor([2., 4., 6.]), "
                  "lr = 0.1, epochs = 500")],
    hidden=[Case((*_NOISY_A, 0.2, 400)),
            Case((*_NOISY_B, 0.3, 150)),
            Case((*_NOISY_C, 0.06, 400))],
)


def _column(data: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    return data[0].reshape(-1, 1), data[1].reshape(-1, 1)


q3 = _ModuleQuestion(
    key="regression.q3", number="3", points=2, name="ex.q3", reference=train_with_module,
    judge=_judge_module,
    visible=[Case((0.5, -0.3, _SEED_X.reshape(-1, 1), _SEED_Y.reshape(-1, 1), 0.1, 500),
                  "model = nn.Linear(1, 1) (weight 0.5, bias -0.3), "
                  "x = torch.tensor([[1.], [2.], [3.]]), y = torch.tensor([[2.], [4.], [6.]]), "
                  "lr = 0.1, epochs = 500")],
    hidden=[Case((-0.7, 0.2, *_column(_NOISY_A), 0.2, 400)),
            Case((0.1, 0.9, *_column(_NOISY_C), 0.06, 400)),
            Case((1.0, 1.0, *_column(_line_data(16, slope=-0.4, intercept=2.5, noise=0.1,
                                                seed=614, low=-2.0, high=2.0)), 0.2, 200))],
)

q4 = Question(
    key="regression.q4", number="4", points=2, name="ex.q4", reference=closed_form,
    judge=_judge_closed_form,
    visible=[Case((_line_data(10, slope=2.0, intercept=1.0, noise=0.5, seed=620, high=5.0)),
                  "x, y = 10 noisy points around y = 2x + 1")],
    hidden=[Case(_NOISY_A), Case(_NOISY_B), Case((_SEED_X, _SEED_Y)),
            Case((torch.tensor([0.0, 1.0]), torch.tensor([3.0, 1.0])))],
)

QUESTIONS = (q1, q2, q3, q4)
