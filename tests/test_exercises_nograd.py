"""Lesson 04's six questions (no_grad and detach), judged through ``Question.evaluate``."""

from __future__ import annotations

import copy
import re
import sys
import warnings

import numpy as np
import pytest
import torch
from torch import nn

import course_helpers
import course_helpers.key.no_grad_detach as answer_key
import course_helpers.lessons.no_grad_detach as ex
from course_helpers.messages import CATALOGUE
from course_helpers.outcome import Status
from tests.questionkit import (
    CJK,
    assert_correct_everywhere,
    assert_incorrect,
    assert_incorrect_everywhere,
    key_of,
)

QUESTIONS = {q.key.split(".")[-1]: q for q in ex.QUESTIONS}


@pytest.fixture(autouse=True)
def _grad_mode_on():
    """Every test starts and ends with gradient tracking on, whatever the answers did."""
    torch.set_grad_enabled(True)
    yield
    assert torch.is_grad_enabled(), "a check left gradient tracking switched off"
    torch.set_grad_enabled(True)


# ---- the questions as a whole -----------------------------------------------------------------


def test_there_are_six_questions():
    assert [q.name for q in ex.QUESTIONS] == [f"ex.q{n}" for n in range(1, 7)]
    assert [q.key for q in ex.QUESTIONS] == [f"nograd.q{n}" for n in range(1, 7)]
    assert all(q.draws and q.points == 2 for q in ex.QUESTIONS)


def test_every_lesson_specific_key_exists():
    keys = {k for k in CATALOGUE if k.startswith("nograd.")}
    # The judges name most keys; the answer key names those of the known descent mistakes.
    source = "".join(open(module.__file__, encoding="utf-8").read() for module in (ex, answer_key))
    named = set(re.findall(r'"(nograd\.[a-z0-9_.]+)"', source))
    named -= {q.key for q in ex.QUESTIONS}  # question keys, not messages
    assert len(named) > 20 and named <= keys
    for question in ex.QUESTIONS:
        assert f"{question.key}.hint" in keys


# ---- the argument recipes ---------------------------------------------------------------------


def test_leaf_recipe_gives_a_fresh_leaf_with_its_gradient_every_time():
    spec = ex.q2.visible[0].args[0]
    first, second = copy.deepcopy(spec), copy.deepcopy(spec)
    assert first is not second
    for made in (first, second):
        assert type(made) is torch.Tensor and made.is_leaf and made.requires_grad
        assert torch.equal(made.grad, torch.tensor([20.0, -8.0, 5.0]))
    with torch.no_grad():
        first.zero_()
    first.grad.zero_()
    assert torch.equal(second, torch.tensor([10.0, -4.0, 2.5]))
    assert torch.equal(copy.deepcopy(spec).grad, torch.tensor([20.0, -8.0, 5.0]))


def test_model_recipe_gives_a_fresh_model_and_leaves_the_global_rng_alone():
    state = torch.random.get_rng_state()
    spec = ex.mlp((3, 4, 1), seed=1)
    assert torch.equal(torch.random.get_rng_state(), state)
    first, second = copy.deepcopy(spec), copy.deepcopy(spec)
    first.requires_grad_(False)
    assert all(p.requires_grad for p in second.parameters())
    assert torch.equal(first[0].weight, second[0].weight)


# ---- the global grad mode ---------------------------------------------------------------------


def q1_set_grad_enabled(w, x):
    torch.set_grad_enabled(False)
    return w * x


def test_grad_mode_left_off_is_wrong_and_switched_back_on():
    for hidden in (False, True):
        outcome = assert_incorrect(ex.q1, q1_set_grad_enabled, "diag.grad_left_off",
                                   hidden=hidden)
        assert torch.is_grad_enabled()
        assert "torch.set_grad_enabled(False)" in outcome.details[0].render("en")
        assert [d.key for d in outcome.details] == ["diag.grad_left_off",
                                                    "outcome.hint_pointer"]


def q1_set_grad_enabled_context(w, x):
    with torch.set_grad_enabled(False):
        return w * x


def q1_set_grad_enabled_restored(w, x):
    torch.set_grad_enabled(False)
    y = w * x
    torch.set_grad_enabled(True)
    return y


def test_grad_mode_switched_off_and_back_on_is_fine():
    assert_correct_everywhere(ex.q1, q1_set_grad_enabled_context)
    assert_correct_everywhere(ex.q1, q1_set_grad_enabled_restored)


def test_grad_mode_left_off_by_an_earlier_cell_is_reported_and_repaired():
    torch.set_grad_enabled(False)
    outcome = ex.q1.evaluate(ex.q1.reference)
    assert torch.is_grad_enabled()
    assert outcome.status is Status.CORRECT
    assert [d.key for d in outcome.details] == ["outcome.correct_visible",
                                                "diag.grad_was_off"]
    # With tracking off, w * x would not require grad and pass; the check switches it on first.
    torch.set_grad_enabled(False)
    assert_incorrect(ex.q1, lambda w, x: w * x, "nograd.q1.requires_grad")


