"""Lesson 02's six questions, judged through ``Question.evaluate`` and the grading face."""

from __future__ import annotations

import sys
import warnings

import pytest
import torch

import course_helpers
import course_helpers.lessons.autograd as ex
from course_helpers import i18n
from course_helpers.outcome import Note, Status
from tests.questionkit import CJK, assert_correct_everywhere, assert_incorrect

QUESTIONS = {q.key.split(".")[-1]: q for q in ex.QUESTIONS}


# ---- reference solutions, stubs and non-functions --------------------------------------------


def test_there_are_six_questions():
    assert [q.name for q in ex.QUESTIONS] == [f"ex.q{n}" for n in range(1, 7)]
    assert all(q.draws for q in ex.QUESTIONS)


# ---- q1: make a leaf -------------------------------------------------------------------------


def q1_int_tensor(values):
    return torch.tensor(values, requires_grad=True)


def q1_times_one(values):
    return torch.tensor(values, dtype=torch.float32, requires_grad=True) * 1


def q1_cast_after(values):
    x = torch.tensor(values, dtype=torch.float32, requires_grad=True)
    return x.to(torch.float64)


def q1_no_requires_grad(values):
    return torch.tensor(values, dtype=torch.float32)


def q1_list(values):
    return [float(v) for v in values]


def q1_int_dtype_without_grad(values):
    return torch.tensor(values)


@pytest.mark.parametrize("answer, key", [
    (q1_int_tensor, "diag.int_requires_grad"),
    (q1_times_one, "compare.not_leaf"),
    (q1_cast_after, "compare.not_leaf"),
    (q1_no_requires_grad, "compare.needs_requires_grad"),
    (q1_list, "compare.not_tensor"),
    (q1_int_dtype_without_grad, "compare.not_float"),
])
def test_q1_wrong(answer, key):
    assert_incorrect(ex.q1, answer, key)


def test_q1_not_leaf_names_the_operation():
    outcome = assert_incorrect(ex.q1, q1_cast_after, "compare.not_leaf")
    assert "ToCopyBackward" in outcome.details[0].render("en")


def test_q1_int_tensor_fails_on_hidden_integer_cases_too():
    # The first hidden case is a list of floats, which this answer gets right.
    assert q1_int_tensor(ex.q1.draws[0].args[0]).is_floating_point()
    assert_incorrect(ex.q1, q1_int_tensor, "diag.int_requires_grad", hidden=True)


def q1_float64_requires_grad_(values):
    return torch.tensor(values, dtype=torch.float64).requires_grad_()


def q1_as_tensor_float(values):
    return torch.as_tensor(values).float().requires_grad_()


def q1_parameter(values):
    return torch.nn.Parameter(torch.tensor(values, dtype=torch.float32))


def q1_default_dtype(values):
    return torch.tensor(values, dtype=torch.get_default_dtype(), requires_grad=True)


@pytest.mark.parametrize("answer", [q1_float64_requires_grad_, q1_as_tensor_float,
                                    q1_parameter, q1_default_dtype])
def test_q1_other_right_styles(answer):
    if answer is q1_as_tensor_float:
        made = answer([1, 2, 3])
        assert made.is_leaf and made.requires_grad  # .float() first, then requires_grad_
    assert_correct_everywhere(ex.q1, answer)


# ---- q2: gradient of 2·dot(x, x) -------------------------------------------------------------


def make_q2_global_leaf():
    shared = torch.arange(4.0, requires_grad=True)

    def grad_of_dot(x):
        y = 2 * torch.dot(shared, shared)
        y.backward()
        return shared.grad

    return grad_of_dot


def q2_backward_twice(x):
    x = x.detach().clone().requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward(retain_graph=True)
    y.backward()
    return x.grad


def q2_backward_twice_freed_graph(x):
    x = x.detach().clone().requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward()
    y.backward()
    return x.grad


def q2_forgot_factor_two(x):
    x = x.detach().clone().requires_grad_(True)
    torch.dot(x, x).backward()
    return x.grad


def q2_returns_y(x):
    x = x.detach().clone().requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward()
    return y


def q2_returns_nothing(x):
    x = x.detach().clone().requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward()


def q2_forgot_backward(x):
    x = x.detach().clone().requires_grad_(True)
    2 * torch.dot(x, x)
    return x.grad


