"""Lesson 04 (no_grad and detach): exercises, their reference solutions and how each is checked.

The tasks are about what autograd records, so the checks look at more than values: whether a
result still requires grad or carries a ``grad_fn``, whether the caller's tensor was changed in
place, stayed a leaf and kept ``requires_grad``, and whether a copy shares memory with its
source. Expected values come from float64 formulas or simulations, not from the references.

Tensors that must reach the student's function *with* ``requires_grad`` (and a ``.grad``) are
described by :class:`Leaf`, models by :class:`Model`: each call gets a brand-new object built
from the recipe, so nothing a function does to its arguments carries over to the next call.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

import numpy as np
import torch
from torch import nn

from course_helpers import trusted
from course_helpers.compare import (
    Expect,
    check_structure,
    check_values,
    close,
    tolerances,
    type_name,
)
from course_helpers.diagnose import scale_factor
from course_helpers.i18n import Message, msg
from course_helpers.lessons.inputs import vector
from course_helpers.outcome import Outcome, Status
from course_helpers.question import Case, Question

# Taken when the locked setup cell imports the lesson, before any student code runs.
_ndarray = np.ndarray
_np_array = np.array


# ---- reference solutions (shown by ``solution()``) --------------------------------------


def predict(w, x):
    """w * x as a plain result that does not require grad (w itself keeps requiring grad)."""
    with torch.no_grad():
        return w * x


def sgd_step_(w, lr):
    """One gradient-descent step on the leaf w, in place, then clear its gradient."""
    with torch.no_grad():
        w -= lr * w.grad
    w.grad.zero_()


def to_numpy(t):
    """A NumPy array with the values of t (which may require grad)."""
    return t.detach().cpu().numpy()


def independent_copy(t):
    """A copy of t that shares no memory with it and does not require grad."""
    return t.detach().clone()


def freeze_first_layer_(model):
    """Freeze every parameter of model[0]; leave all other parameters trainable."""
    for p in model[0].parameters():
        p.requires_grad_(False)


def descend(w0, lr, steps):
    """Gradient descent on (w ** 2).sum() from w0; return w after each step, stacked."""
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


# ---- arguments that need requires_grad: rebuilt for every call ---------------------------


@dataclass(frozen=True, eq=False)
class Leaf:
    """Recipe for a leaf tensor (``requires_grad`` and optionally ``.grad`` set).

    The checker hands the student's function ``copy.deepcopy`` of each argument; for a
    ``Leaf`` that is a brand-new tensor, so the function really receives what the task says.
    """

    values: torch.Tensor
    grad: torch.Tensor | None = None
    requires_grad: bool = True

    def make(self) -> torch.Tensor:
        tensor = trusted.clone(trusted.detach(self.values))
        trusted.requires_grad_(tensor, self.requires_grad)
        if self.grad is not None:
            tensor.grad = trusted.clone(trusted.detach(self.grad))
        return tensor

    def __deepcopy__(self, memo: dict[int, Any]) -> torch.Tensor:
        return self.make()


@dataclass(frozen=True, eq=False)
class Model:
    """Recipe for a small ``nn.Sequential``: every call gets a fresh deep copy of it."""

    template: nn.Module

    def __deepcopy__(self, memo: dict[int, Any]) -> nn.Module:
        return copy.deepcopy(self.template)


def mlp(sizes: tuple[int, ...], *, seed: int, bias: bool = True) -> Model:
    """Linear layers of the given sizes with Tanh in between; the global RNG is untouched."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        layers: list[nn.Module] = []
        for index, (n_in, n_out) in enumerate(pairwise(sizes)):
            if index:
                layers.append(nn.Tanh())
            layers.append(nn.Linear(n_in, n_out, bias=bias))
    return Model(nn.Sequential(*layers))


# ---- a question that also watches the global grad mode ----------------------------------


