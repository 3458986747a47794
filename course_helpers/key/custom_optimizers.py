"""Lesson 05 (custom optimizers): reference solutions and expected paths.

For q1–q3 the expected path is the update rule of torch.optim's own optimizer, simulated in
float64 on the case's training (the tests hold it to torch.optim on every case); each
typical mistake (wrong sign, the learning rate of ``defaults`` instead of the group's, a
momentum buffer that starts at zeros, weight decay in the wrong place, one buffer shared by
all parameters, ...) is the same simulation with one switch changed. For q4 the expected
paths and the mistakes' paths are torch.optim trainings resumed from the right checkpoint or
from a wrong one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from course_helpers import trusted
from course_helpers.key import Answer, answers
from course_helpers.key.paths import mistake
from course_helpers.lessons.custom_optimizers import Bowl, Recipe, Training
from course_helpers.question import Case

# ---- reference solutions: the solution cells, word for word (shown by ``solution()``) ----


class CustomSGD(torch.optim.Optimizer):
    """p <- p - lr * p.grad, with the learning rate of each parameter's group."""

    def __init__(self, params, lr=0.01):
        super().__init__(params, dict(lr=lr))

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        with torch.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p -= group["lr"] * p.grad
        return loss

class MomentumSGD(torch.optim.Optimizer):
    """SGD with weight decay, momentum and dampening, as torch.optim.SGD."""

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
                    d_p = d_p.add(p, alpha=group["weight_decay"])
                if group["momentum"] != 0:
                    state = self.state[p]
                    if "momentum_buffer" not in state:
                        state["momentum_buffer"] = d_p.clone()
                    else:
                        state["momentum_buffer"].mul_(group["momentum"]).add_(
                            d_p, alpha=1 - group["dampening"])
                    d_p = state["momentum_buffer"]
                p.add_(d_p, alpha=-group["lr"])
        return loss

class CustomAdagrad(torch.optim.Optimizer):
    """Adagrad as torch.optim.Adagrad."""

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
                p.addcdiv_(grad, state["sum"].sqrt().add_(group["eps"]), value=-clr)
        return loss

def resume_training(make_optimizer, w0, loss_fn, steps, pause):
    """Train, checkpoint after `pause` steps, and resume from the checkpoint."""
    w = w0.detach().clone().requires_grad_(True)
    optimizer = make_optimizer([w])
    path = []
    for step in range(steps):
        optimizer.zero_grad()
        loss_fn(w).backward()
        optimizer.step()
        path.append(w.detach().clone())
        if step + 1 == pause:
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



# ---- float64 simulations of the right rule and of each typical mistake ---------------------

# Taken at import: a student's cell cannot change what the simulations compute with. The
# rules run on numpy arrays: the same float64 arithmetic as torch, with far less overhead per
# operation on these tiny parameters (every hidden check simulates a dozen paths).
_sqrt = np.sqrt
_full_like = np.full_like
_stack = torch.stack

Rule = Callable[..., np.ndarray]


def simulate(training: Training, rule: Rule, *, shared: bool = False,
             lr_from_defaults: bool = False, frozen: bool = False, **flags: Any
             ) -> list[torch.Tensor] | None:
    """The float64 path that ``rule`` gives, one tensor of all steps per parameter (as check
    data holds it); None when the mistake cannot even run here.

    ``shared`` gives every parameter the same state dict (one buffer for all);
    ``lr_from_defaults`` uses the constructor's lr for every group; ``frozen`` never
    changes the parameters (an update that only rebinds a local name).
    """
    params = training.params()
    values = [_array(p.start) for p in params]
    slopes = [2 * _array(p.weight) for p in params]
    targets = [_array(p.target) for p in params]
    options = [training.group_options(group) for group, _ in training.where()]
    if lr_from_defaults:
        options = [{**o, "lr": training.options["lr"]} for o in options]
    states: list[dict[str, Any]] = [{} for _ in params]
    common: dict[str, Any] = {}
    grads: list[np.ndarray] = []
    path: list[list[np.ndarray]] = [[] for _ in params]
    # A wrong rule may overflow: torch gives inf and nan silently, and so must numpy (a
    # warning on stderr would fail the notebook cell).
    with np.errstate(all="ignore"):
        try:
            for step in range(1, training.steps + 1):
                if step == 1 or not training.backward_once or training.closure:
                    grads = [c * (v - t) for v, c, t in zip(values, slopes, targets,
                                                            strict=True)]
                for k in range(len(params)):
                    if not frozen:
                        values[k] = rule(values[k], grads[k],
                                         common if shared else states[k], options[k], common,
                                         **flags)
                    path[k].append(values[k])
            return [torch.from_numpy(np.stack(steps)) for steps in path]
        except ValueError:  # e.g. one shared buffer for parameters of different shapes
            return None


def _array(tensor: torch.Tensor) -> np.ndarray:
    return trusted.as_float64(tensor).numpy()