def q2_rebinding(x):
    x = x.detach().clone().requires_grad_(True)
    x = x.view(-1)  # "flatten, just in case": x is now a non-leaf view
    y = 2 * torch.dot(x, x)
    y.backward()
    return x.grad


def q2_no_requires_grad(x):
    y = 2 * torch.dot(x, x)
    y.backward()
    return x.grad


def q2_zero_grad_too_early(x):
    x = x.detach().clone().requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward()
    x.grad.zero_()
    return x.grad


def q2_numpy(x):
    x = x.detach().clone().requires_grad_(True)
    return torch.from_numpy(4 * x.numpy())


@pytest.mark.parametrize("answer, key", [
    (q2_backward_twice, "diag.accumulated"),
    (q2_backward_twice_freed_graph, "diag.backward_twice"),
    (q2_forgot_factor_two, "diag.scaled"),
    (q2_returns_y, "autograd.diag.returned_loss"),
    (q2_returns_nothing, "diag.grad_none"),
    (q2_forgot_backward, "diag.grad_none"),
    (q2_rebinding, "diag.grad_none"),
    (q2_no_requires_grad, "diag.no_grad_tensor_backward"),
    (q2_zero_grad_too_early, "diag.all_zero"),
    (q2_numpy, "diag.numpy_requires_grad"),
])
def test_q2_wrong(answer, key):
    assert_incorrect(ex.q2, answer, key)


def test_q2_global_leaf_accumulates_across_calls():
    outcome = assert_incorrect(ex.q2, make_q2_global_leaf(), "diag.not_independent")
    assert outcome.details[0].params["factor"] == "2"


def test_q2_backward_twice_reports_factor_two():
    outcome = assert_incorrect(ex.q2, q2_backward_twice, "diag.accumulated")
    assert outcome.details[0].params["factor"] == 2
    outcome = assert_incorrect(ex.q2, q2_backward_twice, "diag.accumulated", hidden=True)
    assert outcome.details[0].params["factor"] == 2


def test_q2_wrong_formula_reports_the_factor():
    outcome = assert_incorrect(ex.q2, q2_forgot_factor_two, "diag.scaled")
    assert outcome.details[0].params["factor"] == "0.5"


def q2_autograd_grad(x):
    x = x.detach().clone().requires_grad_(True)
    return torch.autograd.grad(2 * torch.dot(x, x), x)[0]


def q2_sum_of_squares(x):
    x = x.detach().clone().requires_grad_(True)
    (2 * (x * x).sum()).backward()
    return x.grad


def q2_in_place_on_input(x):
    x.requires_grad_()
    y = 2 * torch.dot(x, x)
    y.backward()
    return x.grad


def q2_float64(x):
    x = x.double().requires_grad_()  # .double() of a float64 tensor is that tensor itself
    (2 * x @ x).backward()
    return x.grad


def q2_float64_detached(x):
    x = x.detach().double().requires_grad_()
    (2 * x @ x).backward()
    return x.grad


def q2_requires_grad_without_parentheses(x):
    x = x.detach().clone().requires_grad_
    y = 2 * torch.dot(x, x)
    y.backward()
    return x.grad


@pytest.mark.parametrize("answer", [q2_autograd_grad, q2_sum_of_squares, q2_float64_detached])
def test_q2_other_right_styles(answer):
    assert_correct_everywhere(ex.q2, answer)


@pytest.mark.parametrize("answer", [q2_in_place_on_input, q2_float64])
def test_q2_changing_the_callers_tensor_is_wrong(answer):
    # A second call on the same tensor would add to the .grad the first call left there.
    outcome = assert_incorrect(ex.q2, answer, "diag.input_changed")
    assert outcome.details[0].params["how"].key == "diag.input_changed.requires_grad"
    assert_incorrect(ex.q2, answer, "diag.input_changed", hidden=True)


def test_q2_requires_grad_without_parentheses_is_named():
    assert_incorrect(ex.q2, q2_requires_grad_without_parentheses,
                     "autograd.diag.method_not_called")
    assert_incorrect(ex.q2, q2_requires_grad_without_parentheses,
                     "autograd.diag.method_not_called", hidden=True)


# ---- q3: mean --------------------------------------------------------------------------------


def q3_sum(x):
    x = x.detach().clone().requires_grad_(True)
    (x**2 + 20).sum().backward()
    return x.grad


