"""Lesson 04 (no_grad and detach): the questions and how a result is judged.

The tasks are about what autograd records, so the checks look at more than values: whether a
result still requires grad or carries a ``grad_fn``, whether the caller's tensor was changed in
place, stayed a leaf and kept ``requires_grad``, and whether a copy shares memory with its
source. Expected values (and the paths of the typical descent mistakes) come from the lesson's
check data, or from the answer key for a hidden case.

Tensors that must reach the student's function *with* ``requires_grad`` (and a ``.grad``) are
described by :class:`Leaf`, models by :class:`Model`: each call gets a brand-new object built
from the recipe, so nothing a function does to its arguments carries over to the next call.
Gradient tracking left switched off by an answer is the core's concern (``diag.grad_left_off``).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
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
from course_helpers.diagnose import explain_error, scale_factor
from course_helpers.i18n import Message, msg
from course_helpers.lessons.inputs import vector
from course_helpers.lessons.loops import explain_loop_error
from course_helpers.mistakes import matching
from course_helpers.question import Case, Question, declare

# Taken when the locked setup cell imports the lesson, before any student code runs.
_ndarray = np.ndarray
_np_array = np.array


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


def leaf(values: Any, dtype: torch.dtype = torch.float32, **kwargs: Any) -> Leaf:
    """A :class:`Leaf` of ``values`` (a number or nested list) in ``dtype``."""
    return Leaf(torch.as_tensor(values, dtype=dtype), **kwargs)


def leaf_with_grad(values: torch.Tensor, grad: torch.Tensor) -> Leaf:
    """A :class:`Leaf` whose ``.grad`` is already set, as after a backward pass."""
    return Leaf(values, grad=grad.to(values.dtype))


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


def _all_zero(tensor: torch.Tensor) -> bool:
    return trusted.item(trusted.all_(trusted.eq(_as64(tensor), 0.0))) is True


# ---- how each answer is judged ----------------------------------------------------------


def _judge_predict(result: object, case: Case, expected: dict) -> Message | None:
    w_spec = case.args[0]
    problem = _input_kept(case.seen[0], w_spec, "w")
    if problem is not None:
        return problem
    if _plain_tensor(result) and trusted.requires_grad(result):
        assert isinstance(result, torch.Tensor)
        if trusted.grad_fn(result) is not None:
            return msg("nograd.q1.requires_grad", grad_fn=_node_name(result))
    prediction = expected["prediction"]
    what = msg("nograd.what.prediction")
    problem = check_structure(result, prediction, Expect(requires_grad=False, what=what))
    if problem is not None:
        return problem
    assert isinstance(result, torch.Tensor)
    return _plain_values(result, prediction, what)


def _judge_sgd_step(result: object, case: Case, expected: dict) -> Message | None:
    spec, lr = case.args
    w = case.seen[0]
    start = _as64(spec.values)
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
    if not _same_values(w, expected["w"]):
        return _diagnose_step(w, start, expected, lr)
    if current is not None and not _all_zero(current):
        return msg("nograd.q2.grad_not_zeroed")
    return None


def _diagnose_step(w: torch.Tensor, start: torch.Tensor, expected: dict, lr: float
                   ) -> Message:
    """w moved, but not by the expected step: name how the step differs from the right one."""
    step = trusted.sub(start, _as64(w))
    want = expected["step"]
    k = scale_factor(step, want)
    if k is not None and close(step, trusted.mul(want, k), rtol=1e-3, atol=1e-5):
        if abs(k + 1) < 1e-3:
            return msg("nograd.q2.wrong_sign")
        if lr != 1 and abs(k * lr - 1) < 1e-3:
            return msg("nograd.q2.no_lr")
        if k > 0:
            return msg("nograd.q2.step_scaled", factor=f"{k:.4g}")
    problem = _plain_values(w, expected["w"], msg("nograd.what.w"))
    assert problem is not None  # the caller found the values different
    return problem


def _judge_to_numpy(result: object, case: Case, expected: dict) -> Message | None:
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
    array = expected["array"]
    if str(result.dtype) != expected["dtype"]:
        return msg("nograd.q3.dtype", expected=expected["dtype"], actual=str(result.dtype))
    expected_shape = trusted.shape(array)
    if tuple(int(n) for n in result.shape) != expected_shape:
        return msg("nograd.q3.shape", expected=str(expected_shape),
                   actual=str(tuple(int(n) for n in result.shape)))
    got = trusted.as_tensor(_np_array(result, copy=True))
    return _plain_values(got, array, msg("nograd.what.array"))


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


def _judge_copy(result: object, case: Case, expected: dict) -> Message | None:
    spec = case.args[0]
    t = case.seen[0]
    original = _as64(spec.values)  # what the caller's t holds, before and after the call
    problem = _input_kept(t, spec, "t")
    if problem is not None:
        return problem
    if result is t:
        return msg("nograd.q4.same_object")
    what = msg("nograd.what.copy")
    copy_values = expected["copy"]
    # The copy keeps t's dtype.
    problem = check_structure(result, copy_values,
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
    problem = _plain_values(result, copy_values, what)
    if problem is not None:
        return problem
    if _shares_memory(result, t, original):
        return msg("nograd.q4.shares")
    return None


def _judge_freeze(result: object, case: Case, expected: dict) -> Message | None:
    template = case.args[0].template
    model = case.seen[0]
    given = dict(template.named_parameters())
    try:
        seen = dict(model.named_parameters())
    except Exception:  # the student replaced the model's machinery
        return msg("nograd.q5.structure")
    if sorted(seen) != sorted(given) or not all(_plain_tensor(p) for p in seen.values()):
        return msg("nograd.q5.structure")
    for name, param in seen.items():
        if trusted.shape(param) != trusted.shape(given[name]) or not _same_values(
                param, _as64(given[name])):
            return msg("nograd.q5.values_changed", name=name)
    to_freeze = [name for name in seen if name in expected["frozen"]]
    frozen = [name for name in seen if not trusted.requires_grad(seen[name])]
    if not frozen:
        return msg("nograd.q5.nothing_frozen")
    too_many = [name for name in frozen if name not in to_freeze]
    if too_many:
        return msg("nograd.q5.froze_rest", names=", ".join(too_many))
    missing = [name for name in to_freeze if name not in frozen]
    if missing:
        return msg("nograd.q5.partly", names=", ".join(missing))
    return None


def _judge_descend(result: object, case: Case, expected: dict) -> Message | None:
    w0, _, steps = case.args
    if not _same_values(case.seen[0], _as64(w0)):
        return msg("diag.mutated_input")
    history = expected["history"]
    what = msg("nograd.what.history")
    if _plain_tensor(result) and trusted.requires_grad(result):
        assert isinstance(result, torch.Tensor)
        return msg("nograd.q6.requires_grad", grad_fn=_node_name(result))
    if _plain_tensor(result):
        assert isinstance(result, torch.Tensor)
        shape, want = trusted.shape(result), trusted.shape(history)
        if shape == (steps + 1, *want[1:]):
            return msg("nograd.q6.includes_start", steps=steps, rows=steps + 1)
    problem = check_structure(result, history, Expect(requires_grad=False, what=what))
    if problem is not None:
        return problem
    assert isinstance(result, torch.Tensor)
    if _same_values(result, history):
        return None
    # Every row the same final w: the list held one tensor that kept changing.
    if steps > 1 and _same_values(result, history[-1]):
        return msg("nograd.q6.all_final")
    rtol, atol = tolerances(trusted.dtype(result), Expect())
    key = matching(_as64(result), expected["mistakes"], rtol=rtol, atol=atol)
    if key is not None:
        known = next(m for m in expected["mistakes"] if m["key"] == key)
        return msg(key, **known.get("params", {}))
    return _plain_values(result, history, what)


# ---- what this lesson's errors usually mean -----------------------------------------------


def _on_none(error: Exception) -> str | None:
    """The attribute an AttributeError looked up (or set) on ``None``, if that is what it is."""
    if not isinstance(error, AttributeError):
        return None
    if error.obj is None and error.name is not None:
        return error.name
    # Setting an attribute on None does not fill in name and obj.
    found = re.match(r"'NoneType' object has no attribute '(\w+)'", str(error))
    return found.group(1) if found else None


def _explain_sgd_step(error: Exception) -> Message | None:
    # w.grad.zero_() after w = w - lr * w.grad: the new w has no gradient.
    if _on_none(error) is not None:
        return msg("nograd.q2.rebound_grad_none")
    return None


def _explain_freeze(error: Exception) -> Message | None:
    # nn.Module refuses a plain tensor in a parameter's place: weight = weight.detach().
    if isinstance(error, TypeError) and explain_error(error) is None \
            and "as parameter" in str(error):
        return msg("nograd.q5.assigned_tensor")
    # model[0].bias.requires_grad_(False) on a layer made with bias=False: bias is None.
    if _on_none(error) in ("requires_grad", "requires_grad_", "detach_"):
        return msg("nograd.q5.bias_none")
    return None


def _explain_descend(error: Exception) -> Message | None:
    grad_none = msg("nograd.q6.grad_none")
    # An attribute looked up on None (w.grad.zero_() before the first backward pass).
    if isinstance(error, AttributeError) and error.name is not None and error.obj is None:
        return grad_none
    return explain_loop_error(error, zero_none=grad_none, rebind_none=grad_none,
                              rebind_no_grad=msg("nograd.q6.rebound_under_no_grad"))


# ---- the questions ------------------------------------------------------------------------

QUESTIONS = declare(
    __name__, "nograd",
    Question(points=2, function="predict", judge=_judge_predict, keeps_inputs=True,
             visible=[Case((leaf([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0, 6.0])),
                           "w = torch.tensor([1., 2., 3.], requires_grad=True), "
                           "x = torch.tensor([4., 5., 6.])")],
             draws=[Case((Leaf(vector(5, seed=411)), vector(5, seed=412))),
                    Case((Leaf(vector(6, seed=413, dtype=torch.float64).reshape(2, 3)),
                          vector(6, seed=414, dtype=torch.float64).reshape(2, 3))),
                    Case((leaf(2.5), vector(4, seed=415)))]),
    Question(points=2, function="sgd_step_", judge=_judge_sgd_step, explain=_explain_sgd_step,
             rename={"diag.inplace_leaf": "nograd.inplace_outside_no_grad"},
             visible=[Case((leaf_with_grad(torch.tensor([10.0, -4.0, 2.5]),
                                           torch.tensor([20.0, -8.0, 5.0])), 0.1),
                           "w = torch.tensor([10., -4., 2.5], requires_grad=True), "
                           "w.grad = tensor([20., -8., 5.]), lr = 0.1")],
             draws=[Case((leaf_with_grad(vector(5, seed=421), vector(5, seed=422)), 0.05)),
                    Case((leaf_with_grad(vector(6, seed=423, dtype=torch.float64).reshape(3, 2),
                                         vector(6, seed=424, dtype=torch.float64).reshape(3, 2)),
                          0.5)),
                    Case((leaf_with_grad(torch.tensor([10.0, 3.0], dtype=torch.float64),
                                         torch.tensor([20.0, 6.0], dtype=torch.float64)),
                          0.001))]),
    Question(points=2, function="to_numpy", judge=_judge_to_numpy,
             visible=[Case((leaf([10.0, 20.0]),),
                           "t = torch.tensor([10., 20.], requires_grad=True)"),
                      Case((leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=torch.float64),),
                           "t = torch.tensor([[1., 2., 3.], [4., 5., 6.]], "
                           "dtype=torch.float64, requires_grad=True)")],
             draws=[Case((Leaf(vector(4, seed=431, dtype=torch.float64)),)),
                    Case((Leaf(vector(6, seed=432).reshape(2, 3)),)),
                    Case((leaf(-1.5),)),
                    Case((Leaf(vector(3, seed=433), requires_grad=False),))]),
    Question(points=2, function="independent_copy", judge=_judge_copy,
             visible=[Case((leaf([10.0, 20.0], dtype=torch.float64),),
                           "t = torch.tensor([10., 20.], dtype=torch.float64, "
                           "requires_grad=True)")],
             draws=[Case((Leaf(vector(5, seed=441)),)),
                    Case((Leaf(vector(6, seed=442, dtype=torch.float64).reshape(3, 2)),)),
                    Case((leaf(7.0),))]),
    Question(points=2, function="freeze_first_layer_", judge=_judge_freeze,
             explain=_explain_freeze,
             visible=[Case((mlp((3, 4, 1), seed=451),),
                           "model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))"),
                      Case((mlp((2, 3, 1), seed=454, bias=False),),
                           "model = nn.Sequential(nn.Linear(2, 3, bias=False), nn.Tanh(), "
                           "nn.Linear(3, 1, bias=False))")],
             draws=[Case((mlp((2, 3, 3, 1), seed=452),)),
                    Case((mlp((4, 2, 1), seed=453, bias=False),))]),
    Question(points=2, function="descend", judge=_judge_descend, explain=_explain_descend,
             rename={"diag.inplace_leaf": "nograd.inplace_outside_no_grad"},
             visible=[Case((torch.tensor([10.0, -4.0]), 0.1, 4),
                           "w0 = torch.tensor([10., -4.]), lr = 0.1, steps = 4"),
                      Case((torch.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=torch.float64),
                            0.2, 3),
                           "w0 = torch.tensor([[1., -2.], [0.5, 3.]], dtype=torch.float64), "
                           "lr = 0.2, steps = 3")],
             draws=[Case((torch.tensor(10.0, dtype=torch.float64), 0.001, 3)),
                    Case((vector(5, seed=461), 0.05, 10)),
                    Case((vector(6, seed=462, dtype=torch.float64).reshape(2, 3), 0.2, 6))]),
)