@pytest.mark.parametrize("name", ["q2", "q6"])
def test_grad_mode_left_off_inside_an_update_is_caught(name):
    def q2_answer(w, lr):
        torch.set_grad_enabled(False)
        w -= lr * w.grad
        w.grad.zero_()

    def q6_answer(w0, lr, steps):
        result = ex.q6.reference(w0, lr, steps)
        torch.set_grad_enabled(False)
        return result

    answer = q2_answer if name == "q2" else q6_answer
    assert_incorrect_everywhere(QUESTIONS[name], answer, "diag.grad_left_off")


# ---- q1: predict without building a graph -----------------------------------------------------


def q1_plain(w, x):
    return w * x


def q1_freeze_w(w, x):
    w.requires_grad_(False)
    return w * x


def q1_freeze_w_attribute(w, x):
    w.requires_grad = False
    return w * x


def q1_changes_w(w, x):
    with torch.no_grad():
        w.mul_(x)
    return w.detach().clone()


def q1_numpy(w, x):
    return w.detach().numpy() * x.numpy()


def q1_returns_w(w, x):
    return w


def q1_add(w, x):
    with torch.no_grad():
        return w + x


@pytest.mark.parametrize("answer, key", [
    (q1_plain, "nograd.q1.requires_grad"),
    (q1_freeze_w, "nograd.froze_input"),
    (q1_freeze_w_attribute, "nograd.froze_input"),
    (q1_changes_w, "diag.mutated_input"),
    (q1_numpy, "compare.not_tensor"),
    (q1_returns_w, "compare.unwanted_requires_grad"),
    (q1_add, "compare.values"),
])
def test_q1_wrong(answer, key):
    assert_incorrect_everywhere(ex.q1, answer, key)


def test_q1_names_the_recorded_operation_and_the_fix():
    outcome = assert_incorrect(ex.q1, q1_plain, "nograd.q1.requires_grad")
    en, zh = outcome.details[0].render("en"), outcome.details[0].render("zh")
    assert "grad_fn=MulBackward0" in en and "torch.no_grad()" in en
    assert "grad_fn=MulBackward0" in zh and "计算图" in zh


def test_q1_froze_input_names_w():
    outcome = assert_incorrect(ex.q1, q1_freeze_w, "nograd.froze_input")
    assert "w.requires_grad_(False)" in outcome.details[0].render("en")


def q1_detach(w, x):
    return (w * x).detach()


def q1_detach_w(w, x):
    return w.detach() * x


@torch.no_grad()
def q1_decorated(w, x):
    return w * x


def q1_inference_mode(w, x):
    with torch.inference_mode():
        return w * x


def q1_data(w, x):
    return w.data * x


def q1_float64(w, x):
    with torch.no_grad():
        return w.double() * x.double()


@pytest.mark.parametrize("answer", [ex.q1.reference, q1_detach, q1_detach_w, q1_decorated,
                                    q1_inference_mode, q1_data, q1_float64])
def test_q1_other_right_styles(answer):
    assert_correct_everywhere(ex.q1, answer)


@pytest.mark.parametrize("value", [None, [4.0, 10.0, 18.0], np.array([4.0, 10.0, 18.0]),
                                   torch.zeros(2), torch.zeros(3, dtype=torch.int64),
                                   torch.tensor([4, 10, 18])],
                         ids=["none", "list", "ndarray", "shape", "int-zeros", "int"])
def test_q1_bad_return_values_give_messages(value):
    outcome = ex.q1.evaluate(lambda w, x: value)
    assert outcome.status is Status.INCORRECT
    assert key_of(outcome).startswith("compare.")


# ---- q2: one SGD step in place ----------------------------------------------------------------


def q2_outside_no_grad(w, lr):
    w -= lr * w.grad
    w.grad.zero_()


def q2_rebind_tracked(w, lr):
    w = w - lr * w.grad
    return w


def q2_rebind_under_no_grad(w, lr):
    with torch.no_grad():
        w = w - lr * w.grad
    return w


def q2_rebind_returns_nothing(w, lr):
    with torch.no_grad():
        w = w - lr * w.grad
    w.grad = None


def q2_rebind_then_zero(w, lr):
    with torch.no_grad():
        w = w - lr * w.grad
    w.grad.zero_()


def q2_forgot_zero(w, lr):
    with torch.no_grad():
        w -= lr * w.grad


def q2_zero_first(w, lr):
    w.grad.zero_()
    with torch.no_grad():
        w -= lr * w.grad


def q2_requires_grad_off(w, lr):
    w.requires_grad_(False)
    w -= lr * w.grad
    w.grad.zero_()


def q2_plus(w, lr):
    with torch.no_grad():
        w += lr * w.grad
    w.grad.zero_()


