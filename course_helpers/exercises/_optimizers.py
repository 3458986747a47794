"""Lesson 05 (custom optimizers): exercises, their reference solutions and how each is checked.

Students write *classes* here, subclasses of ``torch.optim.Optimizer``. A check builds fresh
parameters (several groups, several shapes, float32 or float64), trains them with the
student's optimizer and, side by side, copies in float64 with the matching ``torch.optim``
optimizer, and compares the parameters after every step. The first step where the two paths
part is reported, with the likely cause: each typical mistake (wrong sign, the learning rate
of ``defaults`` instead of the group's, a momentum buffer that starts at zeros, weight decay in
the wrong place, one buffer shared by all parameters, ...) is simulated in float64 from its
formula, and a student path that follows one of these simulations gets that mistake named.

The reusable core is :func:`optimizer_trajectory` (train and record every step) and
:func:`first_divergence` (the first step where two recorded paths disagree).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from course_helpers import trusted
from course_helpers.compare import Expect, check_structure, check_tuple, close
from course_helpers.diagnose import explain_error
from course_helpers.i18n import Message, msg
from course_helpers.lessons.inputs import vector
from course_helpers.question import Case, Question

# Taken when the locked setup cell imports the lesson, before any student code runs.
_Optimizer = torch.optim.Optimizer
_SGD = torch.optim.SGD
_Adagrad = torch.optim.Adagrad
_sqrt = torch.sqrt
_full_like = torch.full_like


# ---- reference solutions (shown by ``solution()``) --------------------------------------


class CustomSGD(torch.optim.Optimizer):
    """Plain gradient descent: p ← p − lr · p.grad, with the learning rate of each group."""

    def __init__(self, params, lr=0.01):
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        super().__init__(params, dict(lr=lr))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():  # the closure runs forward and backward
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                p.add_(p.grad, alpha=-group["lr"])
        return loss


class MomentumSGD(torch.optim.Optimizer):
    """SGD with weight decay, momentum and dampening, exactly as torch.optim.SGD does it."""

    def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad
                if group["weight_decay"] != 0:
                    d_p = d_p.add(p, alpha=group["weight_decay"])  # a new tensor, not p.grad
                if group["momentum"] != 0:
                    state = self.state[p]  # one state per parameter
                    buf = state.get("momentum_buffer")
                    if buf is None:  # PyTorch starts the buffer with the first d_p
                        buf = d_p.clone()
                        state["momentum_buffer"] = buf
                    else:
                        buf.mul_(group["momentum"]).add_(d_p, alpha=1 - group["dampening"])
                    d_p = buf
                p.add_(d_p, alpha=-group["lr"])
        return loss


class CustomAdagrad(torch.optim.Optimizer):
    """Adagrad as torch.optim.Adagrad: a running sum of squared gradients per parameter."""

    def __init__(self, params, lr=0.01, lr_decay=0.0, weight_decay=0.0,
                 initial_accumulator_value=0.0, eps=1e-10):
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["sum"] = torch.full_like(p, group["initial_accumulator_value"])
                state["step"] += 1
                grad = p.grad
                if group["weight_decay"] != 0:
                    grad = grad.add(p, alpha=group["weight_decay"])
                clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
                state["sum"].addcmul_(grad, grad, value=1)
                std = state["sum"].sqrt().add_(group["eps"])
                p.addcdiv_(grad, std, value=-clr)
        return loss


def resume_training(make_optimizer, w0, loss_fn, steps, pause):
    """Train, save a checkpoint after `pause` steps, and resume from it in a fresh optimizer."""
    w = w0.detach().clone().requires_grad_(True)
    optimizer = make_optimizer([w])
    path = []
    for step in range(steps):
        optimizer.zero_grad()
        loss_fn(w).backward()
        optimizer.step()
        path.append(w.detach().clone())
        if step + 1 == pause:  # copies: training goes on and changes w and the buffers
            checkpoint = {"w": w.detach().clone(),
                          "optimizer": copy.deepcopy(optimizer.state_dict())}
    w2 = checkpoint["w"].clone().requires_grad_(True)
    optimizer2 = make_optimizer([w2])
    optimizer2.load_state_dict(checkpoint["optimizer"])
    resumed = []
    for _ in range(steps - pause):
        optimizer2.zero_grad()
        loss_fn(w2).backward()
        optimizer2.step()
        resumed.append(w2.detach().clone())
    return torch.stack(path), torch.stack(resumed)


# ---- the training set-ups the checks run ------------------------------------------------


@dataclass(frozen=True, eq=False)
class Param:
    """One parameter: its start and the bowl c · (p − t)² it sits in (float64 c and t)."""

    start: torch.Tensor
    weight: torch.Tensor
    target: torch.Tensor


@dataclass(frozen=True, eq=False)
class Group:
    """A parameter group and its own options (``{"lr": 0.1}``), empty to use the defaults."""

    params: tuple[Param, ...]
    options: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Training:
    """What a check does: build the optimizer with ``options`` and run ``steps`` steps.

    ``backward_once`` computes the gradient once and calls ``step()`` repeatedly (as in the
    classroom examples); ``closure`` passes a closure to ``step()``; ``plain_list`` hands
    the optimizer a list of tensors rather than a list of group dicts.
    """

    groups: tuple[Group, ...]
    options: Mapping[str, float]
    steps: int
    backward_once: bool = False
    closure: bool = False
    plain_list: bool = False

    def __deepcopy__(self, memo: dict[int, Any]) -> Training:
        return self  # immutable: every run builds its own tensors from it

    def params(self) -> list[Param]:
        return [p for g in self.groups for p in g.params]

    def where(self) -> list[tuple[int, int]]:
        """(group, index) of every parameter, in the optimizer's order."""
        return [(gi, pi) for gi, g in enumerate(self.groups) for pi in range(len(g.params))]

    def group_options(self, group: int) -> dict[str, float]:
        return {**self.options, **self.groups[group].options}


