"""Lesson 01 (tensor basics): the questions and how a result is judged.

Structure is judged first, in the core's order (type, dtype, shape, device), then values; the
lesson's own diagnoses only sharpen the message about the property that differs (a row
instead of a column, ``x[:-2]`` instead of ``x[:-1]``, ``>=`` instead of ``>``). The expected
values and the values each of those mistakes gives come from the lesson's check data, or
from the answer key for a hidden case.
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
from course_helpers.question import Case, Question, declare

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


# ---- how answers are run: view() on a non-contiguous tensor, and a simulated CUDA --------

# Taken when the locked setup cell imports the course, before any student code can replace it.
_REAL_CUDA_AVAILABLE = torch.cuda.is_available
_VIEW_ERROR = "view size is not compatible with input tensor"


def _explain_view_error(error: Exception) -> Message | None:
    """``.view()`` refused a non-contiguous tensor: this lesson's usual mistake."""
    if isinstance(error, RuntimeError) and _VIEW_ERROR in str(error):
        return msg("tensors.diag.view_not_contiguous")
    return None


class _NotCalled(TypeError):
    """``torch.cuda.is_available`` used as a truth value without calling it."""


class _IsAvailable:
    """The simulated ``torch.cuda.is_available``: answers when called, and refuses to be a
    truth value itself (a function is always true, so ``if torch.cuda.is_available:`` would
    pick cuda on every machine)."""

    def __init__(self, available: bool) -> None:
        self.available = available

    def __call__(self) -> bool:
        return self.available

    def __bool__(self) -> bool:
        raise _NotCalled("torch.cuda.is_available used without calling it")


def _explain_device_error(error: Exception) -> Message | None:
    if isinstance(error, _NotCalled):
        return msg("tensors.diag.cuda_not_called")
    return None


@contextlib.contextmanager
def _cuda_available(available: bool | None) -> Iterator[None]:
    """Make ``torch.cuda.is_available()`` answer ``available`` for the length of one call."""
    if available is None:
        yield
        return
    cuda = torch.cuda
    saved = cuda.is_available, cuda.device_count
    cuda.is_available = _IsAvailable(available)  # type: ignore[assignment]
    cuda.device_count = lambda: 1 if available else 0  # type: ignore[assignment]
    try:
        yield
    finally:
        cuda.is_available, cuda.device_count = saved  # type: ignore[assignment]


def _with_simulated_cuda(answer: Callable[..., Any], case: Case, args: tuple[Any, ...]) -> Any:
    """Run ``answer`` as if CUDA were (``extra={"cuda": True}``) or were not available."""
    with _cuda_available(case.extra.get("cuda")):
        return answer(*args)


# ---- shared judging helpers --------------------------------------------------------------

Refine = Callable[[Any], Message | None]


def _plain(value: object) -> bool:
    return type(value) in (trusted.Tensor, trusted.Parameter)


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


def _known_mistake(what: Message, mistakes: list[dict[str, Any]]) -> Refine:
    """The first known mistake (``{"key", "values", "params"?}``) whose values ``result`` has."""

    def refine(result: Any) -> Message | None:
        for mistake in mistakes:
            if _same(result, mistake["values"]):
                return msg(mistake["key"], what=what, **mistake.get("params", {}))
        return None

    return refine


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


# ---- q1: make_grid -----------------------------------------------------------------------


def _judge_grid(result: object, case: Case, expected: dict) -> Message | None:
    what = msg("what.tensor")
    return _check(result, expected["grid"],
                  Expect(floating=False, dtype=torch.float32, what=what),
                  {"compare.values": _known_mistake(what, expected["mistakes"])})


# ---- q2: to_float64_column ---------------------------------------------------------------


def _judge_float64_column(result: object, case: Case, expected: dict) -> Message | None:
    column = expected["column"]
    what = msg("what.tensor")
    return _check(result, column, Expect(floating=False, dtype=torch.float64, what=what),
                  {"compare.shape": _column_shapes(what, trusted.shape(column)[0])})


# ---- q3: rest_and_last -------------------------------------------------------------------


def _judge_rest_and_last(result: object, case: Case, expected: dict) -> Message | None:
    problem = check_tuple(result, 2)
    if problem is not None:
        return problem
    assert isinstance(result, tuple | list)
    rest, last = expected["rest"], expected["last"]
    if _same(result[0], last) and _same(result[1], rest):
        return msg("tensors.diag.swapped_parts")
    rest_what, last_what = msg("tensors.what.rest"), msg("tensors.what.last")
    dtype = trusted.dtype(case.args[0])  # both parts keep the dtype of x

    def last_values(res: Any) -> Message | None:
        for earlier in expected["earlier"]:  # the nearest index first
            if _same(res, earlier["value"]):
                return msg("tensors.diag.wrong_index", index=earlier["index"])
        return None

    problem = _check(result[0], rest, Expect(floating=False, dtype=dtype, what=rest_what),
                     {"compare.shape": _known_mistake(rest_what, expected["rest_shape"]),
                      "compare.values": _known_mistake(rest_what, expected["rest_values"])})
    if problem is not None:
        return problem
    return _check(result[1], last, Expect(floating=False, dtype=dtype, what=last_what),
                  {"compare.not_tensor": _python_number(last_what),
                   "compare.shape": _known_mistake(last_what, expected["last_shape"]),
                   "compare.values": last_values})


