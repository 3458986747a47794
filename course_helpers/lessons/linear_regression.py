"""Lesson 06 (linear regression): the questions and how a result is judged.

Training answers are judged on behaviour: the student's loop must reach the least-squares line
within :data:`TOLERANCE` and report a loss that goes down. The line, the losses at the start
and at the end, and the losses each typical wrong loop reports (gradient never cleared, a
summed loss, a step uphill) come from the lesson's check data, or from the answer key for a
hidden case, so the feedback can name the mistake.
"""

from __future__ import annotations

import warnings
from typing import Any

import torch
from torch import nn

from course_helpers import trusted
from course_helpers.compare import Expect, check_structure, check_tuple, close, type_name
from course_helpers.i18n import Message, msg
from course_helpers.lessons import loops
from course_helpers.lessons.inputs import vector
from course_helpers.mistakes import matching
from course_helpers.question import Case, Question, declare

# A trained parameter p counts as reaching the least-squares value p* when
# |p - p*| <= TOLERANCE * (1 + |p*|).
TOLERANCE = 1e-3


def _line_data(n: int, *, slope: float, intercept: float, noise: float, seed: int,
               low: float = 0.0, high: float = 1.0, dtype: torch.dtype = torch.float32
               ) -> tuple[torch.Tensor, torch.Tensor]:
    """n noisy points around y = slope * x + intercept, x in [low, high), from a private seed."""
    generator = torch.Generator().manual_seed(seed)
    x = low + (high - low) * torch.rand(n, generator=generator, dtype=torch.float64)
    y = slope * x + intercept + noise * torch.randn(n, generator=generator, dtype=torch.float64)
    return x.to(dtype), y.to(dtype)


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
        # Python numbers are accepted too: the message must say so.
        return msg("regression.diag.not_number", what=what, type=type_name(value))
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


# ---- how the answer is run, and failures inside the student's loop -------------------------


def explain_loop_error(error: Exception) -> Message:
    """What usually raises this error inside a training loop, or the general explanation."""
    text = str(error)
    if isinstance(error, RuntimeError) and ("must have the same dtype" in text
                                            or "expected scalar type" in text.lower()):
        # nn.Linear (float32) fed float64 data, or the other way round.
        return msg("regression.diag.dtype_mismatch", detail=text.strip().splitlines()[0][:160])
    return loops.explain_loop_error(error, zero_none=msg("regression.diag.zero_none"),
                                    rebind_none=msg("regression.diag.rebind"),
                                    rebind_no_grad=msg("regression.diag.rebind_no_grad"))


def _new_linear(w0: float, b0: float) -> nn.Linear:
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(w0)
        model.bias.fill_(b0)
    return model


def _train_new_linear(answer: Any, case: Case, args: tuple[Any, ...]) -> tuple[Any, nn.Linear]:
    """The answer trains a model it is given: each call gets a new nn.Linear(1, 1).

    A case holds the starting weight and bias first; the student's function receives
    ``(model, x, y, lr, epochs)`` and the judge receives ``(answer's result, model after,
    PyTorch's warning about a target of another shape than the output, or None)``.
    """
    w0, b0, *rest = args
    model = _new_linear(w0, b0)
    # PyTorch's warning about a target shape unlike the output's names a broadcasting
    # mistake; it is kept here (the check silences every other warning).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        returned = answer(model, *rest)
    sizes = [str(w.message) for w in caught if "target size" in str(w.message)]
    return returned, model, sizes[0] if sizes else None


# ---- how each answer is judged ----------------------------------------------------------


def _judge_mse(result: object, case: Case, expected: dict) -> Message | None:
    pred = case.args[0]
    want = expected["loss"]
    what = msg("regression.what.loss")
    if type(result) in (int, float):
        return msg("regression.diag.loss_float")
    problem = check_structure(result, want, Expect(what=what))
    if problem is not None:
        return problem
    assert isinstance(result, torch.Tensor)
    got = trusted.as_float64(result)
    rtol, atol = 1e-4, 1e-6
    if close(got, want, rtol=rtol, atol=atol):
        return None
    key = matching(got, expected["mistakes"], rtol=rtol, atol=atol)
    if key == "diag.sum_not_mean":
        return msg(key, what=what, factor=trusted.numel(pred))
    if key is not None:
        return msg(key)
    error = abs(float(trusted.item(got)) - float(trusted.item(want)))
    return msg("compare.values", what=what, error=f"{error:.3g}", rtol=rtol, atol=atol)