def q3_sum_over_numel(x):
    x = x.detach().clone().requires_grad_(True)
    ((x**2 + 20).sum() / x.numel()).backward()
    return x.grad


def q3_no_square(x):
    x = x.detach().clone().requires_grad_(True)
    (x * 2 + 20).mean().backward()
    return x.grad


def test_q3_sum_instead_of_mean():
    outcome = assert_incorrect(ex.q3, q3_sum, "diag.sum_not_mean")
    assert outcome.details[0].params["factor"] == 4
    outcome = assert_incorrect(ex.q3, q3_sum, "diag.sum_not_mean", hidden=True)
    assert outcome.details[0].params["factor"] == 6


def test_q3_wrong_derivative_is_wrong_values():
    assert_incorrect(ex.q3, q3_no_square, "compare.values")


def test_q3_sum_over_numel_passes():
    assert_correct_everywhere(ex.q3, q3_sum_over_numel)


def q3_returns_loss(x):
    x = x.detach().clone().requires_grad_(True)
    f = (x**2 + 20).mean()
    f.backward()
    return f


def q3_in_place_on_input(x):
    x.requires_grad_(True)
    (x**2 + 20).mean().backward()
    return x.grad


@pytest.mark.parametrize("answer, key", [
    (q3_returns_loss, "autograd.diag.returned_loss"),
    (q3_in_place_on_input, "diag.input_changed"),
])
def test_q3_wrong(answer, key):
    assert_incorrect(ex.q3, answer, key)
    assert_incorrect(ex.q3, answer, key, hidden=True)


# ---- q4: elementwise -------------------------------------------------------------------------


def q4_plain_backward(x):
    x = x.detach().clone().requires_grad_(True)
    y = x * x
    y.backward()
    return x.grad


def q4_mean(x):
    x = x.detach().clone().requires_grad_(True)
    (x * x).mean().backward()
    return x.grad


def q4_formula_still_requiring_grad(x):
    x = x.detach().clone().requires_grad_(True)
    return 2 * x


def q4_sum_backward(x):
    x = x.detach().clone().requires_grad_(True)
    (x * x).sum().backward()
    return x.grad


def q4_formula_detached(x):
    return 2 * x.detach()


def q4_in_place_on_input(x):
    x.requires_grad_(True)
    (x * x).sum().backward()
    return x.grad


@pytest.mark.parametrize("answer, key", [
    (q4_in_place_on_input, "diag.input_changed"),
    (q4_plain_backward, "diag.nonscalar_backward"),
    (q4_mean, "diag.mean_not_sum"),
    (q4_formula_still_requiring_grad, "compare.unwanted_requires_grad"),
])
def test_q4_wrong(answer, key):
    assert_incorrect(ex.q4, answer, key)
    assert_incorrect(ex.q4, answer, key, hidden=True)


@pytest.mark.parametrize("answer", [q4_sum_backward, q4_formula_detached])
def test_q4_other_right_styles(answer):
    assert_correct_everywhere(ex.q4, answer)


# ---- q5: two inputs --------------------------------------------------------------------------


def q5_swapped(a, b):
    a = a.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    (a**2 + b**2 + a * b).sum().backward()
    return b.grad, a.grad


def q5_single(a, b):
    a = a.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    (a**2 + b**2 + a * b).sum().backward()
    return a.grad


def q5_wrong_sign(a, b):
    a = a.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    (-(a**2 + b**2 + a * b)).sum().backward()
    return a.grad, b.grad


def q5_forgot_b(a, b):
    a = a.detach().clone().requires_grad_(True)
    (a**2 + b**2 + a * b).sum().backward()
    return a.grad, b.grad


def q5_three(a, b):
    a = a.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    f = (a**2 + b**2 + a * b).sum()
    f.backward()
    return a.grad, b.grad, f.detach()


def q5_no_sum(a, b):
    a = a.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    (a**2 + b**2 + a * b).backward()  # only works for 0-d a and b
    return a.grad, b.grad


def q5_in_place_on_inputs(a, b):
    a.requires_grad_(True)
    b.requires_grad_(True)
    (a**2 + b**2 + a * b).sum().backward()
    return a.grad, b.grad


