"""The verification core: compare a student's answer with a float64 reference.

Structure comes first (type, dtype, shape, ``requires_grad`` and leaf status), values last,
so the message names the first thing that is actually wrong. Values are compared in float64
with ``torch.testing.assert_close`` semantics, ``|actual - expected| <= atol + rtol * |expected|``,
using only the functions captured in :mod:`course_helpers.trusted`; nothing here calls ``==``
or ``bool()`` on a student's object.

Only an exact ``torch.Tensor`` or ``nn.Parameter`` (by ``type()``, compared with ``is``) gets
past the structure check: a subclass could override ``__eq__``, ``__bool__`` or
``__torch_function__`` (which would intercept even the captured torch functions), and an
object's ``__class__`` can lie to ``isinstance``. No torch function touches an answer before
that check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import torch

from course_helpers import trusted
from course_helpers.diagnose import diagnose_values
from course_helpers.i18n import Message, msg

# (rtol, atol) by the dtype the student computed in.
TOLERANCES: dict[torch.dtype, tuple[float, float]] = {
    torch.float64: (1e-7, 1e-9),
    torch.float32: (1e-4, 1e-6),
    torch.float16: (1e-2, 1e-3),
    torch.bfloat16: (2e-2, 1e-2),
}


@dataclass(frozen=True)
class Expect:
    """What the answer must be like, beyond its values."""

    requires_grad: bool | None = None  # None: either is fine
    leaf: bool | None = None
    floating: bool = True
    dtype: torch.dtype | None = None  # exact dtype, when the task names one
    rtol: float | None = None
    atol: float | None = None
    reduction_size: int | None = None  # n of a mean/sum in the task, for diagnosis
    reduction: str | None = None  # "mean" or "sum": what the task asks for
    diagnose: bool = True  # False where gradient fingerprints ("accumulated") make no sense
    what: Message = field(default_factory=lambda: msg("what.result"))


_type_module = type.__dict__["__module__"].__get__
_type_qualname = type.__dict__["__qualname__"].__get__
_type_mro = type.__dict__["__mro__"].__get__
_type_dict = type.__dict__["__dict__"].__get__


def type_name(value: object) -> str:
    """A short, readable type name such as ``list`` or ``numpy.ndarray``.

    Read through ``type``'s own descriptors, so a metaclass cannot run code or lie here.
    """
    kind = type(value)
    try:
        module, name = str(_type_module(kind)), str(_type_qualname(kind))
    except Exception:  # a type without the usual attributes
        return "?"
    return name if module == "builtins" else f"{module}.{name}"


def _pretends_to_be_tensor(kind: type) -> bool:
    """``True`` when a class in ``kind``'s real MRO defines ``__class__`` (to fool isinstance)."""
    return any(k is not object and "__class__" in _type_dict(k) for k in _type_mro(kind))


def _real_subclass(kind: type, base: type) -> bool:
    return any(k is base for k in _type_mro(kind))


def tolerances(dtype: torch.dtype, expect: Expect) -> tuple[float, float]:
    """The (rtol, atol) that apply to an answer computed in ``dtype``."""
    rtol, atol = TOLERANCES.get(dtype, TOLERANCES[torch.float32])
    return (expect.rtol if expect.rtol is not None else rtol,
            expect.atol if expect.atol is not None else atol)


def check_structure(actual: object, expected: torch.Tensor, expect: Expect) -> Message | None:
    """Type, dtype, shape, ``requires_grad`` and leaf checks; ``None`` when all hold."""
    what = expect.what
    if actual is None:
        return msg("compare.none", what=what)
    kind = type(actual)
    if kind is not trusted.Tensor and kind is not trusted.Parameter:
        # A subclass can override comparisons and torch functions; only plain tensors count.
        if _real_subclass(kind, trusted.Tensor) or _pretends_to_be_tensor(kind):
            return msg("compare.tensor_subclass", what=what, type=type_name(actual))
        return msg("compare.not_tensor", what=what, type=type_name(actual))
    dtype = trusted.dtype(actual)
    if expect.floating and dtype.is_complex:
        return msg("compare.complex", what=what, dtype=str(dtype))
    if expect.floating and not dtype.is_floating_point:
        return msg("compare.not_float", what=what, dtype=str(dtype))
    if expect.dtype is not None and dtype != expect.dtype:
        return msg("compare.dtype", what=what, expected=str(expect.dtype), actual=str(dtype))
    actual_shape, expected_shape = trusted.shape(actual), trusted.shape(expected)
    if actual_shape != expected_shape:
        return msg("compare.shape", what=what, expected=shape_text(expected_shape),
                   actual=shape_text(actual_shape))
    if trusted.device(actual).type != "cpu":
        return msg("compare.device", what=what, expected="cpu",
                   actual=str(trusted.device(actual)))
    needs = trusted.requires_grad(actual)
    if expect.requires_grad is True and not needs:
        return msg("compare.needs_requires_grad", what=what)
    if expect.requires_grad is False and needs:
        return msg("compare.unwanted_requires_grad", what=what)
    if expect.leaf is True and not trusted.is_leaf(actual):
        node = trusted.grad_fn(actual)
        return msg("compare.not_leaf", what=what, grad_fn=type(node).__name__)
    return None


