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
import inspect
import io
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import torch

from course_helpers import guard, trusted
from course_helpers.diagnose import diagnose_exception, diagnose_repeat
from course_helpers.grading import CheckFailed, marker_bundle, outcome_bundle
from course_helpers.i18n import Message, msg
from course_helpers.outcome import Note, Outcome, ShownNote, ShownOutcome, ShownText, Status

Judge = Callable[[Any, "Case"], Message | None]

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

    ``judge(result, case)`` returns ``None`` for a right result or a message naming what is
    wrong. ``repeat`` calls the function twice on the first case to catch state that leaks
    between calls (a gradient that keeps accumulating in a global tensor).
    """

    key: str
    number: str
    points: int
    name: str
    reference: Callable[..., Any]
    judge: Judge
    visible: Sequence[Case]
    hidden: Sequence[Case] = ()
    repeat: bool = True

    def __post_init__(self) -> None:
        # Snapshot of the fields and cases, verified whenever this question is checked.
        guard.register_question(self)

    # ---- the problem ---------------------------------------------------------------
    def evaluate(self, answer: object, *, hidden: bool = False) -> Outcome:
        """Check ``answer`` (the student's function) and return the outcome."""
        title = msg("outcome.title", number=self.number)
        if not callable(answer):
            return self._incorrect(title, msg("diag.not_callable",
                                              name=self.reference.__name__,
                                              type=type(answer).__name__), None, hidden)
        tampered = trusted.intact()
        if tampered:
            trusted.restore()
            return self._tampered(tampered)
        cases = list(self.hidden if hidden else self.visible)
        for index, case in enumerate(cases):
            try:
                result, seen = self._call(answer, case)
                problem = self.judge(result, replace(case, seen=seen))
                if problem is None and self.repeat and index == 0:
                    first = _snapshot(result)
                    again, _ = self._call(answer, case)
                    problem = _compare_snapshots(first, _snapshot(again))
            except _NotAttempted:
                return Outcome(Status.NOT_ATTEMPTED, title,
                               (msg("outcome.not_attempted_detail"),))
            except _Raised as raised:
                return self._incorrect(title, raised.diagnosis, case, hidden)
            if problem is not None:
                return self._incorrect(title, problem, case, hidden)
        key = "outcome.correct_hidden" if hidden else "outcome.correct_visible"
        return Outcome(Status.CORRECT, title, (msg(key),))

    def _call(self, answer: Callable[..., Any], case: Case) -> tuple[Any, tuple[Any, ...]]:
        args = tuple(_fresh(arg) for arg in case.args)
        # Warnings and stderr from the student's code would make nbgrader zero the cell.
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            try:
                return answer(*args), args
            except NotImplementedError as error:
                raise _NotAttempted from error
            except Exception as error:  # any failure of student code is feedback
                raise _Raised(diagnose_exception(error)) from error

    def _incorrect(self, title: Message, problem: Message, case: Case | None,
                   hidden: bool) -> Outcome:
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
        tampered = _verify(self)
        if tampered:
            return Question._tampered(self, tampered)
        _running[0] += 1
        try:
            outcome = self.evaluate(answer, hidden=hidden)
        finally:
            _running[0] -= 1
        # The student's function may have replaced something while it ran.
        tampered = _verify(self)
        if tampered or type(outcome) is not Outcome:
            return Question._tampered(self, tampered or [f"{self.name}.evaluate"])
        return outcome

    # ---- the faces ---------------------------------------------------------------------
    def check(self, answer: object) -> Outcome:
        """Show coloured feedback for ``answer`` (self-study; never raises) and return it."""
        outcome = Question._guarded(self, answer, False)
        _show(outcome)  # the plain outcome: a Shown one would display nothing
        return ShownOutcome(outcome.status, outcome.title, outcome.details)

    def grade(self, answer: object, *, hidden: bool = False) -> None:
        """For nbgrader test cells: show success, raise :class:`CheckFailed` otherwise.

        A pass shows the feedback together with the pass marker
        ``{"question": name, "key": key, "hidden": hidden, "passed": true}``.
        """
        nested = _running[0] > 0
        outcome = Question._guarded(self, answer, hidden)
        if outcome.status is not Status.CORRECT:
            if not nested:  # the outcome as data, for the instructor's mistake report
                _show_record(outcome_bundle(outcome, {"question": str(self.name),
                                                      "key": str(self.key),
                                                      "hidden": bool(hidden)}))
            raise CheckFailed(outcome)
        if nested:
            _show(outcome)
            return
        _show(outcome, {"question": str(self.name), "key": str(self.key),
                        "hidden": bool(hidden), "passed": True})

    def hint(self) -> Note:
        """Show the hint for this exercise and return it."""
        note = Note(msg("outcome.hint_title"), msg(f"{self.key}.hint"))
        _show(note)  # the plain note: a Shown one would display nothing
        return ShownNote(note.title, note.body)

    def solution(self) -> str:
        """Show the reference solution's source code and return it."""
        source = inspect.getsource(self.reference)
        note = msg("outcome.solution_note")
        try:
            from IPython.display import Markdown, display

            display(Markdown(f"**{msg('outcome.solution_title')}**\n\n```python\n{source}```\n\n"
                             f"{note}"))
        except ImportError:  # pragma: no cover - IPython is a dependency
            print(source)
        return ShownText(source)


def _fresh(value: Any) -> Any:
    """A private copy of an argument, so the student's code cannot change the case."""
    if isinstance(value, trusted.Tensor):
        return trusted.clone(trusted.detach(value))
    if callable(value):
        return value
    return copy.deepcopy(value)


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