@pytest.mark.parametrize("answer, key", [
    (q5_no_sum, "diag.nonscalar_backward"),
    (q5_in_place_on_inputs, "diag.input_changed"),
    (q5_swapped, "diag.swapped"),
    (q5_single, "compare.not_tuple"),
    (q5_wrong_sign, "diag.wrong_sign"),
    (q5_forgot_b, "diag.grad_none"),
    (q5_three, "compare.length"),
])
def test_q5_wrong(answer, key):
    assert_incorrect(ex.q5, answer, key)
    assert_incorrect(ex.q5, answer, key, hidden=True)


def test_q5_names_the_failing_item():
    outcome = assert_incorrect(ex.q5, q5_forgot_b, "diag.grad_none")
    assert "#2" in outcome.details[0].render("en")


def q5_list(a, b):
    a = a.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    (a**2 + b**2 + a * b).sum().backward()
    return [a.grad, b.grad]


def q5_autograd_grad(a, b):
    a = a.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    return torch.autograd.grad((a**2 + b**2 + a * b).sum(), (a, b))


@pytest.mark.parametrize("answer", [q5_list, q5_autograd_grad])
def test_q5_other_right_styles(answer):
    assert_correct_everywhere(ex.q5, answer)


# ---- q6: derivative of any f -----------------------------------------------------------------


def q6_returns_f(f, xs):
    return f(xs)


def q6_no_detach(f, xs):
    x = xs.detach().clone().requires_grad_(True)
    return torch.autograd.grad(f(x).sum(), x, create_graph=True)[0]


def q6_hard_coded_cos(f, xs):
    return torch.cos(xs)


def q6_finite_difference(f, xs):
    h = 1e-3
    return (f(xs + h) - f(xs - h)) / (2 * h)


def q6_forward_difference(f, xs):
    h = 1e-6
    return (f(xs + h) - f(xs)) / h


def q6_in_place_on_input(f, xs):
    xs.requires_grad_(True)
    f(xs).sum().backward()
    return xs.grad


def q6_float32(f, xs):
    x = xs.float().requires_grad_()  # .float() of a float32 tensor is that tensor itself
    f(x).sum().backward()
    return x.grad


@pytest.mark.parametrize("answer, key", [
    (q6_returns_f, "compare.values"),
    (q6_no_detach, "compare.unwanted_requires_grad"),
    (q6_finite_difference, "autograd.diag.not_autograd"),
    (q6_forward_difference, "autograd.diag.not_autograd"),
    (q6_in_place_on_input, "diag.input_changed"),
    (q6_float32, "diag.input_changed"),
])
def test_q6_wrong(answer, key):
    assert_incorrect(ex.q6, answer, key)
    assert_incorrect(ex.q6, answer, key, hidden=True)


def test_q6_hard_coded_formula_is_not_autograd():
    assert_incorrect(ex.q6, q6_hard_coded_cos, "autograd.diag.not_autograd")


def q6_autograd_grad(f, xs):
    x = xs.detach().clone().requires_grad_(True)
    return torch.autograd.grad(f(x).sum(), x)[0]


def q6_float32_copy(f, xs):
    x = xs.detach().float().requires_grad_()
    f(x).sum().backward()
    return x.grad


def q6_torch_func(f, xs):
    return torch.func.vmap(torch.func.grad(f))(xs.detach())


def q6_jacobian(f, xs):
    return torch.autograd.functional.jacobian(f, xs.detach()).diagonal()


def q6_backward_with_ones(f, xs):
    x = xs.detach().clone().requires_grad_(True)
    y = f(x)
    y.backward(torch.ones_like(y))
    return x.grad


@pytest.mark.parametrize("answer", [q6_autograd_grad, q6_float32_copy, q6_backward_with_ones,
                                    q6_torch_func, q6_jacobian])
def test_q6_other_right_styles(answer):
    if answer is q6_float32_copy:
        assert answer(torch.sin, torch.zeros(2, dtype=torch.float64)).dtype == torch.float32
    assert_correct_everywhere(ex.q6, answer)


# ---- hidden cases really differ --------------------------------------------------------------


def q2_hard_coded(x):
    return torch.tensor([0.0, 4.0, 8.0, 12.0])


def q3_hard_coded(x):
    return torch.tensor([5.0, 10.0, 15.0, 20.0], dtype=torch.float64)


def q4_hard_coded(x):
    return torch.tensor([0.0, 2.0, 4.0, 6.0])


def q5_hard_coded(a, b):
    return (torch.tensor([40.0, 1.0], dtype=torch.float64),
            torch.tensor([50.0, 5.0], dtype=torch.float64))


