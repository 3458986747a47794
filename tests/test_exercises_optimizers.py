"""Lesson 05's questions (custom optimizers): students write optimizer classes.

Every typical mistake below is written the way a student writes it and must be named by the
check; right answers in other styles must pass.
"""

from __future__ import annotations

import copy
import re
import time

import numpy as np
import pytest
import torch
from torch.optim import Optimizer

import course_helpers.lessons.custom_optimizers as ex
from course_helpers.key import custom_optimizers as key
from course_helpers.messages import CATALOGUE
from course_helpers.outcome import Status
from tests.questionkit import (
    assert_correct_everywhere,
    assert_incorrect,
    assert_incorrect_everywhere,
    key_of,
)

# ---- the questions as a whole -----------------------------------------------------------------


def test_there_are_four_questions():
    assert [q.name for q in ex.QUESTIONS] == [f"ex.q{n}" for n in range(1, 5)]
    assert [q.key for q in ex.QUESTIONS] == [f"optim.q{n}" for n in range(1, 5)]
    assert all(q.draws and q.points == 2 for q in ex.QUESTIONS)


def test_every_lesson_specific_key_exists():
    keys = {k for k in CATALOGUE if k.startswith("optim.")}
    source = "".join(open(module.__file__, encoding="utf-8").read() for module in (ex, key))
    named = set(re.findall(r'"(optim\.[a-z0-9_.]+)"', source))
    named -= {q.key for q in ex.QUESTIONS}
    assert len(named) > 30 and named <= keys
    for question in ex.QUESTIONS:
        assert f"{question.key}.hint" in keys


def test_checks_are_fast():
    for question in ex.QUESTIONS:
        question.evaluate(question.reference)  # warm up torch.optim's first step
        start = time.perf_counter()
        question.evaluate(question.reference, hidden=True)
        assert time.perf_counter() - start < 0.5


# ---- the simulations behind the checks ----------------------------------------------------------

# The key's float64 rule (and its mistakes) for each of q1-q3.
OPTIMIZING = {"ex.q1": key.SGD, "ex.q2": key.MOMENTUM, "ex.q3": key.ADAGRAD}


@pytest.mark.parametrize("question", ex.QUESTIONS[:3], ids=lambda q: q.name)
def test_float64_formulas_agree_with_torch_optim_on_every_case(question):
    optimizing = OPTIMIZING[question.name]
    for case in [*question.visible, *question.draws]:
        training = case.args[0]
        reference = ex.optimizer_trajectory(optimizing.builtin, training, dtype=torch.float64)
        assert reference.failure is None
        simulated = ex.steps_of(key.simulate(training, optimizing.rule))
        assert len(simulated) == len(reference.path) == training.steps
        assert ex.first_divergence(simulated, reference.path, dtype=torch.float64) is None
        expected = ex.steps_of(question.expect(case)["path"])
        assert ex.first_divergence(expected, reference.path, dtype=torch.float64) is None


@pytest.mark.parametrize("question", ex.QUESTIONS[:3], ids=lambda q: q.name)
def test_every_mistake_changes_the_path_of_some_case(question):
    optimizing = OPTIMIZING[question.name]
    cases = [*question.visible, *question.draws]
    for mistake in (*key.COMMON_MISTAKES, *optimizing.mistakes):
        if mistake.key == "optim.shared_state" and question is ex.q1:
            continue  # plain SGD keeps no state
        changed = False
        for case in cases:
            training = case.args[0]
            right = key.simulate(training, optimizing.rule)
            wrong = key.simulate(training, optimizing.rule, **mistake.settings)
            changed |= wrong is None or ex.first_divergence(
                ex.steps_of(wrong), ex.steps_of(right), dtype=torch.float64) is not None
        assert changed, mistake.key


@pytest.mark.parametrize("question", ex.QUESTIONS[:3], ids=lambda q: q.name)
def test_the_mistakes_are_data_in_the_order_they_are_tried(question):
    optimizing = OPTIMIZING[question.name]
    for case in [*question.visible, *question.draws]:
        training = case.args[0]
        runnable = [m.key for m in (*key.COMMON_MISTAKES, *optimizing.mistakes)
                    if key.simulate(training, optimizing.rule, **m.settings) is not None]
        assert [m["key"] for m in question.expect(case)["mistakes"]] == runnable


