"""Reading submitted notebooks: repair what can be repaired, name what cannot."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from course_helpers.classroom.grade import locate_notebook
from course_helpers.classroom.intake import read_submission
from course_helpers.classroom.samples import answered, solutions
from tests.conftest import ROOT

LESSON = "02_autograd"


@pytest.fixture(scope="module")
def release() -> nbformat.NotebookNode:
    return nbformat.read(ROOT / "notebooks" / LESSON / f"{LESSON}.ipynb", as_version=4)


@pytest.fixture
def right() -> nbformat.NotebookNode:
    return answered(ROOT, LESSON, solutions(ROOT, LESSON))


def _write(tmp_path: Path, notebook_or_text) -> Path:
    path = tmp_path / f"{LESSON}.ipynb"
    if isinstance(notebook_or_text, str | bytes):
        data = notebook_or_text.encode() if isinstance(notebook_or_text, str) else notebook_or_text
        path.write_bytes(data)
    else:
        # Raw JSON: nbformat.write would quietly repair what these tests damage.
        path.write_text(json.dumps(notebook_or_text))
    return path


def _grade_ids(notebook) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade_id")]


def test_a_right_notebook_passes_unchanged(tmp_path, release, right):
    intake = read_submission(_write(tmp_path, right), release)
    assert intake.problem is None and intake.notes == []
    assert [c.source for c in intake.notebook.cells] == [c.source for c in right.cells]


@pytest.mark.parametrize(("damage", "key"), [
    (lambda text: text[: len(text) // 2], "classroom.truncated"),
    (lambda text: text.replace('"cells": [', '"cells": [,', 1), "classroom.invalid_json"),
    (lambda text: "", "classroom.empty_file"),
    (lambda text: "   \n", "classroom.empty_file"),
    (lambda text: json.dumps({"hello": 1}), "classroom.not_a_notebook"),
    (lambda text: json.dumps([1, 2]), "classroom.not_a_notebook"),
    (lambda text: json.dumps({"cells": [{"cell_type": "alien", "source": ""}], "metadata": {},
                              "nbformat": 4, "nbformat_minor": 5}),
     "classroom.invalid_notebook"),
])
def test_unreadable_files_get_a_plain_reason(tmp_path, release, right, damage, key):
    text = nbformat.writes(right)
    intake = read_submission(_write(tmp_path, damage(text)), release)
    assert intake.notebook is None
    assert intake.problem is not None and intake.problem.key == key
    assert str(intake.problem).count("\n") == 1  # one line in each language


def test_binary_junk_is_not_utf8(tmp_path, release):
    intake = read_submission(_write(tmp_path, b"\xff\xfe\x00junk"), release)
    assert intake.problem is not None and intake.problem.key == "classroom.not_utf8"


def test_duplicate_cell_ids_are_renumbered(tmp_path, release, right):
    right.cells[5]["id"] = right.cells[3]["id"]
    right.cells[8]["id"] = right.cells[3]["id"]
    intake = read_submission(_write(tmp_path, right), release)
    assert intake.problem is None
    ids = [c["id"] for c in intake.notebook.cells]
    assert len(ids) == len(set(ids))
    assert [n.key for n in intake.notes] == ["classroom.note.duplicate_ids"]
    assert intake.notes[0].params["count"] == 2


def test_deleted_graded_cells_come_back_in_place(tmp_path, release, right):
    right.cells = [c for c in right.cells
                   if c.metadata.get("nbgrader", {}).get("grade_id") not in ("q2-test",
                                                                              "q4-solution")]
    intake = read_submission(_write(tmp_path, right), release)
    assert _grade_ids(intake.notebook) == _grade_ids(release)
    assert [n.key for n in intake.notes] == ["classroom.note.restored_cells"]
    assert "q2-test" in str(intake.notes[0]) and "q4-solution" in str(intake.notes[0])
    restored = next(c for c in intake.notebook.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") == "q4-solution")
    assert "NotImplementedError" in restored.source  # the blank stub, worth nothing


def test_code_above_the_setup_cell_runs_after_it(tmp_path, release, right):
    right.cells.insert(0, nbformat.v4.new_code_cell("import torch\ntorch.allclose = None"))
    intake = read_submission(_write(tmp_path, right), release)
    assert intake.notebook.cells[0].metadata["nbgrader"]["grade_id"] == "setup"
    assert [n.key for n in intake.notes] == ["classroom.note.setup_moved"]


def test_a_renamed_notebook_is_found_and_noted(tmp_path, right):
    nbformat.write(right, tmp_path / f"{LESSON} (1).ipynb")
    (tmp_path / "notes.txt").write_text("x")
    path, note = locate_notebook(tmp_path, LESSON)
    assert path == tmp_path / f"{LESSON} (1).ipynb"
    assert note is not None and note.key == "classroom.note.renamed"


def test_no_notebook_means_none(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    assert locate_notebook(tmp_path, LESSON) == (None, None)


def test_the_exact_name_wins_over_copies(tmp_path, right):
    nbformat.write(right, tmp_path / f"{LESSON}.ipynb")
    nbformat.write(right, tmp_path / f"{LESSON}-Copy1.ipynb")
    assert locate_notebook(tmp_path, LESSON) == (tmp_path / f"{LESSON}.ipynb", None)