def bowl_loss(tensors: list[torch.Tensor], params: list[Param]) -> torch.Tensor:
    """Σ c · (p − t)² over all parameters, computed in each parameter's dtype."""
    total = None
    for tensor, param in zip(tensors, params, strict=True):
        dtype = trusted.dtype(tensor)
        c, t = trusted.to(param.weight, dtype=dtype), trusted.to(param.target, dtype=dtype)
        term = trusted.sum_(trusted.mul(c, (tensor - t) ** 2))
        total = term if total is None else total + term
    assert total is not None
    return total


@dataclass
class Run:
    """The parameters (float64 copies) after every step, or why the run stopped."""

    path: list[list[torch.Tensor]] = field(default_factory=list)
    failure: Message | None = None


class _Stop(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.key)
        self.message = message


def _leaf(param: Param, dtype: torch.dtype | None) -> torch.Tensor:
    tensor = trusted.clone(trusted.detach(param.start))
    if dtype is not None:
        tensor = trusted.to(tensor, dtype=dtype)
    return trusted.requires_grad_(tensor, True)


def _arguments(training: Training, tensors: list[torch.Tensor]) -> list[Any]:
    if training.plain_list:
        return list(tensors)
    groups, offset = [], 0
    for group in training.groups:
        n = len(group.params)
        groups.append({"params": tensors[offset:offset + n], **group.options})
        offset += n
    return groups


def optimizer_trajectory(make_optimizer: Callable[..., Any], training: Training, *,
                         dtype: torch.dtype | None = None, watch: bool = False) -> Run:
    """Train fresh parameters with ``make_optimizer(params, **options)``; record every step.

    With ``watch`` (a student's optimizer) every failure becomes a message naming the step,
    and ``step()`` must leave ``p.grad`` alone.
    """
    params = training.params()
    tensors = [_leaf(p, dtype) for p in params]
    run = Run()
    trusted.set_grad_enabled(True)
    try:
        optimizer = _construct(make_optimizer, training, tensors, watch)
        for step in range(1, training.steps + 1):
            _one_step(optimizer, training, tensors, params, step, watch)
            if watch and not trusted.is_grad_enabled():
                # Left off, it would break every later cell of the notebook too.
                raise _Stop(msg("optim.grad_left_off", step=step))
            run.path.append([trusted.as_float64(t) for t in tensors])
    except _Stop as stop:
        run.failure = stop.message
    finally:
        trusted.set_grad_enabled(True)
    return run


def _construct(make_optimizer: Callable[..., Any], training: Training,
               tensors: list[torch.Tensor], watch: bool) -> Any:
    try:
        optimizer = make_optimizer(_arguments(training, tensors), **training.options)
    except NotImplementedError:
        raise
    except Exception as error:
        if not watch:
            raise
        if isinstance(error, TypeError) and "argument" in str(error):
            raise _Stop(msg("optim.init_signature", detail=_first_line(error),
                            options=_options_text(training.options))) from error
        raise _Stop(msg("optim.init_raised", error=type(error).__name__,
                        detail=_first_line(error))) from error
    if watch:
        if "param_groups" not in vars(optimizer):
            raise _Stop(msg("optim.no_super_init"))
        if _delegates(optimizer):
            raise _Stop(msg("optim.uses_builtin"))
    return optimizer