def test_seed_numbers_come_out_of_the_visible_cases():
    sgd = ex.optimizer_trajectory(ex.q1.reference, ex.q1.visible[0].args[0]).path
    assert [round(float(step[0]), 4) for step in sgd[:3]] == [-3.6, -2.48, -1.584]
    expected = {
        0: [[0.4850, 0.4750], [0.4702, 0.4502]],  # weight_decay=1
        1: [[0.49, 0.48], [0.4790, 0.4580]],  # momentum=0.1
    }
    for index, rows in expected.items():
        path = ex.optimizer_trajectory(torch.optim.SGD, ex.q2.visible[index].args[0]).path
        assert [[round(v, 4) for v in step[0].tolist()] for step in path] == rows
    path = ex.optimizer_trajectory(torch.optim.Adagrad, ex.q3.visible[0].args[0]).path
    assert [[round(v, 4) for v in step[0].tolist()] for step in path] == [[0.49, 0.49],
                                                                         [0.4830, 0.4830]]


def test_first_divergence_names_the_step_and_the_parameter():
    a = [[torch.zeros(2), torch.zeros(3)] for _ in range(4)]
    b = copy.deepcopy(a)
    assert ex.first_divergence(a, b) is None
    b[2][1] = torch.tensor([0.0, 1.0, 0.0])
    found = ex.first_divergence(a, b)
    assert (found.step, found.parameter) == (3, 1)
    assert ex.first_divergence(a[:2], b) is None  # a stopped run agrees as far as it goes


def test_the_training_recipe_is_not_copied_and_builds_fresh_tensors():
    training = ex.q2.visible[2].args[0]
    assert copy.deepcopy(training) is training
    first = ex.optimizer_trajectory(ex.q2.reference, training)
    second = ex.optimizer_trajectory(ex.q2.reference, training)
    assert ex.first_divergence(first.path, second.path, dtype=torch.float64) is None


# ---- general: not a class, not an Optimizer, not attempted, a builtin in disguise --------------


def not_a_class(params, lr=0.01):
    return torch.optim.SGD(params, lr=lr)


class NotAnOptimizer:
    def __init__(self, params, lr=0.01):
        self.params = list(params)


class Blank(Optimizer):
    def __init__(self, params, **options):
        # YOUR CODE HERE
        raise NotImplementedError()

    def step(self, closure=None):
        # YOUR CODE HERE
        raise NotImplementedError()


class HalfDone(Optimizer):
    def __init__(self, params, **options):
        super().__init__(params, options)

    def step(self, closure=None):
        # YOUR CODE HERE
        raise NotImplementedError()


class SubclassOfSGD(torch.optim.SGD):
    pass


class Wrapper(Optimizer):
    def __init__(self, params, lr=0.01):
        params = list(params)
        super().__init__(params, dict(lr=lr))
        self.inner = torch.optim.SGD(params, lr=lr)

    def step(self, closure=None):
        return self.inner.step(closure)


def test_a_function_is_not_a_class():
    assert_incorrect_everywhere(ex.q1, not_a_class, "optim.not_a_class")
    outcome = ex.q1.evaluate(not_a_class)
    assert "CustomSGD" in outcome.details[0].render("en")


def test_a_class_that_is_no_optimizer_is_named():
    assert_incorrect_everywhere(ex.q1, NotAnOptimizer, "optim.not_optimizer_subclass")


@pytest.mark.parametrize("answer", [Blank, HalfDone])
def test_the_blank_template_is_not_attempted(answer):
    for question in ex.QUESTIONS[:3]:
        for hidden in (False, True):
            assert question.evaluate(answer, hidden=hidden).status is Status.NOT_ATTEMPTED


@pytest.mark.parametrize("answer", [SubclassOfSGD, Wrapper])
def test_torch_optim_in_disguise_is_refused(answer):
    assert_incorrect_everywhere(ex.q1, answer, "optim.uses_builtin")


@pytest.mark.parametrize("answer", [torch.optim.SGD, torch.optim.Adagrad])
def test_torch_optim_itself_is_refused(answer):
    assert_incorrect(ex.q1, answer, "optim.uses_builtin")


