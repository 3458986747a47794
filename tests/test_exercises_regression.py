"""Lesson 06's four questions, judged through ``Question.evaluate``: right answers in several
styles pass, typical mistakes get their diagnosis, and odd return values give a message."""

from __future__ import annotations

import contextlib
import dataclasses
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import course_helpers.lessons.linear_regression as ex
from course_helpers.key import linear_regression as lesson_key
from course_helpers.outcome import Status
from tests.questionkit import (
    assert_correct_everywhere,
    assert_incorrect,
    assert_incorrect_everywhere,
)


def test_there_are_four_questions_each_with_hidden_cases():
    assert [q.name for q in ex.QUESTIONS] == [f"ex.q{n}" for n in range(1, 5)]
    assert all(q.draws for q in ex.QUESTIONS)
    assert [q.key for q in ex.QUESTIONS] == [f"regression.q{n}" for n in range(1, 5)]


@pytest.mark.parametrize("question", ex.QUESTIONS, ids=lambda q: q.key)
def test_reference_solutions_pass_visible_and_hidden(question):
    assert_correct_everywhere(question, question.reference)


@pytest.mark.parametrize("question", ex.QUESTIONS, ids=lambda q: q.key)
def test_a_stub_is_not_attempted(question):
    def stub(*args):
        raise NotImplementedError()

    assert question.evaluate(stub).status is Status.NOT_ATTEMPTED


@pytest.mark.parametrize("question", ex.QUESTIONS, ids=lambda q: q.key)
@pytest.mark.parametrize("value", [None, [1.0, 2.0], np.zeros(3), torch.zeros(2)])
def test_handing_in_a_value_instead_of_a_function(question, value):
    assert_incorrect(question, value, "diag.not_callable")


@pytest.mark.parametrize("question", ex.QUESTIONS, ids=lambda q: q.key)
def test_checks_are_quick(question):
    question.evaluate(question.reference)  # warm-up: the first SGD in a process is slow
    start = time.perf_counter()
    question.evaluate(question.reference, hidden=True)
    assert time.perf_counter() - start < 1.0


def test_the_training_cases_converge_well_within_the_tolerance():
    for case in [*ex.q2.visible, *ex.q2.draws]:
        x, y, lr, epochs = case.args
        w, b = lesson_key._line_descent(x, y, 0.0, 0.0, lr, epochs).params[-1].tolist()
        slope, intercept = lesson_key._least_squares(x, y)
        assert abs(w - slope) < ex.TOLERANCE / 10 * (1 + abs(slope))
        assert abs(b - intercept) < ex.TOLERANCE / 10 * (1 + abs(intercept))
    for case in [*ex.q3.visible, *ex.q3.draws]:
        w0, b0, x, y, lr, epochs = case.args
        w, _ = lesson_key._line_descent(x, y, w0, b0, lr, epochs).params[-1].tolist()
        slope, intercept = lesson_key._least_squares(x, y)
        assert abs(w - slope) < ex.TOLERANCE / 10 * (1 + abs(slope))


def test_least_squares_formula_matches_numpy():
    x, y = ex._NOISY_A
    slope, intercept = np.polyfit(x.double().numpy(), y.double().numpy(), 1)
    assert lesson_key._least_squares(x, y) == pytest.approx((slope, intercept), rel=1e-9)


# ---- q1: mse -----------------------------------------------------------------------------------


def q1_functional(pred, target):
    return F.mse_loss(pred, target)


def q1_module(pred, target):
    return nn.MSELoss()(pred, target)


def q1_pow(pred, target):
    return (pred - target).pow(2).mean()


def q1_square_sum_div(pred, target):
    return torch.square(pred - target).sum() / pred.numel()


@pytest.mark.parametrize("answer", [q1_functional, q1_module, q1_pow, q1_square_sum_div])
def test_q1_other_right_styles(answer):
    assert_correct_everywhere(ex.q1, answer)


def q1_sum(pred, target):
    return ((pred - target) ** 2).sum()


def q1_rmse(pred, target):
    return torch.sqrt(((pred - target) ** 2).mean())


