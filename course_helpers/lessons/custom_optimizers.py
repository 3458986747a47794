"""Lesson 05 (custom optimizers): the questions and how a result is judged.

Students write *classes* here, subclasses of ``torch.optim.Optimizer``. A check builds fresh
parameters (several groups, several shapes, float32 or float64), trains them with the
student's optimizer and records the parameters after every step. The judge reports the first
step where that path leaves the expected one, and names the typical mistake (wrong sign, the
learning rate of ``defaults`` instead of the group's, a momentum buffer that starts at
zeros, ...) whose path the student's follows. The expected path and the paths of the known
mistakes come from the lesson's check data, or from the answer key for a hidden case.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from course_helpers import trusted
from course_helpers.compare import Expect, check_structure, check_tuple, close
from course_helpers.diagnose import explain_error
from course_helpers.i18n import Message, msg
from course_helpers.lessons.inputs import vector
from course_helpers.question import Case, Question, declare

# Taken when the locked setup cell imports the lesson, before any student code runs.
_Optimizer = torch.optim.Optimizer
_SGD = torch.optim.SGD

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


# ---- training with the student's class ----------------------------------------------------


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
                         dtype: torch.dtype | None = None) -> Run:
    """Train fresh parameters with ``make_optimizer(params, **options)``; record every step.

    Every failure becomes a message naming the step, and ``step()`` must leave ``p.grad``
    alone.
    """
    params = training.params()
    tensors = [_leaf(p, dtype) for p in params]
    run = Run()
    trusted.set_grad_enabled(True)
    try:
        optimizer = _construct(make_optimizer, training, tensors)
        for step in range(1, training.steps + 1):
            _one_step(optimizer, training, tensors, params, step)
            if not trusted.is_grad_enabled():
                # Left off, it would break every later cell of the notebook too.
                raise _Stop(msg("optim.grad_left_off", step=step))
            run.path.append([trusted.as_float64(t) for t in tensors])
    except _Stop as stop:
        run.failure = stop.message
    finally:
        trusted.set_grad_enabled(True)
    return run


def _construct(make_optimizer: Callable[..., Any], training: Training,
               tensors: list[torch.Tensor]) -> Any:
    try:
        optimizer = make_optimizer(_arguments(training, tensors), **training.options)
    except NotImplementedError:
        raise
    except Exception as error:
        if isinstance(error, TypeError) and "argument" in str(error):
            raise _Stop(msg("optim.init_signature", detail=_first_line(error),
                            options=_options_text(training.options))) from error
        raise _Stop(msg("optim.init_raised", error=type(error).__name__,
                        detail=_first_line(error))) from error
    if "param_groups" not in vars(optimizer):
        raise _Stop(msg("optim.no_super_init"))
    if _delegates(optimizer):
        raise _Stop(msg("optim.uses_builtin"))
    return optimizer


def _one_step(optimizer: Any, training: Training, tensors: list[torch.Tensor],
              params: list[Param], step: int) -> None:
    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = bowl_loss(tensors, params)
        loss.backward()
        return loss

    try:
        if training.closure:
            if not _is_plain_tensor(optimizer.step(closure)):
                raise _Stop(msg("optim.closure_not_returned", step=step))
            return
        if step == 1 or not training.backward_once:
            optimizer.zero_grad()
            bowl_loss(tensors, params).backward()
        before = [trusted.as_float64(trusted.grad(t)) for t in tensors]
        optimizer.step()
    except (NotImplementedError, _Stop):
        raise
    except Exception as error:
        raise _Stop(_explain_step_error(error, training, step)) from error
    for index, (tensor, grad) in enumerate(zip(tensors, before, strict=True)):
        now = trusted.grad(tensor)
        if now is None or not _is_plain_tensor(now) or trusted.shape(now) != trusted.shape(
                grad) or not close(trusted.as_float64(now), grad, rtol=0.0, atol=0.0):
            group, position = training.where()[index]
            raise _Stop(msg(_grad_change(now, training.group_options(group)), step=step,
                            group=group, index=position))


def _grad_change(now: torch.Tensor | None, options: Mapping[str, float]) -> str:
    """How step() changed p.grad: cleared it, or (with weight decay) added to it in place."""
    if now is None or (_is_plain_tensor(now) and trusted.item(trusted.all_(
            trusted.eq(trusted.as_float64(now), 0.0))) is True):
        return "optim.grad_cleared"
    return "optim.grad_modified" if options.get("weight_decay") else "optim.grad_changed"


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


def _driver(name: str) -> Callable[[Any, Case, tuple[Any, ...]], Run]:
    """The ``call`` hook of q1–q3: train with the student's class, or say why it cannot."""

    def drive(answer: Any, case: Case, args: tuple[Any, ...]) -> Run:
        if not isinstance(answer, type):
            try:
                answer(*args)  # the blank template raises NotImplementedError here
            except NotImplementedError:
                raise
            except Exception:
                pass
            return Run(failure=msg("optim.not_a_class", name=name, type=type(answer).__name__))
        if not issubclass(answer, _Optimizer):
            return Run(failure=msg("optim.not_optimizer_subclass", name=name))
        if any(klass is not _Optimizer and klass.__module__.startswith("torch.optim")
               for klass in answer.__mro__):
            return Run(failure=msg("optim.uses_builtin"))
        return optimizer_trajectory(answer, args[0])

    return drive