@pytest.mark.parametrize("answer", [None, [1.0], np.array([1.0]), torch.ones(3), "CustomSGD"])
def test_values_are_not_answers(answer):
    for question in ex.QUESTIONS:
        outcome = question.evaluate(answer)
        assert outcome.status is Status.INCORRECT
        assert key_of(outcome) == "diag.not_callable"


# ---- q1: CustomSGD ------------------------------------------------------------------------------


class SGDOtherStyle(Optimizer):
    """p -= lr * g under a no_grad block, params as given, closure handled."""

    def __init__(self, params, lr=0.01):
        super().__init__(params, {"lr": lr})

    def step(self, closure=None):
        loss = closure() if closure is not None else None
        with torch.no_grad():
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p -= group["lr"] * p.grad
        return loss


class SGDData(Optimizer):
    """The classroom's style: param.data.add_ without no_grad."""

    def __init__(self, params, lr=0.01):
        super().__init__(params, dict(lr=lr))

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is not None:
                    param.data.add_(param.grad.data, alpha=-group["lr"])
        return loss


def test_q1_right_answers_in_other_styles_pass():
    assert_correct_everywhere(ex.q1, ex.q1.reference)
    assert_correct_everywhere(ex.q1, SGDOtherStyle)
    assert_correct_everywhere(ex.q1, SGDData)


def _sgd(update, *, decorate=True, closure_style="enable_grad"):
    """An SGD class whose step applies ``update(p, group, optimizer)``."""

    def step(self, closure=None):
        loss = None
        if closure is not None:
            if closure_style in ("enable_grad", "no_return"):
                with torch.enable_grad():
                    loss = closure()
            else:
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    update(p, group, self)
        return None if closure_style == "no_return" else loss

    def init(self, params, lr=0.01):
        super(cls, self).__init__(params, dict(lr=lr))

    cls = type("StudentSGD", (Optimizer,), {
        "__init__": init,
        "step": torch.no_grad()(step) if decorate else step,
    })
    return cls


def _add(p, group, opt, *, alpha):
    p.add_(p.grad, alpha=alpha)


Q1_MISTAKES = {
    "no_no_grad": (_sgd(lambda p, g, o: p.add_(p.grad, alpha=-g["lr"]), decorate=False),
                   "optim.no_grad_missing"),
    "wrong_sign": (_sgd(lambda p, g, o: p.add_(p.grad, alpha=g["lr"])), "optim.wrong_sign"),
    "defaults_lr": (_sgd(lambda p, g, o: p.add_(p.grad, alpha=-o.defaults["lr"])),
                    "optim.defaults_lr"),
    "rebinding": (_sgd(lambda p, g, o: p.sub(g["lr"] * p.grad)), "optim.params_unchanged"),
    "no_lr": (_sgd(lambda p, g, o: p.sub_(p.grad)), "optim.no_lr"),
}


def _step_and_clear(p, group, opt, *, to_none=False):
    p.add_(p.grad, alpha=-group["lr"])
    if to_none:
        p.grad = None
    else:
        p.grad.zero_()


def _sgd_with_decay_word(p, group, opt):
    d_p = p.grad
    d_p.mul_(group["lr"])  # changes p.grad itself
    p.sub_(d_p)


Q1_GRAD_CHANGES = {
    "zero_in_step": (_sgd(_step_and_clear), "optim.grad_cleared"),
    "none_in_step": (_sgd(lambda p, g, o: _step_and_clear(p, g, o, to_none=True)),
                     "optim.grad_cleared"),
    "scaled_in_place": (_sgd(_sgd_with_decay_word), "optim.grad_changed"),
}


@pytest.mark.parametrize("name", list(Q1_GRAD_CHANGES))
def test_q1_step_that_changes_the_gradient_is_named_without_weight_decay(name):
    answer, key = Q1_GRAD_CHANGES[name]
    outcome = assert_incorrect_everywhere(ex.q1, answer, key) or ex.q1.evaluate(answer)
    text = outcome.details[0].render("en")
    assert "weight_decay" not in text and "step() only reads p.grad" in text
    assert "weight_decay" not in outcome.details[0].render("zh")