def q1_abs(pred, target):
    return (pred - target).abs().mean()


def q1_not_squared(pred, target):
    return (pred - target).mean()


def q1_item(pred, target):
    return ((pred - target) ** 2).mean().item()


def q1_half(pred, target):
    return 0.5 * ((pred - target) ** 2).mean()


def q1_no_reduction(pred, target):
    return (pred - target) ** 2


def q1_numpy(pred, target):
    return np.mean((pred.numpy() - target.numpy()) ** 2)


def q1_none(pred, target):
    ((pred - target) ** 2).mean()


def q1_list(pred, target):
    return [((pred - target) ** 2).mean()]


def q1_int(pred, target):
    return ((pred - target) ** 2).mean().round().long()


@pytest.mark.parametrize("answer, key", [
    (q1_sum, "diag.sum_not_mean"),
    (q1_rmse, "regression.diag.rmse"),
    (q1_abs, "regression.diag.abs_error"),
    (q1_not_squared, "regression.diag.not_squared"),
    (q1_item, "regression.diag.loss_float"),
    (q1_half, "regression.diag.half"),
    (q1_no_reduction, "compare.shape"),
    (q1_numpy, "compare.not_tensor"),
    (q1_none, "compare.none"),
    (q1_list, "compare.not_tensor"),
    (q1_int, "compare.not_float"),
])
def test_q1_wrong(answer, key):
    assert_incorrect(ex.q1, answer, key)


def test_q1_sum_names_the_number_of_points():
    outcome = assert_incorrect(ex.q1, q1_sum, "diag.sum_not_mean")
    assert outcome.details[0].params["factor"] == 3


def test_q1_hard_coded_visible_answer_fails_hidden():
    def hard_coded(pred, target):
        return torch.tensor(3.5 / 3)

    assert ex.q1.evaluate(hard_coded).passed
    assert_incorrect(ex.q1, hard_coded, "compare.values", hidden=True)


# ---- q2: training by hand ---------------------------------------------------------------------