def q2_no_lr(w, lr):
    with torch.no_grad():
        w -= w.grad
    w.grad.zero_()


def q2_half_step(w, lr):
    with torch.no_grad():
        w -= lr * w.grad / 2
    w.grad.zero_()


def q2_nothing(w, lr):
    return None


def q2_tracked_via_frozen_flag(w, lr):
    # Switch tracking off on w, then subtract something that requires grad: w gets a grad_fn.
    step = (lr * w.grad).requires_grad_()
    w.requires_grad_(False)
    w.sub_(step)
    w.grad.zero_()


@pytest.mark.parametrize("answer, key", [
    (q2_outside_no_grad, "nograd.inplace_outside_no_grad"),
    (q2_rebind_tracked, "nograd.q2.rebound_tracked"),
    (q2_rebind_under_no_grad, "nograd.q2.rebound"),
    (q2_rebind_returns_nothing, "nograd.q2.unchanged"),
    (q2_rebind_then_zero, "nograd.q2.rebound_grad_none"),
    (q2_nothing, "nograd.q2.unchanged"),
    (q2_forgot_zero, "nograd.q2.grad_not_zeroed"),
    (q2_zero_first, "nograd.q2.zeroed_first"),
    (q2_requires_grad_off, "nograd.q2.requires_grad_off"),
    (q2_plus, "nograd.q2.wrong_sign"),
    (q2_no_lr, "nograd.q2.no_lr"),
    (q2_half_step, "nograd.q2.step_scaled"),
])
def test_q2_wrong(answer, key):
    assert_incorrect_everywhere(ex.q2, answer, key)


def test_q2_an_update_recorded_in_w_itself_is_named():
    outcome = ex.q2.evaluate(q2_tracked_via_frozen_flag)
    # requires_grad is back on through the graph, but w is no longer a leaf
    assert outcome.status is Status.INCORRECT
    assert key_of(outcome) == "nograd.q2.tracked"
    assert "grad_fn=SubBackward0" in outcome.details[0].render("en")


def test_q2_rebinding_names_the_grad_fn_and_no_grad():
    outcome = assert_incorrect(ex.q2, q2_rebind_tracked, "nograd.q2.rebound_tracked")
    en = outcome.details[0].render("en")
    assert "grad_fn=SubBackward0" in en and "with torch.no_grad()" in en
    assert "SubBackward0" in outcome.details[0].render("zh")


def test_q2_inplace_error_names_the_fix_in_both_languages():
    outcome = assert_incorrect(ex.q2, q2_outside_no_grad, "nograd.inplace_outside_no_grad")
    assert "torch.no_grad()" in outcome.details[0].render("en")
    assert "原地修改" in outcome.details[0].render("zh")


def q2_sub_alpha(w, lr):
    with torch.no_grad():
        w.sub_(w.grad, alpha=lr)
    w.grad = None


def q2_data(w, lr):
    w.data = w.data - lr * w.grad
    w.grad.data.zero_()


def q2_detach_inplace(w, lr):
    w.detach().sub_(lr * w.grad)
    w.grad.zero_()
    return w


def q2_toggle_requires_grad(w, lr):
    w.requires_grad_(False)
    w -= lr * w.grad
    w.requires_grad_(True)
    w.grad.zero_()


def q2_optimizer(w, lr):
    optimizer = torch.optim.SGD([w], lr=lr)
    optimizer.step()
    optimizer.zero_grad()


def q2_returns_w(w, lr):
    with torch.no_grad():
        w -= lr * w.grad
    w.grad.zero_()
    return w


def q2_set_grad_enabled_context(w, lr):
    with torch.set_grad_enabled(False):
        w -= lr * w.grad
    w.grad.zero_()


@pytest.mark.parametrize("answer", [ex.q2.reference, q2_sub_alpha, q2_data, q2_detach_inplace,
                                    q2_toggle_requires_grad, q2_optimizer, q2_returns_w,
                                    q2_set_grad_enabled_context])
def test_q2_other_right_styles(answer):
    assert_correct_everywhere(ex.q2, answer)


@pytest.mark.parametrize("value", [None, [1.0], np.zeros(3), torch.zeros(7),
                                   torch.zeros(3, dtype=torch.int64)],
                         ids=["none", "list", "ndarray", "shape", "int"])
def test_q2_bad_return_values_give_messages(value):
    def answer(w, lr):
        return value

    outcome = ex.q2.evaluate(answer)
    assert outcome.status is Status.INCORRECT
    assert key_of(outcome) in {"nograd.q2.unchanged", "nograd.q2.rebound"}


# ---- q3: to NumPy -----------------------------------------------------------------------------


def q3_numpy(t):
    return t.numpy()


def q3_np_array(t):
    return np.array(t)


def q3_tolist(t):
    return t.tolist()


def q3_array_of_list(t):
    return np.array(t.tolist())