@pytest.mark.parametrize("name", list(Q1_MISTAKES))
def test_q1_mistakes_are_named(name):
    answer, key = Q1_MISTAKES[name]
    outcome = assert_incorrect_everywhere(ex.q1, answer, key) or ex.q1.evaluate(answer)
    text = outcome.details[0].render("en")
    assert "step 1" in text.lower()


def test_q1_defaults_lr_names_the_group():
    outcome = ex.q1.evaluate(Q1_MISTAKES["defaults_lr"][0])
    assert "param_groups[1]" in outcome.details[0].render("en")
    assert "self.defaults" in outcome.details[0].render("zh")


def test_q1_no_grad_missing_names_the_decorator():
    outcome = ex.q1.evaluate(Q1_MISTAKES["no_no_grad"][0])
    assert "@torch.no_grad()" in outcome.details[0].render("en")


def test_q1_closure_called_under_no_grad_is_explained():
    answer = _sgd(lambda p, g, o: p.add_(p.grad, alpha=-g["lr"]), closure_style="plain")
    outcome = assert_incorrect(ex.q1, answer, "optim.closure_no_grad")
    assert "torch.enable_grad()" in outcome.details[0].render("en")


def test_q1_closure_loss_must_be_returned():
    answer = _sgd(lambda p, g, o: p.add_(p.grad, alpha=-g["lr"]), closure_style="no_return")
    assert_incorrect(ex.q1, answer, "optim.closure_not_returned")


class SeedStepWithoutClosure(Optimizer):
    def __init__(self, params, lr=0.01):
        super().__init__(params, dict(lr=lr))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for param in group["params"]:
                if param.grad is not None:
                    param.add_(param.grad, alpha=-group["lr"])


def test_q1_step_without_closure_parameter_is_explained():
    assert_incorrect(ex.q1, SeedStepWithoutClosure, "optim.no_closure")


class NoSuperInit(Optimizer):
    def __init__(self, params, lr=0.01):
        self.params = list(params)
        self.lr = lr

    @torch.no_grad()
    def step(self, closure=None):
        for p in self.params:
            p.add_(p.grad, alpha=-self.lr)


class WrongSignature(Optimizer):
    def __init__(self, params, learning_rate=0.01):
        super().__init__(params, dict(lr=learning_rate))

    step = ex.q1.reference.step


class RaisesInInit(Optimizer):
    def __init__(self, params, lr=0.01):
        super().__init__(params, dict(lr=lr))
        raise ValueError("oops")


class RaisesInStep(Optimizer):
    def __init__(self, params, lr=0.01):
        super().__init__(params, dict(lr=lr))

    @torch.no_grad()
    def step(self, closure=None):
        raise ZeroDivisionError("division by zero")


class ReadsMissingKey(Optimizer):
    def __init__(self, params, lr=0.01):
        super().__init__(params, dict(lr=lr))

    @torch.no_grad()
    def step(self, closure=None):
        for group in self.param_groups:
            for p in group["params"]:
                p.add_(p.grad, alpha=-group["learning_rate"])


@pytest.mark.parametrize("answer, key", [
    (NoSuperInit, "optim.no_super_init"),
    (WrongSignature, "optim.init_signature"),
    (RaisesInInit, "optim.init_raised"),
    (RaisesInStep, "optim.step_raised"),
    (ReadsMissingKey, "optim.key_error"),
])
def test_q1_broken_classes_give_a_message_not_a_traceback(answer, key):
    outcome = assert_incorrect_everywhere(ex.q1, answer, key) or ex.q1.evaluate(answer)
    assert outcome.details[0].render("en")


def test_q1_hard_coded_seed_path_fails_the_hidden_cases():
    seed = iter([-3.6, -2.48, -1.584, -0.8672, -0.29376])

    class Printed(Optimizer):
        def __init__(self, params, lr=0.01):
            super().__init__(params, dict(lr=lr))

        @torch.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    p.fill_(next(seed, 0.0))

    outcome = ex.q1.evaluate(Printed, hidden=True)
    assert outcome.status is Status.INCORRECT


# ---- q2: SGD with momentum, dampening and weight decay -----------------------------------------


