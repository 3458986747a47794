"""Tamper resistance: cheats in a real kernel never let a wrong answer pass.

Each cheat runs in a kernel exactly as in a lesson: the locked setup cell, then the cheat
together with a WRONG answer, then the test cell's two grade calls (visible and hidden). The
test cell must fail (``CheckFailed``) with no pass marker, and where the genuine check code
runs, the bilingual message names what was tampered with. A control runs the same cells with a
RIGHT answer and no cheat, and passes with both pass markers. All cheats share one kernel (the
guard restores what each one changed), so the control at the end also shows that nothing
stays broken.
"""

from __future__ import annotations

import copy
import html
import importlib
import json
import re
import types

import pytest
import torch

import course_helpers
from course_helpers import guard, trusted
from course_helpers.grading import CHECK_MIME, CheckFailed, marker_bundle, pass_markers
from course_helpers.lessons import autograd as ex
from course_helpers.messages import CATALOGUE
from course_helpers.outcome import Outcome, Status
from course_helpers.question import Case, Question, answer_key
from tests.conftest import run_cells

SETUP = (
    "# 课程环境（请勿修改）/ Course setup (do not edit)\n"
    "%load_ext course_helpers\n"
    "import torch\n"
    "import course_helpers as ch\n"
    "from course_helpers.exercises import autograd as ex\n\n"
    "ch.setup_notebook()\n"
)
PRELUDE = (
    "import ast, builtins, sys, types\n"
    "import course_helpers\n"
    "from course_helpers import guard\n"
    "from course_helpers.messages import CATALOGUE\n"
    "from course_helpers.question import Question\n"
    "ip = get_ipython()\n"
)
WRONG = (  # sum() where the task asks for mean(): 4 times too large on the visible case
    "def mean_square_grad(x):\n"
    "    x = x.detach().clone().requires_grad_(True)\n"
    "    (x ** 2 + 20).sum().backward()\n"
    "    return x.grad\n"
)
RIGHT = (
    "def mean_square_grad(x):\n"
    "    x = x.detach().clone().requires_grad_(True)\n"
    "    (x ** 2 + 20).mean().backward()\n"
    "    return x.grad\n"
)
TEST = (  # the lesson's q3 test cell, hidden tests included (as when grading)
    "# 检查 / Check\n"
    "ex.q3.grade(mean_square_grad)\n"
    "### BEGIN HIDDEN TESTS\n"
    "ex.q3.grade(mean_square_grad, hidden=True)\n"
    "### END HIDDEN TESTS\n"
)

SWALLOW = "lambda shell, etype, value, tb, tb_offset=None: None"
STRIP_GRADE = (
    "class StripGrade(ast.NodeTransformer):\n"
    "    def visit_Expr(self, node):\n"
    "        call = node.value\n"
    "        if isinstance(call, ast.Call) and getattr(call.func, 'attr', '') == 'grade':\n"
    "            return ast.Pass()\n"
    "        return node\n"
    "ip.ast_transformers.append(StripGrade())\n"
)

