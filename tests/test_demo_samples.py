"""The demo's sample class: each file carries its damage to intake, and nothing warns."""

from __future__ import annotations

import json
import warnings
from pathlib import PurePosixPath

import nbformat
import pytest

from course_helpers.classroom import samples
from course_helpers.classroom.intake import read_submission
from course_helpers.course import release_notebook
from tests.conftest import ROOT

LESSON = samples.DEMO_LESSON


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a library warning would reach the instructor
        return samples.demo_class(ROOT)


def test_the_cast_names_every_student_of_the_demo_class(files):
    students = {PurePosixPath(name).parts[0] for name in files}
    assert set(samples.CAST) == students
    for zh, en in samples.CAST.values():
        assert zh and en and zh != en


def test_hanas_copied_cell_keeps_its_id_in_the_file(files):
    cells = json.loads(files[f"hana/{LESSON}.ipynb"])["cells"]
    ids = [cell["id"] for cell in cells]
    assert len(ids) - len(set(ids)) == 1
    grade_ids = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in cells]
    assert grade_ids.count("q6-solution") == 2


def test_the_damage_reaches_intake_and_is_repaired_without_warnings(files, tmp_path):
    release = nbformat.read(release_notebook(ROOT, LESSON), as_version=4)
    path = tmp_path / f"{LESSON}.ipynb"
    path.write_bytes(files[f"hana/{LESSON}.ipynb"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        intake = read_submission(path, release)
    assert intake.notebook is not None
    keys = [note.key for note in intake.notes]
    assert keys == ["classroom.note.duplicate_ids", "classroom.note.duplicate_cells"]


def test_the_other_notebooks_are_as_jupyter_saves_them(files):
    for name, data in files.items():
        if not name.endswith(".ipynb") or name.startswith(("emil/", "hana/")):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
            nbformat.validate(notebook)
        assert isinstance(json.loads(data)["cells"][0]["source"], list), name
    with pytest.raises(json.JSONDecodeError):
        json.loads(files[f"emil/{LESSON}.ipynb"])