class MomentumLazyAdd(Optimizer):
    """Another right style: buffers created in __init__, p.sub_ with lr * d_p."""

    def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay))
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["momentum_buffer"] = None

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, m = group["lr"], group["momentum"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                d_p = p.grad + group["weight_decay"] * p
                if m:
                    state = self.state[p]
                    if state["momentum_buffer"] is None:
                        state["momentum_buffer"] = torch.clone(d_p).detach()
                    else:
                        state["momentum_buffer"] = (m * state["momentum_buffer"]
                                                    + (1 - group["dampening"]) * d_p)
                    d_p = state["momentum_buffer"]
                p.sub_(lr * d_p)
        return loss


def test_q2_right_answers_in_other_styles_pass():
    assert_correct_everywhere(ex.q2, ex.q2.reference)
    assert_correct_everywhere(ex.q2, MomentumLazyAdd)


def _momentum_class(*, zero_buffer=False, decay="gradient", shared=False, in_place_grad=False,
                    defaults_lr=False, keep=True, dampening=True):
    class Student(Optimizer):
        def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0):
            super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                          weight_decay=weight_decay))
            self.buf = None

        @torch.no_grad()
        def step(self, closure=None):
            loss = None
            if closure is not None:
                with torch.enable_grad():
                    loss = closure()
            for group in self.param_groups:
                lr = self.defaults["lr"] if defaults_lr else group["lr"]
                wd, m = group["weight_decay"], group["momentum"]
                damp = group["dampening"] if dampening else 0.0
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    d_p = p.grad
                    if decay == "gradient" and wd != 0:
                        if in_place_grad:
                            d_p.add_(p, alpha=wd)  # changes p.grad itself
                        else:
                            d_p = d_p.add(p, alpha=wd)
                    if decay == "minus" and wd != 0:
                        d_p = d_p.add(p, alpha=-wd)
                    if decay == "decoupled":
                        p.mul_(1 - lr * wd)
                    if m != 0:
                        if shared:
                            if self.buf is None:
                                self.buf = d_p.clone()
                            else:
                                self.buf.mul_(m).add_(d_p, alpha=1 - damp)
                            buf = self.buf
                        else:
                            state = self.state[p]
                            if "momentum_buffer" not in state or not keep:
                                if zero_buffer:
                                    state["momentum_buffer"] = torch.zeros_like(p)
                                else:
                                    state["momentum_buffer"] = d_p.clone()
                                    buf = state["momentum_buffer"]
                                    p.add_(buf, alpha=-lr)
                                    continue
                            buf = state["momentum_buffer"]
                            buf.mul_(m).add_(d_p, alpha=1 - damp)
                        d_p = buf
                    p.add_(d_p, alpha=-lr)
            return loss

    return Student


Q2_MISTAKES = {
    "zero_buffer": (_momentum_class(zero_buffer=True), "optim.momentum_zero_buffer"),
    "decoupled_decay": (_momentum_class(decay="decoupled"), "optim.decay_after_momentum"),
    "decay_ignored": (_momentum_class(decay="none"), "optim.decay_ignored"),
    "decay_sign": (_momentum_class(decay="minus"), "optim.decay_sign"),
    "shared_buffer": (_momentum_class(shared=True), "optim.shared_state"),
    "defaults_lr": (_momentum_class(defaults_lr=True), "optim.defaults_lr"),
    "not_kept": (_momentum_class(keep=False), "optim.momentum_not_kept"),
    "dampening_ignored": (_momentum_class(dampening=False), "optim.dampening_ignored"),
}


@pytest.mark.parametrize("name", list(Q2_MISTAKES))
def test_q2_mistakes_are_named_on_the_hidden_cases(name):
    answer, key = Q2_MISTAKES[name]
    outcome = assert_incorrect(ex.q2, answer, key, hidden=True)
    assert "step" in outcome.details[0].render("en")


@pytest.mark.parametrize("name", ["zero_buffer", "decoupled_decay", "decay_ignored", "decay_sign",
                                  "defaults_lr", "not_kept", "dampening_ignored"])
def test_q2_mistakes_are_named_on_the_visible_cases(name):
    answer, key = Q2_MISTAKES[name]
    assert_incorrect(ex.q2, answer, key)