# id: (code run after the wrong answer is defined, names the tamper message must contain)
CHEATS: dict[str, tuple[str, list[str]]] = {
    # 1. torch functions and Tensor methods
    "torch.allclose": ("torch.allclose = lambda *a, **k: True", ["torch.allclose"]),
    "torch.equal": ("torch.equal = lambda *a, **k: True", ["torch.equal"]),
    "torch.testing.assert_close": ("torch.testing.assert_close = lambda *a, **k: None",
                                   ["torch.testing.assert_close"]),
    "torch.isclose": ("torch.isclose = lambda a, b, **k: torch.ones_like(a, dtype=torch.bool)",
                      ["torch.isclose"]),
    "torch.sub": ("torch.sub = lambda *a, **k: torch.zeros(())", ["torch.sub"]),
    # numel() == 1 would make the judge expect 2x, exactly the wrong answer
    "Tensor.numel": ("torch.Tensor.numel = lambda self: 1", ["torch.Tensor.numel"]),
    "Tensor.detach": ("torch.Tensor.detach = lambda self: self", ["torch.Tensor.detach"]),
    "Tensor.__rmul__": ("torch.Tensor.__rmul__ = lambda self, other: self",
                        ["torch.Tensor.__rmul__"]),
    # 2. the course's own functions, classes, questions and messages
    "compare.check_tensor": ("course_helpers.compare.check_tensor = lambda *a, **k: None",
                             ["course_helpers.compare.check_tensor"]),
    "exercise namespace": ("ex.check_gradient = lambda *a, **k: None",
                           ["course_helpers.lessons.autograd.check_gradient"]),
    "question judge": ("ex.q3.judge = lambda result, case: None", ["ex.q3.judge"]),
    "Question.evaluate": (
        "Question.evaluate = lambda self, answer, hidden=False: "
        "ch.Outcome(ch.Status.CORRECT, ex.msg('outcome.title', number='3'))",
        ["course_helpers.question.Question.evaluate"]),
    "instance evaluate": (
        "ex.q3.evaluate = lambda answer, hidden=False: "
        "ch.Outcome(ch.Status.CORRECT, ex.msg('outcome.title', number='3'))",
        ["ex.q3.evaluate"]),
    "Outcome.passed": ("ch.Outcome.passed = property(lambda self: True)",
                       ["course_helpers.outcome.Outcome.passed"]),
    "no cases": ("ex.q3.visible = []\nex.q3.draws = ()", ["ex.q3.visible", "ex.q3.draws"]),
    "cleared cases": ("ex.q3.visible.clear()\nex.q3.draws.clear()",
                      ["ex.q3.visible", "ex.q3.draws"]),
    "zeroed case inputs": ("for case in [*ex.q3.visible, *ex.q3.draws]:\n"
                           "    case.args[0].zero_()", ["ex.q3.visible[0].args[0]"]),
    "sys.modules": ("sys.modules['course_helpers.compare'] = "
                    "types.ModuleType('course_helpers.compare')",
                    ["sys.modules['course_helpers.compare']"]),
    "diagnose function": ("course_helpers.compare.diagnose_values = lambda *a, **k: None",
                          ["course_helpers.compare.diagnose_values"]),
    "catalogue entry": ("CATALOGUE['outcome.incorrect'] = {'zh': '正确！', 'en': 'Correct!'}",
                        ["CATALOGUE['outcome.incorrect']"]),
    "catalogue text": ("CATALOGUE['compare.values']['en'] = 'Correct!'",
                       ["CATALOGUE['compare.values']['en']"]),
    "function code": ("course_helpers.compare.check_tensor.__code__ = "
                      "(lambda actual, expected, expect=None: None).__code__",
                      ["course_helpers.compare.check_tensor.__code__"]),
    "closure cell": ("ex.q3.judge.__closure__[0].cell_contents = lambda x: 2 * x",
                     ["_gradient_judge.<locals>.judge.<closure>"]),
    "builtins": ("builtins.abs = lambda value: 0", ["builtins.abs"]),
    "the guard itself": ("guard.verify = lambda *a, **k: []", ["course_helpers.guard.verify"]),
    # the notebook's ``ex`` rebound to a look-alike that grades the reference solution
    "rebound ex": (
        "real = ex\n"
        "class FakeQuestion:\n"
        "    def grade(self, answer, hidden=False):\n"
        "        real.q3.grade(real.q3.reference, hidden=hidden)\n"
        "ex = types.SimpleNamespace(q3=FakeQuestion())\n",
        ["tampered: ex"]),
    # 4. IPython: AST transformers and swallowed errors (restored before the test cell runs)
    "ast transformer": (STRIP_GRADE, ["IPython.ast_transformers"]),
    "set_custom_exc": (f"ip.set_custom_exc((AssertionError,), {SWALLOW})",
                       ["IPython.custom_exceptions", "IPython.CustomTB"]),
    "showtraceback": ("ip._showtraceback = lambda *a, **k: None", ["IPython._showtraceback"]),
    # the cheat inside the student's function, while the check runs
    "during the call": (
        "def mean_square_grad(x):\n"
        "    course_helpers.compare.check_tensor = lambda *a, **k: None\n"
        "    x = x.detach().clone().requires_grad_(True)\n"
        "    (x ** 2 + 20).sum().backward()\n"
        "    return x.grad\n",
        ["course_helpers.compare.check_tensor"]),
    "swallow during the call": (
        "def mean_square_grad(x):\n"
        f"    get_ipython().set_custom_exc((AssertionError,), {SWALLOW})\n"
        "    ch.Outcome.passed = property(lambda self: True)\n"
        "    return 2 * x\n",
        ["IPython.custom_exceptions", "course_helpers.outcome.Outcome.passed"]),
}