def q3_tensor(t):
    return t.detach()


def q3_no_return(t):
    t.detach().numpy()


def q3_flatten(t):
    return t.detach().numpy().reshape(-1)


def q3_freeze(t):
    t.requires_grad_(False)
    return t.numpy()


def q3_wrong_values(t):
    return t.detach().numpy() * 2


@pytest.mark.parametrize("answer, key, hidden_key", [
    (q3_numpy, "diag.numpy_requires_grad", "diag.numpy_requires_grad"),
    (q3_np_array, "diag.numpy_requires_grad", "diag.numpy_requires_grad"),
    (q3_tolist, "nograd.q3.not_array", "nograd.q3.not_array"),
    (q3_array_of_list, "nograd.q3.dtype", "nograd.q3.dtype"),
    (q3_tensor, "nograd.q3.tensor", "nograd.q3.tensor"),
    (q3_no_return, "nograd.q3.none", "nograd.q3.none"),
    (q3_freeze, "nograd.froze_input", "nograd.froze_input"),
    (q3_wrong_values, "compare.values", "compare.values"),
    # The visible input is 1-D, so flattening only shows on a hidden 2-D input.
    (q3_flatten, "nograd.q3.shape", "nograd.q3.shape"),
])
def test_q3_wrong(answer, key, hidden_key):
    if key is None:
        assert ex.q3.evaluate(answer).status is Status.CORRECT
    else:
        assert_incorrect(ex.q3, answer, key)
    assert_incorrect(ex.q3, answer, hidden_key, hidden=True)


def test_q3_dtype_message_names_both_dtypes():
    outcome = assert_incorrect(ex.q3, q3_array_of_list, "nograd.q3.dtype")
    en = outcome.details[0].render("en")
    assert "float64" in en and "float32" in en and ".tolist()" in en


def q3_force(t):
    return t.numpy(force=True)


def q3_data(t):
    return t.data.numpy()


def q3_copy(t):
    return t.detach().numpy().copy()


def q3_asarray(t):
    return np.asarray(t.detach())


def q3_clone_first(t):
    return t.detach().clone().numpy()


@pytest.mark.parametrize("answer", [ex.q3.reference, q3_force, q3_data, q3_copy, q3_asarray,
                                    q3_clone_first])
def test_q3_other_right_styles(answer):
    assert_correct_everywhere(ex.q3, answer)


@pytest.mark.parametrize("value, key", [
    (None, "nograd.q3.none"),
    ([10.0, 20.0], "nograd.q3.not_array"),
    ((10.0, 20.0), "nograd.q3.not_array"),
    (np.float32(10.0), "nograd.q3.not_array"),
    (np.array([10.0, 20.0, 30.0], dtype=np.float32), "nograd.q3.shape"),
    (np.array([10, 20]), "nograd.q3.dtype"),
    (np.array([10.0, 20.0], dtype=object), "nograd.q3.dtype"),
    (np.ma.masked_array([10.0, 20.0], dtype=np.float32), "nograd.q3.not_array"),
    (np.array([10.0, np.nan], dtype=np.float32), "compare.not_finite"),
    (torch.tensor([10.0, 20.0]), "nograd.q3.tensor"),
])
def test_q3_bad_return_values_give_messages(value, key):
    assert_incorrect(ex.q3, lambda t: value, key)


# ---- q4: an independent copy ------------------------------------------------------------------


def q4_detach(t):
    return t.detach()


def q4_data(t):
    return t.data


def q4_clone(t):
    return t.clone()


def q4_deepcopy(t):
    return copy.deepcopy(t)


def q4_same(t):
    return t


def q4_inference(t):
    with torch.inference_mode():
        return t.clone()


def q4_from_numpy(t):
    return torch.from_numpy(t.detach().numpy())


def q4_view(t):
    return t.detach().view_as(t)


def q4_freeze_then_clone(t):
    t.requires_grad_(False)
    return t.clone()


def q4_tolist(t):
    return torch.tensor(t.tolist())


def q4_numpy_copy(t):
    return t.detach().numpy().copy()


def q4_zeroes_source(t):
    copy_ = t.detach().clone()
    t.detach().zero_()
    return copy_


def q4_rounded(t):
    return t.detach().clone().round()


@pytest.mark.parametrize("answer, key", [
    (q4_detach, "nograd.q4.shares"),
    (q4_data, "nograd.q4.shares"),
    (q4_from_numpy, "nograd.q4.shares"),
    (q4_view, "nograd.q4.shares"),
    (q4_clone, "nograd.q4.in_graph"),
    (q4_deepcopy, "nograd.q4.requires_grad"),
    (q4_same, "nograd.q4.same_object"),
    (q4_inference, "nograd.q4.inference"),
    (q4_freeze_then_clone, "nograd.froze_input"),
    (q4_tolist, "compare.dtype"),
    (q4_numpy_copy, "compare.not_tensor"),
    (q4_zeroes_source, "diag.mutated_input"),
])
def test_q4_wrong(answer, key):
    assert_incorrect(ex.q4, answer, key)
    if answer is not q4_tolist:  # the first hidden input is float32, where tolist() is fine
        assert_incorrect(ex.q4, answer, key, hidden=True)


