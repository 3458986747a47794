"""Turn a wrong answer into the likely mistake.

Most autograd mistakes leave a fingerprint on the numbers: an accumulated gradient is an
integer multiple of the right one, ``sum`` instead of ``mean`` is ``n`` times too large, a
flipped sign is ``-1`` times. Exceptions have fingerprints too, in their messages.
"""

from __future__ import annotations

import torch

from course_helpers import trusted
from course_helpers.i18n import Message, msg

# Substrings of PyTorch's error messages and the diagnosis each one points to.
_ERROR_SIGNS: tuple[tuple[str, str], ...] = (
    ("only tensors of floating point", "diag.int_requires_grad"),
    ("grad can be implicitly created only for scalar", "diag.nonscalar_backward"),
    ("does not require grad and does not have a grad_fn", "diag.no_grad_tensor_backward"),
    ("backward through the graph a second time", "diag.backward_twice"),
    ("can't call numpy() on tensor that requires grad", "diag.numpy_requires_grad"),
    ("a leaf variable that requires grad is being used in an in-place",
     "diag.inplace_leaf"),
)


def scale_factor(got: torch.Tensor, want: torch.Tensor) -> float | None:
    """The k that best fits ``got ≈ k * want`` (least squares), or None if want is zero."""
    norm = float(trusted.item(trusted.sum_(trusted.mul(want, want))))
    if norm == 0.0:
        return None
    return float(trusted.item(trusted.sum_(trusted.mul(got, want)))) / norm


def _is_multiple(got: torch.Tensor, want: torch.Tensor, k: float, rtol: float, atol: float
                 ) -> bool:
    scaled = trusted.mul(want, k)
    diff = trusted.abs_(trusted.sub(got, scaled))
    bound = trusted.add(trusted.mul(trusted.abs_(scaled), rtol * 10), atol * 10)
    return trusted.item(trusted.all_(trusted.le(diff, bound))) is True


def _near(value: float, target: float, tolerance: float = 1e-3) -> bool:
    return abs(value - target) <= tolerance * max(1.0, abs(target))


def diagnose_values(got: torch.Tensor, want: torch.Tensor, *, what: Message, rtol: float,
                    atol: float, reduction_size: int | None = None,
                    reduction: str | None = None) -> Message | None:
    """Name the mistake behind float64 values that differ from the reference, if known.

    ``reduction`` is what the task asks for (``"mean"`` or ``"sum"``); with ``None`` either
    confusion may be reported.
    """
    if trusted.numel(got) == 0:
        return None
    if trusted.item(trusted.all_(trusted.le(trusted.abs_(got), 0.0))) is True:
        return msg("diag.all_zero", what=what)
    k = scale_factor(got, want)
    if k is None or not _is_multiple(got, want, k, rtol, atol):
        return None
    if _near(k, -1.0):
        return msg("diag.wrong_sign", what=what)
    # One number is a multiple of any other: a ratio proves nothing without two entries.
    if int(trusted.item(trusted.count_nonzero(want))) < 2:
        return None
    if reduction_size and reduction_size > 1:
        if reduction != "sum" and _near(k, reduction_size):
            return msg("diag.sum_not_mean", what=what, factor=reduction_size)
        if reduction != "mean" and _near(k, 1.0 / reduction_size):
            return msg("diag.mean_not_sum", what=what, factor=reduction_size)
    rounded = round(k)
    if rounded >= 2 and _near(k, rounded):
        return msg("diag.accumulated", what=what, factor=rounded)
    return msg("diag.scaled", what=what, factor=f"{k:.4g}")


def explain_error(error: BaseException) -> Message | None:
    """The explanation of a classic autograd error, or None for any other exception."""
    lowered = str(error).lower()
    for sign, key in _ERROR_SIGNS:
        if sign in lowered:
            return msg(key)
    return None


def diagnose_exception(error: BaseException) -> Message:
    """A bilingual explanation of an exception raised by the student's code."""
    known = explain_error(error)
    if known is not None:
        return known
    text = str(error)
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    if len(first_line) > 200:
        first_line = first_line[:200] + "…"
    return msg("diag.raised", error=type(error).__name__, detail=first_line)


def diagnose_repeat(first: torch.Tensor, second: torch.Tensor) -> Message | None:
    """Two calls with the same input should agree; a ratio of k means shared, accumulating state."""
    got, want = trusted.as_float64(second), trusted.as_float64(first)
    k = scale_factor(got, want)
    if k is None or not _is_multiple(got, want, k, 1e-6, 1e-9) or _near(k, 1.0):
        return None
    return msg("diag.not_independent", factor=f"{k:.4g}")