def _judge_run(expected: dict, n: int, w0: float, b0: float, lr: float, epochs: int,
               w: float, b: float, losses: torch.Tensor) -> Message | None:
    """Did the loop that reported ``losses`` and ended at (w, b) fit the line? If not, why?

    ``n`` is the number of data points, ``w0`` and ``b0`` where the training started.
    """
    slope, intercept = expected["slope"], expected["intercept"]
    finite = bool(trusted.item(trusted.all_(trusted.isfinite(losses))))
    converged = _reached(w, slope) and _reached(b, intercept)
    first, last = float(losses[0]), float(losses[-1])
    if converged and finite:
        start, best = expected["start_loss"], expected["best_loss"]
        # losses[0] is the loss before the first update (after it, if recorded late).
        if not any(abs(first - want) <= 1e-3 * (1.0 + want)
                   for want in (start, expected["after_one_loss"])):
            per_sample = expected.get("per_sample")
            # On points that lie on a line, per-point steps reach it too: only the first
            # loss, taken over part of the first pass, tells.
            if per_sample is not None and any(abs(first - want) <= 1e-3 * (1.0 + want)
                                              for want in per_sample["first"]):
                return msg("regression.diag.per_sample", n=n, epochs=epochs)
            return msg("regression.diag.first_loss", expected=f"{start:.6g}",
                       actual=f"{first:.6g}")
        if abs(last - best) > 1e-3 * (1.0 + best):
            return msg("regression.diag.last_loss", expected=f"{best:.6g}",
                       actual=f"{last:.6g}")
        return None
    if abs(w - w0) <= 1e-7 * (1.0 + abs(w0)) and abs(b - b0) <= 1e-7 * (1.0 + abs(b0)):
        return msg("regression.diag.not_trained", w=f"{w:.4g}", b=f"{b:.4g}")
    per_sample = expected.get("per_sample")
    end = per_sample["end"] if per_sample is not None else None
    if end is not None and _reached(w, end[0]) and _reached(b, end[1]):
        return msg("regression.diag.per_sample", n=n, epochs=epochs)
    for mistake in expected["mistakes"]:
        if _same_start(losses, mistake["path"]):
            return msg(mistake["key"], epochs=epochs, n=n)
    if not finite or last > first:
        return msg("regression.diag.diverged", lr=f"{lr:g}", first=f"{first:.4g}",
                   last=f"{last:.4g}")
    return msg("regression.diag.not_converged", w=f"{w:.5g}", b=f"{b:.5g}",
               slope=f"{slope:.5g}", intercept=f"{intercept:.5g}", tol=f"{TOLERANCE:g}",
               epochs=epochs)


def _same_start(got: torch.Tensor, want: torch.Tensor, count: int = 30) -> bool:
    """Do the first finite losses of a known wrong loop match the reported ones?"""
    # Only where the wrong loop stays finite and within float32 range (a float32 loop
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


def _line(result: object, count: int) -> tuple[float, float] | Message:
    """w and b, the first two of a ``count``-tuple, as Python floats, or what is wrong."""
    problem = check_tuple(result, count)
    if problem is not None:
        return problem
    assert isinstance(result, tuple | list)
    w = _number(result[0], msg("regression.what.w"))
    if isinstance(w, Message):
        return w
    b = _number(result[1], msg("regression.what.b"))
    if isinstance(b, Message):
        return b
    return w, b


def _judge_by_hand(result: object, case: Case, expected: dict) -> Message | None:
    x, _, lr, epochs = case.args
    line = _line(result, 3)
    if isinstance(line, Message):
        return line
    w, b = line
    assert isinstance(result, tuple | list)
    losses = _loss_list(result[2], epochs)
    if isinstance(losses, Message):
        return losses
    return _judge_run(expected, trusted.numel(x), 0.0, 0.0, lr, epochs, w, b, losses)


def _judge_module(result: object, case: Case, expected: dict) -> Message | None:
    returned, model, broadcast = result  # type: ignore[misc]
    w0, b0, x, _, lr, epochs = case.args
    if broadcast is not None:
        n = trusted.numel(x)
        return msg("regression.diag.broadcast", warning=broadcast, n=n)
    losses = _loss_list(returned, epochs)
    if isinstance(losses, Message):
        return losses
    weight = _number(_parameter(model, "weight"), msg("regression.what.weight"))
    if isinstance(weight, Message):
        return weight
    bias = _number(_parameter(model, "bias"), msg("regression.what.bias"))
    if isinstance(bias, Message):
        return bias
    return _judge_run(expected, trusted.numel(x), w0, b0, lr, epochs, weight, bias, losses)


def _parameter(model: nn.Module, name: str) -> object:
    parameters = object.__getattribute__(model, "_parameters")
    return parameters.get(name)


def _judge_closed_form(result: object, case: Case, expected: dict) -> Message | None:
    line = _line(result, 2)
    if isinstance(line, Message):
        return line
    w, b = line
    slope, intercept = expected["slope"], expected["intercept"]

    def near(got: float, want: float) -> bool:
        return abs(got - want) <= 1e-4 * (1.0 + abs(want))

    if near(w, slope) and near(b, intercept):
        return None
    if near(w, intercept) and near(b, slope):
        return msg("regression.diag.swapped_wb")
    if near(w, expected["through_origin"]) and abs(b) <= 1e-6:
        return msg("regression.diag.no_ones_column")
    return msg("regression.diag.closed_form_values", w=f"{w:.5g}", b=f"{b:.5g}",
               slope=f"{slope:.5g}", intercept=f"{intercept:.5g}")