# ---- comparing paths ----------------------------------------------------------------------


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


def steps_of(path: torch.Tensor | Sequence[torch.Tensor]) -> list[list[torch.Tensor]]:
    """A path in check data (all steps in one tensor, or one such tensor per parameter) as a
    list of steps, each the list of parameter values after it."""
    tensors = [path] if isinstance(path, trusted.Tensor) else path
    return [list(row) for row in zip(*tensors, strict=True)]


def _known_mistake(got: list[list[torch.Tensor]], mistakes: Sequence[Mapping[str, Any]],
                   dtype: torch.dtype) -> str | None:
    """The key of the first mistake whose path ``got`` follows as far as it goes."""
    for mistake in mistakes:
        if first_divergence(got, steps_of(mistake["path"]), dtype=dtype) is None:
            return str(mistake["key"])
    return None


def _values_text(t: torch.Tensor) -> str:
    values = [float(v) for v in trusted.tolist(trusted.detach(t).reshape(-1))]
    shown = ", ".join(f"{v:.4f}" for v in values[:4]) + (", …" if len(values) > 4 else "")
    return shown if trusted.numel(t) == 1 and not trusted.shape(t) else f"[{shown}]"


def _optimizer_judge(builtin: str) -> Callable[[object, Case, dict], Message | None]:
    """q1–q3: the student's path against the expected one, then against each known mistake."""

    def judge(run: object, case: Case, expected: dict) -> Message | None:
        training = case.args[0]
        assert isinstance(run, Run) and isinstance(training, Training)
        dtype = trusted.dtype(training.params()[0].start)
        found = first_divergence(run.path, steps_of(expected["path"]), dtype=dtype)
        if found is None:
            return run.failure  # None: every step agreed, and the run went to the end
        key = _known_mistake(run.path, expected["mistakes"], dtype) or "optim.diverged"
        group, index = training.where()[found.parameter]
        return msg(key, step=found.step, group=group, index=index,
                   expected=_values_text(found.want), actual=_values_text(found.got),
                   builtin=builtin)

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


