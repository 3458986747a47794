"""Matching a wrong path against the known mistakes shipped in the check data.

The key computes, for every case, the path each typical mistake produces (a list of
``{"key": diagnosis key, "path": float64 tensor}``, in the order they are tried). A judge
asks which of them a student's path follows; no simulation runs in the student's kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from course_helpers import trusted
from course_helpers.compare import close


def matching(got: torch.Tensor, mistakes: Sequence[dict[str, Any]], *, rtol: float,
             atol: float) -> str | None:
    """The key of the first known mistake whose path ``got`` (float64) follows, if any."""
    for item in mistakes:
        path = item["path"]
        if trusted.shape(got) == tuple(path.shape) and close(got, path, rtol=rtol, atol=atol):
            return str(item["key"])
    return None


def first_wrong_step(got: torch.Tensor, want: torch.Tensor, *, rtol: float,
                     atol: float) -> int:
    """The 1-based index of the first row of ``got`` that differs from ``want``."""
    for index in range(trusted.shape(want)[0]):
        if not close(got[index], want[index], rtol=rtol, atol=atol):
            return index + 1
    return 1