# 3. answers whose comparisons always succeed: refused by the structure check
RETURNS: dict[str, tuple[str, list[str]]] = {
    "equals anything": (
        "class EqualsAnything:\n"
        "    def __eq__(self, other): return True\n"
        "    def __bool__(self): return True\n"
        "    __hash__ = object.__hash__\n"
        "def mean_square_grad(x):\n"
        "    return EqualsAnything()\n",
        ["should be a torch.Tensor", "应该是 torch.Tensor", "EqualsAnything"]),
    "tensor subclass": (
        "class Agreeable(torch.Tensor):\n"
        "    def __eq__(self, other): return True\n"
        "    def __bool__(self): return True\n"
        "    @classmethod\n"
        "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
        "        return True\n"
        "def mean_square_grad(x):\n"
        "    return torch.zeros(len(x), dtype=x.dtype).as_subclass(Agreeable)\n",
        ["not a plain torch.Tensor", "不是普通的 torch.Tensor", "Agreeable"]),
    "lying __class__": (
        "class Liar:\n"
        "    __class__ = property(lambda self: torch.Tensor)\n"
        "    def __eq__(self, other): return True\n"
        "    __hash__ = object.__hash__\n"
        "def mean_square_grad(x):\n"
        "    return Liar()\n",
        ["not a plain torch.Tensor", "冒充张量", "Liar"]),
}

SAME_CELL = "ex.q3.judge = lambda result, case: None\n"
NESTED = (
    "def mean_square_grad(x):\n"
    "    ex.q3.grade(ex.q3.reference)  # a genuine pass, from inside the check\n"
    "    return 2 * x\n"
)
# Cheats a kernel cannot stop: the test cell never calls grade. The grader sees no marker.
CLEANUP_STRIP = ("ip.input_transformers_cleanup.append("
                 "lambda lines: [line for line in lines if 'grade' not in line])")
POST_STRIP = "ip.input_transformers_post.append(lambda lines: ['pass\\n'])"
DISARM = ("ip.events.unregister('pre_run_cell', guard._before_cell)\n"
          "Question.grade = lambda self, *args, **kwargs: None")
FOLLOW_UP = "ex.q3.check(mean_square_grad)"


def _plan() -> tuple[list[str], dict[str, int]]:
    cells = [SETUP, PRELUDE]
    at: dict[str, int] = {}

    def add(name: str, *sources: str) -> None:
        cells.extend(sources)
        at[name] = len(cells) - 1

    add("control right", RIGHT, TEST)
    add("control wrong", WRONG, TEST)
    for name, (code, _) in {**CHEATS, **RETURNS}.items():
        add(name, WRONG + code, TEST)
    add("same cell", WRONG + SAME_CELL + TEST)
    add("same cell rebound ex", WRONG + CHEATS["rebound ex"][0] + TEST)
    add("nested grade", NESTED, TEST)
    add("cleanup transformer", WRONG + CLEANUP_STRIP, TEST)
    add("cleanup follow-up", FOLLOW_UP)
    add("post transformer", WRONG + POST_STRIP, TEST)
    add("post follow-up", FOLLOW_UP)
    add("disarmed", WRONG + DISARM, TEST)
    add("disarmed follow-up", FOLLOW_UP)
    add("control right again", RIGHT, TEST)
    return cells, at


@pytest.fixture(scope="module")
def kernel() -> tuple[list, dict[str, int]]:
    cells, at = _plan()
    executed = run_cells(cells)
    return executed, at


def _outputs(kernel, name: str) -> list:
    executed, at = kernel
    return executed[at[name]].outputs


def _errors(outputs: list) -> list:
    return [o for o in outputs if o.output_type == "error"]


def _text(outputs: list) -> str:
    parts = []
    for output in outputs:
        parts.extend(output.get("traceback", []))
        parts.append(output.get("text", ""))
        parts.extend(str(v) for v in output.get("data", {}).values())
    return "\n".join(parts)