def test_q2_zero_buffer_fails_only_because_of_dampening():
    answer = Q2_MISTAKES["zero_buffer"][0]
    # The classroom's cases have no dampening: there the zero buffer gives the same numbers.
    outcome = ex.q2.evaluate(answer)
    assert outcome.details[1].render("en").endswith("25 steps")
    text = outcome.details[0].render("en")
    assert "starts at zeros" in text and "From step 1" in text


def test_q2_in_place_weight_decay_changes_the_gradient():
    outcome = assert_incorrect_everywhere(ex.q2, _momentum_class(in_place_grad=True),
                                          "optim.grad_modified") or ex.q2.evaluate(
        _momentum_class(in_place_grad=True))
    assert "p.grad.add(p, alpha=weight_decay)" in outcome.details[0].render("en")


def test_q2_shared_buffer_with_different_shapes_fails_with_a_message():
    outcome = assert_incorrect(ex.q2, Q2_MISTAKES["shared_buffer"][0],
                               "optim.shared_state_shapes")
    assert "self.state[p]" in outcome.details[0].render("en")


def test_q2_hard_coded_seed_numbers_fail():
    rows = iter([[0.4850, 0.4750], [0.4702, 0.4502]])

    class Printed(Optimizer):
        def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0, weight_decay=0.0):
            super().__init__(params, dict(lr=lr))

        @torch.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    p.copy_(torch.tensor(next(rows, [0.0, 0.0])).expand_as(p))

    assert ex.q2.evaluate(Printed).status is Status.INCORRECT
    assert ex.q2.evaluate(Printed, hidden=True).status is Status.INCORRECT


# ---- q3: Adagrad --------------------------------------------------------------------------------


def _adagrad_class(*, eps_inside=False, accumulate=True, initial=True, decay_from_one=False,
                   shared_counter=False, shared_sum=False, defaults_lr=False, sign=-1.0):
    class Student(Optimizer):
        def __init__(self, params, lr=0.01, lr_decay=0.0, weight_decay=0.0,
                     initial_accumulator_value=0.0, eps=1e-10):
            super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                          initial_accumulator_value=initial_accumulator_value,
                                          eps=eps))
            self.t = 0
            self.sum = None

        @torch.no_grad()
        def step(self, closure=None):
            loss = None
            if closure is not None:
                with torch.enable_grad():
                    loss = closure()
            for group in self.param_groups:
                lr = self.defaults["lr"] if defaults_lr else group["lr"]
                for p in group["params"]:
                    state = self.state[p]
                    if shared_counter:
                        self.t += 1
                        step = self.t
                    else:
                        state["step"] = state.get("step", 0) + 1
                        step = state["step"]
                    grad = p.grad + group["weight_decay"] * p
                    start = group["initial_accumulator_value"] if initial else 0.0
                    if shared_sum:
                        if self.sum is None:
                            self.sum = torch.full_like(p, start)
                        total = self.sum
                    else:
                        if "sum" not in state or not accumulate:
                            state["sum"] = torch.full_like(p, start)
                        total = state["sum"]
                    total += grad * grad
                    decayed = step if decay_from_one else step - 1
                    clr = lr / (1 + decayed * group["lr_decay"])
                    if eps_inside:
                        std = torch.sqrt(total + group["eps"])
                    else:
                        std = torch.sqrt(total) + group["eps"]
                    p.add_(sign * clr * grad / std)
            return loss

    return Student


def test_q3_right_answers_in_other_styles_pass():
    assert_correct_everywhere(ex.q3, ex.q3.reference)
    assert_correct_everywhere(ex.q3, _adagrad_class())


Q3_MISTAKES = {
    "eps_inside": (_adagrad_class(eps_inside=True), "optim.adagrad_eps_inside"),
    "not_accumulated": (_adagrad_class(accumulate=False), "optim.adagrad_not_accumulated"),
    "initial_ignored": (_adagrad_class(initial=False), "optim.adagrad_initial_ignored"),
    "decay_from_one": (_adagrad_class(decay_from_one=True), "optim.adagrad_decay_off_by_one"),
    "shared_counter": (_adagrad_class(shared_counter=True), "optim.adagrad_counter_shared"),
    "shared_sum": (_adagrad_class(shared_sum=True), "optim.shared_state"),
    "defaults_lr": (_adagrad_class(defaults_lr=True), "optim.defaults_lr"),
    "wrong_sign": (_adagrad_class(sign=1.0), "optim.wrong_sign"),
}