def q2_optimizer(x, y, lr, epochs):
    w = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = F.mse_loss(w * x + b, y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return w, b, losses


def q2_grad_none(x, y, lr, epochs):
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    losses = torch.zeros(epochs)
    for epoch in range(epochs):
        loss = (w * x + b - y).pow(2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad = None
        b.grad = None
        losses[epoch] = loss.detach()
    return w.detach(), b.detach(), losses


def q2_float64_and_late_record(x, y, lr, epochs):
    w = torch.zeros((), dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    x, y = x.double(), y.double()
    losses = []
    for _ in range(epochs):
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w.sub_(lr * w.grad)
            b.sub_(lr * b.grad)
            w.grad.zero_()
            b.grad.zero_()
            losses.append(((w * x + b - y) ** 2).mean())  # recorded after the update
    return w, b, losses


@pytest.mark.parametrize("answer", [q2_optimizer, q2_grad_none, q2_float64_and_late_record])
def test_q2_other_right_styles(answer):
    assert_correct_everywhere(ex.q2, answer)


def _by_hand(*, clear=True, reduce="mean", sign=1.0, fixed_lr=None, update_b=True):
    def train(x, y, lr, epochs):
        lr = fixed_lr if fixed_lr is not None else lr
        w = torch.zeros((), requires_grad=True)
        b = torch.zeros((), requires_grad=True)
        losses = []
        for _ in range(epochs):
            loss = getattr((w * x + b - y) ** 2, reduce)()
            losses.append(loss.item())
            if clear and w.grad is not None:
                w.grad.zero_()
                b.grad.zero_()
            loss.backward()
            with torch.no_grad():
                w -= sign * lr * w.grad
                if update_b:
                    b -= sign * lr * b.grad
        return w, b, losses

    return train


def q2_rebind(x, y, lr, epochs):
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses = []
    for _ in range(epochs):
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        w = w - lr * w.grad
        b = b - lr * b.grad
        losses.append(loss.item())
    return w, b, losses


def q2_rebind_under_no_grad(x, y, lr, epochs):
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses = []
    for _ in range(epochs):
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w = w - lr * w.grad
            b = b - lr * b.grad
        losses.append(loss.item())
    return w, b, losses


def q2_zero_first(x, y, lr, epochs):
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses = []
    for _ in range(epochs):
        w.grad.zero_()
        b.grad.zero_()
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        losses.append(loss.item())
    return w, b, losses


def q2_no_no_grad(x, y, lr, epochs):
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    losses = []
    for _ in range(epochs):
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        w -= lr * w.grad
        b -= lr * b.grad
        losses.append(loss.item())
    return w, b, losses


def q2_optimizer_on_copies(x, y, lr, epochs):
    w = torch.zeros((), requires_grad=True)
    b = torch.zeros((), requires_grad=True)
    optimizer = torch.optim.SGD([w.detach(), b.detach()], lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = ((w * x + b - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return w, b, losses


def q2_too_few_epochs(x, y, lr, epochs):
    return _by_hand()(x, y, lr, epochs // 10)


def q2_returns_nothing(x, y, lr, epochs):
    _by_hand()(x, y, lr, epochs)


def q2_loss_tensor_2d(x, y, lr, epochs):
    w, b, losses = _by_hand()(x, y, lr, epochs)
    return w, b, torch.tensor(losses).reshape(-1, 1)


def q2_params_as_vector(x, y, lr, epochs):
    w, b, losses = _by_hand()(x, y, lr, epochs)
    return torch.stack([w, b]), b, losses


def q2_losses_as_string(x, y, lr, epochs):
    w, b, losses = _by_hand()(x, y, lr, epochs)
    return w, b, str(losses)


def q2_numpy_losses(x, y, lr, epochs):
    w, b, losses = _by_hand()(x, y, lr, epochs)
    return w, b, np.array(losses)


@pytest.mark.parametrize("answer, key", [
    (_by_hand(clear=False), "regression.diag.no_zero_grad"),
    (_by_hand(reduce="sum"), "regression.diag.sum_loss"),
    (_by_hand(sign=-1.0), "regression.diag.uphill"),
    (q2_rebind, "regression.diag.rebind"),
    (q2_rebind_under_no_grad, "regression.diag.rebind_no_grad"),
    (q2_zero_first, "regression.diag.zero_none"),
    (q2_no_no_grad, "diag.inplace_leaf"),
    (q2_optimizer_on_copies, "regression.diag.not_trained"),
    (q2_too_few_epochs, "compare.length"),
    (q2_returns_nothing, "compare.not_tuple"),
    (q2_loss_tensor_2d, "regression.diag.losses_shape"),
    (q2_params_as_vector, "regression.diag.not_scalar"),
    (q2_losses_as_string, "regression.diag.losses_type"),
    (q2_numpy_losses, "regression.diag.losses_type"),
])
def test_q2_wrong(answer, key):
    assert_incorrect_everywhere(ex.q2, answer, key)


def test_q2_forgotten_zero_grad_names_the_epochs():
    outcome = assert_incorrect(ex.q2, _by_hand(clear=False), "regression.diag.no_zero_grad")
    assert "500" in outcome.details[0].render("en")
    assert "梯度从不清零" in outcome.details[0].render("zh")


@contextlib.contextmanager
def _only_hidden_case(question, index):
    """``question`` with one of its hidden cases: a copy whose templates are narrowed to it."""
    yield dataclasses.replace(question, draws=[question.draws[index]])


def test_q2_fixed_learning_rate_diverges_on_a_hidden_case():
    copied = _by_hand(fixed_lr=0.1)  # the seed's lr = 0.1 written into the loop
    # The second visible case (x in [0, 8), lr = 0.05) shows it before grading does.
    assert_incorrect(ex.q2, copied, "regression.diag.diverged")
    assert ex.q2.evaluate(copied, hidden=True).status is Status.INCORRECT
    with _only_hidden_case(ex.q2, 2) as wide_x:  # x in [0, 6): lr = 0.1 is too large there
        outcome = assert_incorrect(wide_x, copied, "regression.diag.diverged", hidden=True)
    assert outcome.details[0].params["lr"] == "0.06"


def test_q2_forgetting_the_intercept_is_not_converged_and_states_the_tolerance():
    forgot_b = _by_hand(update_b=False)
    # The seed's line y = 2x has intercept 0; the second visible line does not.
    assert_incorrect(ex.q2, forgot_b, "regression.diag.not_converged")
    outcome = assert_incorrect(ex.q2, forgot_b, "regression.diag.not_converged", hidden=True)
    assert f"{ex.TOLERANCE:g}" in outcome.details[0].render("en")


def test_q2_wrong_first_loss():
    def shifted(x, y, lr, epochs):
        w, b, losses = _by_hand()(x, y, lr, epochs)
        return w, b, [losses[-1], *losses[1:]]

    assert_incorrect(ex.q2, shifted, "regression.diag.first_loss")


def test_q2_hard_coded_visible_answer_fails_hidden():
    printed = [lesson_key.train_by_hand(*case.args) for case in ex.q2.visible]

    def hard_coded(x, y, lr, epochs):
        w, b, losses = printed[0] if x.numel() == 3 else printed[1]
        return torch.tensor(float(w)), torch.tensor(float(b)), list(losses)

    assert ex.q2.evaluate(hard_coded).passed
    assert ex.q2.evaluate(hard_coded, hidden=True).status is Status.INCORRECT


# ---- q3: nn.Linear, MSELoss, SGD ---------------------------------------------------------------


def q3_manual_update(model, x, y, lr, epochs):
    losses = torch.empty(epochs)
    for epoch in range(epochs):
        loss = F.mse_loss(model(x), y)
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad
        losses[epoch] = loss.item()
    return losses


def q3_keep_grad_tensors(model, x, y, lr, epochs):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    criterion = nn.MSELoss(reduction="mean")
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad(set_to_none=False)
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss)  # tensors still attached to the graph: accepted
    return losses


@pytest.mark.parametrize("answer", [q3_manual_update, q3_keep_grad_tensors])
def test_q3_other_right_styles(answer):
    assert_correct_everywhere(ex.q3, answer)


def _with_module(*, clear=True, reduction="mean", fixed_lr=None, params=None,
                 zero_between=False):
    def train(model, x, y, lr, epochs):
        criterion = nn.MSELoss(reduction=reduction)
        chosen = params(model, x) if params else model.parameters()
        optimizer = torch.optim.SGD(chosen, lr=fixed_lr if fixed_lr else lr)
        losses = []
        for _ in range(epochs):
            loss = criterion(model(x), y)
            if clear and not zero_between:
                optimizer.zero_grad()
            loss.backward()
            if zero_between:
                optimizer.zero_grad()
            optimizer.step()
            losses.append(loss.item())
        return losses

    return train


def q3_new_model(model, x, y, lr, epochs):
    model = nn.Linear(1, 1)
    return _with_module()(model, x, y, lr, epochs)


def q3_returns_model(model, x, y, lr, epochs):
    _with_module()(model, x, y, lr, epochs)
    return model


@pytest.mark.parametrize("answer, key", [
    (_with_module(clear=False), "regression.diag.no_zero_grad"),
    (_with_module(reduction="sum"), "regression.diag.sum_loss"),
    (_with_module(params=lambda model, x: [x]), "regression.diag.not_trained"),
    (_with_module(params=lambda model, x: [p.detach() for p in model.parameters()]),
     "regression.diag.not_trained"),
    (_with_module(zero_between=True), "regression.diag.not_trained"),
    (q3_new_model, "regression.diag.not_trained"),
    (q3_returns_model, "regression.diag.losses_type"),
])
def test_q3_wrong(answer, key):
    assert_incorrect_everywhere(ex.q3, answer, key)


def test_q3_fixed_learning_rate_diverges_on_a_hidden_case():
    copied = _with_module(fixed_lr=0.1)
    # The second visible case (x in [0, 6), lr = 0.05) shows it before grading does.
    assert_incorrect(ex.q3, copied, "regression.diag.diverged")
    with _only_hidden_case(ex.q3, 1) as wide_x:
        assert_incorrect(wide_x, copied, "regression.diag.diverged", hidden=True)


def test_q3_each_call_trains_a_new_model_from_the_stated_start():
    seen = []

    def spy(model, x, y, lr, epochs):
        seen.append((model, float(model.weight), float(model.bias)))
        return lesson_key.train_with_module(model, x, y, lr, epochs)

    assert ex.q3.evaluate(spy).passed
    assert seen[0][0] is not seen[1][0]
    assert seen[0][1:] == seen[1][1:] == (0.5, pytest.approx(-0.3))


def test_q3_a_replaced_parameter_is_reported_not_raised():
    def replaces_weight(model, x, y, lr, epochs):
        model.weight = None
        return [0.0] * epochs

    assert_incorrect(ex.q3, replaces_weight, "compare.none")


# ---- q4: closed form -------------------------------------------------------------------------


def q4_normal_equations(x, y):
    a = torch.stack([x, torch.ones_like(x)], dim=1)
    w, b = torch.linalg.solve(a.T @ a, a.T @ y)
    return w, b


def q4_formula_floats(x, y):
    dx = x - x.mean()
    w = ((dx * (y - y.mean())).sum() / (dx ** 2).sum()).item()
    return w, y.mean().item() - w * x.mean().item()


def q4_ones_first(x, y):
    a = torch.stack([torch.ones_like(x), x], dim=1).double()
    solution = torch.linalg.lstsq(a, y.double().reshape(-1, 1)).solution
    return solution[1], solution[0]


def q4_pinv(x, y):
    a = torch.column_stack([x, torch.ones_like(x)])
    w, b = torch.linalg.pinv(a) @ y
    return w, b


def q4_one_d_y(x, y):
    a = torch.stack([x, torch.ones_like(x)], dim=1)
    solution = torch.linalg.lstsq(a, y).solution
    return solution[0], solution[1]


@pytest.mark.parametrize("answer", [q4_normal_equations, q4_formula_floats, q4_ones_first,
                                    q4_pinv, q4_one_d_y])
def test_q4_other_right_styles(answer):
    assert_correct_everywhere(ex.q4, answer)


def q4_swapped(x, y):
    a = torch.stack([x, torch.ones_like(x)], dim=1)
    solution = torch.linalg.lstsq(a, y.unsqueeze(1)).solution
    return solution[1, 0], solution[0, 0]


def q4_no_ones(x, y):
    solution = torch.linalg.lstsq(x.unsqueeze(1), y.unsqueeze(1)).solution
    return solution[0, 0], torch.tensor(0.0)


def q4_whole_solution(x, y):
    a = torch.stack([x, torch.ones_like(x)], dim=1)
    return torch.linalg.lstsq(a, y.unsqueeze(1)).solution


def q4_numpy(x, y):
    w, b = np.polyfit(x.numpy(), y.numpy(), 1)
    return w, b


@pytest.mark.parametrize("answer, key", [
    (q4_swapped, "regression.diag.swapped_wb"),
    (q4_no_ones, "regression.diag.no_ones_column"),
    (q4_whole_solution, "compare.not_tuple"),
    (q4_numpy, "regression.diag.not_number"),
])
def test_q4_wrong(answer, key):
    assert_incorrect_everywhere(ex.q4, answer, key)


def test_q4_hard_coded_visible_answer_fails_hidden():
    w, b = lesson_key.closed_form(*ex.q4.visible[0].args)

    def hard_coded(x, y):
        return w.clone(), b.clone()

    assert ex.q4.evaluate(hard_coded).passed
    assert_incorrect(ex.q4, hard_coded, "regression.diag.closed_form_values", hidden=True)


# ---- mistakes the visible cases show, with their own diagnosis ---------------------------------


def q2_float32_linear(x, y, lr, epochs):
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = F.mse_loss(model(x.unsqueeze(1)).squeeze(1), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model.weight[0, 0], model.bias[0], losses


def q2_linear_in_the_data_dtype(x, y, lr, epochs):
    model = nn.Linear(1, 1, dtype=x.dtype)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = F.mse_loss(model(x.unsqueeze(1)).squeeze(1), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return model.weight[0, 0], model.bias[0], losses


def q2_losses_as_numpy_numbers(x, y, lr, epochs):
    w, b, losses = _by_hand()(x, y, lr, epochs)
    return w, b, [np.float64(loss) for loss in losses]


def q2_scales_x_in_place(x, y, lr, epochs):
    result = _by_hand()(x, y, lr, epochs)
    x.mul_(1.0)  # no change in value, but:
    x.requires_grad_(True)
    return result


def test_q2_float32_linear_on_float64_data_is_named():
    outcome = assert_incorrect_everywhere(ex.q2, q2_float32_linear,
                                          "regression.diag.dtype_mismatch") \
        or ex.q2.evaluate(q2_float32_linear)
    assert "dtype=x.dtype" in outcome.details[0].render("en")
    assert_correct_everywhere(ex.q2, q2_linear_in_the_data_dtype)


def test_a_loss_that_is_no_number_says_floats_are_fine():
    outcome = assert_incorrect(ex.q2, q2_losses_as_numpy_numbers, "regression.diag.not_number")
    text = outcome.details[0].render("en")
    assert "Python float" in text and "numpy.float64" in text
    assert "torch.Tensor" not in text


def test_q2_an_input_changed_by_the_answer_is_named():
    assert_incorrect_everywhere(ex.q2, q2_scales_x_in_place, "diag.input_changed")


def q3_per_sample(model, x, y, lr, epochs):
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for i in range(len(x)):
            loss = criterion(model(x[i:i + 1]), y[i:i + 1])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        losses.append(total / len(x))
    return losses


def q3_flat_target(model, x, y, lr, epochs):
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = criterion(model(x), y.squeeze())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def q3_flat_output(model, x, y, lr, epochs):
    return _flat_pair(model, x, y, lr, epochs, flatten_target=False)


def _flat_pair(model, x, y, lr, epochs, *, flatten_target=True):
    criterion = nn.MSELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        target = y.squeeze(1) if flatten_target else y
        loss = criterion(model(x).squeeze(1), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def test_q3_both_flattened_is_right():
    assert_correct_everywhere(ex.q3, _flat_pair)


def test_q3_per_sample_updates_are_named():
    outcome = assert_incorrect_everywhere(ex.q3, q3_per_sample, "regression.diag.per_sample") \
        or ex.q3.evaluate(q3_per_sample)
    assert "steps per epoch" in outcome.details[0].render("en")


@pytest.mark.parametrize("answer", [q3_flat_target, q3_flat_output])
def test_q3_broadcast_target_surfaces_the_warning(answer, capfd):
    outcome = assert_incorrect_everywhere(ex.q3, answer, "regression.diag.broadcast") \
        or ex.q3.evaluate(answer)
    text = outcome.details[0].render("en")
    assert "target size" in text and "broadcasts" in text and "3×3" in text
    assert capfd.readouterr().err == ""


def _known_wrong_answers():
    """Every wrong answer of this file's tables and single tests, with its question."""
    found = []
    for name, test in sorted(globals().items()):
        number = name[len("test_"):len("test_q1")] if name.startswith("test_q") else None
        if not (name.endswith("_wrong") and number):
            continue
        for mark in getattr(test, "pytestmark", []):
            if mark.name == "parametrize":
                found += [(number, values[0]) for values in mark.args[1]]
    found += [("q2", _by_hand(fixed_lr=0.1)), ("q2", _by_hand(update_b=False)),
              ("q2", q2_float32_linear), ("q2", q2_losses_as_numpy_numbers),
              ("q2", q2_scales_x_in_place), ("q3", q3_per_sample), ("q3", q3_flat_target),
              ("q3", q3_flat_output), ("q3", _with_module(fixed_lr=0.1))]
    return found


@pytest.mark.parametrize("number, answer", _known_wrong_answers(),
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_known_mistake_is_rejected_by_the_visible_check(number, answer):
    question = {"q1": ex.q1, "q2": ex.q2, "q3": ex.q3, "q4": ex.q4}[number]
    assert question.evaluate(answer, hidden=False).status is Status.INCORRECT