def _one_step(optimizer: Any, training: Training, tensors: list[torch.Tensor],
              params: list[Param], step: int, watch: bool) -> None:
    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = bowl_loss(tensors, params)
        loss.backward()
        return loss

    try:
        if training.closure:
            returned = optimizer.step(closure)
            if watch and not _is_plain_tensor(returned):
                raise _Stop(msg("optim.closure_not_returned", step=step))
            return
        if step == 1 or not training.backward_once:
            optimizer.zero_grad()
            bowl_loss(tensors, params).backward()
        before = [trusted.as_float64(trusted.grad(t)) for t in tensors] if watch else []
        optimizer.step()
    except (NotImplementedError, _Stop):
        raise
    except Exception as error:
        if not watch:
            raise
        raise _Stop(_explain_step_error(error, training, step)) from error
    for index, (tensor, grad) in enumerate(zip(tensors, before, strict=False)):
        now = trusted.grad(tensor)
        if now is None or not _is_plain_tensor(now) or trusted.shape(now) != trusted.shape(
                grad) or not close(trusted.as_float64(now), grad, rtol=0.0, atol=0.0):
            group, position = training.where()[index]
            raise _Stop(msg("optim.grad_modified", step=step, group=group, index=position))


def _explain_step_error(error: Exception, training: Training, step: int) -> Message:
    text = str(error)
    known = explain_error(error)
    if known is not None and known.key == "diag.inplace_leaf":
        return msg("optim.no_grad_missing", step=step)
    if training.closure and known is not None and known.key == "diag.no_grad_tensor_backward":
        return msg("optim.closure_no_grad", step=step)
    if training.closure and isinstance(error, TypeError) and "positional argument" in text:
        return msg("optim.no_closure")
    shapes = {trusted.shape(p.start) for p in training.params()}
    if len(shapes) > 1 and ("must match the size" in text or "broadcast shape" in text
                            or "doesn't match" in text):
        return msg("optim.shared_state_shapes", step=step)
    if isinstance(error, KeyError):
        return msg("optim.key_error", step=step, name=_first_line(error))
    return msg("optim.step_raised", step=step, error=type(error).__name__,
               detail=_first_line(error))


def _delegates(optimizer: Any) -> bool:
    """Does the student's optimizer keep a torch.optim optimizer to do the work?"""
    for value in vars(optimizer).values():
        items = value.values() if isinstance(value, dict) else (
            value if isinstance(value, list | tuple) else (value,))
        if any(isinstance(item, _Optimizer) for item in items):
            return True
    return False


def _is_plain_tensor(value: object) -> bool:
    return isinstance(value, trusted.Tensor) and type(value) in (trusted.Tensor,
                                                                  trusted.Parameter)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    return line if len(line) <= 160 else line[:160] + "…"


def _options_text(options: Mapping[str, float]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in options.items())


# ---- comparing two paths ----------------------------------------------------------------


@dataclass(frozen=True)
class Divergence:
    """Where a path first leaves the reference: step (1-based) and parameter position."""

    step: int
    parameter: int
    got: torch.Tensor
    want: torch.Tensor


def _tolerance(dtype: torch.dtype) -> tuple[float, float]:
    # float32 parameters collect rounding errors over many steps; float64 ones barely do.
    return (1e-4, 1e-5) if dtype != torch.float64 else (1e-7, 1e-9)


def first_divergence(student_path: list[list[torch.Tensor]],
                     reference_path: list[list[torch.Tensor]], *,
                     dtype: torch.dtype = torch.float32) -> Divergence | None:
    """The first step and parameter where two recorded paths part, or None if they agree.

    A shorter ``student_path`` agrees as far as it goes (the run stopped with a failure).
    """
    rtol, atol = _tolerance(dtype)
    for step, (got_step, want_step) in enumerate(zip(student_path, reference_path,
                                                     strict=False), start=1):
        for index, (got, want) in enumerate(zip(got_step, want_step, strict=True)):
            if trusted.shape(got) != trusted.shape(want) or not close(got, want, rtol=rtol,
                                                                      atol=atol):
                return Divergence(step, index, got, want)
    return None


def _values_text(t: torch.Tensor) -> str:
    values = [float(v) for v in trusted.tolist(trusted.detach(t).reshape(-1))]
    shown = ", ".join(f"{v:.4f}" for v in values[:4]) + (", …" if len(values) > 4 else "")
    return shown if trusted.numel(t) == 1 and not trusted.shape(t) else f"[{shown}]"


# ---- float64 simulations of the right rule and of each typical mistake ---------------------

Rule = Callable[..., torch.Tensor]