@dataclass
class LessonQuestion(Question):
    """A :class:`Question` that keeps gradient tracking switched on around the check.

    ``torch.set_grad_enabled(False)`` left behind by the student's function would silently
    break every later cell, so it makes the answer wrong (and is switched back on). ``explain``
    may replace a general diagnosis with one that names this lesson's mistake.
    """

    explain: Callable[[Message], Message | None] = field(default=lambda problem: None)

    def evaluate(self, answer: object, *, hidden: bool = False) -> Outcome:
        was_on = trusted.is_grad_enabled()
        trusted.set_grad_enabled(True)
        outcome = super().evaluate(answer, hidden=hidden)
        left_off = not trusted.is_grad_enabled()
        trusted.set_grad_enabled(True)
        if left_off and outcome.status is not Status.NOT_ATTEMPTED:
            return Outcome(Status.INCORRECT, outcome.title,
                           (msg("nograd.grad_left_off"),
                            msg("outcome.hint_pointer", name=self.name)))
        if outcome.status is Status.INCORRECT and outcome.details:
            better = self.explain(outcome.details[0])
            if better is not None:
                outcome = replace(outcome, details=(better, *outcome.details[1:]))
        if not was_on:
            outcome = replace(outcome, details=(*outcome.details, msg("nograd.grad_was_off")))
        return outcome


def _renamed(table: dict[str, str]) -> Callable[[Message], Message | None]:
    def explain(problem: Message) -> Message | None:
        key = table.get(problem.key)
        return msg(key, **problem.params) if key else None

    return explain


# ---- helpers for the judges -------------------------------------------------------------


def _node_name(tensor: torch.Tensor) -> str:
    node = trusted.grad_fn(tensor)
    return type(node).__name__ if node is not None else "None"


def _as64(tensor: torch.Tensor) -> torch.Tensor:
    return trusted.as_float64(tensor)


def _same_values(tensor: torch.Tensor, expected: torch.Tensor) -> bool:
    rtol, atol = tolerances(trusted.dtype(tensor), Expect())
    return close(_as64(tensor), expected, rtol=rtol, atol=atol)


def _plain_tensor(value: object) -> bool:
    return isinstance(value, trusted.Tensor) and type(value) in (trusted.Tensor, trusted.Parameter)


def _input_kept(seen: object, spec: Leaf, name: str) -> Message | None:
    """The argument the function received must still be the tensor the caller gave it."""
    if not _plain_tensor(seen):
        return None
    assert isinstance(seen, torch.Tensor)
    if spec.requires_grad and not trusted.requires_grad(seen):
        return msg("nograd.froze_input", name=name)
    if not _same_values(seen, _as64(spec.values)):
        return msg("diag.mutated_input")
    return None


def _plain_values(actual: torch.Tensor, expected: torch.Tensor, what: Message
                  ) -> Message | None:
    """Values only; the core's fingerprints (accumulated, sum/mean) don't fit these tasks."""
    return check_values(actual, expected, Expect(what=what, diagnose=False))


def _all(mask: torch.Tensor) -> bool:
    return trusted.item(trusted.all_(mask)) is True


def _all_zero(tensor: torch.Tensor) -> bool:
    return trusted.item(trusted.all_(trusted.eq(_as64(tensor), 0.0))) is True


# ---- how each answer is judged ----------------------------------------------------------


def _judge_predict(result: object, case: Case) -> Message | None:
    w_spec, x = case.args
    problem = _input_kept(case.seen[0], w_spec, "w")
    if problem is not None:
        return problem
    if _plain_tensor(result) and trusted.requires_grad(result):
        assert isinstance(result, torch.Tensor)
        if trusted.grad_fn(result) is not None:
            return msg("nograd.q1.requires_grad", grad_fn=_node_name(result))
    expected = trusted.mul(_as64(w_spec.values), _as64(x))
    what = msg("nograd.what.prediction")
    problem = check_structure(result, expected, Expect(requires_grad=False, what=what))
    if problem is not None:
        return problem
    assert isinstance(result, torch.Tensor)
    return _plain_values(result, expected, what)


