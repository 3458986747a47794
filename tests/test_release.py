"""The committed student release always matches what nbgrader makes from solutions/."""

from __future__ import annotations

import shutil
import subprocess
import sys

import nbformat
import pytest

from course_helpers.course import lessons
from course_helpers.instructor.release import stale
from tests.conftest import ROOT, child_env


def course_helpers_cli(*args: str, cwd=ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "course_helpers.instructor.cli", *args], cwd=cwd,
                          env=child_env(), capture_output=True, text=True, timeout=600,
                          check=False)


def test_committed_release_is_current():
    result = course_helpers_cli("release", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "notebooks/ matches solutions/" in result.stdout


@pytest.fixture()
def scratch_course(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    for name in ("nbgrader_config.py", "solutions", "notebooks"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, course / name)
        else:
            shutil.copy2(source, course / name)
    return course


def test_an_edited_solution_makes_the_release_stale(scratch_course):
    lesson = lessons(scratch_course)[0]
    path = scratch_course / "solutions" / lesson / f"{lesson}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[1].source += "\n\n新增一句。"
    nbformat.write(notebook, path)
    differences = stale(scratch_course)
    assert [(d.path, d.reason) for d in differences] == [
        (f"notebooks/{lesson}/{lesson}.ipynb", "changed")]
    result = course_helpers_cli("release", "--check", cwd=scratch_course)
    assert result.returncode == 1
    assert "notebooks/ 与 solutions/ 不一致" in result.stderr
    assert "Run course-helpers release" in result.stderr
    # Regenerating brings it back in step.
    assert course_helpers_cli("release", cwd=scratch_course).returncode == 0
    assert stale(scratch_course) == []


def test_a_deleted_or_extra_release_is_reported(scratch_course):
    lesson = lessons(scratch_course)[0]
    shutil.rmtree(scratch_course / "notebooks" / lesson)
    (scratch_course / "notebooks" / "99_orphan").mkdir()
    reasons = {(d.path, d.reason) for d in stale(scratch_course)}
    assert (f"notebooks/{lesson}/{lesson}.ipynb", "missing") in reasons
    assert ("notebooks/99_orphan", "extra") in reasons


def test_unknown_lesson_gets_a_bilingual_message_not_a_traceback():
    result = course_helpers_cli("release", "--check", "07_nonexistent")
    assert result.returncode == 1
    assert "找不到课程 07_nonexistent" in result.stderr
    assert "No lesson called 07_nonexistent" in result.stderr
    assert "Traceback" not in result.stderr


def test_outside_a_course_folder_the_cli_says_so(tmp_path):
    result = course_helpers_cli("release", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert "找不到课程目录" in result.stderr and "No course folder" in result.stderr
    assert "Traceback" not in result.stderr