def _judge_resume(result: object, case: Case, expected: dict) -> Message | None:
    w0, pause = case.args[1], case.args[4]
    problem = check_tuple(result, 2)
    if problem is not None:
        return problem
    assert isinstance(result, tuple | list)
    path, resumed = result
    for tensor, want, what in ((path, expected["path"], "optim.what.path"),
                               (resumed, expected["resumed"], "optim.what.resumed")):
        rows = trusted.shape(want)[0]
        if _is_plain_tensor(tensor) and trusted.shape(tensor) == (rows + 1,
                                                                   *trusted.shape(w0)):
            return msg("optim.q4.includes_start", what=msg(what), rows=rows)
        problem = check_structure(tensor, want, Expect(requires_grad=False, what=msg(what)))
        if problem is not None:
            return problem
    assert isinstance(path, torch.Tensor) and isinstance(resumed, torch.Tensor)
    got, dtype = steps_of(trusted.as_float64(path)), trusted.dtype(path)
    found = first_divergence(got, steps_of(expected["path"]), dtype=dtype)
    if found is not None:
        if _known_mistake(got, expected["path_mistakes"], dtype) is not None:
            return msg("optim.q4.not_cleared", step=found.step)
        return msg("optim.q4.path_diverged", step=found.step,
                   expected=_values_text(found.want), actual=_values_text(found.got))
    got, dtype = steps_of(trusted.as_float64(resumed)), trusted.dtype(resumed)
    found = first_divergence(got, steps_of(expected["resumed"]), dtype=dtype)
    if found is None:
        return None
    key = _known_mistake(got, expected["resume_mistakes"], dtype)
    if key is not None:
        return msg(key, step=pause + found.step)
    return msg("optim.q4.resume_diverged", step=pause + found.step,
               expected=_values_text(found.want), actual=_values_text(found.got))


# ---- the cases: visible ones, and the templates hidden ones are drawn from ---------------


def param(start: Any, weight: Any, target: Any = 0.0, dtype: torch.dtype = torch.float32
          ) -> Param:
    """A parameter from plain numbers; ``weight`` and ``target`` broadcast to its shape."""
    start_t = torch.as_tensor(start, dtype=torch.float64).to(dtype)
    shape = trusted.shape(start_t)
    return Param(start_t, torch.as_tensor(weight, dtype=torch.float64).expand(shape).clone(),
                 torch.as_tensor(target, dtype=torch.float64).expand(shape).clone())


def random_param(shape: tuple[int, ...], seed: int, dtype: torch.dtype = torch.float32
                 ) -> Param:
    """A reproducible parameter of ``shape`` in a random bowl."""
    n = math.prod(shape)
    start = vector(n, seed=seed, dtype=torch.float64).reshape(shape)
    weight = (vector(n, seed=seed + 1, dtype=torch.float64, scale=0.5) + 1.0).reshape(shape)
    target = vector(n, seed=seed + 2, dtype=torch.float64, scale=1.0).reshape(shape)
    return Param(start.to(dtype), weight, target)


def groups(*items: tuple[tuple[Param, ...], dict[str, float]]) -> tuple[Group, ...]:
    """Parameter groups from (params, options) pairs."""
    return tuple(Group(params, options) for params, options in items)


def mixed(seed: int, dtype: torch.dtype = torch.float32) -> tuple[Group, ...]:
    """Two groups, three shapes: the second group has its own learning rate."""
    return groups(((random_param((3,), seed, dtype), random_param((2, 2), seed + 10, dtype)),
                   {}),
                  ((random_param((), seed + 20, dtype),), {"lr": 0.2}))


def momentum(lr: float = 0.01, momentum: float = 0.0, dampening: float = 0.0,
             weight_decay: float = 0.0) -> dict[str, float]:
    """MomentumSGD's options, all spelled out."""
    return {"lr": lr, "momentum": momentum, "dampening": dampening,
            "weight_decay": weight_decay}