def simulate(training: Training, rule: Rule, *, shared: bool = False,
             lr_from_defaults: bool = False, frozen: bool = False, **flags: Any
             ) -> list[list[torch.Tensor]] | None:
    """The float64 path that ``rule`` gives; None when the mistake cannot even run here.

    ``shared`` gives every parameter the same state dict (one buffer for all);
    ``lr_from_defaults`` uses the constructor's lr for every group; ``frozen`` never
    changes the parameters (an update that only rebinds a local name).
    """
    params = training.params()
    values = [trusted.as_float64(p.start) for p in params]
    states: list[dict[str, Any]] = [{} for _ in params]
    common: dict[str, Any] = {}
    grads: list[torch.Tensor] = []
    path = []
    try:
        for step in range(1, training.steps + 1):
            if step == 1 or not training.backward_once or training.closure:
                grads = [2 * p.weight * (v - p.target) for v, p in zip(values, params,
                                                                        strict=True)]
            for k, (group, _) in enumerate(training.where()):
                options = training.group_options(group)
                if lr_from_defaults:
                    options["lr"] = training.options["lr"]
                if not frozen:
                    values[k] = rule(values[k], grads[k], common if shared else states[k],
                                     options, common, **flags)
            path.append([v.clone() for v in values])
    except RuntimeError:  # e.g. one shared buffer for parameters of different shapes
        return None
    return path


def sgd_rule(p: torch.Tensor, g: torch.Tensor, state: dict[str, Any],
             options: Mapping[str, float], common: dict[str, Any], *, sign: float = 1.0,
             no_lr: bool = False) -> torch.Tensor:
    """p − lr · g (``sign`` −1: uphill; ``no_lr``: p − g)."""
    lr = 1.0 if no_lr else options["lr"]
    return p - sign * lr * g


def momentum_rule(p: torch.Tensor, g: torch.Tensor, state: dict[str, Any],
                  options: Mapping[str, float], common: dict[str, Any], *,
                  zero_buffer: bool = False, decay: str = "gradient", keep: bool = True,
                  dampening: bool = True, sign: float = 1.0) -> torch.Tensor:
    """torch.optim.SGD's update, with switches for the ways it is usually got wrong.

    ``decay``: "gradient" (right: added to the gradient), "after" (added after momentum,
    i.e. decoupled), "ignored" or "minus"; ``zero_buffer``: the buffer starts at zeros;
    ``keep`` False: the buffer is not kept between steps; ``dampening`` False: ignored.
    """
    lr, m = options["lr"], options["momentum"]
    damp = options["dampening"] if dampening else 0.0
    wd = options["weight_decay"]
    d = g
    if decay == "gradient":
        d = d + wd * p
    elif decay == "minus":
        d = d - wd * p
    if m != 0:
        buf = state.get("buf") if keep else None
        if buf is None:
            buf = (1 - damp) * d if zero_buffer else d.clone()
        else:
            buf = m * buf + (1 - damp) * d
        state["buf"] = buf
        d = buf
    if decay == "after":
        d = d + wd * p
    return p - sign * lr * d


def adagrad_rule(p: torch.Tensor, g: torch.Tensor, state: dict[str, Any],
                 options: Mapping[str, float], common: dict[str, Any], *,
                 counter_per_call: bool = False, decay_from_one: bool = False,
                 eps_inside: bool = False, accumulate: bool = True, initial: bool = True,
                 sign: float = 1.0) -> torch.Tensor:
    """torch.optim.Adagrad's update, with switches for the usual mistakes.

    ``counter_per_call``: one step counter for the optimizer, counted for every parameter;
    ``decay_from_one``: lr / (1 + step · lr_decay) instead of (step − 1); ``eps_inside``:
    sqrt(sum + eps); ``accumulate`` False: only this step's g²; ``initial`` False: the
    initial_accumulator_value is ignored.
    """
    counter = common if counter_per_call else state
    counter["step"] = counter.get("step", 0) + 1
    step = counter["step"]
    g = g + options["weight_decay"] * p
    start = options["initial_accumulator_value"] if initial else 0.0
    total = state.get("sum") if accumulate else None
    if total is None:
        total = _full_like(p, start)
    total = total + g * g
    state["sum"] = total
    decayed = step if decay_from_one else step - 1
    clr = options["lr"] / (1 + decayed * options["lr_decay"])
    std = _sqrt(total + options["eps"]) if eps_inside else _sqrt(total) + options["eps"]
    return p - sign * clr * g / std


@dataclass(frozen=True)
class Mistake:
    """A typical mistake: how to simulate it and the message that names it."""

    key: str
    settings: Mapping[str, Any] = field(default_factory=dict)


_COMMON_MISTAKES = (
    Mistake("optim.params_unchanged", {"frozen": True}),
    Mistake("optim.wrong_sign", {"sign": -1.0}),
    Mistake("optim.defaults_lr", {"lr_from_defaults": True}),
    Mistake("optim.shared_state", {"shared": True}),
)