def check_values(actual: torch.Tensor, expected: torch.Tensor, expect: Expect) -> Message | None:
    """Values against the reference, with a diagnosis of the likely mistake if they differ."""
    got = trusted.as_float64(actual)
    want = trusted.as_float64(expected)
    if not _all(trusted.isfinite(got)):
        if _all(trusted.isfinite(want)):
            return msg("compare.not_finite", what=expect.what)
    rtol, atol = tolerances(trusted.dtype(actual), expect)
    if close(got, want, rtol=rtol, atol=atol):
        return None
    if expect.diagnose:
        diagnosis = diagnose_values(got, want, what=expect.what, rtol=rtol, atol=atol,
                                    reduction_size=expect.reduction_size,
                                    reduction=expect.reduction)
        if diagnosis is not None:
            return diagnosis
    error = _max_error(got, want)
    return msg("compare.values", what=expect.what, error=f"{error:.3g}", rtol=rtol, atol=atol)


def check_tensor(actual: object, expected: torch.Tensor, expect: Expect | None = None
                 ) -> Message | None:
    """Full check of one tensor answer; ``None`` means correct."""
    expect = expect or Expect()
    problem = check_structure(actual, expected, expect)
    if problem is not None:
        return problem
    assert isinstance(actual, torch.Tensor)
    return check_values(actual, expected, expect)


def check_gradient(actual: object, expected: torch.Tensor, expect: Expect | None = None
                   ) -> Message | None:
    """Like :func:`check_tensor`, but a missing gradient is diagnosed as such."""
    expect = expect or Expect(what=msg("what.gradient"), requires_grad=False)
    if actual is None:
        return msg("diag.grad_none", what=expect.what)
    return check_tensor(actual, expected, expect)


def check_tuple(actual: object, count: int, what: Message | None = None) -> Message | None:
    """``actual`` must be a tuple (or list) of ``count`` items."""
    what = what or msg("what.result")
    if type(actual) is not tuple and type(actual) is not list:
        # Exact types only: a subclass or a look-alike could answer len() and [i] as it likes.
        return msg("compare.not_tuple", what=what, count=count, type=type_name(actual))
    if len(actual) != count:
        return msg("compare.length", what=what, expected=count, actual=len(actual))
    return None


def finite_difference(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                      step: float = 1e-6) -> torch.Tensor:
    """Central-difference derivative of an elementwise ``fn`` at ``x``, in float64."""
    with trusted.no_grad():
        x64 = trusted.as_float64(x)
        return trusted.div(trusted.sub(fn(x64 + step), fn(x64 - step)), 2 * step)


def check_against_finite_difference(actual: object, fn: Callable[[torch.Tensor], torch.Tensor],
                                    x: torch.Tensor, expect: Expect | None = None
                                    ) -> Message | None:
    """Check a derivative against a finite-difference estimate at ``x``."""
    return check_against_estimate(actual, finite_difference(fn, x), expect)


def check_against_estimate(actual: object, estimate: torch.Tensor,
                           expect: Expect | None = None) -> Message | None:
    """Check a derivative against a float64 central-difference ``estimate``."""
    expect = expect or Expect(what=msg("what.gradient"), requires_grad=False)
    if actual is None:
        return msg("diag.grad_none", what=expect.what)
    if trusted.is_plain(actual):
        # A central difference in float64 is good to about 1e-8; never demand more than that.
        rtol, atol = tolerances(trusted.dtype(actual), expect)
        expect = replace(expect, rtol=max(rtol, 1e-5), atol=max(atol, 1e-6))
    return check_tensor(actual, estimate, expect)


def close(got: torch.Tensor, want: torch.Tensor, *, rtol: float, atol: float) -> bool:
    """``True`` when every entry is within ``atol + rtol * |want|`` (float64 inputs)."""
    diff = trusted.abs_(trusted.sub(got, want))
    bound = trusted.add(trusted.mul(trusted.abs_(want), rtol), atol)
    # Equal infinities count as close, as in torch.testing.assert_close (inf - inf is NaN).
    within = trusted.logical_and(trusted.le(diff, bound), trusted.isfinite(want))
    return _all(trusted.logical_or(within, trusted.eq(got, want)))


def _all(mask: torch.Tensor) -> bool:
    return trusted.item(trusted.all_(mask)) is True


def _max_error(got: torch.Tensor, want: torch.Tensor) -> float:
    if trusted.numel(got) == 0:
        return 0.0
    return float(trusted.item(trusted.amax(trusted.abs_(trusted.sub(got, want)))))


def shape_text(shape: tuple[int, ...]) -> str:
    """``(3,)`` or ``(2, 3)``: a shape as Python writes it."""
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"
