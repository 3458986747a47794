"""Lesson 01 (tensor basics): exercises, their reference solutions and how each is checked.

Expected values are built from plain Python numbers (``r * n + c`` for a grid, a loop for a
masked mean), never by running the reference solution. Structure is judged first, in the
core's order (type, dtype, shape, device), then values; the lesson's own diagnoses only
sharpen the message about the property that differs (a row instead of a column, ``x[:-2]``
instead of ``x[:-1]``, ``>=`` instead of ``>``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import torch

from course_helpers import trusted
from course_helpers.compare import (
    Expect,
    check_structure,
    check_tuple,
    check_values,
    close,
    shape_text,
    tolerances,
    type_name,
)
from course_helpers.i18n import Message, msg
from course_helpers.lessons.inputs import vector
from course_helpers.question import Case, Question

# ---- reference solutions (shown by ``solution()``) --------------------------------------


def make_grid(n):
    """The float32 (n, n) tensor holding 0, 1, ..., n*n - 1 row by row."""
    return torch.arange(n * n, dtype=torch.float32).view(n, n)


def to_float64_column(values):
    """A float64 column of shape (len(values), 1) from a Python list of numbers."""
    return torch.tensor(values, dtype=torch.float64).view(-1, 1)


def rest_and_last(x):
    """(everything but the last element, the last element as a 0-d tensor) of a 1-D x."""
    return x[:-1], x[-1]


def positives_mean(x):
    """The mean of the strictly positive entries of x, as a 0-d tensor."""
    return x[x > 0].mean()


def column(x):
    """All entries of x, row by row, as a column of shape (x.numel(), 1)."""
    return x.reshape(-1, 1)


def pick_device():
    """torch.device("cuda") when CUDA is available, else torch.device("cpu")."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


# ---- a picture for the lesson ------------------------------------------------------------


def show_layouts(panels):
    """Draw 2-D tensors as tables of their numbers, one panel per ``(title, tensor)`` pair.

    The same numbers in different layouts show how ``view`` fills rows and what a
    transpose does. (A candidate for ``course_helpers.plots``.)
    """
    import matplotlib.pyplot as plt

    from course_helpers import plots

    plots.configure()
    fig, axes = plt.subplots(1, len(panels), figsize=(3.3 * len(panels), 3.6))
    for ax, (title, tensor) in zip(axes, panels, strict=True):
        data = tensor.detach().to(torch.float64)
        rows, cols = data.shape
        top = float(data.abs().max()) or 1.0
        ax.imshow(data.numpy(), cmap="Blues", vmin=-0.4 * top, vmax=1.6 * top)
        for r in range(rows):
            for c in range(cols):
                ax.text(c, r, f"{float(data[r, c]):g}", ha="center", va="center", fontsize=12)
        ax.set_title(title, family="monospace", fontsize=11)
        ax.set_xticks(range(cols))
        ax.set_yticks(range(rows))
        ax.set_xlabel(plots.label(msg("tensors.plot.column")))
        ax.set_ylabel(plots.label(msg("tensors.plot.row")))
        ax.grid(False)
    fig.suptitle(plots.label(msg("tensors.plot.layouts")))
    fig.tight_layout()
    return plots.finish(fig)


# ---- a question that explains view() on a non-contiguous tensor and can simulate CUDA ----


class _ViewFailed:
    """Returned in place of a result when ``.view()`` refused a non-contiguous tensor."""

    __slots__ = ()


_VIEW_FAILED = _ViewFailed()
# Taken when the locked setup cell imports the course, before any student code can replace it.
_REAL_CUDA_AVAILABLE = torch.cuda.is_available
_VIEW_ERROR = "view size is not compatible with input tensor"