# ---- the question: drive the student's class next to torch.optim -------------------------


@dataclass
class OptimizerQuestion(Question):
    """A question whose answer is an optimizer class, compared with ``builtin`` step by step.

    ``rule`` simulates the right update in float64 and, with the settings of each entry of
    ``mistakes``, the typical wrong ones.
    """

    builtin: type = _SGD
    rule: Rule = sgd_rule
    mistakes: tuple[Mistake, ...] = ()
    repeat: bool = False

    def _call(self, answer: Callable[..., Any], case: Case) -> tuple[Any, tuple[Any, ...]]:
        # The base class runs this with warnings and stderr captured, and turns a
        # NotImplementedError (the untouched template) into "not attempted".
        return super()._call(lambda training: self._run(answer, training), case)

    def _run(self, answer: Callable[..., Any], training: Training) -> Run:
        if not isinstance(answer, type):
            try:
                answer(training)  # the blank template raises NotImplementedError here
            except NotImplementedError:
                raise
            except Exception:
                pass
            return Run(failure=msg("optim.not_a_class", name=self.reference.__name__,
                                   type=type(answer).__name__))
        if not issubclass(answer, _Optimizer):
            return Run(failure=msg("optim.not_optimizer_subclass",
                                   name=self.reference.__name__))
        if any(klass is not _Optimizer and klass.__module__.startswith("torch.optim")
               for klass in answer.__mro__):
            return Run(failure=msg("optim.uses_builtin"))
        dtype = trusted.dtype(training.params()[0].start)
        return optimizer_trajectory(answer, training, dtype=dtype, watch=True)

    def judge_run(self, run: object, case: Case) -> Message | None:
        training = case.args[0]
        assert isinstance(run, Run) and isinstance(training, Training)
        reference = optimizer_trajectory(self._builtin_factory(), training,
                                         dtype=torch.float64)
        dtype = trusted.dtype(training.params()[0].start)
        found = first_divergence(run.path, reference.path, dtype=dtype)
        if found is None:
            return run.failure  # None: every step agreed, and the run went to the end
        for mistake in (*_COMMON_MISTAKES, *self.mistakes):
            simulated = simulate(training, self.rule, **mistake.settings)
            if simulated is not None and first_divergence(run.path, simulated,
                                                          dtype=dtype) is None:
                return self._located(mistake.key, found, training)
        return self._located("optim.diverged", found, training)

    def _located(self, key: str, found: Divergence, training: Training) -> Message:
        group, index = training.where()[found.parameter]
        return msg(key, step=found.step, group=group, index=index,
                   expected=_values_text(found.want), actual=_values_text(found.got),
                   builtin=f"torch.optim.{self.builtin.__name__}")

    def _builtin_factory(self) -> Callable[..., Any]:
        return self.builtin


def _judge_optimizer(question_key: str) -> Callable[[object, Case], Message | None]:
    def judge(run: object, case: Case) -> Message | None:
        return _BY_KEY[question_key].judge_run(run, case)

    return judge


# ---- q4: a checkpoint in the middle of training -----------------------------------------


@dataclass(frozen=True, eq=False)
class Recipe:
    """``make_optimizer``: a torch.optim optimizer with fixed options, shown as code."""

    kind: type
    options: Mapping[str, float]

    def __call__(self, params: Any) -> Any:
        return self.kind(params, **self.options)

    def __repr__(self) -> str:
        return f"lambda params: torch.optim.{self.kind.__name__}(params, " \
               f"{_options_text(self.options)})"


@dataclass(frozen=True, eq=False)
class Bowl:
    """``loss_fn``: (c * (w - t) ** 2).sum(), in the dtype of w."""

    weight: torch.Tensor
    target: torch.Tensor

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        return bowl_loss([w], [Param(w, self.weight, self.target)])


def _torch_run(recipe: Recipe, start: torch.Tensor, loss_fn: Bowl, steps: int,
               state: dict[str, Any] | None = None, *, clear: bool = True,
               keep_at: tuple[int, ...] = ()) -> tuple[list[torch.Tensor], dict[int, Any]]:
    """Float64 training with the recipe; the values and state_dict copies after ``keep_at``."""
    w = trusted.requires_grad_(trusted.as_float64(start), True)
    optimizer = recipe([w])
    if state is not None:
        optimizer.load_state_dict(copy.deepcopy(state))
    path, kept = [], {}
    for step in range(1, steps + 1):
        if clear:
            optimizer.zero_grad()
        loss_fn(w).backward()
        optimizer.step()
        path.append(trusted.as_float64(w))
        if step in keep_at:
            kept[step] = copy.deepcopy(optimizer.state_dict())
    return path, kept