def sgd_rule(p: np.ndarray, g: np.ndarray, state: dict[str, Any],
             options: Mapping[str, float], common: dict[str, Any], *, sign: float = 1.0,
             no_lr: bool = False) -> np.ndarray:
    """p − lr · g (``sign`` −1: uphill; ``no_lr``: p − g)."""
    lr = 1.0 if no_lr else options["lr"]
    return p - sign * lr * g


def momentum_rule(p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                  options: Mapping[str, float], common: dict[str, Any], *,
                  zero_buffer: bool = False, decay: str = "gradient", keep: bool = True,
                  dampening: bool = True, sign: float = 1.0) -> np.ndarray:
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
            buf = (1 - damp) * d if zero_buffer else d.copy()
        else:
            buf = m * buf + (1 - damp) * d
        state["buf"] = buf
        d = buf
    if decay == "after":
        d = d + wd * p
    return p - sign * lr * d


def adagrad_rule(p: np.ndarray, g: np.ndarray, state: dict[str, Any],
                 options: Mapping[str, float], common: dict[str, Any], *,
                 counter_per_call: bool = False, decay_from_one: bool = False,
                 eps_inside: bool = False, accumulate: bool = True, initial: bool = True,
                 sign: float = 1.0) -> np.ndarray:
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


COMMON_MISTAKES = (
    Mistake("optim.params_unchanged", {"frozen": True}),
    Mistake("optim.wrong_sign", {"sign": -1.0}),
    Mistake("optim.defaults_lr", {"lr_from_defaults": True}),
    Mistake("optim.shared_state", {"shared": True}),
)


@dataclass(frozen=True)
class Optimizing:
    """What q1–q3 compare with: ``rule``, the float64 update of ``builtin``, and its mistakes.

    ``mistakes`` are the question's own, tried after the common ones.
    """

    builtin: type
    rule: Rule
    mistakes: tuple[Mistake, ...] = ()

    def expect(self, case: Case) -> dict[str, Any]:
        """The expected path and, in the order they are tried, the mistakes' paths."""
        training = case.args[0]
        right = simulate(training, self.rule)
        assert right is not None
        found = []
        for item in (*COMMON_MISTAKES, *self.mistakes):
            simulated = simulate(training, self.rule, **item.settings)
            if simulated is not None:  # a mistake that cannot run here cannot be followed
                found.append({"key": item.key, "path": simulated})
        return {"path": right, "mistakes": found}


SGD = Optimizing(torch.optim.SGD, sgd_rule, (Mistake("optim.no_lr", {"no_lr": True}),))
MOMENTUM = Optimizing(torch.optim.SGD, momentum_rule, (
    Mistake("optim.momentum_zero_buffer", {"zero_buffer": True}),
    Mistake("optim.decay_after_momentum", {"decay": "after"}),
    Mistake("optim.decay_ignored", {"decay": "ignored"}),
    Mistake("optim.decay_sign", {"decay": "minus"}),
    Mistake("optim.momentum_not_kept", {"keep": False}),
    Mistake("optim.dampening_ignored", {"dampening": False}),
))
ADAGRAD = Optimizing(torch.optim.Adagrad, adagrad_rule, (
    Mistake("optim.adagrad_not_accumulated", {"accumulate": False}),
    Mistake("optim.adagrad_eps_inside", {"eps_inside": True}),
    Mistake("optim.adagrad_initial_ignored", {"initial": False}),
    Mistake("optim.adagrad_decay_off_by_one", {"decay_from_one": True}),
    Mistake("optim.adagrad_counter_shared", {"counter_per_call": True}),
))


# ---- q4: training resumed from the right checkpoint, and from the usual wrong ones ----------


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


def expect_resume(case: Case) -> dict[str, Any]:
    """Both expected paths, and the paths of the mistakes each of them is tried against."""
    recipe, w0, loss_fn, steps, pause = case.args
    path, kept = _torch_run(recipe, w0, loss_fn, steps, keep_at=(pause, steps))
    unclear, _ = _torch_run(recipe, w0, loss_fn, steps, clear=False)
    at_pause, at_end = path[pause - 1], path[-1]
    tries = (
        ("optim.q4.state_not_loaded", at_pause, None),
        ("optim.q4.state_not_copied", at_pause, kept[steps]),
        ("optim.q4.weights_not_copied", at_end, kept[pause]),
        ("optim.q4.weights_not_copied", at_end, kept[steps]),
        ("optim.q4.weights_not_copied", at_end, None),
    )
    return {
        "path": _stack(path),
        "resumed": _stack(path[pause:]),
        "path_mistakes": [mistake("optim.q4.not_cleared", _stack(unclear))],
        "resume_mistakes": [
            mistake(key, _stack(_torch_run(recipe, start, loss_fn, steps - pause, state)[0]))
            for key, start, state in tries],
    }


# ---- the answers (the hidden cases' templates are the lesson's ``draws``) --------------------

ANSWERS = answers(
    Answer(CustomSGD, SGD.expect),
    Answer(MomentumSGD, MOMENTUM.expect),
    Answer(CustomAdagrad, ADAGRAD.expect),
    Answer(resume_training, expect_resume),
)