def test_q4_tolist_fails_on_the_float64_hidden_input():
    assert_incorrect(ex.q4, q4_tolist, "compare.dtype", hidden=True)


def test_q4_rounding_is_wrong_values():
    assert_incorrect(ex.q4, q4_rounded, "compare.values", hidden=True)


def test_q4_messages_name_the_fix():
    shares = assert_incorrect(ex.q4, q4_detach, "nograd.q4.shares").details[0]
    assert "clone()" in shares.render("en") and "共用同一块内存" in shares.render("zh")
    graph = assert_incorrect(ex.q4, q4_clone, "nograd.q4.in_graph").details[0]
    assert "CloneBackward0" in graph.render("en") and "t.detach().clone()" in graph.render("en")


def test_q4_check_leaves_the_copy_as_it_was():
    seen = []

    def keeps(t):
        copy_ = t.detach().clone()
        seen.append(copy_)
        return copy_

    assert ex.q4.evaluate(keeps).status is Status.CORRECT
    assert torch.equal(seen[0], torch.tensor([10.0, 20.0], dtype=torch.float64))


def q4_clone_detach(t):
    return t.clone().detach()


def q4_torch_tensor(t):
    return torch.tensor(t)


def q4_no_grad_clone(t):
    with torch.no_grad():
        return t.clone()


def q4_from_numpy_copy(t):
    return torch.from_numpy(t.detach().numpy().copy())


def q4_empty_like_copy(t):
    copy_ = torch.empty_like(t, requires_grad=False)
    copy_.copy_(t.detach())
    return copy_


@pytest.mark.parametrize("answer", [ex.q4.reference, q4_clone_detach, q4_torch_tensor,
                                    q4_no_grad_clone, q4_from_numpy_copy, q4_empty_like_copy])
def test_q4_other_right_styles(answer):
    assert_correct_everywhere(ex.q4, answer)


@pytest.mark.parametrize("value, key", [
    (None, "compare.none"),
    ([10.0, 20.0], "compare.not_tensor"),
    (np.array([10.0, 20.0]), "compare.not_tensor"),
    (torch.zeros(3, dtype=torch.float64), "compare.shape"),
    (torch.tensor([10.0, 20.0]), "compare.dtype"),
    (torch.tensor([10, 20]), "compare.not_float"),
])
def test_q4_bad_return_values_give_messages(value, key):
    assert_incorrect(ex.q4, lambda t: value, key)


# ---- q5: freeze the first layer ---------------------------------------------------------------


def q5_no_grad(model):
    with torch.no_grad():
        model[0](torch.ones(model[0].in_features))


def q5_whole_model(model):
    model.requires_grad_(False)


def q5_weight_only(model):
    model[0].weight.requires_grad_(False)


def q5_last_layer(model):
    model[-1].requires_grad_(False)


def q5_assign_detached(model):
    model[0].weight = model[0].weight.detach()


def q5_new_layer(model):
    model[0] = nn.Linear(model[0].in_features, model[0].out_features).requires_grad_(False)


def q5_zero_and_freeze(model):
    with torch.no_grad():
        model[0].weight.zero_()
    model[0].requires_grad_(False)


def q5_drop_layer(model):
    del model[0]


@pytest.mark.parametrize("answer, key", [
    (q5_no_grad, "nograd.q5.nothing_frozen"),
    (q5_whole_model, "nograd.q5.froze_rest"),
    (q5_weight_only, "nograd.q5.partly"),
    (q5_last_layer, "nograd.q5.froze_rest"),
    (q5_assign_detached, "nograd.q5.assigned_tensor"),
    (q5_new_layer, "nograd.q5.values_changed"),
    (q5_zero_and_freeze, "nograd.q5.values_changed"),
    (q5_drop_layer, "nograd.q5.structure"),
])
def test_q5_wrong(answer, key):
    assert_incorrect_everywhere(ex.q5, answer, key)


def test_q5_names_the_parameters():
    too_many = assert_incorrect(ex.q5, q5_whole_model, "nograd.q5.froze_rest").details[0]
    assert "2.weight, 2.bias" in too_many.render("en")
    partly = assert_incorrect(ex.q5, q5_weight_only, "nograd.q5.partly").details[0]
    assert "0.bias" in partly.render("en") and "偏置" in partly.render("zh")


def q5_hard_coded(model):
    model[0].weight.requires_grad_(False)
    model[0].bias.requires_grad_(False)


def q5_hard_coded_attribute(model):
    model[0].weight.requires_grad = False
    model[0].bias.requires_grad = False