@pytest.mark.parametrize("name, answer", [
    ("q1", lambda values: torch.tensor([1.0, 2.0, 3.0], requires_grad=True)),
    ("q2", q2_hard_coded),
    ("q3", q3_hard_coded),
    ("q4", q4_hard_coded),
    ("q5", q5_hard_coded),
    ("q6", q6_hard_coded_cos),
])
def test_hard_coded_visible_answer_fails_hidden(name, answer):
    question = QUESTIONS[name]
    # Right for the first visible case only: a second visible case already rejects it.
    visible = Status.CORRECT if len(question.visible) == 1 and name != "q6" else Status.INCORRECT
    assert question.evaluate(answer).status is visible
    outcome = question.evaluate(answer, hidden=True)
    assert outcome.status is Status.INCORRECT
    assert "outcome.hidden_case" in [d.key for d in outcome.details]


# ---- feedback content ------------------------------------------------------------------------


def test_visible_feedback_names_the_input_and_the_hint():
    outcome = ex.q2.evaluate(q2_forgot_factor_two)
    text = "\n".join(outcome.text_lines())
    assert "x = torch.arange(4.0)" in text
    assert "ex.q2.hint()" in text
    assert [d.key for d in outcome.details] == ["diag.scaled", "outcome.case",
                                                "outcome.hint_pointer"]
    assert "输入：" in text and "Input:" in text


def test_hidden_feedback_does_not_reveal_the_input():
    outcome = ex.q2.evaluate(q2_forgot_factor_two, hidden=True)
    text = "\n".join(outcome.text_lines())
    assert [d.key for d in outcome.details] == ["diag.scaled", "outcome.hidden_case",
                                                "outcome.hint_pointer"]
    assert "hidden" in text and "隐藏输入" in text
    assert "Input:" not in text and "输入：" not in text
    hidden_input = ex.q2.draws[0].args[0]
    for value in hidden_input.tolist():
        assert f"{value:.3f}" not in text
        assert f"{value:.2f}" not in text
    assert "ex.q2.hint()" in text


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_hidden_failure_never_shows_a_case_label(name):
    def wrong(*args):
        return torch.zeros(1)

    outcome = QUESTIONS[name].evaluate(wrong, hidden=True)
    assert outcome.status is Status.INCORRECT
    keys = [d.key for d in outcome.details]
    assert "outcome.case" not in keys and "outcome.hidden_case" in keys


def test_html_holds_both_languages_and_no_addresses():
    outcome = ex.q6.evaluate(q6_returns_f)
    html = outcome._repr_html_()
    assert "lang='zh-CN'" in html and "lang='en'" in html
    assert CJK.search(html) and "Not yet" in html
    assert "0x" not in html
    assert "0x" not in "\n".join(outcome.text_lines())


def test_html_of_not_callable_has_no_addresses():
    outcome = assert_incorrect(ex.q2, object(), "diag.not_callable")
    html = outcome._repr_html_()
    assert "0x" not in html and "object" in html


def test_english_only(monkeypatch):
    monkeypatch.setattr(i18n, "_chosen", None)
    course_helpers.set_language("en")
    outcome = ex.q3.evaluate(q3_sum)
    lines = outcome.text_lines()
    assert lines and not any(CJK.search(line) for line in lines)
    html = outcome._repr_html_()
    assert "lang='en'" in html and "lang='zh-CN'" not in html
    assert not CJK.search(html)
    assert "ex.q3.hint()" in "\n".join(lines)


def test_chinese_only(monkeypatch):
    monkeypatch.setattr(i18n, "_chosen", None)
    course_helpers.set_language("zh")
    html = ex.q3.evaluate(q3_sum)._repr_html_()
    assert "lang='zh-CN'" in html and "lang='en'" not in html


# ---- the grading face ------------------------------------------------------------------------


def test_grade_wrong_raises_check_failed():
    with pytest.raises(course_helpers.CheckFailed) as caught:
        ex.q2.grade(q2_backward_twice)
    error = caught.value
    assert isinstance(error, AssertionError)
    assert error.outcome.status is Status.INCORRECT
    lines = error._render_traceback_()
    joined = "\n".join(lines)
    assert "\x1b[" in joined
    assert CJK.search(joined) and "Exercise 2" in joined
    assert "exactly 2 times" in joined and "2 倍" in joined
    plain = str(error)
    assert "\x1b" not in plain
    assert "exactly 2 times" in plain and "练习 2" in plain


