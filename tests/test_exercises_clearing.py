"""Lesson 03's questions: accumulation, hand-written descent, SGD and micro-batches."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
import torch

import course_helpers
import course_helpers.lessons.gradient_clearing as ex
from course_helpers.key import gradient_clearing as key
from course_helpers.key.paths import descent
from course_helpers.outcome import Status
from tests.questionkit import (
    CJK,
    assert_correct_everywhere,
    assert_incorrect,
    assert_incorrect_everywhere,
)

QUESTIONS = {q.key.split(".")[-1]: q for q in ex.QUESTIONS}


# ---- reference solutions, stubs, non-functions, bad return values ----------------------------


def test_there_are_four_questions_with_hidden_cases():
    assert [q.name for q in ex.QUESTIONS] == [f"ex.q{n}" for n in range(1, 5)]
    assert all(len(q.draws) >= 3 for q in ex.QUESTIONS)
    assert all(q.key.startswith("clearing.") for q in ex.QUESTIONS)


BAD_RETURNS = {
    "none": lambda *args: None,
    "list_of_floats": lambda *args: [1.0, 2.0, 3.0],
    "numpy": lambda *args: np.zeros(3),
    "int_tensor": lambda *args: torch.arange(3),
    "wrong_shape": lambda *args: torch.zeros(7, 5),
    "string": lambda *args: "done",
    "nested": lambda *args: [[torch.zeros(2)], None],
}


@pytest.mark.parametrize("name", list(QUESTIONS))
@pytest.mark.parametrize("bad", list(BAD_RETURNS))
def test_bad_return_values_give_a_message_not_an_exception(name, bad):
    for hidden in (False, True):
        outcome = QUESTIONS[name].evaluate(BAD_RETURNS[bad], hidden=hidden)
        assert outcome.status is Status.INCORRECT, outcome
        first = outcome.details[0]
        assert first.key.startswith(("compare.", "diag.", "clearing.")), first.key
        assert first.render("zh") and first.render("en")


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_student_exceptions_become_feedback(name):
    def crashes(*args):
        raise ValueError("my own bug")

    outcome = assert_incorrect(QUESTIONS[name], crashes, "diag.raised")
    assert "my own bug" in outcome.details[0].render("en")


# ---- the float64 simulation behind every path check ------------------------------------------


def test_simulation_reproduces_the_seed_numbers():
    start = torch.tensor([0.5, 0.5])
    one = descent(key._bowl_grad, start, 0.01, 1).params
    assert torch.allclose(one, torch.tensor([[0.49, 0.48]], dtype=torch.float64))
    twice = descent(key._bowl_grad, start, 0.01, 1, steps_per_grad=2).params
    assert torch.allclose(twice, torch.tensor([[0.48, 0.46]], dtype=torch.float64))
    path = descent(key._square_grad, torch.tensor(10.0), 0.001, 3).params
    assert torch.allclose(path, torch.tensor([9.98, 9.96004, 9.9401199200], dtype=torch.float64))
    w100 = descent(key._square_grad, torch.tensor(10.0), 0.01, 100).params[-1].item()
    w300 = descent(key._square_grad, torch.tensor(10.0), 0.01, 300).params[-1].item()
    assert w100 == pytest.approx(10 * 0.98 ** 100)
    assert w300 == pytest.approx(0.0233, abs=1e-4)


def test_never_cleared_gradient_is_the_running_sum():
    path = descent(key._square_grad, torch.tensor(10.0), 0.1, 2, clear=False).params
    w1 = 10 - 0.1 * 20                       # first gradient 20
    w2 = w1 - 0.1 * (20 + 2 * w1)            # second step uses 20 + 16
    assert path.tolist() == pytest.approx([w1, w2])


@pytest.mark.parametrize("name", ["q2", "q3"])
def test_every_wrong_path_differs_from_the_right_one(name):
    question = QUESTIONS[name]
    for case in [*question.visible, *question.draws]:
        expected = question.expect(case)
        right = expected["path"]
        wrong = {m["key"]: m["path"] for m in expected["mistakes"]}
        for key_ in ("clearing.diag.never_cleared", "clearing.diag.step_twice",
                     "clearing.diag.path_ascent", "clearing.diag.path_aliased",
                     "clearing.diag.path_stuck"):
            assert (wrong[key_] - right).abs().max() > 1e-3, case


# ---- q1: gradients accumulate ----------------------------------------------------------------


def q1_stores_grad_itself(x, times):
    x = x.detach().clone().requires_grad_(True)
    grads = []
    for _ in range(times):
        (x ** 2).sum().backward()
        grads.append(x.grad)
    return grads


def q1_clears_each_time(x, times):
    x = x.detach().clone().requires_grad_(True)
    grads = []
    for _ in range(times):
        if x.grad is not None:
            x.grad.zero_()
        (x ** 2).sum().backward()
        grads.append(x.grad.clone())
    return grads


def q1_new_leaf_each_time(x, times):
    grads = []
    for _ in range(times):
        leaf = x.detach().clone().requires_grad_(True)
        (leaf ** 2).sum().backward()
        grads.append(leaf.grad)
    return grads


def q1_mean(x, times):
    x = x.detach().clone().requires_grad_(True)
    grads = []
    for _ in range(times):
        (x ** 2).mean().backward()
        grads.append(x.grad.clone())
    return grads


def q1_stacked(x, times):
    return torch.stack(key.grads_after_each_backward(x, times))


def q1_one_too_many(x, times):
    return key.grads_after_each_backward(x, times + 1)


def q1_zero_grad_on_none(x, times):
    x = x.detach().clone().requires_grad_(True)
    grads = []
    for _ in range(times):
        x.grad.zero_()
        (x ** 2).sum().backward()
    return grads


def make_q1_global_leaf():
    shared = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)

    def grads_after_each_backward(x, times):
        grads = []
        for _ in range(times):
            (shared ** 2).sum().backward()
            grads.append(shared.grad.clone())
        return grads

    return grads_after_each_backward


@pytest.mark.parametrize("answer, key", [
    (q1_stores_grad_itself, "clearing.diag.grads_aliased"),
    (q1_clears_each_time, "clearing.diag.grads_cleared"),
    (q1_new_leaf_each_time, "clearing.diag.grads_cleared"),
    (q1_mean, "diag.mean_not_sum"),
    (q1_stacked, "compare.not_tuple"),
    (q1_one_too_many, "compare.length"),
    (q1_zero_grad_on_none, "clearing.diag.zero_none"),
])
def test_q1_wrong(answer, key):
    assert_incorrect_everywhere(ex.q1, answer, key)


def test_q1_aliasing_names_the_count():
    outcome = assert_incorrect(ex.q1, q1_stores_grad_itself, "clearing.diag.grads_aliased")
    assert outcome.details[0].params["count"] == 3
    assert "clone()" in outcome.details[0].render("en")


def test_q1_global_leaf_is_state_kept_between_calls():
    assert_incorrect(ex.q1, make_q1_global_leaf(), "clearing.diag.state_kept")


def q1_running_sum(x, times):
    total = torch.zeros_like(x)
    grads = []
    for _ in range(times):
        leaf = x.detach().clone().requires_grad_(True)
        total = total + torch.autograd.grad((leaf ** 2).sum(), leaf)[0]
        grads.append(total)
    return grads


def q1_tuple_float64(x, times):
    x = x.detach().double().requires_grad_()
    grads = []
    for _ in range(times):
        (x * x).sum().backward()
        grads.append(x.grad.detach().clone())
    return tuple(grads)


def q1_float64_on_input(x, times):
    x = x.double().requires_grad_()  # .double() of a float64 tensor is that tensor itself
    grads = []
    for _ in range(times):
        (x * x).sum().backward()
        grads.append(x.grad.detach().clone())
    return tuple(grads)


def q1_on_input(x, times):
    x.requires_grad_(True)
    grads = []
    for _ in range(times):
        (x ** 2).sum().backward()
        grads.append(x.grad.clone())
    return grads


def q1_lists(x, times):
    x = x.detach().clone().requires_grad_(True)
    grads = []
    for _ in range(times):
        (x ** 2).sum().backward()
        grads.append(x.grad.tolist())
    return grads


def q1_requires_grad_without_parentheses(x, times):
    x = x.detach().clone().requires_grad_
    grads = []
    for _ in range(times):
        (x ** 2).sum().backward()
        grads.append(x.grad.clone())
    return grads


@pytest.mark.parametrize("answer, key", [
    (q1_float64_on_input, "diag.input_changed"),
    (q1_on_input, "diag.input_changed"),
    (q1_lists, "clearing.diag.grad_as_list"),
    (q1_requires_grad_without_parentheses, "clearing.diag.method_not_called"),
])
def test_q1_wrong_with_its_own_message(answer, key):
    assert_incorrect_everywhere(ex.q1, answer, key)


def test_q1_lists_say_that_entries_must_be_tensors():
    outcome = assert_incorrect(ex.q1, q1_lists, "clearing.diag.grad_as_list")
    assert "tensor" in outcome.details[0].render("en")
    assert "张量" in outcome.details[0].render("zh")


def q1_retain_graph(x, times):
    x = x.detach().clone().requires_grad_(True)
    y = (x ** 2).sum()
    grads = []
    for _ in range(times):
        y.backward(retain_graph=True)
        grads.append(x.grad + 0)
    return grads


@pytest.mark.parametrize("answer", [q1_running_sum, q1_tuple_float64, q1_retain_graph])
def test_q1_other_right_styles(answer):
    assert_correct_everywhere(ex.q1, answer)


# ---- q2: gradient descent by hand ------------------------------------------------------------


def q2_never_cleared(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    path = []
    for _ in range(steps):
        loss = w ** 2 + 20
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        path.append(w.item())
    return torch.tensor(path)


def q2_cleared_once_before_the_loop(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    w.grad = torch.zeros_like(w)
    path = []
    for _ in range(steps):
        (w ** 2 + 20).backward()
        with torch.no_grad():
            w.data = w.data - lr * w.grad
        path.append(w.item())
    return torch.tensor(path)


def q2_cleared_between_backward_and_update(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    path = []
    for _ in range(steps):
        (w ** 2 + 20).backward()
        w.grad.zero_()
        with torch.no_grad():
            w -= lr * w.grad
        path.append(w.item())
    return torch.tensor(path)


def q2_ascent(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    path = []
    for _ in range(steps):
        if w.grad is not None:
            w.grad.zero_()
        (w ** 2 + 20).backward()
        with torch.no_grad():
            w += lr * w.grad
        path.append(w.item())
    return torch.tensor(path)


def q2_records_before_update(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    path = []
    for _ in range(steps):
        path.append(w.item())
        if w.grad is not None:
            w.grad.zero_()
        (w ** 2 + 20).backward()
        with torch.no_grad():
            w -= lr * w.grad
    return torch.tensor(path)


def q2_stores_w_itself(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    path = []
    for _ in range(steps):
        if w.grad is not None:
            w.grad.zero_()
        (w ** 2 + 20).backward()
        with torch.no_grad():
            w -= lr * w.grad
        path.append(w)
    return torch.stack(path).detach()


def q2_includes_start(w0, lr, steps):
    return torch.cat([torch.tensor([w0]), key.descend(w0, lr, steps)])


def q2_rebinding(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    path = []
    for _ in range(steps):
        loss = w ** 2 + 20
        loss.backward()
        w = w - lr * w.grad
        path.append(w.item())
    return torch.tensor(path)


def q2_rebinding_under_no_grad(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    path = []
    for _ in range(steps):
        loss = w ** 2 + 20
        loss.backward()
        with torch.no_grad():
            w = w - lr * w.grad
        path.append(w.item())
    return torch.tensor(path)


def q2_zero_before_first_backward(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    path = []
    for _ in range(steps):
        loss = w ** 2 + 20
        w.grad.zero_()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        path.append(w.item())
    return torch.tensor(path)


def q2_in_place_without_no_grad(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    path = []
    for _ in range(steps):
        (w ** 2 + 20).backward()
        w -= lr * w.grad
        w.grad.zero_()
        path.append(w.item())
    return torch.tensor(path)


def q2_list(w0, lr, steps):
    return key.descend(w0, lr, steps).tolist()


def q2_one_step_short(w0, lr, steps):
    return key.descend(w0, lr, steps - 1)


def q2_wrong_lr(w0, lr, steps):
    return key.descend(w0, lr / 2, steps)


def q2_no_requires_grad(w0, lr, steps):
    w = torch.tensor(w0)
    path = []
    for _ in range(steps):
        (w ** 2 + 20).backward()
        w -= lr * w.grad
        path.append(w.item())
    return torch.tensor(path)


@pytest.mark.parametrize("answer, key", [
    (q2_never_cleared, "clearing.diag.never_cleared"),
    (q2_cleared_once_before_the_loop, "clearing.diag.never_cleared"),
    (q2_cleared_between_backward_and_update, "clearing.diag.path_stuck"),
    (q2_ascent, "clearing.diag.path_ascent"),
    (q2_records_before_update, "clearing.diag.path_before_step"),
    (q2_stores_w_itself, "clearing.diag.path_aliased"),
    (q2_includes_start, "clearing.diag.path_includes_start"),
    (q2_rebinding, "clearing.diag.rebind_none"),
    (q2_rebinding_under_no_grad, "clearing.diag.rebind_no_grad"),
    (q2_no_requires_grad, "clearing.diag.rebind_no_grad"),
    (q2_zero_before_first_backward, "clearing.diag.zero_none"),
    (q2_in_place_without_no_grad, "diag.inplace_leaf"),
    (q2_list, "compare.not_tensor"),
    (q2_one_step_short, "compare.shape"),
    (q2_wrong_lr, "clearing.diag.path_differs"),
])
def test_q2_wrong(answer, key):
    assert_incorrect_everywhere(ex.q2, answer, key)


def test_q2_never_cleared_feedback_says_so_in_both_languages():
    outcome = assert_incorrect(ex.q2, q2_never_cleared, "clearing.diag.never_cleared")
    text = "\n".join(outcome.text_lines())
    assert "从不清零" in text and "never cleared" in text
    assert "w0 = 10.0, lr = 0.01, steps = 100" in text


def test_q2_wrong_lr_names_the_first_wrong_step():
    outcome = assert_incorrect(ex.q2, q2_wrong_lr, "clearing.diag.path_differs")
    assert outcome.details[0].params["step"] == 1
    assert "step 1" in outcome.details[0].render("en")


def make_q2_rerun_cell():
    """The notebook pitfall: w lives outside, so every call keeps training the same w."""
    w = torch.tensor(10.0, requires_grad=True)

    def descend(w0, lr, steps):
        path = []
        for _ in range(steps):
            if w.grad is not None:
                w.grad.zero_()
            (w ** 2 + 20).backward()
            with torch.no_grad():
                w.sub_(lr * w.grad)
            path.append(w.item())
        return torch.tensor(path)

    return descend


def test_q2_parameter_outside_the_function_is_state_kept():
    assert_incorrect(ex.q2, make_q2_rerun_cell(), "clearing.diag.state_kept")


def q2_data_attribute(w0, lr, steps):      # the seeds' style
    w = torch.tensor(w0, requires_grad=True)
    path = []
    for _ in range(steps):
        y = w ** 2 + 20
        if w.grad is not None:
            w.grad.data.zero_()
        y.backward()
        w.data = w.data - lr * w.grad
        path.append(w.item())
    return torch.tensor(path)


def q2_grad_set_to_none(w0, lr, steps):
    w = torch.tensor(float(w0), dtype=torch.float64, requires_grad=True)
    path = []
    for _ in range(steps):
        (w ** 2 + 20).backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad = None
        path.append(w.detach().clone())
    return torch.stack(path)


def q2_optimizer(w0, lr, steps):
    w = torch.nn.Parameter(torch.tensor(w0))
    optimizer = torch.optim.SGD([w], lr=lr)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        (w ** 2 + 20).backward()
        optimizer.step()
        path.append(w.item())
    return torch.tensor(path)


def q2_formula(w0, lr, steps):
    w, path = w0, []
    for _ in range(steps):
        w = w - lr * 2 * w
        path.append(w)
    return torch.tensor(path, dtype=torch.float64)


def q2_zero_after_update(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    path = torch.empty(steps)
    for step in range(steps):
        (w ** 2 + 20).backward()
        with torch.no_grad():
            w.sub_(lr * w.grad)
            path[step] = w
        w.grad.zero_()
    return path


def q2_float32_returned_as_float64(w0, lr, steps):
    return key.descend(w0, lr, steps).double()


def q2_nan(w0, lr, steps):
    path = key.descend(w0, lr, steps)
    path[-1] = float("nan")
    return path


def test_q2_nan_in_the_path_is_named():
    assert_incorrect_everywhere(ex.q2, q2_nan, "compare.not_finite")


@pytest.mark.parametrize("answer", [q2_data_attribute, q2_grad_set_to_none, q2_optimizer,
                                    q2_formula, q2_zero_after_update,
                                    q2_float32_returned_as_float64])
def test_q2_other_right_styles(answer):
    assert_correct_everywhere(ex.q2, answer)


# ---- q3: torch.optim.SGD ---------------------------------------------------------------------


def q3_no_zero_grad(params_init, lr, steps):
    w = params_init.detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=lr)
    path = []
    for _ in range(steps):
        loss = w[0] ** 2 + 2 * w[1] ** 2
        loss.backward()
        optimizer.step()
        path.append(w.detach().clone())
    return torch.stack(path)


def q3_step_twice(params_init, lr, steps):
    w = params_init.detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=lr)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        (w[0] ** 2 + 2 * w[1] ** 2).backward()
        optimizer.step()
        optimizer.step()
        path.append(w.detach().clone())
    return torch.stack(path)


def q3_zero_grad_before_step(params_init, lr, steps):
    w = params_init.detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=lr)
    path = []
    for _ in range(steps):
        (w[0] ** 2 + 2 * w[1] ** 2).backward()
        optimizer.zero_grad()
        optimizer.step()
        path.append(w.detach().clone())
    return torch.stack(path)


def q3_detach_without_clone(params_init, lr, steps):
    w = params_init.detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=lr)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        (w[0] ** 2 + 2 * w[1] ** 2).backward()
        optimizer.step()
        path.append(w.detach())          # shares storage with w
    return torch.stack(path)


def q3_final_only(params_init, lr, steps):
    return key.train_sgd(params_init, lr, steps)[-1]


def q3_maximize(params_init, lr, steps):
    w = params_init.detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=lr, maximize=True)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        (w[0] ** 2 + 2 * w[1] ** 2).backward()
        optimizer.step()
        path.append(w.detach().clone())
    return torch.stack(path)


def q3_optimizer_outside():
    state = {}

    def train_sgd(params_init, lr, steps):
        if "w" not in state:
            state["w"] = params_init.detach().clone().requires_grad_(True)
            state["opt"] = torch.optim.SGD([state["w"]], lr=lr)
        w, optimizer = state["w"], state["opt"]
        path = []
        for _ in range(steps):
            optimizer.zero_grad()
            (w[0] ** 2 + 2 * w[1] ** 2).backward()
            optimizer.step()
            path.append(w.detach().clone())
        return torch.stack(path)

    return train_sgd


def q3_detach_without_clone_trains_the_input(params_init, lr, steps):
    w = params_init.detach().requires_grad_(True)   # shares storage with params_init
    optimizer = torch.optim.SGD([w], lr=lr)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        (w[0] ** 2 + 2 * w[1] ** 2).backward()
        optimizer.step()
        path.append(w.detach().clone())
    return torch.stack(path)


def q3_trains_the_input(params_init, lr, steps):
    w = params_init.requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=lr)
    path = []
    for _ in range(steps):
        optimizer.zero_grad()
        (w[0] ** 2 + 2 * w[1] ** 2).backward()
        optimizer.step()
        path.append(w.detach().clone())
    return torch.stack(path)


def test_q3_training_the_callers_tensor_is_named():
    outcome = assert_incorrect(ex.q3, q3_detach_without_clone_trains_the_input,
                               "diag.input_changed")
    assert outcome.details[0].params["how"].key == "diag.input_changed.values"


@pytest.mark.parametrize("answer, key", [
    (q3_detach_without_clone_trains_the_input, "diag.input_changed"),
    (q3_trains_the_input, "diag.input_changed"),
    (q3_no_zero_grad, "clearing.diag.never_cleared"),
    (q3_step_twice, "clearing.diag.step_twice"),
    (q3_zero_grad_before_step, "clearing.diag.path_stuck"),
    (q3_detach_without_clone, "clearing.diag.path_aliased"),
    (q3_final_only, "compare.shape"),
    (q3_maximize, "clearing.diag.path_ascent"),
])
def test_q3_wrong(answer, key):
    assert_incorrect_everywhere(ex.q3, answer, key)


def test_q3_optimizer_kept_between_calls_is_state_kept():
    assert_incorrect(ex.q3, q3_optimizer_outside(), "clearing.diag.state_kept")


def test_q3_step_twice_feedback_in_both_languages():
    outcome = assert_incorrect(ex.q3, q3_step_twice, "clearing.diag.step_twice")
    assert "step() 连续调用了两次" in outcome.details[0].render("zh")
    assert "step() ran twice" in outcome.details[0].render("en")


def q2_backward_twice_per_step(w0, lr, steps):
    w = torch.tensor(w0, requires_grad=True)
    path = []
    for _ in range(steps):
        if w.grad is not None:
            w.grad.zero_()
        loss = w ** 2 + 20
        loss.backward(retain_graph=True)
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
        path.append(w.item())
    return torch.tensor(path)


def test_q2_doubled_gradient_is_named():
    outcome = assert_incorrect(ex.q2, q2_backward_twice_per_step, "clearing.diag.step_twice")
    assert "backward() ran twice" in outcome.details[0].render("en")
    assert "backward() 运行了两次" in outcome.details[0].render("zh")


def q1_backward_twice_each_time(x, times):
    x = x.detach().clone().requires_grad_(True)
    grads = []
    for _ in range(times):
        (x ** 2).sum().backward()
        (x ** 2).sum().backward()
        grads.append(x.grad.clone())
    return grads


def test_q1_gradient_twice_too_large_says_backward_ran_twice():
    outcome = assert_incorrect(ex.q1, q1_backward_twice_each_time, "diag.accumulated")
    assert outcome.details[0].params["factor"] == 2
    assert "backward() ran 2 times without clearing" in outcome.details[0].render("en")
    assert_incorrect(ex.q1, q1_backward_twice_each_time, "diag.accumulated", hidden=True)


def q3_zero_grad_after_step_keep_zeros(params_init, lr, steps):
    w = params_init.detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=lr)
    rows = []
    for _ in range(steps):
        (w[0] ** 2 + 2 * w[1] ** 2).backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=False)
        rows.append(w.tolist())
    return torch.tensor(rows, dtype=params_init.dtype)


def q3_two_scalars(params_init, lr, steps):
    a = params_init[0].detach().clone().requires_grad_(True)
    b = params_init[1].detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([a, b], lr=lr)
    rows = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = a ** 2 + 2 * b ** 2
        loss.backward()
        optimizer.step()
        rows.append(torch.stack([a, b]).detach())
    return torch.stack(rows)


def q3_by_hand(params_init, lr, steps):
    w = params_init.detach().clone().requires_grad_(True)
    rows = []
    for _ in range(steps):
        (w[0] ** 2 + 2 * w[1] ** 2).backward()
        with torch.no_grad():
            w -= lr * w.grad
            w.grad.zero_()
        rows.append(w.detach().clone())
    return torch.stack(rows)


@pytest.mark.parametrize("answer", [q3_zero_grad_after_step_keep_zeros, q3_two_scalars,
                                    q3_by_hand])
def test_q3_other_right_styles(answer):
    assert_correct_everywhere(ex.q3, answer)


# ---- q4: micro-batches -----------------------------------------------------------------------


def q4_unscaled(x, y, w, k):
    w = w.detach().clone().requires_grad_(True)
    for xb, yb in zip(x.chunk(k), y.chunk(k), strict=True):
        ((xb @ w - yb) ** 2).mean().backward()
    return w.grad


def q4_cleared_inside(x, y, w, k):
    w = w.detach().clone().requires_grad_(True)
    for xb, yb in zip(x.chunk(k), y.chunk(k), strict=True):
        if w.grad is not None:
            w.grad.zero_()
        (((xb @ w - yb) ** 2).mean() / k).backward()
    return w.grad


def q4_optimizer_zero_grad_inside(x, y, w, k):
    w = w.detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=0.1)
    for xb, yb in zip(x.chunk(k), y.chunk(k), strict=True):
        optimizer.zero_grad()
        ((xb @ w - yb) ** 2).mean().backward()
    return w.grad


def q4_sum_loss(x, y, w, k):
    w = w.detach().clone().requires_grad_(True)
    for xb, yb in zip(x.chunk(k), y.chunk(k), strict=True):
        ((xb @ w - yb) ** 2).sum().backward()
    return w.grad


def q4_grad_still_tracked(x, y, w, k):
    w = w.detach().clone().requires_grad_(True)
    grad = torch.zeros_like(w)
    for xb, yb in zip(x.chunk(k), y.chunk(k), strict=True):
        loss = ((xb @ w - yb) ** 2).mean() / k
        grad = grad + torch.autograd.grad(loss, w, create_graph=True)[0]
    return grad


def q4_in_place_on_input(x, y, w, k):
    w.requires_grad_(True)
    for xb, yb in zip(x.chunk(k), y.chunk(k), strict=True):
        (((xb @ w - yb) ** 2).mean() / k).backward()
    return w.grad


def q4_split_size_k(x, y, w, k):
    w = w.detach().clone().requires_grad_(True)
    for xb, yb in zip(torch.split(x, k), torch.split(y, k), strict=True):
        (((xb @ w - yb) ** 2).mean() / k).backward()
    return w.grad


def q4_split_size_k_unscaled(x, y, w, k):
    w = w.detach().clone().requires_grad_(True)
    for xb, yb in zip(x.split(k), y.split(k), strict=True):
        ((xb @ w - yb) ** 2).mean().backward()
    return w.grad


def q4_requires_grad_without_parentheses(x, y, w, k):
    w = w.detach().clone().requires_grad_
    for xb, yb in zip(x.chunk(k), y.chunk(k), strict=True):
        (((xb @ w - yb) ** 2).mean() / k).backward()
    return w.grad


def make_q4_shared_leaf():
    shared = {}

    def microbatch_grad(x, y, w, k):
        if "w" not in shared:
            shared["w"] = w.detach().clone().requires_grad_(True)
        leaf = shared["w"]
        for xb, yb in zip(x.chunk(k), y.chunk(k), strict=True):
            (((xb @ leaf - yb) ** 2).mean() / k).backward()
        return leaf.grad.clone()

    return microbatch_grad


@pytest.mark.parametrize("answer, key", [
    (q4_unscaled, "clearing.diag.microbatch_unscaled"),
    (q4_cleared_inside, "clearing.diag.microbatch_last_only"),
    (q4_optimizer_zero_grad_inside, "clearing.diag.microbatch_last_only"),
    (q4_sum_loss, "diag.sum_not_mean"),
    (q4_grad_still_tracked, "compare.unwanted_requires_grad"),
    (q4_in_place_on_input, "diag.input_changed"),
    (q4_split_size_k, "clearing.diag.microbatch_split_size"),
    (q4_split_size_k_unscaled, "clearing.diag.microbatch_split_size"),
    (q4_requires_grad_without_parentheses, "clearing.diag.method_not_called"),
])
def test_q4_wrong(answer, key):
    assert_incorrect_everywhere(ex.q4, answer, key)


def test_q4_split_names_the_piece_size():
    outcome = assert_incorrect(ex.q4, q4_split_size_k, "clearing.diag.microbatch_split_size")
    assert outcome.details[0].params == {"k": 3, "count": 2}
    assert "x.chunk(k)" in outcome.details[0].render("en")


def test_q4_unscaled_reports_k():
    outcome = assert_incorrect(ex.q4, q4_unscaled, "clearing.diag.microbatch_unscaled")
    assert outcome.details[0].params["k"] == 3
    assert "3 times the full-batch gradient" in outcome.details[0].render("en")
    assert "整批梯度的 3 倍" in outcome.details[0].render("zh")


def test_q4_unscaled_passes_only_where_k_is_one():
    # With k = 1 there is nothing to scale: the hidden case with k = 1 must not be the failure.
    k_one = [c for c in ex.q4.draws if c.args[3] == 1]
    assert k_one
    judged = ex.q4.judge(q4_unscaled(*k_one[0].args), k_one[0], ex.q4.expect(k_one[0]))
    assert judged is None


def test_q4_shared_leaf_is_state_kept():
    assert_incorrect(ex.q4, make_q4_shared_leaf(), "clearing.diag.state_kept", stateful=True)


def q4_full_batch(x, y, w, k):
    w = w.detach().clone().requires_grad_(True)
    ((x @ w - y) ** 2).mean().backward()
    return w.grad


def q4_index_slices(x, y, w, k):
    w = w.detach().clone().requires_grad_(True)
    size = len(x) // k
    for start in range(0, len(x), size):
        xb, yb = x[start:start + size], y[start:start + size]
        loss = ((xb @ w - yb) ** 2).sum() / len(x)
        loss.backward()
    return w.grad


def q4_float64_optimizer(x, y, w, k):
    w = w.detach().double().requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=0.0)
    optimizer.zero_grad()
    for xb, yb in zip(x.double().split(len(x) // k), y.double().split(len(y) // k),
                      strict=True):
        torch.nn.functional.mse_loss(xb @ w, yb).div(k).backward()
    return w.grad


def q4_split_into_k_pieces(x, y, w, k):
    w = w.detach().clone().requires_grad_(True)
    for xb, yb in zip(torch.split(x, len(x) // k), torch.split(y, len(y) // k), strict=True):
        (((xb @ w - yb) ** 2).mean() / k).backward()
    return w.grad


@pytest.mark.parametrize("answer", [q4_full_batch, q4_index_slices, q4_float64_optimizer,
                                    q4_split_into_k_pieces])
def test_q4_other_right_styles(answer):
    assert_correct_everywhere(ex.q4, answer)


# ---- hidden cases really differ --------------------------------------------------------------


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_hard_coded_visible_answer_fails_hidden(name):
    question = QUESTIONS[name]
    printed = question.reference(*question.visible[0].args)

    def hard_coded(*args):
        return printed

    # Right for the first visible case only: a second visible case already rejects it.
    visible = Status.CORRECT if len(question.visible) == 1 else Status.INCORRECT
    assert question.evaluate(hard_coded).status is visible
    outcome = question.evaluate(hard_coded, hidden=True)
    assert outcome.status is Status.INCORRECT
    assert "outcome.hidden_case" in [d.key for d in outcome.details]


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_hidden_failure_never_shows_a_case_label(name):
    def wrong(*args):
        return torch.zeros(1)

    outcome = QUESTIONS[name].evaluate(wrong, hidden=True)
    keys = [d.key for d in outcome.details]
    assert "outcome.case" not in keys and "outcome.hidden_case" in keys


# ---- loop errors and the grading face ----------------------------------------------------------


def test_loop_errors_are_explained():
    assert ex.explain_loop_error(
        AttributeError("'NoneType' object has no attribute 'zero_'")).key == \
        "clearing.diag.zero_none"
    assert ex.explain_loop_error(
        TypeError("unsupported operand type(s) for *: 'float' and 'NoneType'")).key == \
        "clearing.diag.rebind_none"
    assert ex.explain_loop_error(RuntimeError(
        "element 0 of tensors does not require grad and does not have a grad_fn")).key == \
        "clearing.diag.rebind_no_grad"
    assert ex.explain_loop_error(KeyError("w")).key == "diag.raised"


def test_grade_never_cleared_raises_with_both_languages():
    with pytest.raises(course_helpers.CheckFailed) as caught:
        ex.q2.grade(q2_never_cleared)
    text = str(caught.value)
    assert "练习 2" in text and "Exercise 2" in text
    assert "从不清零" in text and "never cleared" in text


def noisy_right(w0, lr, steps):
    warnings.warn("deprecated", DeprecationWarning, stacklevel=1)
    print("debug", file=sys.stderr)
    return key.descend(w0, lr, steps)


def noisy_wrong(w0, lr, steps):
    print("debug", file=sys.stderr)
    return q2_rebinding(w0, lr, steps)   # reads .grad of a non-leaf: PyTorch warns


def test_grade_writes_nothing_to_stderr(capfd):
    ex.q2.grade(noisy_right)
    ex.q2.grade(noisy_right, hidden=True)
    with pytest.raises(course_helpers.CheckFailed):
        ex.q2.grade(noisy_wrong)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_hint_is_bilingual(name, capsys):
    note = QUESTIONS[name].hint()
    assert note.body.key == f"clearing.{name}.hint"
    assert CJK.search(note.body.render("zh")) and not CJK.search(note.body.render("en"))


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_solution_is_the_reference_source(name, capsys):
    question = QUESTIONS[name]
    source = question.solution()
    assert source.startswith(f"def {question.reference.__name__}(")
    namespace: dict = {"torch": torch}
    exec(source, namespace)
    assert_correct_everywhere(question, namespace[question.reference.__name__])


# ---- the visible check alone rejects every typical mistake ---------------------------------

WRONG = {
    "q1": [q1_stores_grad_itself, q1_clears_each_time, q1_new_leaf_each_time, q1_mean,
           q1_stacked, q1_one_too_many, q1_zero_grad_on_none, make_q1_global_leaf(),
           q1_float64_on_input, q1_on_input, q1_lists, q1_requires_grad_without_parentheses,
           q1_backward_twice_each_time],
    "q2": [q2_never_cleared, q2_cleared_once_before_the_loop,
           q2_cleared_between_backward_and_update, q2_ascent, q2_records_before_update,
           q2_stores_w_itself, q2_includes_start, q2_rebinding, q2_rebinding_under_no_grad,
           q2_zero_before_first_backward, q2_in_place_without_no_grad, q2_list,
           q2_one_step_short, q2_wrong_lr, q2_no_requires_grad, make_q2_rerun_cell(), q2_nan,
           q2_backward_twice_per_step],
    "q3": [q3_no_zero_grad, q3_step_twice, q3_zero_grad_before_step, q3_detach_without_clone,
           q3_final_only, q3_maximize, q3_optimizer_outside(),
           q3_detach_without_clone_trains_the_input, q3_trains_the_input],
    "q4": [q4_unscaled, q4_cleared_inside, q4_optimizer_zero_grad_inside, q4_sum_loss,
           q4_grad_still_tracked, q4_in_place_on_input, q4_split_size_k,
           q4_split_size_k_unscaled, q4_requires_grad_without_parentheses,
           make_q4_shared_leaf()],
}


@pytest.mark.parametrize("name, answer", [(name, answer) for name, answers in WRONG.items()
                                          for answer in answers])
def test_the_visible_check_rejects_every_typical_mistake(name, answer):
    assert QUESTIONS[name].evaluate(answer, hidden=False).status is Status.INCORRECT