@pytest.mark.parametrize("answer", [q5_hard_coded, q5_hard_coded_attribute])
def test_q5_hard_coded_bias_fails_on_a_visible_layer_without_bias(answer):
    outcome = assert_incorrect_everywhere(ex.q5, answer, "nograd.q5.bias_none") \
        or ex.q5.evaluate(answer)
    assert "bias=False" in "\n".join(outcome.text_lines())
    assert "model[0].parameters()" in outcome.details[0].render("en")


def q5_bias_checked(model):
    model[0].weight.requires_grad_(False)
    if model[0].bias is not None:
        model[0].bias.requires_grad_(False)


def q5_attribute(model):
    for p in model[0].parameters():
        p.requires_grad = False


def q5_named(model):
    for name, p in model.named_parameters():
        if name.startswith("0."):
            p.requires_grad_(False)


def q5_detach_(model):
    for p in model[0].parameters():
        p.detach_()


def q5_module_call(model):
    model[0].requires_grad_(False)
    return model


@pytest.mark.parametrize("answer", [ex.q5.reference, q5_attribute, q5_named, q5_bias_checked,
                                    q5_detach_, q5_module_call])
def test_q5_other_right_styles(answer):
    assert_correct_everywhere(ex.q5, answer)


def test_q5_a_frozen_model_trains_only_its_later_layers():
    model = copy.deepcopy(ex.q5.visible[0].args[0])
    ex.q5.reference(model)
    model(torch.ones(2, 3)).sum().backward()
    assert model[0].weight.grad is None and model[0].bias.grad is None
    assert model[2].weight.grad is not None


# ---- q6: a descent loop with a history --------------------------------------------------------


def _loop(w0, lr, steps, *, record, zero=True, reduce="sum", under_no_grad=True,
          in_place=True, start=False):
    w = w0.detach().clone().requires_grad_(True)
    history = [record(w)] if start else []
    for _ in range(steps):
        loss = (w ** 2).sum() if reduce == "sum" else (w ** 2).mean()
        loss.backward()
        if under_no_grad:
            with torch.no_grad():
                if in_place:
                    w -= lr * w.grad
                else:
                    w = w - lr * w.grad
        elif in_place:
            w -= lr * w.grad
        else:
            w = w - lr * w.grad
        if zero and w.grad is not None:
            w.grad.zero_()
        history.append(record(w))
    return torch.stack(history)


def _copy(w):
    return w.detach().clone()


def q6_detach_only(w0, lr, steps):
    return _loop(w0, lr, steps, record=lambda w: w.detach())


def q6_data(w0, lr, steps):
    return _loop(w0, lr, steps, record=lambda w: w.data)


def q6_clone_only(w0, lr, steps):
    return _loop(w0, lr, steps, record=lambda w: w.clone())


def q6_w_itself(w0, lr, steps):
    return _loop(w0, lr, steps, record=lambda w: w)


def q6_not_zeroed(w0, lr, steps):
    return _loop(w0, lr, steps, record=_copy, zero=False)


def q6_mean(w0, lr, steps):
    return _loop(w0, lr, steps, record=_copy, reduce="mean")


def q6_rebind_under_no_grad(w0, lr, steps):
    return _loop(w0, lr, steps, record=_copy, in_place=False)


def q6_rebind_tracked(w0, lr, steps):
    return _loop(w0, lr, steps, record=_copy, under_no_grad=False, in_place=False)


def q6_outside_no_grad(w0, lr, steps):
    return _loop(w0, lr, steps, record=_copy, under_no_grad=False)


def q6_with_start(w0, lr, steps):
    return _loop(w0, lr, steps, record=_copy, start=True)


def q6_changes_w0(w0, lr, steps):
    w = w0.requires_grad_(True)
    history = []
    for _ in range(steps):
        (w ** 2).sum().backward()
        with torch.no_grad():
            w -= lr * w.grad
        w.grad.zero_()
        history.append(w.detach().clone())
    return torch.stack(history)


def q6_zero_before_first_backward(w0, lr, steps):
    w = w0.detach().clone().requires_grad_(True)
    history = []
    for _ in range(steps):
        w.grad.zero_()
        (w ** 2).sum().backward()
        with torch.no_grad():
            w -= lr * w.grad
        history.append(w.detach().clone())
    return torch.stack(history)


def q6_list(w0, lr, steps):
    return ex.q6.reference(w0, lr, steps).tolist()


def q6_wrong_lr(w0, lr, steps):
    return ex.q6.reference(w0, lr * 1.5, steps)