def _judge_sgd_step(result: object, case: Case) -> Message | None:
    spec, lr = case.args
    w = case.seen[0]
    start, grad = _as64(spec.values), _as64(spec.grad)
    expected = trusted.sub(start, trusted.mul(grad, lr))
    if not trusted.requires_grad(w):
        return msg("nograd.q2.requires_grad_off")
    if not trusted.is_leaf(w):
        return msg("nograd.q2.tracked", grad_fn=_node_name(w))
    current = trusted.grad(w)
    if _same_values(w, start):
        if current is None or _all_zero(current):
            return msg("nograd.q2.zeroed_first")
        if _plain_tensor(result) and result is not w:
            assert isinstance(result, torch.Tensor)
            if trusted.grad_fn(result) is not None:
                return msg("nograd.q2.rebound_tracked", grad_fn=_node_name(result))
            return msg("nograd.q2.rebound")
        return msg("nograd.q2.unchanged")
    if not _same_values(w, expected):
        return _diagnose_step(w, start, grad, lr)
    if current is not None and not _all_zero(current):
        return msg("nograd.q2.grad_not_zeroed")
    return None


def _diagnose_step(w: torch.Tensor, start: torch.Tensor, grad: torch.Tensor, lr: float
                   ) -> Message:
    """w moved, but not by lr * grad: name how the step differs from the right one."""
    step = trusted.sub(start, _as64(w))
    want = trusted.mul(grad, lr)
    k = scale_factor(step, want)
    if k is not None and close(step, trusted.mul(want, k), rtol=1e-3, atol=1e-5):
        if abs(k + 1) < 1e-3:
            return msg("nograd.q2.wrong_sign")
        if lr != 1 and abs(k * lr - 1) < 1e-3:
            return msg("nograd.q2.no_lr")
        if k > 0:
            return msg("nograd.q2.step_scaled", factor=f"{k:.4g}")
    problem = _plain_values(w, trusted.sub(start, want), msg("nograd.what.w"))
    assert problem is not None  # the caller found the values different
    return problem


_NUMPY_DTYPES = {torch.float32: "float32", torch.float64: "float64", torch.float16: "float16"}


def _judge_to_numpy(result: object, case: Case) -> Message | None:
    spec = case.args[0]
    problem = _input_kept(case.seen[0], spec, "t")
    if problem is not None:
        return problem
    if result is None:
        return msg("nograd.q3.none")
    if isinstance(result, trusted.Tensor):
        return msg("nograd.q3.tensor")
    if type(result) is not _ndarray:
        return msg("nograd.q3.not_array", type=type_name(result))
    assert isinstance(result, np.ndarray)
    expected_dtype = _NUMPY_DTYPES[trusted.dtype(spec.values)]
    if str(result.dtype) != expected_dtype:
        return msg("nograd.q3.dtype", expected=expected_dtype, actual=str(result.dtype))
    expected_shape = trusted.shape(spec.values)
    if tuple(int(n) for n in result.shape) != expected_shape:
        return msg("nograd.q3.shape", expected=str(expected_shape),
                   actual=str(tuple(int(n) for n in result.shape)))
    got = trusted.as_tensor(_np_array(result, copy=True))
    return _plain_values(got, _as64(spec.values), msg("nograd.what.array"))


def _shares_memory(copy_: torch.Tensor, source: torch.Tensor, original: torch.Tensor) -> bool:
    """Change the copy and watch the source: did it move too?"""
    try:
        with trusted.no_grad():
            trusted.add_(copy_, 1.0)
            moved = not _same_values(source, original)
            trusted.add_(copy_, -1.0)
        return moved
    except RuntimeError:  # an overlapping view cannot be written; compare the storages
        return (trusted.untyped_storage(copy_).data_ptr()
                == trusted.untyped_storage(source).data_ptr())


def _judge_copy(result: object, case: Case) -> Message | None:
    spec = case.args[0]
    t = case.seen[0]
    original = _as64(spec.values)
    problem = _input_kept(t, spec, "t")
    if problem is not None:
        return problem
    if result is t:
        return msg("nograd.q4.same_object")
    what = msg("nograd.what.copy")
    problem = check_structure(result, original,
                              Expect(dtype=trusted.dtype(spec.values), what=what))
    if problem is not None:
        return problem
    assert isinstance(result, torch.Tensor)
    if trusted.is_inference(result):
        return msg("nograd.q4.inference")
    if trusted.requires_grad(result):
        if trusted.grad_fn(result) is not None:
            return msg("nograd.q4.in_graph", grad_fn=_node_name(result))
        return msg("nograd.q4.requires_grad")
    problem = _plain_values(result, original, what)
    if problem is not None:
        return problem
    if _shares_memory(result, t, original):
        return msg("nograd.q4.shares")
    return None


