"""Read one submitted notebook and repair what would stop nbgrader, or say why it cannot.

Stock nbgrader reads every notebook of a batch as it goes: a file that is not JSON, or cells
sharing an id, stop the whole run. Here each notebook is read on its own first. What can be
repaired without changing a student's answer is repaired and noted (duplicate cell ids, a
deleted test cell, cells above the locked setup cell); what cannot be read is rejected with a
plain reason, and the rest of the class is graded as usual.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from course_helpers.classroom import cells
from course_helpers.i18n import Message, msg

MAX_BYTES = 20 * 1024 * 1024  # a lesson with outputs is well under 1 MB


@dataclass
class Intake:
    """A notebook ready for nbgrader, or the reason there is none, plus what was repaired."""

    notebook: NotebookNode | None
    problem: Message | None = None
    notes: list[Message] = field(default_factory=list)



def read_submission(path: Path, release: NotebookNode) -> Intake:
    """Read ``path`` and repair it against the lesson's release notebook."""
    try:
        size = path.stat().st_size
    except OSError as error:
        return Intake(None, msg("classroom.unreadable", detail=error.strerror or str(error)))
    if size > MAX_BYTES:
        return Intake(None, msg("classroom.too_large", size=f"{size / 2**20:.0f}",
                                limit=f"{MAX_BYTES / 2**20:.0f}"))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Intake(None, msg("classroom.not_utf8"))
    if not text.strip():
        return Intake(None, msg("classroom.empty_file"))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        if not text.rstrip().endswith("}"):
            return Intake(None, msg("classroom.truncated"))
        return Intake(None, msg("classroom.invalid_json", line=error.lineno, column=error.colno))
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        return Intake(None, msg("classroom.not_a_notebook"))
    try:
        notebook = nbformat.from_dict(data)
        notebook = nbformat.convert(notebook, 4)
    except Exception as error:  # any malformed structure is the student's file
        return Intake(None, msg("classroom.invalid_notebook", detail=_first_line(error)))
    notes: list[Message] = []
    _repair_cell_ids(notebook, notes)
    _one_cell_per_grade_id(notebook, notes)
    _restore_missing_cells(notebook, release, notes)
    _setup_first(notebook, release, notes)
    notebook.metadata["kernelspec"] = release.metadata.get("kernelspec", {})
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as error:
        return Intake(None, msg("classroom.invalid_notebook", detail=_first_line(error)))
    return Intake(notebook, None, notes)


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def _repair_cell_ids(notebook: NotebookNode, notes: list[Message]) -> None:
    """Give every cell a unique, valid id (copies and splits in an editor share one)."""
    notebook.nbformat_minor = max(notebook.get("nbformat_minor", 5), 5)
    seen: set[str] = set()
    repaired = 0
    for cell in notebook.cells:
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not cell_id or cell_id in seen or len(cell_id) > 64:
            if isinstance(cell_id, str) and cell_id in seen:
                repaired += 1
            cell_id = uuid.uuid4().hex[:16]
            while cell_id in seen:
                cell_id = uuid.uuid4().hex[:16]
            cell["id"] = cell_id
        seen.add(cell_id)
    if repaired:
        notes.append(msg("classroom.note.duplicate_ids", count=repaired))


def _one_cell_per_grade_id(notebook: NotebookNode, notes: list[Message]) -> None:
    """Keep nbgrader's metadata on the last of several cells sharing a grade_id.

    That is the cell nbgrader itself would grade; the earlier copies (a split or duplicated
    cell) stay and run as plain code. nbgrader would blank their metadata and then stop on
    it as "too old".
    """
    seen: set[str] = set()
    copies = []
    for cell in reversed(notebook.cells):
        grade_id = cells.grade_id(cell) if cells.is_tracked(cell) else None
        if grade_id is None:
            continue
        if grade_id in seen:
            del cell.metadata["nbgrader"]
            copies.append(grade_id)
        seen.add(grade_id)
    if copies:
        notes.append(msg("classroom.note.duplicate_cells", cells=", ".join(sorted(set(copies)))))


def _restore_missing_cells(notebook: NotebookNode, release: NotebookNode,
                           notes: list[Message]) -> None:
    """Put back deleted graded cells from the release, in their place.

    A deleted test cell would otherwise simply not be graded; a deleted answer cell comes
    back as the blank stub, which scores nothing.
    """
    present = {cells.grade_id(c) for c in notebook.cells if cells.is_tracked(c)}
    missing: list[str] = []
    previous_index = -1
    for cell in release.cells:
        grade_id = cells.grade_id(cell) if cells.is_tracked(cell) else None
        if grade_id is None:
            continue
        if grade_id in present:
            previous_index = next(i for i, c in enumerate(notebook.cells)
                                  if cells.is_tracked(c) and cells.grade_id(c) == grade_id)
            continue
        copy = nbformat.from_dict(json.loads(json.dumps(cell)))
        copy["id"] = uuid.uuid4().hex[:16]
        if copy.cell_type == "code":
            copy.outputs = []
            copy.execution_count = None
        previous_index += 1
        notebook.cells.insert(previous_index, copy)
        missing.append(grade_id)
    if missing:
        notes.append(msg("classroom.note.restored_cells", cells=", ".join(missing)))


def _setup_first(notebook: NotebookNode, release: NotebookNode, notes: list[Message]) -> None:
    """Run the locked setup cell before any student code, as the lesson intends."""
    setup_id = cells.grade_id(release.cells[0]) if release.cells else None
    if setup_id is None:
        return
    index = next((i for i, c in enumerate(notebook.cells) if cells.grade_id(c) == setup_id), None)
    if not index:
        return
    moved = [c for c in notebook.cells[:index] if c.cell_type == "code"]
    if moved:
        setup = notebook.cells.pop(index)
        notebook.cells.insert(0, setup)
        notes.append(msg("classroom.note.setup_moved", count=len(moved)))
