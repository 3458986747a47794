"""The course's gradebook and the grading ledger: where results are kept.

nbgrader's gradebook (``gradebook.db``) is the record of scores. Beside it, the ledger
(``.grading/<lesson>/<student>.json``) remembers which version of a submission was graded,
how, and what was repaired or went wrong, so a repeated run skips what is already graded and
an interrupted run picks up where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from course_helpers.classroom.worker import Graded

LEDGER = ".grading"


class RecordError(RuntimeError):
    """The gradebook or the lessons could not be prepared."""


def tools_on_path() -> None:
    """Put this Python's scripts first on PATH: nbgrader's gradebook runs ``alembic``."""
    scripts = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[:1] != [scripts]:
        os.environ["PATH"] = os.pathsep.join([scripts, *parts])


def db_url(path: Path) -> str:
    return f"sqlite:///{path}"


def digest(path: Path) -> str:
    """A fingerprint of one submitted file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ledger_path(root: Path, lesson: str, student: str) -> Path:
    return root / LEDGER / lesson / f"{student}.json"


def read_ledger(root: Path, lesson: str, student: str) -> dict[str, Any] | None:
    try:
        return json.loads(ledger_path(root, lesson, student).read_text())
    except (OSError, ValueError):
        return None


def write_ledger(root: Path, lesson: str, student: str, entry: dict[str, Any]) -> None:
    path = ledger_path(root, lesson, student)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(entry, ensure_ascii=False, indent=1))
    partial.replace(path)  # atomic: a ledger entry is either whole or absent


def ledger(root: Path, lesson: str) -> dict[str, dict[str, Any]]:
    """Every student's ledger entry for a lesson."""
    folder = root / LEDGER / lesson
    entries = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            entries[path.stem] = json.loads(path.read_text())
        except ValueError:
            continue
    return entries


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


def ensure_lessons(root: Path, gradebook: Path, lessons: list[str], template: Path,
                   course_id: str) -> None:
    """Make sure the course's gradebook knows every lesson being graded."""
    from nbgrader.api import Gradebook

    if not gradebook.exists():
        shutil.copy2(template, gradebook)
        return
    with Gradebook(db_url(gradebook), course_id) as book:
        known = {assignment.name for assignment in book.assignments}
    for lesson in lessons:
        if lesson not in known:
            with tempfile.TemporaryDirectory() as scratch:
                _generate(root, lesson, gradebook, Path(scratch) / "release")


def save(root: Path, gradebook: Path, course_id: str, graded: Graded,
         timestamp: str | None) -> None:
    """Put a graded submission into the course: its autograded notebook and its scores."""
    from nbgrader.api import Gradebook

    target = root / "autograded" / graded.student / graded.lesson
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(graded.autograded, target)
    with Gradebook(db_url(gradebook), course_id) as book, warnings.catch_warnings():
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
                grade.auto_score = cell["auto_score"]
                grade.needs_manual_grade = cell["needs_manual_grade"]
            for comment in notebook.comments:
                comment.auto_comment = graded.comments.get(comment.name)
        book.db.commit()


def forget(root: Path, gradebook: Path, course_id: str, lesson: str, student: str) -> None:
    """Remove a submission's old scores when its new version could not be graded."""
    from nbgrader.api import Gradebook, MissingEntry

    if gradebook.exists():
        with Gradebook(db_url(gradebook), course_id) as book:
            try:
                book.remove_submission(lesson, student)
            except MissingEntry:
                pass
    target = root / "autograded" / student / lesson
    if target.exists():
        shutil.rmtree(target)


def has_submission(gradebook: Path, course_id: str, lesson: str, student: str) -> bool:
    from nbgrader.api import Gradebook, MissingEntry

    if not gradebook.exists():
        return False
    with Gradebook(db_url(gradebook), course_id) as book:
        try:
            book.find_submission(lesson, student)
        except MissingEntry:
            return False
    return True
