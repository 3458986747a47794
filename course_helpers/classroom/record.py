"""Putting results into the course's gradebook, nbgrader's record of scores.

The ledger beside it (:class:`course_helpers.classroom.model.LedgerEntry`) remembers which
version of a submission was graded, so a repeated run skips what is already graded and an
interrupted run picks up where it stopped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from course_helpers.classroom.model import Classroom, db_url
from course_helpers.classroom.worker import Graded


class RecordError(RuntimeError):
    """The gradebook or the lessons could not be prepared."""


def tools_on_path() -> None:
    """Put this Python's scripts first on PATH: nbgrader's gradebook runs ``alembic``."""
    scripts = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[:1] != [scripts]:
        os.environ["PATH"] = os.pathsep.join([scripts, *parts])


def digest(path: Path) -> str:
    """A fingerprint of one submitted file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _generate(root: Path, lesson: str, database: Path, release: Path) -> None:
    """Record a lesson's cells in ``database`` with nbgrader's generate_assignment."""
    command = [sys.executable, "-m", "nbgrader", "generate_assignment", lesson, "--force",
               f"--CourseDirectory.root={root}",
               f"--CourseDirectory.release_directory={release}",
               f"--CourseDirectory.db_url={db_url(database)}",
               "--log-level=WARN"]
    # Run from the course folder so that its nbgrader_config.py applies.
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr.strip().splitlines() or ["?"])[-1]
        raise RecordError(f"nbgrader generate_assignment {lesson}: {detail}")


def template_gradebook(root: Path, lessons: list[str], scratch: Path) -> Path:
    """A gradebook holding only the lessons' cells: what each scratch course starts from."""
    database = scratch / "template.db"
    release = scratch / "template-release"
    release.mkdir(parents=True, exist_ok=True)
    for lesson in lessons:
        _generate(root, lesson, database, release)
    return database


def ensure_lessons(course: Classroom, lessons: list[str], template: Path) -> None:
    """Make sure the course's gradebook knows every lesson being graded."""
    from nbgrader.api import Gradebook

    if not course.gradebook.exists():
        shutil.copy2(template, course.gradebook)
        return
    with Gradebook(course.db_url, course.course_id) as book:
        known = {assignment.name for assignment in book.assignments}
    for lesson in lessons:
        if lesson not in known:
            with tempfile.TemporaryDirectory() as scratch:
                _generate(course.root, lesson, course.gradebook, Path(scratch) / "release")


def save(course: Classroom, graded: Graded, timestamp: str | None) -> None:
    """Put a graded submission into the course: its autograded notebook and its scores."""
    from nbgrader.api import Gradebook

    target = course.autograded(graded.student, graded.lesson)
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(graded.autograded, target)
    with Gradebook(course.db_url, course.course_id) as book, warnings.catch_warnings():
        # nbgrader's own autoflush warnings (SQLAlchemy), harmless, would clutter the report.
        warnings.simplefilter("ignore")
        book.update_or_create_student(graded.student)
        extra = {}
        if timestamp:
            from nbgrader.utils import parse_utc

            extra["timestamp"] = parse_utc(timestamp)
        submission = book.update_or_create_submission(graded.lesson, graded.student, **extra)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                cell = graded.cells.get(grade.name)
                if cell is None:
                    continue
                grade.auto_score = cell.auto_score
                grade.needs_manual_grade = cell.needs_manual_grade
            for comment in notebook.comments:
                comment.auto_comment = graded.comments.get(comment.name)
        book.db.commit()


def forget(course: Classroom, lesson: str, student: str) -> None:
    """Remove a submission's old scores when its new version could not be graded."""
    from nbgrader.api import Gradebook, MissingEntry

    if course.gradebook.exists():
        with Gradebook(course.db_url, course.course_id) as book:
            try:
                book.remove_submission(lesson, student)
            except MissingEntry:
                pass
    target = course.autograded(student, lesson)
    if target.exists():
        shutil.rmtree(target)


def has_submission(course: Classroom, lesson: str, student: str) -> bool:
    from nbgrader.api import Gradebook, MissingEntry

    if not course.gradebook.exists():
        return False
    with Gradebook(course.db_url, course.course_id) as book:
        try:
            book.find_submission(lesson, student)
        except MissingEntry:
            return False
    return True
