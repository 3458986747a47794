"""Lesson 01 (tensor basics): reference solutions and expected results.

Expected values are built from plain Python numbers (``r * n + c`` for a grid, a loop for a
masked mean), never by running a reference solution; so are the values each typical mistake
gives (a transposed grid, ``x[:-2]``, ``x >= 0`` in a mask).
"""

from __future__ import annotations

from typing import Any

import torch

from course_helpers.key import Answer, answers
from course_helpers.question import Case

# ---- reference solutions: the solution cells, word for word (shown by ``solution()``) ----


def make_grid(n):
    """按行存放 0..n*n-1 的 float32 方阵。/ The float32 (n, n) grid of 0..n*n-1, row by row."""
    return torch.arange(n * n, dtype=torch.float32).view(n, n)


def to_float64_column(values):
    """由列表得到 float64 的一列。/ A float64 column from a list of numbers."""
    return torch.tensor(values, dtype=torch.float64).view(-1, 1)


def rest_and_last(x):
    """返回 (除最后一个以外的全部, 最后一个元素)。/ Return (all but the last, the last)."""
    return x[:-1], x[-1]


def positives_mean(x):
    """x 中所有正数的平均值（零维张量）。/ Mean of the positive entries of x (a 0-d tensor)."""
    return x[x > 0].mean()


def column(x):
    """x 的全部元素按行排成一列。/ All entries of x, row by row, as a column."""
    return x.reshape(-1, 1)


def pick_device():
    """有 GPU 时选 cuda，否则选 cpu。/ cuda when a GPU is usable, else cpu."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


# ---- expected results, from plain Python numbers in float64 -------------------------------


def _float64(rows: Any) -> torch.Tensor:
    return torch.tensor(rows, dtype=torch.float64)


def _flat(value: Any) -> list[float]:
    """Row-by-row entries of a nested list from ``tolist()``."""
    if isinstance(value, list):
        return [v for item in value for v in _flat(item)]
    return [float(value)]


def _mistake(key: str, values: Any, **params: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"key": key, "values": _float64(values)}
    if params:
        item["params"] = params
    return item


def _expect_grid(case: Case) -> dict:
    n = case.args[0]
    grid = [[float(r * n + c) for c in range(n)] for r in range(n)]
    mistakes = []
    if n > 1:
        transposed = [[float(c * n + r) for c in range(n)] for r in range(n)]
        mistakes.append(_mistake("tensors.diag.transposed", transposed))
    mistakes.append(_mistake("tensors.diag.starts_at_one", [[v + 1 for v in row]
                                                            for row in grid]))
    return {"grid": _float64(grid), "mistakes": mistakes}


def _expect_float64_column(case: Case) -> dict:
    return {"column": _float64([[float(v)] for v in case.args[0]])}


def _expect_rest_and_last(case: Case) -> dict:
    entries = [float(v) for v in case.args[0].tolist()]
    n = len(entries)
    return {
        "rest": _float64(entries[:-1]),
        "last": _float64(entries[-1]),
        "rest_shape": [_mistake("tensors.diag.slice_drops_two", entries[:-2])],
        "rest_values": [_mistake("tensors.diag.slice_drops_first", entries[1:])],
        "last_shape": [_mistake("tensors.diag.slice_not_index", entries[-1:])],
        # x[-2], x[-3], …: the nearest wrong index first.
        "earlier": [{"index": index - n, "value": _float64(entries[index])}
                    for index in range(n - 2, -1, -1)],
    }


def _expect_positives_mean(case: Case) -> dict:
    entries = _flat(case.args[0].tolist())
    positives = [v for v in entries if v > 0]
    non_negative = [v for v in entries if v >= 0]
    return {
        "mean": _float64(sum(positives) / len(positives)),
        "positives": _float64(positives),
        "mistakes": [
            _mistake("tensors.diag.mask_includes_zero", sum(non_negative) / len(non_negative)),
            _mistake("tensors.diag.mean_of_all", sum(entries) / len(entries)),
            _mistake("tensors.diag.divided_by_all", sum(positives) / len(entries),
                     n=len(entries)),
            _mistake("tensors.diag.sum_of_positives", sum(positives)),
        ],
    }


def _expect_column(case: Case) -> dict:
    x = case.args[0]
    mistakes = []
    if x.dim() == 2:
        mistakes.append(_mistake("tensors.diag.column_major", [[v] for v in _flat(x.T.tolist())]))
    return {"column": _float64([[v] for v in _flat(x.tolist())]), "mistakes": mistakes}


def _expect_device(case: Case) -> dict:
    # Which device is right depends on the machine the check runs on (or the one simulated).
    return {"with_cuda": "cuda", "without_cuda": "cpu"}


ANSWERS = answers(
    Answer(make_grid, _expect_grid),
    Answer(to_float64_column, _expect_float64_column),
    Answer(rest_and_last, _expect_rest_and_last),
    Answer(positives_mean, _expect_positives_mean),
    Answer(column, _expect_column),
    Answer(pick_device, _expect_device),
)