def _as_path(tensor: torch.Tensor) -> list[list[torch.Tensor]]:
    return [[trusted.as_float64(row)] for row in tensor]


def _judge_resume(result: object, case: Case) -> Message | None:
    recipe, w0, loss_fn, steps, pause = case.args
    shape = trusted.shape(w0)
    path_ref, kept = _torch_run(recipe, w0, loss_fn, steps, keep_at=(pause, steps))
    problem = check_tuple(result, 2)
    if problem is not None:
        return problem
    assert isinstance(result, tuple | list)
    path, resumed = result
    for tensor, rows, what in ((path, steps, "optim.what.path"),
                               (resumed, steps - pause, "optim.what.resumed")):
        if _is_plain_tensor(tensor):
            assert isinstance(tensor, torch.Tensor)
            if trusted.shape(tensor) == (rows + 1, *shape):
                return msg("optim.q4.includes_start", what=msg(what), rows=rows)
        expected = torch.zeros((rows, *shape), dtype=torch.float64)
        problem = check_structure(tensor, expected, Expect(requires_grad=False, what=msg(what)))
        if problem is not None:
            return problem
    assert isinstance(path, torch.Tensor) and isinstance(resumed, torch.Tensor)
    dtype = trusted.dtype(path)
    got = _as_path(path)
    found = first_divergence(got, [[row] for row in path_ref], dtype=dtype)
    if found is not None:
        unclear, _ = _torch_run(recipe, w0, loss_fn, steps, clear=False)
        if first_divergence(got, [[row] for row in unclear], dtype=dtype) is None:
            return msg("optim.q4.not_cleared", step=found.step)
        return msg("optim.q4.path_diverged", step=found.step,
                   expected=_values_text(found.want), actual=_values_text(found.got))
    rest = steps - pause
    got = _as_path(resumed)
    want = [[row] for row in path_ref[pause:]]
    found = first_divergence(got, want, dtype=trusted.dtype(resumed))
    if found is None:
        return None
    at_pause, at_end = path_ref[pause - 1], path_ref[-1]
    tries = (
        ("optim.q4.state_not_loaded", at_pause, None),
        ("optim.q4.state_not_copied", at_pause, kept[steps]),
        ("optim.q4.weights_not_copied", at_end, kept[pause]),
        ("optim.q4.weights_not_copied", at_end, kept[steps]),
        ("optim.q4.weights_not_copied", at_end, None),
    )
    for key, start, state in tries:
        simulated, _ = _torch_run(recipe, start, loss_fn, rest, state)
        if first_divergence(got, [[row] for row in simulated],
                            dtype=trusted.dtype(resumed)) is None:
            return msg(key, step=pause + found.step)
    return msg("optim.q4.resume_diverged", step=pause + found.step,
               expected=_values_text(found.want), actual=_values_text(found.got))


# ---- the cases ----------------------------------------------------------------------------


def _param(start: Any, weight: Any, target: Any = 0.0, dtype: torch.dtype = torch.float32
           ) -> Param:
    start_t = torch.as_tensor(start, dtype=torch.float64).to(dtype)
    shape = trusted.shape(start_t)
    return Param(start_t, torch.as_tensor(weight, dtype=torch.float64).expand(shape).clone(),
                 torch.as_tensor(target, dtype=torch.float64).expand(shape).clone())


def _random_param(shape: tuple[int, ...], seed: int, dtype: torch.dtype = torch.float32
                  ) -> Param:
    n = math.prod(shape)
    start = vector(n, seed=seed, dtype=torch.float64).reshape(shape)
    weight = (vector(n, seed=seed + 1, dtype=torch.float64, scale=0.5) + 1.0).reshape(shape)
    target = vector(n, seed=seed + 2, dtype=torch.float64, scale=1.0).reshape(shape)
    return Param(start.to(dtype), weight, target)


def _groups(*groups: tuple[tuple[Param, ...], dict[str, float]]) -> tuple[Group, ...]:
    return tuple(Group(params, options) for params, options in groups)


# The classroom's bowl w0**2 + 2 * w1**2 from [0.5, 0.5].
_SEED_W = (_param([0.5, 0.5], [1.0, 2.0]),)
_SEED_LABEL = "w = [0.5, 0.5], loss = w[0]**2 + 2*w[1]**2, "


def _mixed(seed: int, dtype: torch.dtype = torch.float32) -> tuple[Group, ...]:
    """Two groups, three shapes: the second group has its own learning rate."""
    return _groups(((_random_param((3,), seed, dtype), _random_param((2, 2), seed + 10, dtype)),
                    {}),
                   ((_random_param((), seed + 20, dtype),), {"lr": 0.2}))