def _judge_freeze(result: object, case: Case) -> Message | None:
    template = case.args[0].template
    model = case.seen[0]
    expected = dict(template.named_parameters())
    try:
        seen = dict(model.named_parameters())
    except Exception:  # the student replaced the model's machinery
        return msg("nograd.q5.structure")
    if sorted(seen) != sorted(expected) or not all(_plain_tensor(p) for p in seen.values()):
        return msg("nograd.q5.structure")
    for name, param in seen.items():
        if trusted.shape(param) != trusted.shape(expected[name]) or not _same_values(
                param, _as64(expected[name])):
            return msg("nograd.q5.values_changed", name=name)
    first = [name for name in seen if name.startswith("0.")]
    frozen = [name for name in seen if not trusted.requires_grad(seen[name])]
    if not frozen:
        return msg("nograd.q5.nothing_frozen")
    too_many = [name for name in frozen if name not in first]
    if too_many:
        return msg("nograd.q5.froze_rest", names=", ".join(too_many))
    missing = [name for name in first if name not in frozen]
    if missing:
        return msg("nograd.q5.partly", names=", ".join(missing))
    return None


def _trajectory(w0: torch.Tensor, lr: float, steps: int, *, zero: bool = True,
                scale: float = 1.0) -> torch.Tensor:
    """Float64 simulation of gradient descent on sum(w**2) (gradient 2w, times ``scale``)."""
    w = _as64(w0)
    accumulated = trusted.zeros_like(w)
    rows = []
    for _ in range(steps):
        gradient = trusted.mul(w, 2.0 * scale)
        accumulated = gradient if zero else trusted.add(accumulated, gradient)
        w = trusted.sub(w, trusted.mul(accumulated, lr))
        rows.append(w)
    return torch.stack(rows)


def _judge_descend(result: object, case: Case) -> Message | None:
    w0, lr, steps = case.args
    if not _same_values(case.seen[0], _as64(w0)):
        return msg("diag.mutated_input")
    expected = _trajectory(w0, lr, steps)
    what = msg("nograd.what.history")
    if _plain_tensor(result) and trusted.requires_grad(result):
        assert isinstance(result, torch.Tensor)
        return msg("nograd.q6.requires_grad", grad_fn=_node_name(result))
    if _plain_tensor(result):
        assert isinstance(result, torch.Tensor)
        shape, want = trusted.shape(result), trusted.shape(expected)
        if shape == (steps + 1, *want[1:]):
            return msg("nograd.q6.includes_start", steps=steps, rows=steps + 1)
    problem = check_structure(result, expected, Expect(requires_grad=False, what=what))
    if problem is not None:
        return problem
    assert isinstance(result, torch.Tensor)
    if _same_values(result, expected):
        return None
    if steps > 1 and _same_values(result, expected[-1]):
        return msg("nograd.q6.all_final")
    if _same_values(result, _trajectory(w0, lr, steps, zero=False)):
        return msg("nograd.q6.not_zeroed")
    if trusted.numel(w0) > 1 and _same_values(
            result, _trajectory(w0, lr, steps, scale=1.0 / trusted.numel(w0))):
        return msg("nograd.q6.mean", n=trusted.numel(w0))
    return _plain_values(result, expected, what)


def _explain_freeze(problem: Message) -> Message | None:
    if problem.key == "diag.raised" and "as parameter" in str(problem.params.get("detail", "")):
        return msg("nograd.q5.assigned_tensor")
    return None


def _explain_descend(problem: Message) -> Message | None:
    if problem.key == "diag.raised" and "NoneType" in str(problem.params.get("detail", "")):
        return msg("nograd.q6.grad_none")
    return _renamed({"diag.no_grad_tensor_backward": "nograd.q6.rebound_under_no_grad",
                     "diag.inplace_leaf": "nograd.inplace_outside_no_grad"})(problem)


# ---- the questions ------------------------------------------------------------------------


def _leaf(values: Any, dtype: torch.dtype = torch.float32, **kwargs: Any) -> Leaf:
    return Leaf(torch.as_tensor(values, dtype=dtype), **kwargs)