def test_grade_not_attempted_also_raises():
    def stub(x):
        raise NotImplementedError

    with pytest.raises(course_helpers.CheckFailed) as caught:
        ex.q4.grade(stub, hidden=True)
    assert caught.value.outcome.status is Status.NOT_ATTEMPTED


def test_grade_right_does_not_raise(capsys):
    ex.q2.grade(q2_autograd_grad)
    ex.q2.grade(q2_autograd_grad, hidden=True)
    out = capsys.readouterr().out
    assert "Correct!" in out and "正确！" in out


def noisy_right(x):
    warnings.warn("this is deprecated", UserWarning, stacklevel=1)
    warnings.warn("old API", DeprecationWarning, stacklevel=1)
    print("debug: computing the gradient", file=sys.stderr)
    x = x.detach().clone().requires_grad_(True)
    (2 * torch.dot(x, x)).backward()
    return x.grad


def noisy_wrong(x):
    warnings.warn("careful", RuntimeWarning, stacklevel=1)
    print("debug: about to fail", file=sys.stderr)
    x = x.detach().clone().requires_grad_(True)
    y = x.view(-1)
    (2 * torch.dot(y, y)).backward()
    return y.grad  # non-leaf .grad: PyTorch warns, too


def test_grade_writes_nothing_to_stderr(capfd):
    ex.q2.grade(noisy_right)
    ex.q2.grade(noisy_right, hidden=True)
    with pytest.raises(course_helpers.CheckFailed):
        ex.q2.grade(noisy_wrong)
    with pytest.raises(course_helpers.CheckFailed):
        ex.q2.grade(noisy_wrong, hidden=True)
    captured = capfd.readouterr()
    assert captured.err == ""
    assert "debug" not in captured.out


def test_grade_records_no_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ex.q2.grade(noisy_right)
    assert caught == []


def test_hint_is_a_bilingual_note(capsys):
    note = ex.q2.hint()
    assert isinstance(note, Note)
    assert note.body.key == "autograd.q2.hint"
    text = repr(note)
    assert CJK.search(text) and "requires_grad_(True)" in text and "Hint" in text
    html = note._repr_html_()
    assert "lang='zh-CN'" in html and "lang='en'" in html
    assert "Hint" in capsys.readouterr().out


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_solution_is_the_reference_source(name, capsys):
    question = QUESTIONS[name]
    source = question.solution()
    assert source.startswith(f"def {question.reference.__name__}(")
    namespace: dict = {"torch": torch}
    exec(source, namespace)
    rebuilt = namespace[question.reference.__name__]
    assert rebuilt is not question.reference
    assert_correct_everywhere(question, rebuilt)


# ---- the visible check alone rejects every typical mistake ---------------------------------

WRONG = {
    "q1": [q1_int_tensor, q1_times_one, q1_cast_after, q1_no_requires_grad, q1_list,
           q1_int_dtype_without_grad],
    "q2": [q2_backward_twice, q2_backward_twice_freed_graph, q2_forgot_factor_two, q2_returns_y,
           q2_returns_nothing, q2_forgot_backward, q2_rebinding, q2_no_requires_grad,
           q2_zero_grad_too_early, q2_numpy, q2_in_place_on_input, q2_float64,
           q2_requires_grad_without_parentheses, make_q2_global_leaf()],
    "q3": [q3_sum, q3_no_square, q3_returns_loss, q3_in_place_on_input],
    "q4": [q4_plain_backward, q4_mean, q4_formula_still_requiring_grad, q4_in_place_on_input],
    "q5": [q5_swapped, q5_single, q5_wrong_sign, q5_forgot_b, q5_three, q5_no_sum,
           q5_in_place_on_inputs],
    "q6": [q6_returns_f, q6_no_detach, q6_hard_coded_cos, q6_finite_difference,
           q6_forward_difference, q6_in_place_on_input, q6_float32],
}


@pytest.mark.parametrize("name, answer", [(name, answer) for name, answers in WRONG.items()
                                          for answer in answers])
def test_the_visible_check_rejects_every_typical_mistake(name, answer):
    assert QUESTIONS[name].evaluate(answer, hidden=False).status is Status.INCORRECT