def _assert_failed(outputs: list, *needles: str) -> str:
    errors = _errors(outputs)
    assert len(errors) == 1 and errors[0].ename == "CheckFailed", _text(outputs)
    assert pass_markers(outputs) == []
    trace = "\n".join(errors[0].traceback)
    assert "File " not in trace  # one short bilingual line, not a Python stack
    # The feedback itself is the HTML panel shown just before the error.
    shown = "\n".join([html.unescape(re.sub(r"<[^>]+>", " ", o.data["text/html"]))
                       for o in outputs if "text/html" in o.get("data", {})] + [trace])
    for needle in needles:
        assert needle in shown, shown
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    return shown


# ---- the control -------------------------------------------------------------------------


@pytest.mark.notebook
def test_control_right_answer_passes_with_both_pass_markers(kernel):
    for name in ("control right", "control right again"):
        outputs = _outputs(kernel, name)
        assert not _errors(outputs), _text(outputs)
        assert pass_markers(outputs) == [
            {"question": "ex.q3", "key": "autograd.q3", "hidden": False, "passed": True},
            {"question": "ex.q3", "key": "autograd.q3", "hidden": True, "passed": True},
        ]
        for output in outputs:  # the marker travels with the visible HTML feedback
            assert output.output_type == "display_data"
            assert "course-correct" in output.data["text/html"]
            assert "lang='zh-CN'" in output.data["text/html"]
            assert "Exercise 3" in output.data["text/plain"]


@pytest.mark.notebook
def test_control_wrong_answer_fails_without_marker(kernel):
    trace = _assert_failed(_outputs(kernel, "control wrong"), "but you used sum()", "求和")
    assert "tampered" not in trace


# ---- each cheat -------------------------------------------------------------------------------


@pytest.mark.notebook
@pytest.mark.parametrize("name", list(CHEATS))
def test_cheat_is_restored_and_the_check_fails_naming_it(kernel, name):
    trace = _assert_failed(_outputs(kernel, name), "tampered", "改动")
    for thing in CHEATS[name][1]:
        assert thing in trace, f"{thing!r} not named in:\n{trace}"


@pytest.mark.notebook
@pytest.mark.parametrize("name", list(RETURNS))
def test_answer_that_equals_everything_is_refused_by_its_type(kernel, name):
    trace = _assert_failed(_outputs(kernel, name), *RETURNS[name][1])
    assert "tampered" not in trace


@pytest.mark.notebook
def test_cheat_in_the_same_cell_as_the_grade_call(kernel):
    _assert_failed(_outputs(kernel, "same cell"), "tampered", "ex.q3.judge")


@pytest.mark.notebook
def test_look_alike_ex_calling_the_real_check_on_the_reference_is_caught(kernel):
    # In the same cell the hook has not run yet: the real grade, called by the look-alike
    # on the reference solution, finds ``ex`` rebound and fails.
    _assert_failed(_outputs(kernel, "same cell rebound ex"), "tampered: ex")


@pytest.mark.notebook
def test_a_grade_started_inside_the_students_function_shows_no_marker(kernel):
    outputs = _outputs(kernel, "nested grade")
    assert _errors(outputs) and _errors(outputs)[0].ename == "CheckFailed"
    assert pass_markers(outputs) == []


@pytest.mark.notebook
@pytest.mark.parametrize(("name", "thing"), [
    ("cleanup", "IPython.input_transformers_cleanup"),
    ("post", "IPython.input_transformers_post"),
])
def test_input_transformer_that_removes_the_grade_call_leaves_no_marker(kernel, name, thing):
    # Input transformers run before any code of the cell: the grade call is gone, which the
    # kernel cannot see. The grader gives a test cell without its markers no points.
    outputs = _outputs(kernel, f"{name} transformer")
    assert pass_markers(outputs) == [] and not _errors(outputs)
    # The guard restored the transformers before the next cell and the next check says so.
    follow_up = _text(_outputs(kernel, f"{name} follow-up"))
    assert "tampered" in follow_up and thing in follow_up


@pytest.mark.notebook
def test_disarmed_guard_and_replaced_grade_leave_no_marker(kernel):
    outputs = _outputs(kernel, "disarmed")
    assert pass_markers(outputs) == [] and not _errors(outputs)
    follow_up = _text(_outputs(kernel, "disarmed follow-up"))
    assert "course_helpers.question.Question.grade" in follow_up
    assert "IPython.events.pre_run_cell" in follow_up