def _explain_view_errors(answer: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        try:
            return answer(*args)
        except RuntimeError as error:
            if _VIEW_ERROR in str(error):
                return _VIEW_FAILED
            raise

    return call


@contextlib.contextmanager
def _cuda_available(available: bool | None) -> Iterator[None]:
    """Make ``torch.cuda.is_available()`` answer ``available`` for the length of one call."""
    if available is None:
        yield
        return
    cuda = torch.cuda
    saved = cuda.is_available, cuda.device_count
    cuda.is_available = lambda: available  # type: ignore[assignment]
    cuda.device_count = lambda: 1 if available else 0  # type: ignore[assignment]
    try:
        yield
    finally:
        cuda.is_available, cuda.device_count = saved  # type: ignore[assignment]


class LessonQuestion(Question):
    """A :class:`Question` whose cases may simulate CUDA (``extra={"cuda": True}``) and
    whose ``.view()`` failures on non-contiguous inputs get their own diagnosis."""

    def _call(self, answer: Callable[..., Any], case: Case) -> tuple[Any, tuple[Any, ...]]:
        with _cuda_available(case.extra.get("cuda")):
            return super()._call(_explain_view_errors(answer), case)


# ---- shared judging helpers --------------------------------------------------------------

Refine = Callable[[Any], Message | None]


def _plain(value: object) -> bool:
    return type(value) in (trusted.Tensor, trusted.Parameter)


def _float64(rows: Any) -> torch.Tensor:
    return torch.tensor(rows, dtype=torch.float64)


def _same(value: object, expected: torch.Tensor) -> bool:
    """``value`` is a plain CPU tensor with ``expected``'s shape and (in float64) values."""
    if not _plain(value) or trusted.device(value).type != "cpu":  # type: ignore[arg-type]
        return False
    assert isinstance(value, torch.Tensor)
    dtype = trusted.dtype(value)
    if dtype.is_complex or trusted.shape(value) != trusted.shape(expected):
        return False
    rtol, atol = tolerances(dtype, Expect())
    return close(trusted.as_float64(value), expected, rtol=rtol, atol=atol)


def _check(result: object, expected: torch.Tensor, expect: Expect,
           refine: dict[str, Refine] | None = None) -> Message | None:
    """Structure, then values; ``refine`` may replace the message for one property."""
    problem = check_structure(result, expected, expect)
    if problem is None:
        assert isinstance(result, torch.Tensor)
        # Values only: the core's gradient diagnoses ("accumulated 2 times") don't fit here.
        problem = check_values(result, expected, replace(expect, diagnose=False))
    if problem is not None and refine and problem.key in refine:
        return refine[problem.key](result) or problem
    return problem


def _column_shapes(what: Message, n: int) -> Refine:
    """A (1, n) row or an (n,) vector where an (n, 1) column was asked for."""

    def refine(result: Any) -> Message | None:
        got = trusted.shape(result)
        shape = msg("compare.shape", what=what, expected=shape_text((n, 1)),
                    actual=shape_text(got))
        if got == (1, n) and n > 1:
            return msg("tensors.diag.row_not_column", shape=shape, n=n)
        if got == (n,):
            return msg("tensors.diag.vector_not_column", shape=shape, n=n)
        return None

    return refine


def _python_number(what: Message) -> Refine:
    def refine(result: Any) -> Message | None:
        if type(result) in (float, int, bool):
            return msg("tensors.diag.item_not_tensor", what=what, type=type(result).__name__)
        return None

    return refine


def _flat(value: Any) -> list[float]:
    """Row-by-row entries of a nested list from ``tolist()``."""
    if isinstance(value, list):
        return [v for item in value for v in _flat(item)]
    return [float(value)]


def _no_view_failure(judge: Callable[[Any, Case], Message | None]
                     ) -> Callable[[Any, Case], Message | None]:
    def wrapped(result: Any, case: Case) -> Message | None:
        if result is _VIEW_FAILED:
            return msg("tensors.diag.view_not_contiguous")
        return judge(result, case)

    return wrapped


# ---- q1: make_grid -----------------------------------------------------------------------


@_no_view_failure
def _judge_grid(result: object, case: Case) -> Message | None:
    n = case.args[0]
    expected = _float64([[float(r * n + c) for c in range(n)] for r in range(n)])
    what = msg("what.tensor")

    def values(res: Any) -> Message | None:
        if n > 1 and _same(res, expected.T):
            return msg("tensors.diag.transposed", what=what)
        if _same(res, expected + 1):
            return msg("tensors.diag.starts_at_one", what=what)
        return None

    return _check(result, expected, Expect(floating=False, dtype=torch.float32, what=what),
                  {"compare.values": values})


# ---- q2: to_float64_column ---------------------------------------------------------------


@_no_view_failure
def _judge_float64_column(result: object, case: Case) -> Message | None:
    values = case.args[0]
    expected = _float64([[float(v)] for v in values])
    what = msg("what.tensor")
    return _check(result, expected, Expect(floating=False, dtype=torch.float64, what=what),
                  {"compare.shape": _column_shapes(what, len(values))})


# ---- q3: rest_and_last -------------------------------------------------------------------


@_no_view_failure
def _judge_rest_and_last(result: object, case: Case) -> Message | None:
    problem = check_tuple(result, 2)
    if problem is not None:
        return problem
    assert isinstance(result, tuple | list)
    x = case.args[0]
    entries = [float(v) for v in x.tolist()]
    n = len(entries)
    rest, last = _float64(entries[:-1]), _float64(entries[-1])
    if _same(result[0], last) and _same(result[1], rest):
        return msg("tensors.diag.swapped_parts")
    rest_what, last_what = msg("tensors.what.rest"), msg("tensors.what.last")
    dtype = trusted.dtype(x)

    def rest_shape(res: Any) -> Message | None:
        if _same(res, _float64(entries[:-2])):
            return msg("tensors.diag.slice_drops_two", what=rest_what)
        return None

    def rest_values(res: Any) -> Message | None:
        if _same(res, _float64(entries[1:])):
            return msg("tensors.diag.slice_drops_first", what=rest_what)
        return None

    def last_shape(res: Any) -> Message | None:
        if _same(res, _float64(entries[-1:])):
            return msg("tensors.diag.slice_not_index", what=last_what)
        return None

    def last_values(res: Any) -> Message | None:
        for index in range(n - 2, -1, -1):
            if _same(res, _float64(entries[index])):
                return msg("tensors.diag.wrong_index", index=index - n)
        return None

    problem = _check(result[0], rest, Expect(floating=False, dtype=dtype, what=rest_what),
                     {"compare.shape": rest_shape, "compare.values": rest_values})
    if problem is not None:
        return problem
    return _check(result[1], last, Expect(floating=False, dtype=dtype, what=last_what),
                  {"compare.not_tensor": _python_number(last_what),
                   "compare.shape": last_shape, "compare.values": last_values})


# ---- q4: positives_mean ------------------------------------------------------------------


@_no_view_failure
def _judge_positives_mean(result: object, case: Case) -> Message | None:
    entries = _flat(case.args[0].tolist())
    positives = [v for v in entries if v > 0]
    non_negative = [v for v in entries if v >= 0]
    expected = _float64(sum(positives) / len(positives))
    what = msg("what.result")

    def shape(res: Any) -> Message | None:
        if _same(res, _float64(positives)):
            return msg("tensors.diag.mask_not_reduced", what=what, count=len(positives))
        return None

    def values(res: Any) -> Message | None:
        wrong = (
            (sum(non_negative) / len(non_negative), msg("tensors.diag.mask_includes_zero",
                                                        what=what)),
            (sum(entries) / len(entries), msg("tensors.diag.mean_of_all", what=what)),
            (sum(positives) / len(entries), msg("tensors.diag.divided_by_all", what=what,
                                                n=len(entries))),
            (sum(positives), msg("tensors.diag.sum_of_positives", what=what)),
        )
        for value, message in wrong:
            if _same(res, _float64(value)):
                return message
        return None

    return _check(result, expected, Expect(what=what),
                  {"compare.not_tensor": _python_number(what), "compare.shape": shape,
                   "compare.values": values})


# ---- q5: column --------------------------------------------------------------------------


@_no_view_failure
def _judge_column(result: object, case: Case) -> Message | None:
    x = case.args[0]
    entries = _flat(x.tolist())
    expected = _float64([[v] for v in entries])
    what = msg("what.tensor")

    def values(res: Any) -> Message | None:
        if len(trusted.shape(x)) == 2:
            by_columns = _flat(x.T.tolist())
            if _same(res, _float64([[v] for v in by_columns])):
                return msg("tensors.diag.column_major", what=what)
        return None

    return _check(result, expected, Expect(floating=False, dtype=trusted.dtype(x), what=what),
                  {"compare.shape": _column_shapes(what, len(entries)),
                   "compare.values": values})


# ---- q6: pick_device ---------------------------------------------------------------------


def _judge_device(result: object, case: Case) -> Message | None:
    available = case.extra.get("cuda")
    if available is None:
        available = bool(_REAL_CUDA_AVAILABLE())
    expected = "cuda" if available else "cpu"
    if isinstance(result, str):
        text = str.__str__(result)
        shown = repr(text if len(text) <= 20 else text[:20] + "…")
        return msg("tensors.diag.device_string", value=shown, expected=expected)
    if type(result) is not torch.device:
        return msg("tensors.diag.not_device", type=type_name(result))
    actual = str(result)
    if result.type == expected:
        return None
    if available and result.type == "cpu":
        return msg("tensors.diag.device_ignores_cuda", actual=actual)
    if not available and result.type == "cuda":
        return msg("tensors.diag.device_cuda_unavailable", actual=actual)
    return msg("tensors.diag.wrong_device", expected=expected, actual=actual)


# ---- hidden inputs -----------------------------------------------------------------------


def _with_zeros(values: torch.Tensor, positions: list[int]) -> torch.Tensor:
    flat = values.clone().view(-1)
    flat[positions] = 0
    return flat.view(values.shape)


# ---- the questions -----------------------------------------------------------------------

q1 = LessonQuestion(
    key="tensors.q1", number="1", points=2, name="ex.q1", reference=make_grid,
    judge=_judge_grid,
    visible=[Case((3,), "n = 3")],
    hidden=[Case((4,)), Case((1,)), Case((6,))],
)

q2 = LessonQuestion(
    key="tensors.q2", number="2", points=2, name="ex.q2", reference=to_float64_column,
    judge=_judge_float64_column,
    visible=[Case(([1, 2, 3],), "values = [1, 2, 3]")],
    hidden=[Case(([-3, 0, 12, 7, 5],)), Case(([2.5, -1.0],)), Case(([10],))],
)

q3 = LessonQuestion(
    key="tensors.q3", number="3", points=2, name="ex.q3", reference=rest_and_last,
    judge=_judge_rest_and_last,
    visible=[Case((torch.arange(10.0),), "x = torch.arange(10.0)")],
    hidden=[Case((vector(6, seed=301),)), Case((vector(3, seed=302, dtype=torch.float64),)),
            Case((torch.tensor([4, -1, 9, 2]),)), Case((torch.tensor([5.0, 6.0]),))],
)

q4 = LessonQuestion(
    key="tensors.q4", number="4", points=2, name="ex.q4", reference=positives_mean,
    judge=_judge_positives_mean,
    visible=[Case((torch.tensor([-2.0, 0.0, 1.0, 3.0, 0.0, -1.0]),),
                  "x = torch.tensor([-2.0, 0.0, 1.0, 3.0, 0.0, -1.0])")],
    hidden=[Case((_with_zeros(vector(8, seed=401), [1, 6]),)),
            Case((_with_zeros(vector(12, seed=402, dtype=torch.float64), [0, 5, 7]
                              ).view(3, 4),)),
            Case((torch.tensor([0.0, 5.0, -5.0, 2.0]),))],
)

q5 = LessonQuestion(
    key="tensors.q5", number="5", points=2, name="ex.q5", reference=column,
    judge=_judge_column,
    visible=[Case((torch.arange(6.0).view(2, 3).T,), "x = torch.arange(6.0).view(2, 3).T")],
    hidden=[Case((vector(5, seed=501, dtype=torch.float64),)),
            Case((torch.arange(12).view(3, 4),)),
            Case((vector(12, seed=502).view(3, 4).T,)),
            Case((vector(24, seed=503).view(2, 3, 4).permute(2, 0, 1),))],
)

q6 = LessonQuestion(
    key="tensors.q6", number="6", points=2, name="ex.q6", reference=pick_device,
    judge=_judge_device,
    visible=[Case((), "pick_device()")],
    hidden=[Case((), extra={"cuda": True}), Case((), extra={"cuda": False})],
    repeat=False,
)

QUESTIONS = (q1, q2, q3, q4, q5, q6)