def adagrad(lr: float = 0.01, lr_decay: float = 0.0, weight_decay: float = 0.0,
            initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> dict[str, float]:
    """CustomAdagrad's options, all spelled out."""
    return {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value, "eps": eps}


def bowl(weight: Any, target: Any = 0.0, *, like: torch.Tensor) -> Bowl:
    """A bowl from plain numbers, broadcast to the shape of ``like``."""
    shape = trusted.shape(like)
    return Bowl(torch.as_tensor(weight, dtype=torch.float64).expand(shape).clone(),
                torch.as_tensor(target, dtype=torch.float64).expand(shape).clone())


def _same_shapes(seed: int, dtype: torch.dtype = torch.float32) -> tuple[Group, ...]:
    """Three parameters of one shape: a buffer shared between them still runs."""
    return groups(((random_param((2, 3), seed, dtype), random_param((2, 3), seed + 10, dtype)),
                   {"lr": 0.03}),
                  ((random_param((2, 3), seed + 20, dtype),), {}))


def _random_bowl(like: torch.Tensor, seed: int) -> Bowl:
    """A reproducible random bowl of the shape of ``like``."""
    n, shape = trusted.numel(like), trusted.shape(like)
    return Bowl((vector(n, seed=seed, dtype=torch.float64, scale=0.5) + 1.0).reshape(shape),
                vector(n, seed=seed + 1, dtype=torch.float64, scale=1.0).reshape(shape))


# The classroom's bowl w0**2 + 2 * w1**2 from [0.5, 0.5].
_SEED_W = (param([0.5, 0.5], [1.0, 2.0]),)
_SEED_LABEL = "w = [0.5, 0.5], loss = w[0]**2 + 2*w[1]**2, "
_MIXED_LABEL = "[{'params': [a (3,), b (2, 2)]}, {'params': [c ()], 'lr': 0.2}], "
_W_SEED = torch.tensor([0.5, 0.5])
# The hidden cases' starting points for q4.
_W_HIDDEN = (vector(5, seed=810), vector(6, seed=820, dtype=torch.float64).reshape(2, 3),
             torch.tensor(2.5), vector(4, seed=840))

QUESTIONS = declare(
    __name__, "optim",
    Question(points=2, function="CustomSGD", judge=_optimizer_judge("torch.optim.SGD"),
             call=_driver("CustomSGD"), repeat=False, visible=[
                 Case((Training(groups(((param([-5.0], 1.0, 2.0),), {})), {"lr": 0.1}, 20,
                                plain_list=True),),
                      "CustomSGD([x], lr=0.1), x = [-5.0], loss = x**2 - 4*x + 5, 20 steps"),
                 Case((Training(mixed(500), {"lr": 0.05}, 25),),
                      _MIXED_LABEL + "lr = 0.05, 25 steps"),
                 Case((Training(mixed(510), {"lr": 0.05}, 10, closure=True),),
                      "optimizer.step(closure), " + _MIXED_LABEL + "lr = 0.05, 10 steps"),
             ], draws=[
                 Case((Training(mixed(520, torch.float64), {"lr": 0.08}, 30),)),
                 Case((Training(_same_shapes(530), {"lr": 0.1}, 20, closure=True),)),
                 Case((Training(groups(((random_param((4, 2), 540),), {"lr": 0.01}),
                                       ((random_param((5,), 550),), {"lr": 0.3})),
                                {"lr": 0.1}, 15, backward_once=True),)),
             ]),
    Question(points=2, function="MomentumSGD", judge=_optimizer_judge("torch.optim.SGD"),
             call=_driver("MomentumSGD"), repeat=False, visible=[
                 Case((Training(groups((_SEED_W, {})), momentum(weight_decay=1.0), 2,
                                backward_once=True, plain_list=True),),
                      _SEED_LABEL + "MomentumSGD([w], lr=0.01, weight_decay=1): "
                      "one backward(), then step() twice"),
                 Case((Training(groups((_SEED_W, {})), momentum(momentum=0.1), 2,
                                backward_once=True, plain_list=True),),
                      _SEED_LABEL + "MomentumSGD([w], lr=0.01, momentum=0.1): "
                      "one backward(), then step() twice"),
                 Case((Training(mixed(600), momentum(0.05, 0.9, 0.5, 0.1), 25),),
                      _MIXED_LABEL + "lr=0.05, momentum=0.9, dampening=0.5, "
                      "weight_decay=0.1, 25 steps"),
             ], draws=[
                 Case((Training(_same_shapes(620), momentum(0.05, 0.5, 0.3, 0.0), 20),)),
                 Case((Training(mixed(610, torch.float64), momentum(0.03, 0.8, 0.0, 0.2), 30),)),
                 Case((Training(_same_shapes(630), momentum(0.02, 0.7, 0.0, 0.5), 20,
                                closure=True),)),
                 Case((Training(mixed(640), momentum(0.05, 0.0, 0.0, 0.3), 15),)),
                 Case((Training(groups(((random_param((6,), 650),),
                                        {"lr": 0.05, "momentum": 0.9}),
                                       ((random_param((3,), 660),), {})),
                                momentum(0.02, 0.3, 0.1, 0.05), 10, backward_once=True),)),
             ]),
    Question(points=2, function="CustomAdagrad", judge=_optimizer_judge("torch.optim.Adagrad"),
             call=_driver("CustomAdagrad"), repeat=False, visible=[
                 Case((Training(groups((_SEED_W, {})), adagrad(), 2, plain_list=True),),
                      _SEED_LABEL + "CustomAdagrad([w], lr=0.01): 2 steps"),
                 Case((Training(mixed(700), adagrad(0.1, 0.05, 0.1, 0.5, 0.01), 25),),
                      _MIXED_LABEL + "lr=0.1, lr_decay=0.05, weight_decay=0.1, "
                      "initial_accumulator_value=0.5, eps=0.01, 25 steps"),
             ], draws=[
                 Case((Training(_same_shapes(720), adagrad(0.1, 0.0, 0.0, 0.0, 1e-10), 20),)),
                 Case((Training(mixed(710, torch.float64), adagrad(0.2, 0.1, 0.0, 0.1, 0.1),
                                30),)),
                 Case((Training(_same_shapes(730), adagrad(0.05, 0.2, 0.3, 1.0, 1e-3), 20,
                                closure=True),)),
                 Case((Training(groups(((random_param((5,), 740),),
                                        {"lr": 0.3, "lr_decay": 0.5}),
                                       ((random_param((2, 2), 750),), {})),
                                adagrad(0.1, 0.0, 0.0, 0.2, 1e-10), 10),)),
             ]),
    Question(points=2, function="resume_training", judge=_judge_resume, repeat=False,
             keeps_inputs=True, visible=[
        Case((Recipe(_SGD, {"lr": 0.05, "momentum": 0.9}), _W_SEED,
              bowl([1.0, 2.0], like=_W_SEED), 10, 4),
             "make_optimizer = lambda params: torch.optim.SGD(params, lr=0.05, "
             "momentum=0.9), w0 = torch.tensor([0.5, 0.5]), "
             "loss_fn = lambda w: w[0]**2 + 2*w[1]**2, steps = 10, pause = 4")], draws=[
        Case((Recipe(torch.optim.Adagrad, {"lr": 0.1}), _W_HIDDEN[0],
              _random_bowl(_W_HIDDEN[0], 811), 12, 5)),
        Case((Recipe(torch.optim.Adam, {"lr": 0.05}), _W_HIDDEN[1],
              _random_bowl(_W_HIDDEN[1], 821), 10, 3)),
        Case((Recipe(torch.optim.SGD, {"lr": 0.1, "momentum": 0.5, "dampening": 0.2,
                                       "weight_decay": 0.1}), _W_HIDDEN[2],
              bowl(1.5, -1.0, like=_W_HIDDEN[2]), 8, 6)),
        Case((Recipe(torch.optim.RMSprop, {"lr": 0.01, "momentum": 0.5}), _W_HIDDEN[3],
              _random_bowl(_W_HIDDEN[3], 841), 9, 1)),
    ]),
)