# ---- in-process: the guard itself ----------------------------------------------------------


def test_nothing_is_reported_when_nothing_changed():
    assert guard.verify(ex.q3, everything=True) == []


def test_replaced_module_function_is_restored(monkeypatch):
    original = course_helpers.compare.check_tensor
    monkeypatch.setattr(course_helpers.compare, "check_tensor", lambda *a, **k: None)
    assert guard.verify() == ["course_helpers.compare.check_tensor"]
    assert course_helpers.compare.check_tensor is original
    assert guard.verify() == []


def test_new_global_that_shadows_a_builtin_is_removed():
    course_helpers.compare.type = lambda value: torch.Tensor  # type: ignore[attr-defined]
    assert guard.verify() == ["course_helpers.compare.type"]
    assert "type" not in vars(course_helpers.compare)


def test_class_attribute_and_enum_member_are_restored():
    passed = Outcome.__dict__["passed"]
    Outcome.passed = property(lambda self: True)  # type: ignore[method-assign,assignment]
    type.__setattr__(Status, "CORRECT", Status.INCORRECT)
    assert set(guard.verify()) == {"course_helpers.outcome.Outcome.passed",
                                   "course_helpers.outcome.Status.CORRECT"}
    assert Outcome.__dict__["passed"] is passed and Status.CORRECT.value == "correct"


def test_question_fields_and_case_values_are_restored():
    visible, x = ex.q3.visible, ex.q3.visible[0].args[0]
    before = x.clone()
    ex.q3.judge = lambda result, case: None
    ex.q3.draws.clear()
    x.zero_()
    changed = guard.verify(ex.q3) + guard.verify(answer_key(ex.q3.lesson, ex.q3.index))
    assert {"ex.q3.judge", "ex.q3.draws", "ex.q3.visible[0].args[0]"} <= set(changed)
    assert ex.q3.visible is visible and len(ex.q3.draws) == 3
    assert torch.equal(x, before) and ex.q3.judge is not None
    assert ex.q3.check(ex.q3.reference).passed


def test_function_code_defaults_and_closures_are_restored():
    fn = course_helpers.compare.check_tensor
    code = fn.__code__
    fn.__code__ = (lambda actual, expected, expect=None: None).__code__
    fn.__defaults__ = ("x",)
    assert {"course_helpers.compare.check_tensor.__code__",
            "course_helpers.compare.check_tensor.__defaults__"} <= set(guard.verify())
    assert fn.__code__ is code and fn.__defaults__ == (None,)


def test_torch_replacements_are_restored(monkeypatch):
    allclose, numel, rmul = torch.allclose, torch.Tensor.numel, torch.Tensor.__rmul__
    monkeypatch.setattr(torch, "allclose", lambda *a, **k: True)
    # Not monkeypatch: its undo would leave an inherited method in torch.Tensor's own dict.
    torch.Tensor.numel = lambda self: 1  # shadows the C base class's method
    torch.Tensor.__rmul__ = lambda self, other: self
    try:
        assert set(guard.verify()) == {"torch.allclose", "torch.Tensor.numel",
                                       "torch.Tensor.__rmul__"}
    finally:
        if "numel" in torch.Tensor.__dict__:
            delattr(torch.Tensor, "numel")
    assert torch.allclose is allclose and torch.Tensor.numel is numel
    assert torch.Tensor.__rmul__ is rmul and "numel" not in torch.Tensor.__dict__


def test_catalogue_and_sys_modules_are_restored(monkeypatch):
    import sys

    entry = CATALOGUE["outcome.correct"]
    monkeypatch.setitem(CATALOGUE, "outcome.incorrect", {"zh": "正确", "en": "Correct"})
    monkeypatch.setitem(entry, "en", "Wrong")
    monkeypatch.setitem(sys.modules, "course_helpers.compare", types.ModuleType("fake"))
    assert set(guard.verify()) == {"CATALOGUE['outcome.incorrect']",
                                   "CATALOGUE['outcome.correct']['en']",
                                   "sys.modules['course_helpers.compare']"}
    assert CATALOGUE["outcome.correct"]["en"] == "Correct!"
    assert sys.modules["course_helpers.compare"] is course_helpers.compare


