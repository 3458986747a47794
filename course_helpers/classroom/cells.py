"""What nbgrader's metadata says of a cell, read with nbgrader's own utilities.

A damaged submission may have cells without metadata; those are plain cells here.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbgrader.utils import is_grade, is_locked, is_solution


def _has_nbgrader(cell: NotebookNode) -> bool:
    return isinstance(cell.get("metadata"), dict) and isinstance(
        cell["metadata"].get("nbgrader"), dict)


def grade_id(cell: NotebookNode) -> str | None:
    """The cell's nbgrader id, such as ``q2-test``; None for a cell nbgrader does not track."""
    return cell.metadata.nbgrader.get("grade_id") if _has_nbgrader(cell) else None


def is_test(cell: NotebookNode) -> bool:
    """An autograded test cell: it scores points and holds no answer."""
    return _has_nbgrader(cell) and bool(is_grade(cell)) and not is_solution(cell)


def is_answer(cell: NotebookNode) -> bool:
    """A cell where the student writes an answer."""
    return _has_nbgrader(cell) and bool(is_solution(cell))


def is_tracked(cell: NotebookNode) -> bool:
    """A cell nbgrader grades, locks or expects an answer in."""
    return _has_nbgrader(cell) and bool(is_grade(cell) or is_solution(cell) or is_locked(cell))


def is_protected(cell: NotebookNode) -> bool:
    """A cell nbgrader restores from the gradebook: locked, or a test."""
    return _has_nbgrader(cell) and bool(is_locked(cell) or is_test(cell))
