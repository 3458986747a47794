"""Lesson 01's six questions, judged through ``Question.evaluate`` and the grading face."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
import torch

import course_helpers
import course_helpers.lessons.tensors as ex
from course_helpers import i18n
from course_helpers.outcome import Note, Status
from tests.questionkit import CJK, assert_correct_everywhere, assert_incorrect, key_of

QUESTIONS = {q.key.split(".")[-1]: q for q in ex.QUESTIONS}
CUDA = torch.cuda.is_available()


def english(outcome) -> str:
    return outcome.details[0].render("en")


# ---- reference solutions, stubs and non-functions --------------------------------------------


def test_there_are_six_questions():
    assert [q.name for q in ex.QUESTIONS] == [f"ex.q{n}" for n in range(1, 7)]
    assert [q.key for q in ex.QUESTIONS] == [f"tensors.q{n}" for n in range(1, 7)]
    assert all(q.draws for q in ex.QUESTIONS)
    assert all(q.visible[0].label for q in ex.QUESTIONS)


class Odd(torch.Tensor):
    pass


BAD_RESULTS = {
    "none": None,
    "list": [1.0, 2.0],
    "numpy": np.zeros((3, 1)),
    "string": "cpu",
    "int_tensor": torch.zeros(2, 2, dtype=torch.int64),
    "bool_tensor": torch.ones(3, dtype=torch.bool),
    "complex_tensor": torch.zeros(3, dtype=torch.complex64),
    "subclass": torch.zeros(3).as_subclass(Odd),
    "empty": torch.zeros(0),
    "nan": torch.full((3, 1), float("nan"), dtype=torch.float64),
}


@pytest.mark.parametrize("name", list(QUESTIONS))
@pytest.mark.parametrize("bad", list(BAD_RESULTS))
def test_bad_results_give_a_message_not_an_exception(name, bad):
    value = BAD_RESULTS[bad]

    def answer(*args):
        return value

    for hidden in (False, True):
        outcome = QUESTIONS[name].evaluate(answer, hidden=hidden)
        assert outcome.status is Status.INCORRECT, (hidden, outcome)
        for language in ("zh", "en"):
            text = outcome.details[0].render(language)
            assert text and "{" not in text and "0x" not in text


def test_bad_results_name_the_property():
    assert_incorrect(ex.q1, lambda n: None, "compare.none")
    assert_incorrect(ex.q1, lambda n: [0.0] * n, "compare.not_tensor")
    assert_incorrect(ex.q1, lambda n: np.zeros((n, n), dtype=np.float32), "compare.not_tensor")
    assert_incorrect(ex.q1, lambda n: torch.zeros(n, n).as_subclass(Odd),
                     "compare.tensor_subclass")
    assert_incorrect(ex.q4, lambda x: torch.tensor(float("nan")), "compare.not_finite")
    assert_incorrect(ex.q3, lambda x: x, "compare.not_tuple")


# ---- q1: make_grid ---------------------------------------------------------------------------


def q1_int64(n):
    return torch.arange(n * n).view(n, n)


def q1_flat(n):
    return torch.arange(n * n, dtype=torch.float32)


def q1_float64(n):
    return torch.arange(n * n, dtype=torch.float64).view(n, n)


def q1_transposed(n):
    return torch.arange(n * n, dtype=torch.float32).view(n, n).T


def q1_from_one(n):
    return torch.arange(1, n * n + 1, dtype=torch.float32).view(n, n)


def q1_meta(n):
    return torch.arange(n * n, dtype=torch.float32, device="meta").view(n, n)


def q1_random(n):
    return torch.rand(n, n)


@pytest.mark.parametrize("answer, key", [
    (q1_int64, "compare.dtype"),
    (q1_flat, "compare.shape"),
    (q1_float64, "compare.dtype"),
    (q1_transposed, "tensors.diag.transposed"),
    (q1_from_one, "tensors.diag.starts_at_one"),
    (q1_meta, "compare.device"),
    (q1_random, "compare.values"),
])
def test_q1_wrong(answer, key):
    assert_incorrect(ex.q1, answer, key)
    assert_incorrect(ex.q1, answer, key, hidden=True)


def test_q1_dtype_message_names_both_dtypes():
    text = english(assert_incorrect(ex.q1, q1_int64, "compare.dtype"))
    assert "torch.float32" in text and "torch.int64" in text


def test_q1_shape_message_names_both_shapes_and_the_input():
    outcome = assert_incorrect(ex.q1, q1_flat, "compare.shape")
    assert "(3, 3)" in english(outcome) and "(9,)" in english(outcome)
    assert "n = 3" in "\n".join(outcome.text_lines())


def test_q1_device_message_names_the_device():
    text = english(assert_incorrect(ex.q1, q1_meta, "compare.device"))
    assert "meta" in text and "cpu" in text


def q1_reshape_float(n):
    return torch.arange(n**2).reshape(n, n).float()


def q1_float_arange(n):
    return torch.arange(0.0, n * n).view(n, -1)


def q1_linspace(n):
    return torch.linspace(0, n * n - 1, n * n).view(n, n)


def q1_nested_list(n):
    return torch.tensor([[r * n + c for c in range(n)] for r in range(n)], dtype=torch.float32)


def q1_requires_grad(n):
    return torch.arange(n * n, dtype=torch.float32).view(n, n).requires_grad_()


@pytest.mark.parametrize("answer", [q1_reshape_float, q1_float_arange, q1_linspace,
                                    q1_nested_list, q1_requires_grad])
def test_q1_other_right_styles(answer):
    assert_correct_everywhere(ex.q1, answer)


# ---- q2: to_float64_column -------------------------------------------------------------------


def q2_default_dtype(values):
    return torch.tensor(values).view(-1, 1)


def q2_float32(values):
    return torch.tensor(values, dtype=torch.float32).view(-1, 1)


def q2_no_reshape(values):
    return torch.tensor(values, dtype=torch.float64)


def q2_row_brackets(values):
    return torch.tensor([values], dtype=torch.float64)


def q2_row_view(values):
    return torch.tensor(values, dtype=torch.float64).view(1, -1)


@pytest.mark.parametrize("answer, key", [
    (q2_default_dtype, "compare.dtype"),
    (q2_float32, "compare.dtype"),
    (q2_no_reshape, "tensors.diag.vector_not_column"),
    (q2_row_brackets, "tensors.diag.row_not_column"),
    (q2_row_view, "tensors.diag.row_not_column"),
])
def test_q2_wrong(answer, key):
    assert_incorrect(ex.q2, answer, key)
    assert_incorrect(ex.q2, answer, key, hidden=True)


def test_q2_float32_and_int64_are_both_named():
    text = english(assert_incorrect(ex.q2, q2_default_dtype, "compare.dtype"))
    assert "torch.float64" in text and "torch.int64" in text
    text = english(assert_incorrect(ex.q2, q2_float32, "compare.dtype"))
    assert "torch.float64" in text and "torch.float32" in text


def test_q2_row_message_names_both_shapes_in_both_languages():
    outcome = assert_incorrect(ex.q2, q2_row_brackets, "tensors.diag.row_not_column")
    for language in ("zh", "en"):
        text = outcome.details[0].render(language)
        assert "(3, 1)" in text and "(1, 3)" in text, text
    assert english(outcome).startswith("The returned tensor should have shape (3, 1)")
    assert outcome.details[0].render("zh").startswith("返回的张量的形状应为 (3, 1)")


def test_q2_vector_message_names_both_shapes():
    text = english(assert_incorrect(ex.q2, q2_no_reshape, "tensors.diag.vector_not_column"))
    assert "(3, 1)" in text and "(3,)" in text


def q2_unsqueeze(values):
    return torch.tensor(values).double().unsqueeze(1)


def q2_as_tensor(values):
    return torch.as_tensor(values, dtype=torch.float64).reshape(len(values), 1)


def q2_nested(values):
    return torch.tensor([[v] for v in values], dtype=torch.float64)


def q2_none_index(values):
    return torch.tensor(values, dtype=torch.float64)[:, None]


def q2_to(values):
    return torch.tensor(values).to(torch.float64).view(-1, 1)


@pytest.mark.parametrize("answer", [q2_unsqueeze, q2_as_tensor, q2_nested, q2_none_index,
                                    q2_to])
def test_q2_other_right_styles(answer):
    assert_correct_everywhere(ex.q2, answer)


# ---- q3: rest_and_last -----------------------------------------------------------------------


def q3_drops_two(x):
    return x[:-2], x[-1]


def q3_drops_first(x):
    return x[1:], x[-1]


def q3_item(x):
    return x[:-1], x[-1].item()


def q3_slice_last(x):
    return x[:-1], x[-1:]


def q3_second_last(x):
    return x[:-1], x[-2]


def q3_out_of_range(x):
    return x[:-1], x[len(x)]


def q3_swapped(x):
    return x[-1], x[:-1]


def q3_only_rest(x):
    return x[:-1]


def q3_float(x):
    return x[:-1].float(), x[-1].float()


@pytest.mark.parametrize("answer, key", [
    (q3_drops_two, "tensors.diag.slice_drops_two"),
    (q3_drops_first, "tensors.diag.slice_drops_first"),
    (q3_item, "tensors.diag.item_not_tensor"),
    (q3_slice_last, "tensors.diag.slice_not_index"),
    (q3_second_last, "tensors.diag.wrong_index"),
    (q3_out_of_range, "diag.raised"),
    (q3_swapped, "tensors.diag.swapped_parts"),
    (q3_only_rest, "compare.not_tuple"),
])
def test_q3_wrong(answer, key):
    assert_incorrect(ex.q3, answer, key)
    assert_incorrect(ex.q3, answer, key, hidden=True)


def test_q3_messages_name_the_slice():
    assert "x[:-2]" in english(assert_incorrect(ex.q3, q3_drops_two,
                                                "tensors.diag.slice_drops_two"))
    assert "x[1:]" in english(assert_incorrect(ex.q3, q3_drops_first,
                                               "tensors.diag.slice_drops_first"))
    outcome = assert_incorrect(ex.q3, q3_second_last, "tensors.diag.wrong_index")
    assert "x[-2]" in english(outcome)
    outcome = assert_incorrect(ex.q3, q3_out_of_range, "diag.raised")
    assert "IndexError" in english(outcome)


def test_q3_item_names_the_python_type():
    assert "Python float" in english(assert_incorrect(ex.q3, q3_item,
                                                      "tensors.diag.item_not_tensor"))
    # The integer hidden case gives a Python int.
    outcome = ex.q3.evaluate(q3_item, hidden=True)
    assert key_of(outcome) == "tensors.diag.item_not_tensor"


def test_q3_float_conversion_fails_on_hidden_cases_of_other_dtypes():
    assert ex.q3.evaluate(q3_float).status is Status.CORRECT
    outcome = assert_incorrect(ex.q3, q3_float, "compare.dtype", hidden=True)
    assert "should have dtype torch.float64, but it has torch.float32" in english(outcome)


def q3_len(x):
    return x[:len(x) - 1], x[len(x) - 1]


def q3_narrow(x):
    return x.narrow(0, 0, x.numel() - 1), x.select(0, -1)


def q3_list_of_clones(x):
    return [x[:-1].clone(), x[-1].clone()]


def q3_split(x):
    rest, last = x.split([x.numel() - 1, 1])
    return rest, last.squeeze()


@pytest.mark.parametrize("answer", [q3_len, q3_narrow, q3_list_of_clones, q3_split])
def test_q3_other_right_styles(answer):
    assert_correct_everywhere(ex.q3, answer)


# ---- q4: positives_mean ----------------------------------------------------------------------


def q4_greater_equal(x):
    return x[x >= 0].mean()


def q4_mean_of_all(x):
    return x.mean()


def q4_times_mask(x):
    return (x * (x > 0)).mean()


def q4_clamp(x):
    return x.clamp(min=0).mean()


def q4_relu(x):
    return torch.relu(x).mean()


def q4_sum(x):
    return x[x > 0].sum()


def q4_no_mean(x):
    return x[x > 0]


def q4_item(x):
    return x[x > 0].mean().item()


def q4_keepdim(x):
    return x[x > 0].mean().view(1)


@pytest.mark.parametrize("answer, key", [
    (q4_greater_equal, "tensors.diag.mask_includes_zero"),
    (q4_mean_of_all, "tensors.diag.mean_of_all"),
    (q4_times_mask, "tensors.diag.divided_by_all"),
    (q4_clamp, "tensors.diag.divided_by_all"),
    (q4_relu, "tensors.diag.divided_by_all"),
    (q4_sum, "tensors.diag.sum_of_positives"),
    (q4_no_mean, "tensors.diag.mask_not_reduced"),
    (q4_item, "tensors.diag.item_not_tensor"),
    (q4_keepdim, "compare.shape"),
])
def test_q4_wrong(answer, key):
    assert_incorrect(ex.q4, answer, key)
    assert_incorrect(ex.q4, answer, key, hidden=True)


def test_q4_messages_are_specific():
    text = english(assert_incorrect(ex.q4, q4_greater_equal, "tensors.diag.mask_includes_zero"))
    assert "x >= 0" in text and "x > 0" in text
    outcome = assert_incorrect(ex.q4, q4_times_mask, "tensors.diag.divided_by_all")
    assert outcome.details[0].params["n"] == 6
    outcome = assert_incorrect(ex.q4, q4_no_mean, "tensors.diag.mask_not_reduced")
    assert outcome.details[0].params["count"] == 2
    assert "()" in english(assert_incorrect(ex.q4, q4_keepdim, "compare.shape"))


def q4_loop_1d(x):
    return torch.tensor([v for v in x.tolist() if v > 0]).mean()


def test_q4_a_one_dimensional_loop_fails_the_two_dimensional_hidden_case():
    assert ex.q4.evaluate(q4_loop_1d).status is Status.CORRECT
    outcome = ex.q4.evaluate(q4_loop_1d, hidden=True)
    assert outcome.status is Status.INCORRECT
    assert "outcome.hidden_case" in [d.key for d in outcome.details]


def q4_gt(x):
    return x[x.gt(0)].mean()


def q4_masked_select(x):
    return torch.masked_select(x, x > 0).mean()


def q4_sum_over_count(x):
    mask = x > 0
    return (x * mask).sum() / mask.sum()


def q4_flatten(x):
    flat = x.flatten()
    return flat[flat > 0].mean()


def q4_float64(x):
    return x[x > 0].double().mean()


@pytest.mark.parametrize("answer", [q4_gt, q4_masked_select, q4_sum_over_count, q4_flatten,
                                    q4_float64])
def test_q4_other_right_styles(answer):
    assert_correct_everywhere(ex.q4, answer)


def test_q4_inputs_tell_the_mistakes_apart():
    # Every case holds a zero, a negative and a positive entry, so each mistake shows.
    for case in [*ex.q4.visible, *ex.q4.draws]:
        x = case.args[0]
        assert bool((x == 0).any()) and bool((x < 0).any()) and bool((x > 0).any())


# ---- q5: column ------------------------------------------------------------------------------


def q5_view(x):
    return x.view(-1, 1)


def q5_flatten(x):
    return x.flatten()


def q5_row(x):
    return x.reshape(1, -1)


def q5_transpose_first(x):
    return x.T.reshape(-1, 1)


def q5_wrong_count(x):
    return x.view(5, 1)


def q5_float(x):
    return x.reshape(-1, 1).float()


@pytest.mark.parametrize("answer, key", [
    (q5_view, "tensors.diag.view_not_contiguous"),
    (q5_flatten, "tensors.diag.vector_not_column"),
    (q5_row, "tensors.diag.row_not_column"),
    (q5_transpose_first, "tensors.diag.column_major"),
    (q5_wrong_count, "diag.raised"),
])
def test_q5_wrong(answer, key):
    assert_incorrect(ex.q5, answer, key)


def test_q5_view_fails_on_hidden_non_contiguous_inputs_too():
    assert_incorrect(ex.q5, q5_view, "tensors.diag.view_not_contiguous", hidden=True)
    assert not ex.q5.visible[0].args[0].is_contiguous()
    assert any(not case.args[0].is_contiguous() for case in ex.q5.draws)


def test_q5_other_runtime_errors_are_reported_as_raised():
    outcome = assert_incorrect(ex.q5, q5_wrong_count, "diag.raised")
    assert "RuntimeError" in english(outcome) and "[5, 1]" in english(outcome)


def test_q5_dtype_must_be_kept():
    assert ex.q5.evaluate(q5_float).status is Status.CORRECT
    outcome = assert_incorrect(ex.q5, q5_float, "compare.dtype", hidden=True)
    assert "torch.float32" in english(outcome)


def q5_contiguous_view(x):
    return x.contiguous().view(-1, 1)


def q5_unsqueeze(x):
    return x.flatten().unsqueeze(1)


def q5_numel(x):
    return x.reshape(x.numel(), 1)


def q5_none_index(x):
    return x.flatten()[:, None]


@pytest.mark.parametrize("answer", [q5_contiguous_view, q5_unsqueeze, q5_numel, q5_none_index])
def test_q5_other_right_styles(answer):
    assert_correct_everywhere(ex.q5, answer)


# ---- q6: pick_device -------------------------------------------------------------------------


def q6_cpu():
    return torch.device("cpu")


def q6_cuda():
    return torch.device("cuda")


def q6_string():
    return "cuda" if torch.cuda.is_available() else "cpu"


def q6_bool():
    return torch.cuda.is_available()


def q6_meta():
    return torch.device("meta")


def q6_none():
    torch.device("cuda" if torch.cuda.is_available() else "cpu")


def q6_is_available_not_called():
    return torch.device("cuda" if torch.cuda.is_available else "cpu")


def q6_is_available_not_called_in_if():
    if torch.cuda.is_available:
        return torch.device("cuda")
    return torch.device("cpu")


def test_q6_hard_coded_cpu_fails_the_visible_check_too():
    # The visible cases simulate both machines, so a CPU-only machine no longer hides it.
    outcome = assert_incorrect(ex.q6, q6_cpu, "tensors.diag.device_ignores_cuda")
    assert "cpu" in english(outcome)
    outcome = assert_incorrect(ex.q6, q6_cpu, "tensors.diag.device_ignores_cuda", hidden=True)
    assert "cpu" in english(outcome)


def test_q6_cuda_without_a_gpu():
    assert_incorrect(ex.q6, q6_cuda, "tensors.diag.device_cuda_unavailable")


@pytest.mark.parametrize("answer", [q6_is_available_not_called,
                                    q6_is_available_not_called_in_if])
def test_q6_is_available_without_parentheses_is_named(answer):
    outcome = assert_incorrect(ex.q6, answer, "tensors.diag.cuda_not_called")
    assert "torch.cuda.is_available()" in english(outcome)
    assert_incorrect(ex.q6, answer, "tensors.diag.cuda_not_called", hidden=True)


def test_q6_hard_coded_cuda_fails_the_simulated_cpu_case():
    assert_incorrect(ex.q6, q6_cuda, "tensors.diag.device_cuda_unavailable", hidden=True)


@pytest.mark.parametrize("answer, key", [
    (q6_string, "tensors.diag.device_string"),
    (q6_bool, "tensors.diag.not_device"),
    (q6_meta, "tensors.diag.wrong_device"),
    (q6_none, "tensors.diag.not_device"),
])
def test_q6_wrong(answer, key):
    assert_incorrect(ex.q6, answer, key)
    assert_incorrect(ex.q6, answer, key, hidden=True)


def test_q6_string_message_shows_the_fix():
    text = english(assert_incorrect(ex.q6, q6_string, "tensors.diag.device_string"))
    expected = "cpu"  # the first visible case simulates a machine without CUDA
    assert f"'{expected}'" in text and f'torch.device("{expected}")' in text
    long = "x" * 500
    text = english(assert_incorrect(ex.q6, lambda: long, "tensors.diag.device_string"))
    assert len(text) < 200


def test_q6_none_names_the_type():
    assert "NoneType" in english(assert_incorrect(ex.q6, q6_none, "tensors.diag.not_device"))


def q6_index():
    return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")


def q6_device_count():
    return torch.device("cuda") if torch.cuda.device_count() > 0 else torch.device("cpu")


def q6_if_statement():
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


@pytest.mark.parametrize("answer", [q6_index, q6_device_count, q6_if_statement])
def test_q6_other_right_styles(answer):
    assert_correct_everywhere(ex.q6, answer)


def test_q6_simulation_is_undone_even_when_the_student_raises():
    original = torch.cuda.is_available, torch.cuda.device_count

    def raises():
        raise ValueError("boom")

    ex.q6.evaluate(q6_cpu, hidden=True)
    assert_incorrect(ex.q6, raises, "diag.raised", hidden=True)
    assert (torch.cuda.is_available, torch.cuda.device_count) == original
    assert torch.cuda.is_available() is CUDA


def test_q6_a_patched_is_available_does_not_fool_the_visible_check(monkeypatch):
    # The visible cases simulate both machines: a patched is_available changes nothing.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: not CUDA)
    assert ex.q6.evaluate(ex.q6.reference).status is Status.CORRECT
    assert_incorrect(ex.q6, q6_cuda, "tensors.diag.device_cuda_unavailable")
    assert_incorrect(ex.q6, q6_cpu, "tensors.diag.device_ignores_cuda")


# ---- hidden cases really differ --------------------------------------------------------------


@pytest.mark.parametrize("name, answer", [
    ("q1", lambda n: torch.tensor([[0.0, 1, 2], [3, 4, 5], [6, 7, 8]])),
    ("q2", lambda values: torch.tensor([[1.0], [2.0], [3.0]], dtype=torch.float64)),
    ("q3", lambda x: (torch.arange(9.0), torch.tensor(9.0))),
    ("q4", lambda x: torch.tensor(2.0)),
    ("q5", lambda x: torch.tensor([[0.0], [3.0], [1.0], [4.0], [2.0], [5.0]])),
    ("q6", q6_cuda if CUDA else q6_cpu),
])
def test_hard_coded_visible_answer_fails_hidden(name, answer):
    question = QUESTIONS[name]
    # q6's visible cases simulate both machines: a hard-coded device fails them already.
    visible = Status.INCORRECT if name == "q6" else Status.CORRECT
    assert question.evaluate(answer).status is visible
    outcome = question.evaluate(answer, hidden=True)
    assert outcome.status is Status.INCORRECT
    assert "outcome.hidden_case" in [d.key for d in outcome.details]


def test_check_does_not_change_the_cases():
    def vandal(x):
        x.zero_()
        return x.reshape(-1, 1)

    before = [case.args[0].clone() for case in ex.q5.visible]
    ex.q5.evaluate(vandal)
    assert all(torch.equal(a, case.args[0]) for a, case in zip(before, ex.q5.visible,
                                                                strict=True))


# ---- feedback content ------------------------------------------------------------------------


def test_visible_feedback_names_the_input_and_the_hint():
    outcome = ex.q3.evaluate(q3_drops_two)
    text = "\n".join(outcome.text_lines())
    assert "x = torch.arange(10.0)" in text
    assert "ex.q3.hint()" in text
    assert [d.key for d in outcome.details] == ["tensors.diag.slice_drops_two", "outcome.case",
                                                "outcome.hint_pointer"]
    assert "输入：" in text and "Input:" in text


@pytest.mark.parametrize("name", list(QUESTIONS))
def test_hidden_failure_never_shows_a_case_label(name):
    def wrong(*args):
        return torch.zeros(1)

    outcome = QUESTIONS[name].evaluate(wrong, hidden=True)
    assert outcome.status is Status.INCORRECT
    keys = [d.key for d in outcome.details]
    assert "outcome.case" not in keys and "outcome.hidden_case" in keys


def test_english_only(monkeypatch):
    monkeypatch.setattr(i18n, "_chosen", None)
    course_helpers.set_language("en")
    outcome = ex.q4.evaluate(q4_greater_equal)
    lines = outcome.text_lines()
    assert lines and not any(CJK.search(line) for line in lines)
    html = outcome._repr_html_()
    assert "lang='en'" in html and "lang='zh-CN'" not in html and not CJK.search(html)


def test_chinese_only(monkeypatch):
    monkeypatch.setattr(i18n, "_chosen", None)
    course_helpers.set_language("zh")
    outcome = ex.q2.evaluate(q2_row_brackets)
    html = outcome._repr_html_()
    assert "lang='zh-CN'" in html and "lang='en'" not in html
    assert "一列" in html and "0x" not in html


# ---- the grading face ------------------------------------------------------------------------


def test_grade_wrong_raises_check_failed():
    with pytest.raises(course_helpers.CheckFailed) as caught:
        ex.q1.grade(q1_int64)
    error = caught.value
    assert isinstance(error, AssertionError)
    plain = str(error)
    assert "torch.int64" in plain and "练习 1" in plain and "Exercise 1" in plain


def test_grade_right_does_not_raise(capsys):
    ex.q5.grade(ex.q5.reference)
    ex.q5.grade(ex.q5.reference, hidden=True)
    out = capsys.readouterr().out
    assert "Correct!" in out and "正确！" in out


def noisy_right(x):
    warnings.warn("this is deprecated", UserWarning, stacklevel=1)
    print("debug: reshaping", file=sys.stderr)
    return x.reshape(-1, 1)


def noisy_view(x):
    warnings.warn("careful", RuntimeWarning, stacklevel=1)
    print("debug: about to view", file=sys.stderr)
    return x.view(-1, 1)


def test_grade_writes_nothing_to_stderr(capfd):
    ex.q5.grade(noisy_right)
    ex.q5.grade(noisy_right, hidden=True)
    with pytest.raises(course_helpers.CheckFailed):
        ex.q5.grade(noisy_view)
    with pytest.raises(course_helpers.CheckFailed):
        ex.q5.grade(noisy_view, hidden=True)
    captured = capfd.readouterr()
    assert captured.err == ""
    assert "debug" not in captured.out


def test_hint_is_a_bilingual_note(capsys):
    note = ex.q5.hint()
    assert isinstance(note, Note)
    assert note.body.key == "tensors.q5.hint"
    text = repr(note)
    assert CJK.search(text) and "reshape(-1, 1)" in text and "Hint" in text
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


# ---- the lesson's picture --------------------------------------------------------------------


def test_show_layouts_draws_one_panel_per_tensor():
    x = torch.arange(12.0)
    fig = ex.show_layouts([("a", x.view(3, 4)), ("b", x.view(3, 4).T)])
    try:
        assert len(fig.axes) == 2
        texts = [t.get_text() for t in fig.axes[1].texts]
        assert texts[:3] == ["0", "4", "8"]  # the transpose reads down the columns
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)


# ---- the visible check alone rejects every typical mistake ---------------------------------


def q4_masks_the_input(x):
    x[x <= 0] = float("nan")  # the caller's x loses its non-positive entries
    return x.nanmean()


def test_q4_changing_the_callers_tensor_is_named():
    outcome = assert_incorrect(ex.q4, q4_masks_the_input, "diag.input_changed")
    assert outcome.details[0].params["how"].key == "diag.input_changed.values"
    assert_incorrect(ex.q4, q4_masks_the_input, "diag.input_changed", hidden=True)


def _typical_mistakes():
    """Every wrong answer of the ``test_qN_wrong`` tables, and the device mistakes."""
    for name in QUESTIONS:
        for mark in getattr(globals().get(f"test_{name}_wrong"), "pytestmark", []):
            if mark.name == "parametrize":
                for answer, _ in mark.args[1]:
                    yield name, answer
    for answer in (q6_cpu, q6_cuda, q6_is_available_not_called,
                   q6_is_available_not_called_in_if):
        yield "q6", answer
    yield "q4", q4_masks_the_input


@pytest.mark.parametrize("name, answer", list(_typical_mistakes()))
def test_the_visible_check_rejects_every_typical_mistake(name, answer):
    assert QUESTIONS[name].evaluate(answer, hidden=False).status is Status.INCORRECT
