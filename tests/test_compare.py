"""The verification core (compare.py) and the diagnosis layer (diagnose.py), called directly."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from course_helpers import trusted
from course_helpers.compare import (
    Expect,
    check_against_finite_difference,
    check_gradient,
    check_tensor,
    check_tuple,
    finite_difference,
    type_name,
)
from course_helpers.diagnose import diagnose_exception, diagnose_repeat
from course_helpers.i18n import Message, msg
from course_helpers.messages import CATALOGUE
from course_helpers.outcome import Status
from course_helpers.question import Case, Question

CJK = re.compile(r"[\u3400-\u9fff]")
REF = torch.tensor([1.0, -2.0, 3.5, 0.25], dtype=torch.float64)
GRAD = Expect(what=msg("what.gradient"), requires_grad=False)


def assert_bilingual(message: object, key: str | None = None, *, ascii_en: bool = True) -> None:
    """A catalogue message with a Chinese and an English text, all placeholders filled."""
    assert isinstance(message, Message), f"expected a Message, got {message!r}"
    if key is not None:
        assert message.key == key, message.render("en")
    assert message.key in CATALOGUE
    zh, en = message.render("zh"), message.render("en")
    assert zh.strip() and en.strip()
    assert CJK.search(zh), zh
    assert not CJK.search(en), en
    assert re.search(r"[A-Za-z]{3,}", en), en
    if ascii_en:
        assert en.isascii(), en
    for text in (zh, en):
        assert "{" not in text and "}" not in text, text


# ---- every diagnosis from a known-wrong answer -----------------------------------------------


@pytest.mark.parametrize("k", [2, 3])
def test_k_times_the_gradient_is_accumulation(k):
    problem = check_gradient(REF * k, REF)
    assert_bilingual(problem, "diag.accumulated")
    assert f"{k} 倍" in problem.render("zh")
    assert f"exactly {k} times" in problem.render("en")


def test_float32_accumulated_gradient_is_still_recognised():
    problem = check_gradient((REF * 2).float(), REF)
    assert_bilingual(problem, "diag.accumulated")
    assert problem.params["factor"] == 2


def test_grad_none():
    problem = check_gradient(None, REF)
    assert_bilingual(problem, "diag.grad_none")
    assert "backward()" in problem.render("en")


def test_sum_instead_of_mean():
    n = REF.numel()
    expect = Expect(what=msg("what.gradient"), requires_grad=False, reduction_size=n)
    problem = check_gradient(REF * n, REF, expect)
    assert_bilingual(problem, "diag.sum_not_mean")
    assert str(n) in problem.render("zh") and str(n) in problem.render("en")


def test_mean_instead_of_sum():
    n = REF.numel()
    expect = Expect(what=msg("what.gradient"), requires_grad=False, reduction_size=n)
    problem = check_gradient(REF / n, REF, expect)
    assert_bilingual(problem, "diag.mean_not_sum")
    assert f"1/{n}" in problem.render("en")


def test_without_reduction_size_n_times_is_plain_accumulation():
    n = REF.numel()
    problem = check_gradient(REF * n, REF)
    assert_bilingual(problem, "diag.accumulated")


def test_wrong_sign():
    assert_bilingual(check_gradient(-REF, REF), "diag.wrong_sign")


def test_all_zero():
    assert_bilingual(check_gradient(torch.zeros(4, dtype=torch.float64), REF), "diag.all_zero")


@pytest.mark.parametrize("factor, text", [(0.5, "0.5"), (1.5, "1.5"), (-3.0, "-3")])
def test_other_constant_factor_is_scaled(factor, text):
    problem = check_gradient(REF * factor, REF)
    assert_bilingual(problem, "diag.scaled")
    assert text in problem.render("zh") and text in problem.render("en")


def test_integer_tensor_is_not_float():
    problem = check_tensor(torch.tensor([1, -2, 3, 0]), REF)
    assert_bilingual(problem, "compare.not_float")
    assert "torch.int64" in problem.render("en")


def test_integer_tensor_allowed_when_floating_not_required():
    assert check_tensor(torch.tensor([1, 2]), torch.tensor([1.0, 2.0], dtype=torch.float64),
                        Expect(floating=False)) is None


def test_wrong_exact_dtype():
    problem = check_tensor(REF.float(), REF, Expect(dtype=torch.float64))
    assert_bilingual(problem, "compare.dtype")
    assert "torch.float64" in problem.render("en") and "torch.float32" in problem.render("en")
    assert check_tensor(REF.clone(), REF, Expect(dtype=torch.float64)) is None


def test_wrong_shape():
    problem = check_tensor(torch.ones(3), REF)
    assert_bilingual(problem, "compare.shape")
    assert "(4,)" in problem.render("en") and "(3,)" in problem.render("en")


def test_transposed_shape():
    want = torch.ones(2, 3, dtype=torch.float64)
    problem = check_tensor(torch.ones(3, 2), want)
    assert_bilingual(problem, "compare.shape")
    assert "(2, 3)" in problem.render("zh") and "(3, 2)" in problem.render("zh")


def test_needs_requires_grad():
    problem = check_tensor(REF.clone(), REF, Expect(requires_grad=True))
    assert_bilingual(problem, "compare.needs_requires_grad")


def test_unwanted_requires_grad():
    answer = REF.clone().requires_grad_()
    assert_bilingual(check_gradient(answer, REF), "compare.unwanted_requires_grad")
    # The same values, detached, are right.
    assert check_gradient(answer.detach(), REF) is None


def test_not_leaf_names_the_operation():
    x = REF.clone().requires_grad_()
    problem = check_tensor(x * 1, REF, Expect(requires_grad=True, leaf=True))
    assert_bilingual(problem, "compare.not_leaf")
    assert "MulBackward0" in problem.render("en")
    assert check_tensor(x, REF, Expect(requires_grad=True, leaf=True)) is None


def test_nan_is_not_finite():
    answer = REF.clone()
    answer[1] = float("nan")
    assert_bilingual(check_gradient(answer, REF), "compare.not_finite")


def test_infinity_is_not_finite():
    answer = REF.clone()
    answer[0] = float("inf")
    assert_bilingual(check_gradient(answer, REF), "compare.not_finite")


def test_unrelated_wrong_values():
    answer = REF + torch.tensor([0.5, -0.25, 0.0, 0.125], dtype=torch.float64)
    problem = check_gradient(answer, REF)
    assert_bilingual(problem, "compare.values")
    assert problem.params["error"] == "0.5"
    assert "0.5" in problem.render("en")


def test_tensor_subclass_is_refused():
    class Sneaky(torch.Tensor):
        pass

    answer = REF.clone().as_subclass(Sneaky)
    problem = check_tensor(answer, REF)
    assert_bilingual(problem, "compare.tensor_subclass")
    assert "Sneaky" in problem.render("en")


def test_tensor_subclass_with_lying_comparisons_is_refused():
    class Liar(torch.Tensor):
        def __eq__(self, other):
            return True

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return torch.ones(4, dtype=torch.float64)

    answer = torch.zeros(4).as_subclass(Liar)
    assert_bilingual(check_tensor(answer, REF), "compare.tensor_subclass")


def test_fake_class_attribute_is_refused():
    class Pretender:
        __class__ = torch.Tensor  # makes isinstance(..., torch.Tensor) True

    pretender = Pretender()
    assert isinstance(pretender, torch.Tensor)
    assert_bilingual(check_tensor(pretender, REF), "compare.tensor_subclass")


def test_tensor_on_another_device():
    problem = check_tensor(torch.empty(4, device="meta"), REF)
    assert_bilingual(problem, "compare.device")
    assert "meta" in problem.render("en")


def test_check_tuple():
    assert check_tuple((1, 2), 2) is None
    assert check_tuple([1, 2], 2) is None
    problem = check_tuple(REF, 2)
    assert_bilingual(problem, "compare.not_tuple")
    assert "Tensor" in problem.render("en")
    problem = check_tuple((REF, REF, REF), 2)
    assert_bilingual(problem, "compare.length")
    assert problem.params == {"what": msg("what.result"), "expected": 2, "actual": 3}


# ---- exceptions and repeats ------------------------------------------------------------------


def _raise_int_requires_grad():
    torch.tensor([1, 2, 3], requires_grad=True)


def _raise_nonscalar_backward():
    x = torch.ones(3, requires_grad=True)
    (x * x).backward()


def _raise_backward_twice():
    x = torch.ones(3, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _raise_numpy_requires_grad():
    torch.ones(3, requires_grad=True).numpy()


def _raise_no_grad_backward():
    (torch.ones(3) * 2).sum().backward()


def _raise_inplace_leaf():
    x = torch.ones(3, requires_grad=True)
    x.add_(1.0)


@pytest.mark.parametrize("trigger, key", [
    (_raise_int_requires_grad, "diag.int_requires_grad"),
    (_raise_nonscalar_backward, "diag.nonscalar_backward"),
    (_raise_backward_twice, "diag.backward_twice"),
    (_raise_numpy_requires_grad, "diag.numpy_requires_grad"),
    (_raise_no_grad_backward, "diag.no_grad_tensor_backward"),
    (_raise_inplace_leaf, "diag.inplace_leaf"),
])
def test_real_pytorch_errors_are_diagnosed(trigger, key):
    with pytest.raises(RuntimeError) as caught:
        trigger()
    assert_bilingual(diagnose_exception(caught.value), key)


def test_unrelated_exception_is_reported_as_raised():
    try:
        {}["missing"]
    except KeyError as error:
        problem = diagnose_exception(error)
    assert_bilingual(problem, "diag.raised")
    assert "KeyError" in problem.render("en") and "missing" in problem.render("zh")


def test_raised_keeps_only_the_first_line_and_truncates():
    problem = diagnose_exception(ValueError("first line\nsecond line"))
    assert problem.params == {"error": "ValueError", "detail": "first line"}
    long = diagnose_exception(RuntimeError("x" * 500))
    assert long.params["detail"] == "x" * 200 + "…"
    empty = diagnose_exception(ZeroDivisionError())
    assert_bilingual(empty, "diag.raised")
    assert empty.params["detail"] == ""


def test_repeat_doubled_is_not_independent():
    problem = diagnose_repeat(REF, REF * 2)
    assert_bilingual(problem, "diag.not_independent")
    assert "2" in problem.render("en") and "2" in problem.render("zh")


def test_repeat_same_or_unrelated_is_fine():
    assert diagnose_repeat(REF, REF.clone()) is None
    assert diagnose_repeat(REF, REF.float()) is None
    assert diagnose_repeat(torch.zeros(4), torch.ones(4)) is None


# ---- right answers in other styles -----------------------------------------------------------


def test_float32_and_float64_answers_against_float64_reference():
    want = torch.tensor([0.1, 1 / 3, 2.718281828459045, -7250.123456789], dtype=torch.float64)
    single = want.to(torch.float32)
    # The float32 answer really carries rounding error ...
    assert float((single.double() - want).abs().max()) > 0
    # ... which the float32 tolerances accept and an exact comparison would not.
    assert check_tensor(single, want) is None
    assert check_tensor(single, want, Expect(rtol=1e-12, atol=0.0)) is not None
    assert check_tensor(want.clone(), want) is None


def test_nn_parameter_is_accepted():
    parameter = torch.nn.Parameter(REF.clone())
    assert check_tensor(parameter, REF, Expect(requires_grad=True, leaf=True)) is None


def _cube_input() -> torch.Tensor:
    return torch.tensor([0.5, -1.5, 2.0, 3.0], requires_grad=True)


def test_autograd_grad_and_backward_agree_with_the_formula():
    want = 3 * _cube_input().detach().double() ** 2
    x = _cube_input()
    by_grad = torch.autograd.grad((x**3).sum(), x)[0]
    x = _cube_input()
    (x**3).sum().backward()
    assert check_gradient(by_grad, want) is None
    assert check_gradient(x.grad, want) is None


def test_sum_backward_and_backward_with_ones_agree():
    want = 2 * _cube_input().detach().double()
    x = _cube_input()
    (x * x).sum().backward()
    from_sum = x.grad
    x = _cube_input()
    y = x * x
    y.backward(gradient=torch.ones_like(y))
    assert check_gradient(from_sum, want) is None
    assert check_gradient(x.grad, want) is None


def test_tolerance_edges_for_float32():
    want = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    assert check_gradient((want * (1 + 1e-5)).float(), want) is None
    assert check_gradient((want * (1 + 1e-2)).float(), want) is not None
    uneven = want + want * torch.tensor([1e-2, -1e-2, 0.0], dtype=torch.float64)
    assert_bilingual(check_gradient(uneven.float(), want), "compare.values")


def test_float64_answers_are_held_to_float64_tolerance():
    want = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    assert check_gradient(want * (1 + 1e-9), want) is None
    assert check_gradient(want * (1 + 1e-5), want) is not None


def test_zero_dimensional_answer_right_and_wrong():
    want = torch.tensor(2.5, dtype=torch.float64)
    assert check_tensor(torch.tensor(2.5), want) is None
    assert check_tensor(torch.tensor(-2.5), want).key == "diag.wrong_sign"


def test_empty_answer_against_empty_reference_passes_quietly():
    want = torch.empty(0, dtype=torch.float64)
    assert check_tensor(torch.empty(0), want) is None
    assert check_gradient(torch.empty(0), want) is None
    assert_bilingual(check_tensor(torch.empty(0, dtype=torch.int64), want),
                     "compare.not_float")


# ---- bad inputs: a clear message, never an exception -----------------------------------------

BAD_INPUTS = {
    "none": None,
    "list": [1.0, -2.0, 3.5, 0.25],
    "numpy": np.array([1.0, -2.0, 3.5, 0.25]),
    "float": 1.0,
    "string": "tensor([1.0, -2.0, 3.5, 0.25])",
    "wrong shape": torch.ones(2, 2, dtype=torch.float64),
    "wrong dtype": torch.tensor([1, -2, 3, 0]),
    "nan": torch.full((4,), float("nan"), dtype=torch.float64),
    "empty (0,)": torch.empty(0),
    "zero-d": torch.tensor(1.0),
    "bool": torch.tensor([True, False, True, True]),
    "dict": {"grad": REF},
}
EXPECTED_KEYS = {
    "none": {"compare.none", "diag.grad_none"},
    "list": {"compare.not_tensor"},
    "numpy": {"compare.not_tensor"},
    "float": {"compare.not_tensor"},
    "string": {"compare.not_tensor"},
    "wrong shape": {"compare.shape"},
    "wrong dtype": {"compare.not_float"},
    "nan": {"compare.not_finite"},
    "empty (0,)": {"compare.shape"},
    "zero-d": {"compare.shape"},
    "bool": {"compare.not_float"},
    "dict": {"compare.not_tensor"},
}


@pytest.mark.parametrize("check", [check_tensor, check_gradient])
@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_inputs_give_a_bilingual_message(check, name):
    problem = check(BAD_INPUTS[name], REF)
    assert_bilingual(problem)
    assert problem.key in EXPECTED_KEYS[name]


def test_not_tensor_names_the_type():
    assert "numpy.ndarray" in check_tensor(BAD_INPUTS["numpy"], REF).render("en")
    assert "list" in check_tensor(BAD_INPUTS["list"], REF).render("zh")


def test_check_gradient_says_none_differently_from_check_tensor():
    assert check_tensor(None, REF).key == "compare.none"
    assert check_gradient(None, REF).key == "diag.grad_none"
    assert check_against_finite_difference(None, torch.sin, REF).key == "diag.grad_none"


def test_bad_inputs_to_finite_difference_check():
    x = torch.linspace(-1, 1, 5, dtype=torch.float64)
    for bad in (None, [0.0] * 5, "cos", torch.ones(3)):
        assert_bilingual(check_against_finite_difference(bad, torch.sin, x))


# ---- finite differences ----------------------------------------------------------------------


def test_finite_difference_of_sin_is_cos():
    x = torch.linspace(-3, 3, 13, dtype=torch.float64)
    estimate = finite_difference(torch.sin, x)
    assert estimate.dtype == torch.float64
    assert float((estimate - torch.cos(x)).abs().max()) < 1e-8


def test_finite_difference_ignores_requires_grad_and_float32_input():
    x = torch.linspace(-2, 2, 9).requires_grad_()
    estimate = finite_difference(torch.tanh, x)
    assert not estimate.requires_grad
    want = 1 - torch.tanh(x.detach().double()) ** 2
    assert float((estimate - want).abs().max()) < 1e-8


def test_check_against_finite_difference():
    x = torch.linspace(-3, 3, 7, dtype=torch.float64)
    assert check_against_finite_difference(torch.cos(x), torch.sin, x) is None
    assert check_against_finite_difference(torch.cos(x).float(), torch.sin, x) is None
    assert_bilingual(check_against_finite_difference(torch.sin(x), torch.sin, x),
                     "compare.values")
    assert_bilingual(check_against_finite_difference(2 * torch.cos(x), torch.sin, x),
                     "diag.accumulated")


# ---- tamper resistance -----------------------------------------------------------------------


@pytest.fixture
def tampered(monkeypatch):
    def always_fine(*args, **kwargs):
        return None

    monkeypatch.setattr(torch, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(torch.testing, "assert_close", always_fine)
    monkeypatch.setattr(torch, "equal", lambda *a, **k: True)
    return {"torch.allclose", "torch.testing.assert_close", "torch.equal"}


def test_untouched_torch_is_intact():
    assert trusted.intact() == []


def test_wrong_answer_rejected_while_comparisons_are_faked(tampered):
    assert torch.allclose(torch.zeros(4), torch.ones(4))  # the fake is really in place
    assert check_tensor(REF * 0 + 1, REF) is not None
    assert check_gradient(REF * 2, REF).key == "diag.accumulated"
    assert check_tensor(REF.clone(), REF) is None


def test_intact_lists_the_replaced_names(tampered):
    assert set(trusted.intact()) == tampered


def test_intact_notices_a_replaced_tensor_method(monkeypatch):
    monkeypatch.setattr(torch.Tensor, "detach", lambda self: self)
    assert trusted.intact() == ["torch.Tensor.detach"]


def test_core_ignores_replaced_elementwise_functions(monkeypatch):
    def fake(*args, **kwargs):
        return torch.ones((), dtype=torch.bool)

    for name in ("le", "all", "abs", "sub", "isfinite"):
        monkeypatch.setattr(torch, name, fake)
    assert check_tensor(REF + 7, REF) is not None


def _identity_question() -> Question:
    def judge(result, case, expected):
        return check_tensor(result, case.args[0].double())

    return Question(key="autograd.q1", number="T", points=1, name="ex.t", function="identity",
                    judge=judge, visible=[Case((REF.clone(),), "x")])


def test_question_evaluated_while_tampered_is_incorrect(tampered):
    outcome = _identity_question().evaluate(lambda x: x)
    assert outcome.status is Status.INCORRECT
    assert_bilingual(outcome.details[0], "diag.tampered")
    assert "torch.allclose" in outcome.details[0].render("en")


def test_question_without_tampering_accepts_the_same_answer():
    assert _identity_question().evaluate(lambda x: x).status is Status.CORRECT


def test_object_that_equals_everything_is_rejected_without_being_compared():
    calls = []

    class EqualsAnything:
        def __eq__(self, other):
            calls.append("eq")
            return True

        def __bool__(self):
            calls.append("bool")
            return True

        __hash__ = object.__hash__

    problem = check_tensor(EqualsAnything(), REF)
    assert_bilingual(problem, "compare.not_tensor")
    assert check_gradient(EqualsAnything(), REF).key == "compare.not_tensor"
    assert calls == []


# ---- edge cases found in review -------------------------------------------------------------


def test_complex_answers_are_refused_without_a_warning(recwarn):
    answer = (4 * torch.arange(3.0)).to(torch.complex64) + 7j
    problem = check_tensor(answer, 4 * torch.arange(3.0, dtype=torch.float64))
    assert problem is not None and problem.key == "compare.complex"
    assert len(recwarn) == 0


def test_matching_infinities_count_as_close():
    reference = torch.tensor([float("inf"), 2.0], dtype=torch.float64)
    assert check_tensor(reference.clone(), reference) is None
    wrong = torch.tensor([float("-inf"), 2.0], dtype=torch.float64)
    assert check_tensor(wrong, reference) is not None


def test_a_single_wrong_number_is_not_blamed_on_accumulation():
    problem = check_gradient(torch.tensor(80.0, dtype=torch.float64),
                             torch.tensor(40.0, dtype=torch.float64))
    assert problem is not None and problem.key == "compare.values"
    flipped = check_gradient(torch.tensor(-40.0, dtype=torch.float64),
                             torch.tensor(40.0, dtype=torch.float64))
    assert flipped is not None and flipped.key == "diag.wrong_sign"


def test_a_sum_task_never_suggests_mean():
    expect = Expect(what=msg("what.gradient"), requires_grad=False, reduction_size=2,
                    reduction="sum")
    doubled = check_gradient(torch.tensor([4.0, 8.0]), torch.tensor([2.0, 4.0]), expect)
    assert doubled is not None and doubled.key == "diag.accumulated"
    halved = check_gradient(torch.tensor([1.0, 2.0]), torch.tensor([2.0, 4.0]), expect)
    assert halved is not None and halved.key == "diag.mean_not_sum"


def test_values_only_tasks_can_switch_off_the_gradient_fingerprints():
    doubled, reference = torch.tensor([2.0, 4.0]), torch.tensor([1.0, 2.0])
    assert check_tensor(doubled, reference).key == "diag.accumulated"
    plain = check_tensor(doubled, reference, Expect(diagnose=False))
    assert plain is not None and plain.key == "compare.values"


# ---- exact types only (tamper resistance) -------------------------------------------------


def _counting_subclass(calls: list[str]) -> type:
    class Meta(type(torch.Tensor)):
        def __eq__(cls, other):  # makes ``type(x) in (torch.Tensor, ...)`` True
            calls.append("meta-eq")
            return True

        __hash__ = type.__hash__

    class Sneaky(torch.Tensor, metaclass=Meta):
        def __eq__(self, other):
            calls.append("eq")
            return True

        def __bool__(self):
            calls.append("bool")
            return True

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            calls.append("torch_function")
            return True

    return Sneaky


def test_tensor_subclass_is_refused_before_any_torch_function_touches_it():
    calls: list[str] = []
    sneaky = REF.clone().as_subclass(_counting_subclass(calls))
    calls.clear()
    for problem in (check_tensor(sneaky, REF), check_gradient(sneaky, REF),
                    check_against_finite_difference(sneaky, torch.sin, REF)):
        assert_bilingual(problem, "compare.tensor_subclass")
        assert "Sneaky" in problem.render("en")
    assert calls == []


def test_lying_class_property_is_refused_without_running_it():
    calls: list[str] = []

    class Liar:
        @property
        def __class__(self):
            calls.append("__class__")
            return torch.Tensor

    problem = check_tensor(Liar(), REF)
    assert_bilingual(problem, "compare.tensor_subclass")
    assert "冒充张量" in problem.render("zh") and "posing as one" in problem.render("en")
    assert calls == []


def test_type_name_does_not_run_metaclass_code():
    class Loud(type):
        def __getattribute__(cls, name):
            raise RuntimeError("metaclass code ran")

    class Quiet(metaclass=Loud):
        pass

    assert type_name(Quiet()).endswith("Quiet")


def test_check_tuple_accepts_only_exact_tuples_and_lists():
    class Lengthy(tuple):
        def __len__(self):
            return 2

    class PosingTuple:
        __class__ = tuple

        def __len__(self):
            return 2

    for value in (Lengthy((1,)), PosingTuple()):
        problem = check_tuple(value, 2)
        assert_bilingual(problem, "compare.not_tuple")
    assert check_tuple([REF, REF], 2) is None


def test_parameter_is_still_accepted():
    assert check_tensor(torch.nn.Parameter(REF.clone()), REF) is None
