"""A scratch nbgrader course built from this checkout, for grading tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

from course_helpers.course import source_notebook
from tests.conftest import ROOT, child_env


def nbgrader(course: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader command in the scratch course."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                          env=child_env(), capture_output=True, text=True, timeout=timeout,
                          check=False)


def make_course(tmp: Path, lesson: str) -> Path:
    """Copy the config and one lesson's solution, and generate its release with a gradebook."""
    course = tmp / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    shutil.copytree(source_notebook(ROOT, lesson).parent, course / "solutions" / lesson)
    result = nbgrader(course, "generate_assignment", lesson, "--force")
    assert result.returncode == 0, result.stderr
    return course


def solution_sources(lesson: str) -> dict[str, str]:
    """grade_id -> source of every solution cell in the instructor's notebook."""
    notebook = nbformat.read(source_notebook(ROOT, lesson), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def submit(course: Path, lesson: str, student: str, answers: dict[str, str]) -> Path:
    """Hand in the release with the given solution cells filled in (others left blank)."""
    released = course / "notebooks" / lesson / f"{lesson}.ipynb"
    notebook = nbformat.read(released, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    target = course / "submitted" / student / lesson / f"{lesson}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target
