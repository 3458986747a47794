"""Filing a class's hand-ins into nbgrader's submitted/ layout, from a folder or a zip."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from course_helpers.classroom.collect import collect
from course_helpers.classroom.samples import answered, as_zip, solutions
from tests.conftest import ROOT

LESSONS = ["01_tensors", "02_autograd"]
MODULES = {"tensors": "01_tensors", "autograd": "02_autograd"}


@pytest.fixture(scope="module")
def notebook_bytes() -> bytes:
    import nbformat

    return nbformat.writes(answered(ROOT, "02_autograd", solutions(ROOT, "02_autograd"))).encode()


def _placed(course: Path) -> set[tuple[str, str]]:
    return {(p.parts[-3], p.parts[-2]) for p in (course / "submitted").glob("*/*/*.ipynb")}


def test_every_common_layout_is_understood(tmp_path, notebook_bytes):
    files = {
        "alice/02_autograd/02_autograd.ipynb": notebook_bytes,   # nbgrader's own layout
        "bob/02_autograd.ipynb": notebook_bytes,                 # a folder per student
        "carol_02_autograd.ipynb": notebook_bytes,               # flat, student first
        "02_autograd-dave (1).ipynb": notebook_bytes,            # flat, lesson first, a copy
        "李雷/作业.ipynb": notebook_bytes,                        # name says nothing: content does
    }
    archive = tmp_path / "in.zip"
    archive.write_bytes(as_zip(files))
    course = tmp_path / "course"
    result = collect(archive, course, LESSONS, MODULES)
    assert result.skipped == []
    assert _placed(course) == {("alice", "02_autograd"), ("bob", "02_autograd"),
                               ("carol", "02_autograd"), ("dave", "02_autograd"),
                               ("李雷", "02_autograd")}
    stamp = (course / "submitted" / "bob" / "02_autograd" / "timestamp.txt").read_text()
    assert stamp.endswith("UTC")


def test_a_folder_works_like_a_zip(tmp_path, notebook_bytes):
    source = tmp_path / "handed-in" / "erin"
    source.mkdir(parents=True)
    (source / "02_autograd.ipynb").write_bytes(notebook_bytes)
    course = tmp_path / "course"
    result = collect(tmp_path / "handed-in", course, LESSONS, MODULES)
    assert [p[:2] for p in result.placed] == [("erin", "02_autograd")]


def test_what_cannot_be_matched_is_reported_not_guessed(tmp_path, notebook_bytes):
    files = {
        "frank/readme.txt": b"hello",
        "grace/unknown.ipynb": b"{\"cells\": []}",
        "__MACOSX/._junk.ipynb": b"x",
        "02_autograd.ipynb": notebook_bytes,                     # no student anywhere
    }
    archive = tmp_path / "in.zip"
    archive.write_bytes(as_zip(files))
    result = collect(archive, tmp_path / "course", LESSONS, MODULES)
    reasons = {name: why.key for name, why in result.skipped}
    assert reasons == {"frank/readme.txt": "classroom.collect.not_notebook",
                       "grace/unknown.ipynb": "classroom.collect.no_lesson",
                       "02_autograd.ipynb": "classroom.collect.no_student"}
    assert result.placed == []


def test_the_newer_of_two_copies_is_kept(tmp_path, notebook_bytes):
    archive = tmp_path / "in.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(zipfile.ZipInfo("hana/02_autograd.ipynb", (2026, 11, 1, 9, 0, 0)),
                        b"old")
        bundle.writestr(zipfile.ZipInfo("hana/02_autograd (1).ipynb", (2026, 11, 2, 9, 0, 0)),
                        notebook_bytes)
    course = tmp_path / "course"
    result = collect(archive, course, LESSONS, MODULES)
    assert [why.key for _, why in result.notes] == ["classroom.collect.older_copy"]
    kept = (course / "submitted" / "hana" / "02_autograd" / "02_autograd.ipynb").read_bytes()
    assert kept == notebook_bytes


def test_paths_in_a_zip_never_escape_the_course(tmp_path, notebook_bytes):
    archive = tmp_path / "in.zip"
    archive.write_bytes(as_zip({"../../evil/02_autograd.ipynb": notebook_bytes}))
    course = tmp_path / "course"
    collect(archive, course, LESSONS, MODULES)
    assert not (tmp_path.parent / "evil").exists()
    assert all(course in p.parents for p in course.rglob("*"))
