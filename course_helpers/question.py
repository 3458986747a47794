"""One exercise: what to check, and the three faces ``check``, ``grade`` and ``hint``.

A :class:`Question` calls the student's function on fresh copies of its inputs (so a number
printed earlier cannot simply be typed in), judges each result with the verification core,
and returns an :class:`~course_helpers.outcome.Outcome`. How the outcome is shown is up to
the face: ``check`` displays it, ``grade`` raises :class:`CheckFailed` when it is not correct.

Both faces run :func:`course_helpers.guard.verify` before and after the evaluation: anything
the checks rely on that was replaced (by earlier cells, or by the student's function while it
ran) is put back and the check fails with a "tampered" message. A passing ``grade`` also shows
the pass marker the grader looks for (:data:`course_helpers.grading.CHECK_MIME`).
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import inspect
import io
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import torch

from course_helpers import checkdata, guard, trusted
from course_helpers.diagnose import diagnose_exception, diagnose_repeat
from course_helpers.draw import draw_cases
from course_helpers.edition import hints_shown
from course_helpers.grading import CheckFailed, marker_bundle, outcome_bundle
from course_helpers.i18n import Message, msg
from course_helpers.outcome import Note, Outcome, ShownNote, ShownOutcome, ShownText, Status

# A diagnosis is a catalogue key with its numbers; it becomes text only when it is shown.
Diagnosis = Message
Judge = Callable[..., Diagnosis | None]  # (result, case, expected) -> Diagnosis | None
# (case, index, attempt) -> (result, the arguments as the answer left them)
Caller = Callable[["Case", int, int], tuple[Any, tuple[Any, ...]]]

# Taken when the setup cell imports the course: a later ``IPython.display.display = ...``
# cannot hide or fake what a check shows.
try:
    from IPython import get_ipython as _get_ipython
    from IPython.display import display as _display
except ImportError:  # pragma: no cover - IPython is a dependency
    _get_ipython = None  # type: ignore[assignment]
    _display = None  # type: ignore[assignment]

_verify = guard.verify
# How many checks are running: a check started from inside the student's function (while
# another one runs) never shows a pass marker.
_running = [0]


@dataclass(frozen=True)
class Case:
    """One set of arguments for the student's function, with a label for feedback.

    ``args`` stay as written (the judge computes expectations from them); ``seen`` holds the
    private copies the student's function actually received, after the call, so a judge can
    inspect an argument the function was meant to change in place.
    """

    args: tuple[Any, ...]
    label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    seen: tuple[Any, ...] = ()


class _NotAttempted(Exception):
    pass


class _Raised(Exception):
    def __init__(self, diagnosis: Message) -> None:
        super().__init__(diagnosis.key)
        self.diagnosis = diagnosis


@dataclass
class Question:
    """An exercise checked by calling the student's function on known inputs.

    A lesson declares its questions with :func:`declare`, which numbers them in order. Each
    question names the function the student writes, its visible cases and how a result is
    judged: ``judge(result, case, expected)`` returns ``None`` for a right result or a
    :data:`Diagnosis`. ``expected`` is plain data: for a visible case it comes from the check
    data compiled at release time (:mod:`course_helpers.checkdata`), for a hidden case from
    the answer key, which only the self-study install and the grader have.

    Declared hooks, all optional:

    * ``call(answer, case, args)`` runs the student's answer on private copies of the
      arguments (default ``answer(*args)``); whatever it raises reaches ``explain``.
    * ``explain(error)`` names a lesson's usual cause of an error raised by the answer, or
      returns ``None`` for the general explanation.
    * ``rename`` maps a general diagnosis key to the lesson's own wording of it.
    * ``repeat`` compares a second call on the first case with the first result (state that
      leaks between calls); ``again`` judges the second call in full (a loop run twice).
    * ``keeps_inputs``: the answer must leave the tensors it is given as they were (no new
      values, no ``requires_grad`` switched on, no ``.grad`` stored), or a second call on
      the same tensors would start from what the first one left.
    * ``draws``: the templates hidden cases are drawn from (:mod:`course_helpers.draw`).
      They are inputs only: what is expected of them comes from the answer key, which the
      grading kernel does not have. ``varied``: the argument positions whose values are
      drawn afresh (all of them by default).
    """

    points: int
    judge: Judge
    visible: Sequence[Case]
    function: str = ""
    repeat: bool = True
    again: bool = False
    keeps_inputs: bool = False
    call: Callable[..., Any] | None = None
    explain: Callable[[Exception], Diagnosis | None] | None = None
    rename: dict[str, str] = field(default_factory=dict)
    draws: Sequence[Case] = ()
    varied: Sequence[int] | None = None
    # Set by ``declare`` from the order of declaration.
    key: str = ""
    number: str = ""
    name: str = ""
    lesson: str = ""
    index: int = -1

    def __post_init__(self) -> None:
        # Snapshot of the fields and cases, verified whenever this question is checked.
        guard.register_question(self)

    # ---- the answer key: present in the self-study install, absent in the assessed one ----
    def _answer(self) -> Any:
        return answer_key(self.lesson, self.index)

    def __getattr__(self, name: str) -> Any:
        # Only reached for what the instance does not hold: the parts of the answer key.
        if name in _FROM_KEY and not name.startswith("_"):
            answer = self._answer()
            if answer is not None:
                if name == "solution":
                    return lambda: Question._solution(self, answer.reference)
                return getattr(answer, name)
        raise AttributeError(name)

    def __dir__(self) -> list[str]:
        names = set(super().__dir__())
        if self._answer() is not None:
            names |= set(_FROM_KEY)
        return sorted(names)

    def _expected(self, index: int, case: Case, hidden: bool) -> Any:
        if not self.lesson:
            return None  # a question outside any lesson: its judge needs no data
        if not hidden:
            return checkdata.expected(self.lesson, int(self.number), index)
        answer = self._answer()
        if answer is None:
            raise _NoKey
        return answer.expect(case)

    # ---- the problem ---------------------------------------------------------------
    def evaluate(self, answer: object, *, hidden: bool = False) -> Outcome:
        """Check ``answer`` (the student's function) and return the outcome."""
        was_on = trusted.is_grad_enabled()
        trusted.set_grad_enabled(True)
        try:
            outcome = self._evaluate(answer, hidden)
        finally:
            left_off = not trusted.is_grad_enabled()
            trusted.set_grad_enabled(True)
        if left_off and outcome.status is not Status.NOT_ATTEMPTED:
            # Gradient tracking switched off by the answer would break every later cell.
            outcome = Outcome(Status.INCORRECT, outcome.title,
                              (msg("diag.grad_left_off"),
                               msg("outcome.hint_pointer", name=self.name)))
        if not was_on:
            outcome = replace(outcome, details=(*outcome.details, msg("diag.grad_was_off")))
        return outcome

    def _evaluate(self, answer: object, hidden: bool) -> Outcome:
        title = msg("outcome.title", number=self.number)
        if not callable(answer):
            return self._incorrect(title, msg("diag.not_callable", name=self.function,
                                              type=type(answer).__name__), None, hidden)
        tampered = trusted.intact()
        if tampered:
            trusted.restore()
            return self._tampered(tampered)
        try:
            cases = list(self._hidden_cases() if hidden else self.visible)
        except _NoKey:
            return Outcome(Status.NOT_ATTEMPTED, title, (msg("outcome.no_key"),))

        def call(case: Case, index: int, attempt: int) -> tuple[Any, tuple[Any, ...]]:
            return self._call(answer, case)

        return self._verdict([(case, hidden, index) for index, case in enumerate(cases)], call)

    def _verdict(self, items: Sequence[tuple[Case, bool, int]], call: Caller) -> Outcome:
        """Judge every case in order: ``(case, hidden, index within its kind)``.

        ``call(case, index, attempt)`` gives the answer's result and the arguments it saw
        (``attempt`` 1 is the second call on the first case); in the kernel it runs the
        answer, in the judge it reads what the kernel observed.
        """
        title = msg("outcome.title", number=self.number)
        hidden = False
        for case, hidden, index in items:
            try:
                expected = self._expected(index, case, hidden)
                result, seen = call(case, index, 0)
                problem = _changed_input(case.args, seen) if self.keeps_inputs else None
                if problem is None:
                    problem = self.judge(result, replace(case, seen=seen), expected)
                if problem is None and index == 0 and (self.repeat or self.again):
                    problem = self._second_call(call, case, expected, result)
            except _NotAttempted:
                return Outcome(Status.NOT_ATTEMPTED, title,
                               (msg("outcome.not_attempted_detail"),))
            except _Raised as raised:
                return self._incorrect(title, raised.diagnosis, case, hidden)
            except _NoKey:
                return Outcome(Status.NOT_ATTEMPTED, title, (msg("outcome.no_key"),))
            if problem is not None:
                return self._incorrect(title, problem, case, hidden)
        key = "outcome.correct_hidden" if hidden else "outcome.correct_visible"
        return Outcome(Status.CORRECT, title, (msg(key),))

    def _hidden_cases(self) -> Sequence[Case]:
        answer = self._answer()
        if answer is None:
            raise _NoKey
        return self.hidden_templates()

    def hidden_templates(self) -> Sequence[Case]:
        """The templates hidden cases are drawn from (the inputs, never what is expected)."""
        return self.draws

    def draw(self, seed: int | None) -> list[Case]:
        """The hidden cases for ``seed`` (the grader's): fresh values, same shapes."""
        return draw_cases(self.hidden_templates(), seed, self.varied)

    def _second_call(self, call: Caller, case: Case, expected: Any,
                     first: Any) -> Diagnosis | None:
        """The first case once more: right again, and (``repeat``) the same as before."""
        if self.again:
            try:
                result, seen = call(case, 0, 1)
                wrong = self.judge(result, replace(case, seen=seen), expected) is not None
            except _NotAttempted:
                raise
            except _Raised:
                wrong = True  # a second call that fails outright shows the same mistake
            return msg(self.rename.get("diag.state_kept", "diag.state_kept")) if wrong else None
        before = _snapshot(first)
        again, _ = call(case, 0, 1)
        return _compare_snapshots(before, _snapshot(again))

    def _call(self, answer: Callable[..., Any], case: Case) -> tuple[Any, tuple[Any, ...]]:
        args = tuple(_fresh(arg) for arg in case.args)
        # Warnings and stderr from the student's code would make nbgrader zero the cell.
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            try:
                if self.call is not None:
                    return self.call(answer, case, args), args
                return answer(*args), args
            except NotImplementedError as error:
                raise _NotAttempted from error
            except (_NotAttempted, _Raised, _NoKey):
                raise
            except Exception as error:  # the one path from a student's error to feedback
                raise _Raised(self._explained(error)) from error

    def _explained(self, error: Exception) -> Diagnosis:
        found = self.explain(error) if self.explain is not None else None
        return found if found is not None else diagnose_exception(error)

    def _incorrect(self, title: Message, problem: Message, case: Case | None,
                   hidden: bool) -> Outcome:
        if problem.key in self.rename:
            problem = msg(self.rename[problem.key], **problem.params)
        details = [problem]
        if case is not None and hidden:
            details.append(msg("outcome.hidden_case"))
        elif case is not None and case.label:
            details.append(msg("outcome.case", case=case.label))
        details.append(msg("outcome.hint_pointer", name=self.name))
        return Outcome(Status.INCORRECT, title, tuple(details))

    def _tampered(self, names: Sequence[str]) -> Outcome:
        shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
        return Outcome(Status.INCORRECT, msg("outcome.title", number=self.number),
                       (msg("diag.tampered", name=shown),))

    def _guarded(self, answer: object, hidden: bool) -> Outcome:
        """``evaluate`` between two verifications of everything the checks rely on."""
        tampered = Question._changed(self, hidden)
        if tampered:
            return Question._tampered(self, tampered)
        _running[0] += 1
        try:
            outcome = self.evaluate(answer, hidden=hidden)
        finally:
            _running[0] -= 1
        # The student's function may have replaced something while it ran.
        tampered = Question._changed(self, hidden)
        if tampered or type(outcome) is not Outcome:
            return Question._tampered(self, tampered or [f"{self.name}.evaluate"])
        return outcome

    def _changed(self, hidden: bool) -> list[str]:
        """What was replaced in the question, its key entry (which only hidden checks use),
        or what the checks rely on."""
        changed = _verify(self)
        answer = answer_key(self.lesson, self.index) if hidden else None
        if answer is not None:
            changed += [name for name in _verify(answer) if name not in changed]
        return changed

    # ---- the faces ---------------------------------------------------------------------
    def check(self, answer: object) -> Outcome:
        """Show coloured feedback for ``answer`` (self-study; never raises) and return it."""
        outcome = Question._guarded(self, answer, False)
        _show(outcome)  # the plain outcome: a Shown one would display nothing
        return ShownOutcome(outcome.status, outcome.title, outcome.details)

    def grade(self, answer: object, *, hidden: bool = False) -> None:
        """For nbgrader test cells: show the outcome's panel; raise :class:`CheckFailed` unless
        it is correct.

        A pass shows the feedback together with the pass marker
        ``{"question": name, "key": key, "hidden": hidden, "passed": true}``.
        """
        nested = _running[0] > 0
        outcome = Question._guarded(self, answer, hidden)
        if outcome.status is not Status.CORRECT:
            if not nested:  # the panel, with the outcome as data for the mistake report
                _show_record(outcome_bundle(outcome, {"question": str(self.name),
                                                      "key": str(self.key),
                                                      "hidden": bool(hidden)}))
            raise CheckFailed(outcome, shown=not nested)
        if nested:
            _show(outcome)
            return
        _show(outcome, {"question": str(self.name), "key": str(self.key),
                        "hidden": bool(hidden), "passed": True})

    def hint(self) -> Note:
        """Show the hint for this exercise and return it."""
        body = msg(f"{self.key}.hint") if hints_shown() else msg("outcome.hints_off")
        note = Note(msg("outcome.hint_title"), body)
        _show(note)  # the plain note: a Shown one would display nothing
        return ShownNote(note.title, note.body)

    def _solution(self, reference: Callable[..., Any]) -> str:
        """Show the reference solution's source code and return it (self-study only)."""
        source = inspect.getsource(reference)
        note = msg("outcome.solution_note")
        try:
            from IPython.display import Markdown, display

            display(Markdown(f"**{msg('outcome.solution_title')}**\n\n```python\n{source}```\n\n"
                             f"{note}"))
        except ImportError:  # pragma: no cover - IPython is a dependency
            print(source)
        return ShownText(source)


_FROM_KEY = ("reference", "expect", "solution")


class _NoKey(Exception):
    """The answer key is not installed (the assessed release)."""


def answer_key(lesson: str, index: int) -> Any:
    """The key's entry for a question, or ``None`` where the key is not installed."""
    if not lesson or index < 0:
        return None
    try:
        module = importlib.import_module(f"course_helpers.key.{lesson}")
    except ModuleNotFoundError as error:
        if error.name and (error.name == "course_helpers.key"
                           or error.name.startswith("course_helpers.key.")):
            return None
        raise
    return module.ANSWERS[index]


def declare(module_name: str, lesson: str, *questions: Question) -> tuple[Question, ...]:
    """Number a lesson's questions in order and bind them as ``q1``, ``q2``… of its module.

    ``lesson`` is the prefix of the lesson's message keys (``autograd`` gives the hint key
    ``autograd.q1.hint``).
    """
    module = sys.modules[module_name]
    short = module_name.rsplit(".", 1)[-1]
    for number, question in enumerate(questions, start=1):
        question.key = f"{lesson}.q{number}"
        question.number = str(number)
        question.name = f"ex.q{number}"
        question.lesson = short
        question.index = number - 1
        setattr(module, f"q{number}", question)
        guard.register_question(question)  # again: the snapshot must hold the names
    # Where the key is installed, load it now, with the lesson: what it takes from torch is
    # taken before any student code runs, as the checks' own functions are.
    try:
        importlib.import_module(f"course_helpers.key.{short}")
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("course_helpers.key"):
            raise
    return questions


def _fresh(value: Any) -> Any:
    """A private copy of an argument, so the student's code cannot change the case."""
    if isinstance(value, trusted.Tensor):
        return trusted.clone(trusted.detach(value))
    if callable(value):
        return value
    return copy.deepcopy(value)


def _changed_input(given: Sequence[Any], seen: Sequence[Any]) -> Diagnosis | None:
    """How the answer changed a tensor it was given (its private copy), if it did."""
    for position, (before, after) in enumerate(zip(given, seen, strict=False), start=1):
        if not (isinstance(before, trusted.Tensor) and isinstance(after, trusted.Tensor)):
            continue
        if trusted.requires_grad(after) and not trusted.requires_grad(before):
            how = "diag.input_changed.requires_grad"
        elif trusted.grad(after) is not None and trusted.grad(before) is None:
            how = "diag.input_changed.grad"
        elif trusted.shape(after) != trusted.shape(before) or not _same(after, before):
            how = "diag.input_changed.values"
        else:
            continue
        return msg("diag.input_changed", position=position, how=msg(how))
    return None


def _same(a: torch.Tensor, b: torch.Tensor) -> bool:
    first, second = trusted.as_float64(a), trusted.as_float64(b)
    both_nan = (first != first) & (second != second)
    return bool(trusted.item(trusted.all_((first == second) | both_nan)))


def _snapshot(result: Any) -> Any:
    """Float64 copies of the tensors in a result, taken before the next call can change them."""
    if trusted.is_plain(result):
        return trusted.as_float64(result)  # type: ignore[arg-type]
    if type(result) is tuple or type(result) is list:
        return tuple(_snapshot(item) for item in result)  # type: ignore[union-attr]
    return None


def _compare_snapshots(first: Any, second: Any) -> Message | None:
    if isinstance(first, torch.Tensor) and isinstance(second, torch.Tensor):
        if trusted.shape(first) != trusted.shape(second):
            return None
        return diagnose_repeat(first, second)
    if isinstance(first, tuple) and isinstance(second, tuple):
        for a, b in zip(first, second, strict=False):
            problem = _compare_snapshots(a, b)
            if problem is not None:
                return problem
    return None


def _show_record(bundle: dict[str, Any]) -> None:
    if _get_ipython is not None and _display is not None and _get_ipython() is not None:
        _display(bundle, raw=True)


def _show(obj: object, marker: dict[str, Any] | None = None) -> None:
    if _get_ipython is None or _display is None or _get_ipython() is None:
        print(repr(obj))
    elif marker is None:
        _display(obj)
    else:
        assert isinstance(obj, Outcome)
        _display(marker_bundle(obj, marker), raw=True)
