"""A scratch nbgrader course built from this checkout, for grading tests."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat

from course_helpers.classroom.samples import answered, solutions
from course_helpers.course import copy_course
from tests.conftest import ROOT, child_env


def nbgrader(course: Path, *args: str, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    """Run an nbgrader command in the scratch course."""
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                          env=child_env(), capture_output=True, text=True, timeout=timeout,
                          check=False)


def make_course(tmp: Path, lesson: str) -> Path:
    """Copy the config and one lesson's solution, and generate its release with a gradebook."""
    course = copy_course(ROOT, [lesson], tmp / "course", release=False)
    result = nbgrader(course, "generate_assignment", lesson, "--force")
    assert result.returncode == 0, result.stderr
    return course


def solution_sources(lesson: str) -> dict[str, str]:
    """grade_id -> source of every solution cell in the instructor's notebook."""
    return solutions(ROOT, lesson)


def submit(course: Path, lesson: str, student: str, answers: dict[str, str]) -> Path:
    """Hand in the release with the given solution cells filled in (others left blank)."""
    target = course / "submitted" / student / lesson / f"{lesson}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(answered(course, lesson, answers), target)
    return target


def gradebook_scores(course: Path) -> dict[tuple[str, str], float]:
    """(student, lesson) -> total score, read straight from the course's gradebook.db."""
    with sqlite3.connect(course / "gradebook.db") as db:
        rows = db.execute(
            "SELECT student.id, assignment.name, "
            "SUM(COALESCE(grade.manual_score, grade.auto_score, 0)) FROM grade "
            "JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
            "JOIN submitted_assignment ON submitted_notebook.assignment_id = "
            "submitted_assignment.id JOIN student ON submitted_assignment.student_id = "
            "student.id JOIN assignment ON submitted_assignment.assignment_id = assignment.id "
            "GROUP BY student.id, assignment.name").fetchall()
    return {(student, lesson): float(score) for student, lesson, score in rows}