def _with_grad(values: torch.Tensor, grad: torch.Tensor) -> Leaf:
    return Leaf(values, grad=grad.to(values.dtype))


q1 = LessonQuestion(
    key="nograd.q1", number="1", points=2, name="ex.q1", reference=predict,
    judge=_judge_predict,
    visible=[Case((_leaf([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0, 6.0])),
                  "w = torch.tensor([1., 2., 3.], requires_grad=True), "
                  "x = torch.tensor([4., 5., 6.])")],
    hidden=[Case((Leaf(vector(5, seed=411)), vector(5, seed=412))),
             Case((Leaf(vector(6, seed=413, dtype=torch.float64).reshape(2, 3)),
                   vector(6, seed=414, dtype=torch.float64).reshape(2, 3))),
             Case((_leaf(2.5), vector(4, seed=415)))],
)

q2 = LessonQuestion(
    key="nograd.q2", number="2", points=2, name="ex.q2", reference=sgd_step_,
    judge=_judge_sgd_step,
    explain=_renamed({"diag.inplace_leaf": "nograd.inplace_outside_no_grad"}),
    visible=[Case((_with_grad(torch.tensor([10.0, -4.0, 2.5]), torch.tensor([20.0, -8.0, 5.0])),
                   0.1),
                  "w = torch.tensor([10., -4., 2.5], requires_grad=True), "
                  "w.grad = tensor([20., -8., 5.]), lr = 0.1")],
    hidden=[Case((_with_grad(vector(5, seed=421), vector(5, seed=422)), 0.05)),
             Case((_with_grad(vector(6, seed=423, dtype=torch.float64).reshape(3, 2),
                              vector(6, seed=424, dtype=torch.float64).reshape(3, 2)), 0.5)),
             Case((_with_grad(torch.tensor([10.0, 3.0], dtype=torch.float64),
                              torch.tensor([20.0, 6.0], dtype=torch.float64)), 0.001))],
)

q3 = LessonQuestion(
    key="nograd.q3", number="3", points=2, name="ex.q3", reference=to_numpy,
    judge=_judge_to_numpy,
    visible=[Case((_leaf([10.0, 20.0]),), "t = torch.tensor([10., 20.], requires_grad=True)")],
    hidden=[Case((Leaf(vector(4, seed=431, dtype=torch.float64)),)),
             Case((Leaf(vector(6, seed=432).reshape(2, 3)),)),
             Case((_leaf(-1.5),)),
             Case((Leaf(vector(3, seed=433), requires_grad=False),))],
)

q4 = LessonQuestion(
    key="nograd.q4", number="4", points=2, name="ex.q4", reference=independent_copy,
    judge=_judge_copy,
    visible=[Case((_leaf([10.0, 20.0], dtype=torch.float64),),
                  "t = torch.tensor([10., 20.], dtype=torch.float64, requires_grad=True)")],
    hidden=[Case((Leaf(vector(5, seed=441)),)),
             Case((Leaf(vector(6, seed=442, dtype=torch.float64).reshape(3, 2)),)),
             Case((_leaf(7.0),))],
)

q5 = LessonQuestion(
    key="nograd.q5", number="5", points=2, name="ex.q5", reference=freeze_first_layer_,
    judge=_judge_freeze, explain=_explain_freeze,
    visible=[Case((mlp((3, 4, 1), seed=451),),
                  "model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))")],
    hidden=[Case((mlp((2, 3, 3, 1), seed=452),)),
             Case((mlp((4, 2, 1), seed=453, bias=False),))],
)

q6 = LessonQuestion(
    key="nograd.q6", number="6", points=2, name="ex.q6", reference=descend,
    judge=_judge_descend, explain=_explain_descend,
    visible=[Case((torch.tensor([10.0, -4.0]), 0.1, 4),
                  "w0 = torch.tensor([10., -4.]), lr = 0.1, steps = 4")],
    hidden=[Case((torch.tensor(10.0, dtype=torch.float64), 0.001, 3)),
             Case((vector(5, seed=461), 0.05, 10)),
             Case((vector(6, seed=462, dtype=torch.float64).reshape(2, 3), 0.2, 6))],
)

QUESTIONS = (q1, q2, q3, q4, q5, q6)