def _same_shapes(seed: int, dtype: torch.dtype = torch.float32) -> tuple[Group, ...]:
    """Three parameters of one shape: a buffer shared between them still runs."""
    return _groups(((_random_param((2, 3), seed, dtype), _random_param((2, 3), seed + 10, dtype)),
                    {"lr": 0.03}),
                   ((_random_param((2, 3), seed + 20, dtype),), {}))


_SGD_MIXED_LABEL = ("[{'params': [a (3,), b (2, 2)]}, {'params': [c ()], 'lr': 0.2}], "
                    "lr = 0.05, 25 steps")

q1 = OptimizerQuestion(
    key="optim.q1", number="1", points=2, name="ex.q1", reference=CustomSGD,
    judge=_judge_optimizer("optim.q1"), builtin=_SGD, rule=sgd_rule,
    mistakes=(Mistake("optim.no_lr", {"no_lr": True}),),
    visible=[
        Case((Training(_groups(((_param([-5.0], 1.0, 2.0),), {})), {"lr": 0.1}, 20,
                       plain_list=True),),
             "CustomSGD([x], lr=0.1), x = [-5.0], loss = x**2 - 4*x + 5, 20 steps"),
        Case((Training(_mixed(500), {"lr": 0.05}, 25),), _SGD_MIXED_LABEL),
        Case((Training(_mixed(510), {"lr": 0.05}, 10, closure=True),),
             "optimizer.step(closure), " + _SGD_MIXED_LABEL.replace("25", "10")),
    ],
    hidden=[
        Case((Training(_mixed(520, torch.float64), {"lr": 0.08}, 30),)),
        Case((Training(_same_shapes(530), {"lr": 0.1}, 20, closure=True),)),
        Case((Training(_groups(((_random_param((4, 2), 540),), {"lr": 0.01}),
                               ((_random_param((5,), 550),), {"lr": 0.3})),
                       {"lr": 0.1}, 15, backward_once=True),)),
    ],
)


def _momentum(lr: float = 0.01, momentum: float = 0.0, dampening: float = 0.0,
              weight_decay: float = 0.0) -> dict[str, float]:
    return {"lr": lr, "momentum": momentum, "dampening": dampening,
            "weight_decay": weight_decay}


q2 = OptimizerQuestion(
    key="optim.q2", number="2", points=2, name="ex.q2", reference=MomentumSGD,
    judge=_judge_optimizer("optim.q2"), builtin=_SGD, rule=momentum_rule,
    mistakes=(
        Mistake("optim.momentum_zero_buffer", {"zero_buffer": True}),
        Mistake("optim.decay_after_momentum", {"decay": "after"}),
        Mistake("optim.decay_ignored", {"decay": "ignored"}),
        Mistake("optim.decay_sign", {"decay": "minus"}),
        Mistake("optim.momentum_not_kept", {"keep": False}),
        Mistake("optim.dampening_ignored", {"dampening": False}),
    ),
    visible=[
        Case((Training(_groups((_SEED_W, {})), _momentum(weight_decay=1.0), 2,
                       backward_once=True, plain_list=True),),
             _SEED_LABEL + "MomentumSGD([w], lr=0.01, weight_decay=1): "
             "one backward(), then step() twice"),
        Case((Training(_groups((_SEED_W, {})), _momentum(momentum=0.1), 2,
                       backward_once=True, plain_list=True),),
             _SEED_LABEL + "MomentumSGD([w], lr=0.01, momentum=0.1): "
             "one backward(), then step() twice"),
        Case((Training(_mixed(600), _momentum(0.05, 0.9, 0.5, 0.1), 25),),
             "[{'params': [a (3,), b (2, 2)]}, {'params': [c ()], 'lr': 0.2}], "
             "lr=0.05, momentum=0.9, dampening=0.5, weight_decay=0.1, 25 steps"),
    ],
    hidden=[
        Case((Training(_same_shapes(620), _momentum(0.05, 0.5, 0.3, 0.0), 20),)),
        Case((Training(_mixed(610, torch.float64), _momentum(0.03, 0.8, 0.0, 0.2), 30),)),
        Case((Training(_same_shapes(630), _momentum(0.02, 0.7, 0.0, 0.5), 20,
                       closure=True),)),
        Case((Training(_mixed(640), _momentum(0.05, 0.0, 0.0, 0.3), 15),)),
        Case((Training(_groups(((_random_param((6,), 650),), {"lr": 0.05, "momentum": 0.9}),
                               ((_random_param((3,), 660),), {})),
                       _momentum(0.02, 0.3, 0.1, 0.05), 10, backward_once=True),)),
    ],
)