@pytest.mark.parametrize("name", list(Q3_MISTAKES))
def test_q3_mistakes_are_named_on_the_hidden_cases(name):
    answer, key = Q3_MISTAKES[name]
    assert_incorrect(ex.q3, answer, key, hidden=True)


@pytest.mark.parametrize("name", ["eps_inside", "not_accumulated", "initial_ignored",
                                  "decay_from_one", "shared_counter", "defaults_lr",
                                  "wrong_sign"])
def test_q3_mistakes_are_named_on_the_visible_cases(name):
    answer, key = Q3_MISTAKES[name]
    assert_incorrect(ex.q3, answer, key)


# ---- q4: a checkpoint in the middle of training ---------------------------------------------


def resume_other_style(make_optimizer, w0, loss_fn, steps, pause):
    w = torch.tensor(w0.tolist(), dtype=w0.dtype, requires_grad=True)
    optimizer = make_optimizer([w])
    path = torch.empty((steps, *w0.shape), dtype=w0.dtype)
    saved = None
    for step in range(steps):
        def closure():
            optimizer.zero_grad()
            loss = loss_fn(w)
            loss.backward()
            return loss

        optimizer.step(closure)
        with torch.no_grad():
            path[step] = w
        if step == pause - 1:
            saved = copy.deepcopy({"w": w, "opt": optimizer.state_dict()})
    w2 = saved["w"].detach().requires_grad_(True)
    optimizer2 = make_optimizer([w2])
    optimizer2.load_state_dict(saved["opt"])
    resumed = []
    for _ in range(steps - pause):
        optimizer2.zero_grad()
        loss_fn(w2).backward()
        optimizer2.step()
        resumed.append(w2.detach().clone())
    return path, torch.stack(resumed)


def test_q4_right_answers_in_other_styles_pass():
    assert_correct_everywhere(ex.q4, ex.q4.reference)
    assert_correct_everywhere(ex.q4, resume_other_style)


def _resume(*, copy_state=True, clone_w=True, load=True, clear=True, include_start=False):
    def answer(make_optimizer, w0, loss_fn, steps, pause):
        w = w0.detach().clone().requires_grad_(True)
        optimizer = make_optimizer([w])
        path = [w.detach().clone()] if include_start else []
        for step in range(steps):
            if clear:
                optimizer.zero_grad()
            loss_fn(w).backward()
            optimizer.step()
            path.append(w.detach().clone())
            if step + 1 == pause:
                state = optimizer.state_dict()
                checkpoint = {"w": w.detach().clone() if clone_w else w.detach(),
                              "optimizer": copy.deepcopy(state) if copy_state else state}
        w2 = checkpoint["w"].clone().requires_grad_(True)
        optimizer2 = make_optimizer([w2])
        if load:
            optimizer2.load_state_dict(checkpoint["optimizer"])
        resumed = []
        for _ in range(steps - pause):
            optimizer2.zero_grad()
            loss_fn(w2).backward()
            optimizer2.step()
            resumed.append(w2.detach().clone())
        return torch.stack(path), torch.stack(resumed)

    return answer


@pytest.mark.parametrize("answer, key", [
    (_resume(copy_state=False), "optim.q4.state_not_copied"),
    (_resume(clone_w=False), "optim.q4.weights_not_copied"),
    (_resume(clone_w=False, copy_state=False), "optim.q4.weights_not_copied"),
    (_resume(load=False), "optim.q4.state_not_loaded"),
    (_resume(clear=False), "optim.q4.not_cleared"),
    (_resume(include_start=True), "optim.q4.includes_start"),
])
def test_q4_mistakes_are_named(answer, key):
    assert_incorrect_everywhere(ex.q4, answer, key)


def test_q4_state_not_copied_names_deepcopy_and_the_step():
    outcome = ex.q4.evaluate(_resume(copy_state=False))
    en = outcome.details[0].render("en")
    assert "copy.deepcopy(optimizer.state_dict())" in en and "step 5" in en