@pytest.mark.parametrize("answer, key", [
    (q6_detach_only, "nograd.q6.all_final"),
    (q6_data, "nograd.q6.all_final"),
    (q6_clone_only, "nograd.q6.requires_grad"),
    (q6_w_itself, "nograd.q6.requires_grad"),
    (q6_not_zeroed, "nograd.q6.not_zeroed"),
    (q6_rebind_under_no_grad, "nograd.q6.rebound_under_no_grad"),
    (q6_rebind_tracked, "nograd.q6.grad_none"),
    (q6_outside_no_grad, "nograd.inplace_outside_no_grad"),
    (q6_with_start, "nograd.q6.includes_start"),
    (q6_changes_w0, "diag.mutated_input"),
    (q6_zero_before_first_backward, "nograd.q6.grad_none"),
    (q6_list, "compare.not_tensor"),
    (q6_wrong_lr, "compare.values"),
])
def test_q6_wrong(answer, key):
    assert_incorrect_everywhere(ex.q6, answer, key)


def q6_double_in_place(w0, lr, steps):
    w = w0.double().requires_grad_()  # no copy when w0 is float64 already
    rows = []
    for _ in range(steps):
        (w * w).sum().backward()
        with torch.no_grad():
            w.sub_(lr * w.grad)
        w.grad = None
        rows.append(w.detach().clone())
    return torch.stack(rows)


def test_q6_double_is_no_copy_for_float64_input():
    # The visible float64 case shows it as well as the hidden one.
    outcome = assert_incorrect(ex.q6, q6_double_in_place, "diag.mutated_input")
    assert "float64" in "\n".join(outcome.text_lines())
    assert_incorrect(ex.q6, q6_double_in_place, "diag.mutated_input", hidden=True)


def test_q2_half_step_names_the_factor():
    outcome = assert_incorrect(ex.q2, q2_half_step, "nograd.q2.step_scaled")
    assert outcome.details[0].params["factor"] == "0.5"


def test_q6_mean_instead_of_sum():
    # One hidden input is a scalar, where mean and sum agree; the visible one has two entries.
    assert_incorrect(ex.q6, q6_mean, "nograd.q6.mean")
    assert_incorrect(ex.q6, q6_mean, "nograd.q6.mean", hidden=True)


def test_q6_messages_name_the_fix():
    final = assert_incorrect(ex.q6, q6_detach_only, "nograd.q6.all_final").details[0]
    assert "w.detach().clone()" in final.render("en") and "共用内存" in final.render("zh")
    start = assert_incorrect(ex.q6, q6_with_start, "nograd.q6.includes_start").details[0]
    assert "5 rows instead of 4" in start.render("en")


def q6_optimizer(w0, lr, steps):
    w = w0.detach().clone().requires_grad_(True)
    optimizer = torch.optim.SGD([w], lr=lr)
    history = []
    for _ in range(steps):
        optimizer.zero_grad()
        (w ** 2).sum().backward()
        optimizer.step()
        history.append(w.detach().clone())
    return torch.stack(history)


def q6_float64_copy(w0, lr, steps):
    w = w0.to(torch.float64, copy=True).requires_grad_()
    rows = []
    for _ in range(steps):
        (w * w).sum().backward()
        with torch.no_grad():
            w.sub_(lr * w.grad)
            w.grad = None
        rows.append(w.detach().clone())
    return torch.stack(rows)


def q6_set_grad_enabled_context(w0, lr, steps):
    w = w0.detach().clone().requires_grad_(True)
    history = torch.empty((steps, *w0.shape), dtype=w0.dtype)
    for k in range(steps):
        (w ** 2).sum().backward()
        with torch.set_grad_enabled(False):
            w -= lr * w.grad
            history[k] = w
        w.grad.zero_()
    return history


@pytest.mark.parametrize("answer", [ex.q6.reference, q6_optimizer, q6_float64_copy,
                                    q6_set_grad_enabled_context])
def test_q6_other_right_styles(answer):
    assert_correct_everywhere(ex.q6, answer)


@pytest.mark.parametrize("value, key", [
    (None, "compare.none"),
    ([[8.0, -3.2]], "compare.not_tensor"),
    (np.zeros((4, 2)), "compare.not_tensor"),
    (torch.zeros(4), "compare.shape"),
    (torch.zeros(4, 2, dtype=torch.int64), "compare.not_float"),
    (torch.zeros(4, 2), "compare.values"),
])
def test_q6_bad_return_values_give_messages(value, key):
    assert_incorrect(ex.q6, lambda w0, lr, steps: value, key)


# ---- hidden cases really differ ---------------------------------------------------------------


def q1_hard_coded(w, x):
    return torch.tensor([4.0, 10.0, 18.0])


def q2_hard_coded(w, lr):
    with torch.no_grad():
        w.copy_(torch.tensor([8.0, -3.2, 2.0]))
    w.grad.zero_()


def q3_hard_coded(t):
    if t.ndim == 2:  # the second visible case
        return np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return np.array([10.0, 20.0], dtype=np.float32)


def q4_hard_coded(t):
    return torch.tensor([10.0, 20.0], dtype=torch.float64)