def _adagrad(lr: float = 0.01, lr_decay: float = 0.0, weight_decay: float = 0.0,
             initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> dict[str, float]:
    return {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value, "eps": eps}


q3 = OptimizerQuestion(
    key="optim.q3", number="3", points=2, name="ex.q3", reference=CustomAdagrad,
    judge=_judge_optimizer("optim.q3"), builtin=_Adagrad, rule=adagrad_rule,
    mistakes=(
        Mistake("optim.adagrad_not_accumulated", {"accumulate": False}),
        Mistake("optim.adagrad_eps_inside", {"eps_inside": True}),
        Mistake("optim.adagrad_initial_ignored", {"initial": False}),
        Mistake("optim.adagrad_decay_off_by_one", {"decay_from_one": True}),
        Mistake("optim.adagrad_counter_shared", {"counter_per_call": True}),
    ),
    visible=[
        Case((Training(_groups((_SEED_W, {})), _adagrad(), 2, plain_list=True),),
             _SEED_LABEL + "CustomAdagrad([w], lr=0.01): 2 steps"),
        Case((Training(_mixed(700), _adagrad(0.1, 0.05, 0.1, 0.5, 1e-10), 25),),
             "[{'params': [a (3,), b (2, 2)]}, {'params': [c ()], 'lr': 0.2}], lr=0.1, "
             "lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.5, 25 steps"),
    ],
    hidden=[
        Case((Training(_same_shapes(720), _adagrad(0.1, 0.0, 0.0, 0.0, 1e-10), 20),)),
        Case((Training(_mixed(710, torch.float64), _adagrad(0.2, 0.1, 0.0, 0.1, 0.1), 30),)),
        Case((Training(_same_shapes(730), _adagrad(0.05, 0.2, 0.3, 1.0, 1e-3), 20,
                       closure=True),)),
        Case((Training(_groups(((_random_param((5,), 740),), {"lr": 0.3, "lr_decay": 0.5}),
                               ((_random_param((2, 2), 750),), {})),
                       _adagrad(0.1, 0.0, 0.0, 0.2, 1e-10), 10),)),
    ],
)


def _bowl(weight: Any, target: Any = 0.0, *, like: torch.Tensor) -> Bowl:
    shape = trusted.shape(like)
    return Bowl(torch.as_tensor(weight, dtype=torch.float64).expand(shape).clone(),
                torch.as_tensor(target, dtype=torch.float64).expand(shape).clone())


def _random_bowl(like: torch.Tensor, seed: int) -> Bowl:
    n = trusted.numel(like)
    shape = trusted.shape(like)
    return Bowl((vector(n, seed=seed, dtype=torch.float64, scale=0.5) + 1.0).reshape(shape),
                vector(n, seed=seed + 1, dtype=torch.float64, scale=1.0).reshape(shape))


_W_SEED = torch.tensor([0.5, 0.5])
_W_HIDDEN = (vector(5, seed=810), vector(6, seed=820, dtype=torch.float64).reshape(2, 3),
             torch.tensor(2.5), vector(4, seed=840))

q4 = Question(
    key="optim.q4", number="4", points=2, name="ex.q4", reference=resume_training,
    judge=_judge_resume, repeat=False,
    visible=[Case((Recipe(_SGD, {"lr": 0.05, "momentum": 0.9}), _W_SEED,
                   _bowl([1.0, 2.0], like=_W_SEED), 10, 4),
                  "make_optimizer = lambda params: torch.optim.SGD(params, lr=0.05, "
                  "momentum=0.9), w0 = torch.tensor([0.5, 0.5]), "
                  "loss_fn = lambda w: w[0]**2 + 2*w[1]**2, steps = 10, pause = 4")],
    hidden=[
        Case((Recipe(_Adagrad, {"lr": 0.1}), _W_HIDDEN[0],
              _random_bowl(_W_HIDDEN[0], 811), 12, 5)),
        Case((Recipe(torch.optim.Adam, {"lr": 0.05}), _W_HIDDEN[1],
              _random_bowl(_W_HIDDEN[1], 821), 10, 3)),
        Case((Recipe(_SGD, {"lr": 0.1, "momentum": 0.5, "dampening": 0.2,
                            "weight_decay": 0.1}), _W_HIDDEN[2],
              _bowl(1.5, -1.0, like=_W_HIDDEN[2]), 8, 6)),
        Case((Recipe(torch.optim.RMSprop, {"lr": 0.01, "momentum": 0.5}), _W_HIDDEN[3],
              _random_bowl(_W_HIDDEN[3], 841), 9, 1)),
    ],
)

QUESTIONS = (q1, q2, q3, q4)
_BY_KEY: dict[str, OptimizerQuestion] = {q1.key: q1, q2.key: q2, q3.key: q3}