def test_language_choice_and_new_submodules_are_not_tampering():
    course_helpers.set_language("en")
    importlib.import_module("course_helpers.graph")  # a lazily imported submodule

    try:
        assert guard.verify() == []
    finally:
        course_helpers.set_language("both")
    assert guard.verify() == []


def test_torch_wrapping_its_own_functions_is_not_tampering():
    # Optimizer subclasses get their step() wrapped on first use; torch._dynamo wraps
    # torch.manual_seed when it is imported.
    import torch._dynamo

    class Plain(torch.optim.Optimizer):
        def step(self, closure=None):
            return None

    Plain([torch.zeros(1, requires_grad=True)], {})
    assert guard.verify() == []


def test_grade_fails_with_tamper_message_and_restores(monkeypatch):
    monkeypatch.setattr(ex, "check_gradient", lambda *a, **k: None)
    with pytest.raises(CheckFailed) as caught:
        ex.q3.grade(lambda x: 2 * x)
    text = str(caught.value)
    assert "tampered" in text and "改动" in text
    assert "course_helpers.lessons.autograd.check_gradient" in text
    assert caught.value.outcome.status is Status.INCORRECT
    # Restored: the same wrong answer now fails on its merits, the right one passes.
    with pytest.raises(CheckFailed, match="sum"):
        ex.q3.grade(lambda x: 2 * x)
    ex.q3.grade(ex.q3.reference)


def test_tampering_inside_the_students_function_is_caught_after_the_call():
    def cheat(x):
        course_helpers.compare.check_tensor = lambda *a, **k: None
        return 2 * x

    outcome = ex.q3.check(cheat)
    assert outcome.status is Status.INCORRECT
    assert "course_helpers.compare.check_tensor" in outcome.details[0].render("en")
    assert guard.verify() == []


def test_copied_question_is_registered_when_first_checked():
    clone = copy.copy(ex.q3)
    assert clone.check(ex.q3.reference).passed
    clone.judge = lambda result, case: None
    assert not clone.check(lambda x: 2 * x).passed


def test_questions_made_in_tests_are_forgotten():
    before = len(guard._QUESTIONS)
    question = Question(key="autograd.q1", number="T", points=1, name="ex.t",
                        function="f", judge=lambda r, c, e: None,
                        visible=[Case((torch.zeros(2),))])
    assert len(guard._QUESTIONS) == before + 1
    del question
    assert len(guard._QUESTIONS) == before


def test_case_tensors_with_nan_are_not_reported():
    question = Question(key="autograd.q1", number="T", points=1, name="ex.t",
                        function="f", judge=lambda r, c, e: None,
                        visible=[Case((torch.tensor([float("nan"), 1.0]),))])
    assert guard.verify(question) == []


def test_trusted_restore_puts_watched_functions_back(monkeypatch):
    allclose = torch.allclose
    monkeypatch.setattr(torch, "allclose", lambda *a, **k: True)
    assert trusted.intact() == ["torch.allclose"]
    trusted.restore()
    assert torch.allclose is allclose and trusted.intact() == []


# ---- the pass-marker contract ---------------------------------------------------------------


def test_marker_bundle_keeps_the_html_and_text():
    outcome = ex.q3.evaluate(ex.q3.reference)
    marker = {"question": "ex.q3", "key": "autograd.q3", "hidden": False, "passed": True}
    bundle = marker_bundle(outcome, marker)
    assert bundle[CHECK_MIME] == marker
    assert "course-correct" in bundle["text/html"] and "Exercise 3" in bundle["text/plain"]
    json.dumps(bundle)  # a valid display bundle


def test_pass_markers_reads_nbformat_outputs():
    marker = {"question": "ex.q1", "key": "autograd.q1", "hidden": True, "passed": True}
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "hello"},
        {"output_type": "display_data", "data": {"text/html": "<b>x</b>"}, "metadata": {}},
        {"output_type": "display_data", "data": {"text/html": "ok", CHECK_MIME: marker},
         "metadata": {}},
        {"output_type": "execute_result", "data": {CHECK_MIME: json.dumps(marker)},
         "metadata": {}, "execution_count": 1},
        {"output_type": "error", "ename": "CheckFailed", "evalue": "", "traceback": []},
        {"output_type": "display_data", "data": {CHECK_MIME: "not json"}, "metadata": {}},
    ]
    assert pass_markers(outputs) == [marker, marker]
    assert pass_markers([]) == []