def test_q4_returned_path_that_requires_grad_or_is_a_list_is_named():
    def keeps_graph(make_optimizer, w0, loss_fn, steps, pause):
        path, resumed = ex.q4.reference(make_optimizer, w0, loss_fn, steps, pause)
        return path.requires_grad_(True), resumed

    def lists(make_optimizer, w0, loss_fn, steps, pause):
        path, resumed = ex.q4.reference(make_optimizer, w0, loss_fn, steps, pause)
        return path.tolist(), resumed

    assert_incorrect(ex.q4, keeps_graph, "compare.unwanted_requires_grad")
    assert_incorrect(ex.q4, lists, "compare.not_tensor")
    assert_incorrect(ex.q4, lambda *args: None, "compare.not_tuple")


def test_q4_hard_coded_visible_answer_fails_the_hidden_cases():
    path, resumed = ex.q4.reference(*ex.q4.visible[0].args)
    outcome = ex.q4.evaluate(lambda *args: (path.clone(), resumed.clone()), hidden=True)
    assert outcome.status is Status.INCORRECT


# ---- the grading face and the global grad mode ----------------------------------------------


class GradLeftOff(Optimizer):
    def __init__(self, params, lr=0.01):
        super().__init__(params, dict(lr=lr))

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        torch.set_grad_enabled(False)
        for group in self.param_groups:
            for p in group["params"]:
                p.add_(p.grad, alpha=-group["lr"])
        return loss


def test_grad_mode_left_off_is_named_and_switched_back_on():
    for hidden in (False, True):
        assert_incorrect(ex.q1, GradLeftOff, "optim.grad_left_off", hidden=hidden)
        assert torch.is_grad_enabled()


def test_grade_raises_a_short_bilingual_failure_and_writes_nothing_to_stderr(capfd):
    from course_helpers.grading import CheckFailed

    with pytest.raises(CheckFailed) as failure:
        ex.q2.grade(Q2_MISTAKES["zero_buffer"][0])
    text = "\n".join(failure.value.outcome.text_lines())
    assert "动量缓冲区从 0 开始" in text and "starts at zeros" in text
    ex.q2.grade(ex.q2.reference, hidden=True)
    assert capfd.readouterr().err == ""


class Noisy(ex.q1.reference):
    def step(self, closure=None):
        import sys
        import warnings

        warnings.warn("careful", stacklevel=1)
        print("to stderr", file=sys.stderr)
        return super().step(closure)


def test_warnings_and_stderr_of_student_code_are_swallowed(capfd):
    assert ex.q1.evaluate(Noisy).status is Status.CORRECT
    assert capfd.readouterr().err == ""


def resume_training_w0_itself(make_optimizer, w0, loss_fn, steps, pause):
    w0.requires_grad_(True)  # trains the caller's tensor
    return ex.q4.reference(make_optimizer, w0, loss_fn, steps, pause)


def test_q4_an_input_changed_by_the_answer_is_named():
    assert_incorrect_everywhere(ex.q4, resume_training_w0_itself, "diag.input_changed")


# ---- the visible check alone rejects every typical mistake --------------------------------


def _known_wrong_answers():
    found = [("q1", answer) for answer, _ in (*Q1_MISTAKES.values(),
                                              *Q1_GRAD_CHANGES.values())]
    found += [("q2", answer) for answer, _ in Q2_MISTAKES.values()]
    found += [("q2", _momentum_class(in_place_grad=True))]
    found += [("q3", answer) for answer, _ in Q3_MISTAKES.values()]
    for mark in test_q4_mistakes_are_named.pytestmark:
        if mark.name == "parametrize":
            found += [("q4", values[0]) for values in mark.args[1]]
    return [*found, ("q4", resume_training_w0_itself)]


@pytest.mark.parametrize("number, answer", _known_wrong_answers())
def test_every_known_mistake_is_rejected_by_the_visible_check(number, answer):
    question = {"q1": ex.q1, "q2": ex.q2, "q3": ex.q3, "q4": ex.q4}[number]
    assert question.evaluate(answer, hidden=False).status is Status.INCORRECT