def q6_hard_coded(w0, lr, steps):
    if w0.ndim == 2:  # the second visible case: w shrinks by 0.6 each step
        start = torch.tensor([[1.0, -2.0], [0.5, 3.0]], dtype=torch.float64)
        return torch.stack([start * 0.6, start * 0.36, start * 0.216])
    return torch.tensor([[8.0, -3.2], [6.4, -2.56], [5.12, -2.048], [4.096, -1.6384]])


@pytest.mark.parametrize("name, answer", [
    ("q1", q1_hard_coded), ("q2", q2_hard_coded), ("q3", q3_hard_coded),
    ("q4", q4_hard_coded), ("q6", q6_hard_coded),
])
def test_hard_coded_visible_answer_fails_hidden(name, answer):
    question = QUESTIONS[name]
    assert question.evaluate(answer).status is Status.CORRECT
    outcome = question.evaluate(answer, hidden=True)
    assert outcome.status is Status.INCORRECT
    assert "outcome.hidden_case" in [d.key for d in outcome.details]


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_hidden_failure_never_shows_a_case_label(name):
    def wrong(*args):
        return torch.zeros(1)

    outcome = QUESTIONS[name].evaluate(wrong, hidden=True)
    assert outcome.status is Status.INCORRECT
    keys = [d.key for d in outcome.details]
    assert "outcome.case" not in keys and "outcome.hidden_case" in keys


def test_visible_feedback_names_the_input():
    outcome = ex.q2.evaluate(q2_forgot_zero)
    text = "\n".join(outcome.text_lines())
    assert "w.grad = tensor([20., -8., 5.])" in text and "ex.q2.hint()" in text
    assert [d.key for d in outcome.details] == ["nograd.q2.grad_not_zeroed", "outcome.case",
                                                "outcome.hint_pointer"]


# ---- the grading face, hints and solutions ----------------------------------------------------


def test_grade_wrong_raises_check_failed_in_both_languages():
    with pytest.raises(course_helpers.CheckFailed) as caught:
        ex.q4.grade(q4_detach)
    text = str(caught.value)
    assert "shares memory with t" in text and "共用同一块内存" in text and "练习 4" in text


def noisy_copy(t):
    warnings.warn("copying", UserWarning, stacklevel=1)
    print("debug: copying", file=sys.stderr)
    return torch.tensor(t)  # PyTorch itself warns about copy-constructing, too


def test_grade_writes_nothing_to_stderr(capfd):
    ex.q4.grade(noisy_copy)
    ex.q4.grade(noisy_copy, hidden=True)
    with pytest.raises(course_helpers.CheckFailed):
        ex.q4.grade(q4_detach)
    captured = capfd.readouterr()
    assert captured.err == ""
    assert "debug" not in captured.out


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_hint_is_bilingual(name, capsys):
    note = QUESTIONS[name].hint()
    assert note.body.key == f"nograd.{name}.hint"
    assert CJK.search(note.body.render("zh")) and not CJK.search(note.body.render("en"))


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_solution_is_the_reference_source(name, capsys):
    question = QUESTIONS[name]
    source = question.solution()
    assert source.startswith(f"def {question.reference.__name__}(")
    namespace: dict = {"torch": torch, "nn": nn}
    exec(source, namespace)
    rebuilt = namespace[question.reference.__name__]
    assert rebuilt is not question.reference
    assert_correct_everywhere(question, rebuilt)


# ---- the visible check alone rejects every typical mistake --------------------------------


def q1_scales_x(w, x):
    x.mul_(1.0)
    x.requires_grad_(True)
    with torch.no_grad():
        return w * x


def test_q1_an_input_changed_by_the_answer_is_named():
    assert_incorrect_everywhere(ex.q1, q1_scales_x, "diag.input_changed")


def test_q4_inference_rule_matches_q1():
    # A prediction is only read: inference mode is fine there. A copy is used further.
    assert_correct_everywhere(ex.q1, q1_inference_mode)
    text = assert_incorrect(ex.q4, q4_inference, "nograd.q4.inference").details[0]
    assert "exercise 1" in text.render("en") and "练习 1" in text.render("zh")


def _known_wrong_answers():
    """Every wrong answer of this file's ``test_qN_wrong`` tables, with its question."""
    found = []
    for name, test in sorted(globals().items()):
        match = re.fullmatch(r"test_(q\d)_wrong", name)
        if not match:
            continue
        for mark in getattr(test, "pytestmark", []):
            if mark.name == "parametrize":
                for values in mark.args[1]:
                    found.append((match.group(1), values[0]))
    found += [("q1", q1_scales_x), ("q2", q2_rebind_then_zero), ("q5", q5_hard_coded),
              ("q5", q5_hard_coded_attribute), ("q6", q6_double_in_place)]
    return found


@pytest.mark.parametrize("name, answer", _known_wrong_answers(),
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_known_mistake_is_rejected_by_the_visible_check(name, answer):
    assert QUESTIONS[name].evaluate(answer, hidden=False).status is Status.INCORRECT