# ---- the questions ------------------------------------------------------------------------

_SEED_X = torch.tensor([1.0, 2.0, 3.0])
_SEED_Y = torch.tensor([2.0, 4.0, 6.0])
# Noisy lines the hidden cases are drawn from.
_NOISY_A = _line_data(20, slope=-1.5, intercept=0.5, noise=0.2, seed=611, high=2.0)
_NOISY_B = _line_data(12, slope=3.0, intercept=-2.0, noise=0.3, seed=612, low=-1.0, high=1.0,
                      dtype=torch.float64)
_NOISY_C = _line_data(25, slope=0.8, intercept=1.0, noise=0.3, seed=613, high=6.0)


def _column(data: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    return data[0].reshape(-1, 1), data[1].reshape(-1, 1)


QUESTIONS = declare(
    __name__, "regression",
    Question(points=2, function="mse", judge=_judge_mse, keeps_inputs=True, visible=[
        Case((torch.tensor([1.5, 3.0, 4.5]), _SEED_Y),
             "pred = torch.tensor([1.5, 3.0, 4.5]), target = torch.tensor([2., 4., 6.])")],
             draws=[Case((vector(7, seed=601), vector(7, seed=602))),
                    Case((vector(5, seed=603, dtype=torch.float64),
                          vector(5, seed=604, dtype=torch.float64))),
                    Case((vector(4, seed=605).reshape(4, 1), vector(4, seed=606).reshape(4, 1))),
                    Case((torch.tensor([3.0, -1.0]), torch.tensor([1.0, 2.0])))]),
    # Drawn cases vary y only: the fixed lr converges or diverges with the scale of x (the
    # loss's curvature), not of y.
    Question(points=2, function="train_by_hand", judge=_judge_by_hand, keeps_inputs=True,
             explain=explain_loop_error, varied=(1,), visible=[
                 Case((_SEED_X, _SEED_Y, 0.1, 500),
                      "x = torch.tensor([1., 2., 3.]), y = torch.tensor([2., 4., 6.]), "
                      "lr = 0.1, epochs = 500"),
                 Case((*_line_data(10, slope=-1.0, intercept=2.0, noise=0.3, seed=621,
                                   high=8.0, dtype=torch.float64), 0.05, 1000),
                      "x, y = 10 noisy points around y = -x + 2, x in [0, 8), "
                      "dtype=torch.float64, lr = 0.05, epochs = 1000")],
             draws=[Case((*_NOISY_A, 0.2, 400)),
                    Case((*_NOISY_B, 0.3, 150)),
                    Case((*_NOISY_C, 0.06, 400))]),
    # As for q2: y (position 3) varies, x keeps the scale the fixed lr was chosen for.
    Question(points=2, function="train_with_module", judge=_judge_module, keeps_inputs=True,
             call=_train_new_linear, explain=explain_loop_error, varied=(3,), visible=[
                 Case((0.5, -0.3, _SEED_X.reshape(-1, 1), _SEED_Y.reshape(-1, 1), 0.1, 500),
                      "model = nn.Linear(1, 1) (weight 0.5, bias -0.3), "
                      "x = torch.tensor([[1.], [2.], [3.]]), "
                      "y = torch.tensor([[2.], [4.], [6.]]), lr = 0.1, epochs = 500"),
                 Case((-0.5, 0.5, *(t.reshape(-1, 1) for t in _line_data(
                     8, slope=1.5, intercept=-1.0, noise=0.3, seed=631, high=6.0)), 0.05, 800),
                      "model = nn.Linear(1, 1) (weight -0.5, bias 0.5), x, y = 8 noisy points "
                      "around y = 1.5x - 1 as columns of shape (8, 1), x in [0, 6), lr = 0.05, "
                      "epochs = 800")],
             draws=[Case((-0.7, 0.2, *_column(_NOISY_A), 0.2, 400)),
                    Case((0.1, 0.9, *_column(_NOISY_C), 0.06, 400)),
                    Case((1.0, 1.0, *_column(_line_data(16, slope=-0.4, intercept=2.5,
                                                        noise=0.1, seed=614, low=-2.0,
                                                        high=2.0)), 0.2, 200))]),
    Question(points=2, function="closed_form", judge=_judge_closed_form, keeps_inputs=True,
             visible=[
        Case(_line_data(10, slope=2.0, intercept=1.0, noise=0.5, seed=620, high=5.0),
             "x, y = 10 noisy points around y = 2x + 1")],
             draws=[Case(_NOISY_A), Case(_NOISY_B), Case((_SEED_X, _SEED_Y)),
                    Case((torch.tensor([0.0, 1.0]), torch.tensor([3.0, 1.0])))]),
)