# ---- q4: positives_mean ------------------------------------------------------------------


def _judge_positives_mean(result: object, case: Case, expected: dict) -> Message | None:
    what = msg("what.result")
    positives = expected["positives"]

    def shape(res: Any) -> Message | None:
        if _same(res, positives):
            return msg("tensors.diag.mask_not_reduced", what=what,
                       count=trusted.numel(positives))
        return None

    return _check(result, expected["mean"], Expect(what=what),
                  {"compare.not_tensor": _python_number(what), "compare.shape": shape,
                   "compare.values": _known_mistake(what, expected["mistakes"])})


# ---- q5: column --------------------------------------------------------------------------


def _judge_column(result: object, case: Case, expected: dict) -> Message | None:
    x = case.args[0]
    column = expected["column"]
    what = msg("what.tensor")
    return _check(result, column, Expect(floating=False, dtype=trusted.dtype(x), what=what),
                  {"compare.shape": _column_shapes(what, trusted.shape(column)[0]),
                   "compare.values": _known_mistake(what, expected["mistakes"])})


# ---- q6: pick_device ---------------------------------------------------------------------


def _judge_device(result: object, case: Case, expected: dict) -> Message | None:
    available = case.extra.get("cuda")
    if available is None:
        available = bool(_REAL_CUDA_AVAILABLE())
    device = expected["with_cuda"] if available else expected["without_cuda"]
    if isinstance(result, str):
        text = str.__str__(result)
        shown = repr(text if len(text) <= 20 else text[:20] + "…")
        return msg("tensors.diag.device_string", value=shown, expected=device)
    if type(result) is not torch.device:
        return msg("tensors.diag.not_device", type=type_name(result))
    actual = str(result)
    if result.type == device:
        return None
    if available and result.type == "cpu":
        return msg("tensors.diag.device_ignores_cuda", actual=actual)
    if not available and result.type == "cuda":
        return msg("tensors.diag.device_cuda_unavailable", actual=actual)
    return msg("tensors.diag.wrong_device", expected=device, actual=actual)


# ---- hidden-case templates ---------------------------------------------------------------


def _with_zeros(values: torch.Tensor, positions: list[int]) -> torch.Tensor:
    flat = values.clone().view(-1)
    flat[positions] = 0
    return flat.view(values.shape)


# ---- the questions -----------------------------------------------------------------------

QUESTIONS = declare(
    __name__, "tensors",
    Question(points=2, function="make_grid", judge=_judge_grid,
             explain=_explain_view_error,
             visible=[Case((3,), "n = 3")],
             draws=[Case((4,)), Case((1,)), Case((6,))], varied=(0,)),  # n is the input
    Question(points=2, function="to_float64_column", judge=_judge_float64_column,
             explain=_explain_view_error,
             visible=[Case(([1, 2, 3],), "values = [1, 2, 3]")],
             draws=[Case(([-3, 0, 12, 7, 5],)), Case(([2.5, -1.0],)), Case(([10],))]),
    Question(points=2, function="rest_and_last", judge=_judge_rest_and_last,
             keeps_inputs=True, explain=_explain_view_error,
             visible=[Case((torch.arange(10.0),), "x = torch.arange(10.0)")],
             draws=[Case((vector(6, seed=301),)),
                    Case((vector(3, seed=302, dtype=torch.float64),)),
                    Case((torch.tensor([4, -1, 9, 2]),)), Case((torch.tensor([5.0, 6.0]),))]),
    Question(points=2, function="positives_mean", judge=_judge_positives_mean,
             keeps_inputs=True, explain=_explain_view_error,
             visible=[Case((torch.tensor([-2.0, 0.0, 1.0, 3.0, 0.0, -1.0]),),
                           "x = torch.tensor([-2.0, 0.0, 1.0, 3.0, 0.0, -1.0])")],
             draws=[Case((_with_zeros(vector(8, seed=401), [1, 6]),)),
                    Case((_with_zeros(vector(12, seed=402, dtype=torch.float64), [0, 5, 7]
                                      ).view(3, 4),)),
                    Case((torch.tensor([0.0, 5.0, -5.0, 2.0]),))]),
    Question(points=2, function="column", judge=_judge_column,
             keeps_inputs=True, explain=_explain_view_error,
             visible=[Case((torch.arange(6.0).view(2, 3).T,),
                           "x = torch.arange(6.0).view(2, 3).T")],
             draws=[Case((vector(5, seed=501, dtype=torch.float64),)),
                    Case((torch.arange(12).view(3, 4),)),
                    Case((vector(12, seed=502).view(3, 4).T,)),
                    Case((vector(24, seed=503).view(2, 3, 4).permute(2, 0, 1),))]),
    # The visible and the hidden cases simulate a machine without and one with CUDA: on a
    # machine without a GPU, a device hard-coded to cpu would pass a check on the real one.
    Question(points=2, function="pick_device", judge=_judge_device,
             call=_with_simulated_cuda, explain=_explain_device_error, repeat=False,
             visible=[Case((), "torch.cuda.is_available() → False", extra={"cuda": False}),
                      Case((), "torch.cuda.is_available() → True", extra={"cuda": True})],
             draws=[Case((), extra={"cuda": True}), Case((), extra={"cuda": False})]),
)
