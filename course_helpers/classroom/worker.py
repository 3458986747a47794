"""Grade one submission with nbgrader, alone, in a scratch course of its own.

The scratch course holds a copy of a gradebook that knows only the lessons (no other student,
no ``solutions/``), the one submitted notebook, and an empty run folder for the kernel. Before
nbgrader's execution, probe cells are added after the test cells; after it, the judge replaces
each test cell's outputs with its own verdict (see :mod:`course_helpers.classroom.judge`), and
the scores nbgrader then saved are read back.
"""

from __future__ import annotations

import json
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Limits:
    """How long and how big one submission may get."""

    cell_timeout: int = 60
    kernel_startup: int = 60
    submission_timeout: int = 600
    memory_bytes: int = 4 * 2**30
    max_output_chars: int = 100_000


@dataclass
class Task:
    """One notebook to grade; plain data so it can cross to a worker process."""

    student: str
    lesson: str
    notebook: str          # the repaired notebook, ready for nbgrader
    template_db: str       # a gradebook holding the lessons only
    work: str              # scratch folder for this attempt
    course_id: str
    limits: Limits
    timestamp: str | None = None
    run: str = ""          # where the kernel starts: set by the pool, in its worker's sandbox
    seed: str = ""         # the judge's seed for this submission (secret and content)


@dataclass
class CellScore:
    """What nbgrader saved for one graded cell."""

    auto_score: float | None
    max_score: float
    needs_manual_grade: bool = False


@dataclass
class Graded:
    """What nbgrader saved for a submission, or why it could not."""

    student: str
    lesson: str
    ok: bool
    cells: dict[str, CellScore] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    autograded: str = ""
    error: str = ""
    log: str = ""


def prepare(task: Task) -> tuple[Path, Path, Path]:
    """Lay out the scratch course: gradebook copy, submitted notebook, empty run folder."""
    work = Path(task.work)
    course = work / "course"
    run = Path(task.run) if task.run else work / "run"
    submitted = course / "submitted" / task.student / task.lesson
    submitted.mkdir(parents=True)
    (course / "source" / task.lesson).mkdir(parents=True)
    run.mkdir(parents=True)
    shutil.copy2(task.template_db, course / "gradebook.db")
    shutil.copy2(task.notebook, submitted / f"{task.lesson}.ipynb")
    if task.timestamp:
        (submitted / "timestamp.txt").write_text(task.timestamp)
    return course, run, work / "progress.json"


def autograde(task: Task) -> Graded:
    """Run nbgrader's Autograde in this process on the scratch course (the worker's job)."""
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log
    from traitlets.config import Config

    from course_helpers.classroom.kernels import WarmKernelManager

    course, run, progress = prepare(task)
    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.course_id = task.course_id
    config.CourseDirectory.assignment_id = task.lesson
    config.CourseDirectory.student_id = task.student
    config.CourseDirectory.source_directory = "source"
    config.IsolatedExecute.timeout = task.limits.cell_timeout
    config.IsolatedExecute.startup_timeout = task.limits.kernel_startup
    config.IsolatedExecute.shutdown_kernel = "immediate"
    config.IsolatedExecute.kernel_manager_class = WarmKernelManager
    config.IsolatedExecute.extra_arguments = ["--HistoryManager.hist_file=:memory:"]
    config.IsolatedExecute.run_directory = str(run)
    config.IsolatedExecute.progress_file = str(progress)
    config.IsolatedExecute.max_output_chars = task.limits.max_output_chars
    config.Autograde.autograde_preprocessors = _preprocessors()
    # The probes write under a name the notebook cannot know before they run.
    nonce = secrets.token_hex(12)
    for step in ("PlaceProbes", "Judge"):
        config[step].lesson = task.lesson
        config[step].seed = task.seed
        config[step].nonce = nonce
    config.Judge.run_directory = str(run)
    coursedir = CourseDirectory(config=config)
    app = Autograde(coursedir=coursedir, config=config)
    app.force = True
    app.create_student = True
    outcome = capture_log(app)
    graded = Graded(task.student, task.lesson, bool(outcome["success"]),
                    log=outcome.get("log", "")[-20000:], error=outcome.get("error", "") or "")
    target = course / "autograded" / task.student / task.lesson
    notebook_path = target / f"{task.lesson}.ipynb"
    if not graded.ok or not notebook_path.is_file():
        graded.ok = False
        return graded
    _read_scores(course / "gradebook.db", task, graded)
    graded.autograded = str(target)
    return graded


def _preprocessors() -> list[Any]:
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    from course_helpers.classroom.isolation import IsolatedExecute
    from course_helpers.classroom.judge import Judge, PlaceProbes

    # The judge's verdict replaces each test cell's outputs before SaveAutoGrades scores them.
    return [PlaceProbes, IsolatedExecute, Judge, IgnorePattern, ClearMetadataPreprocessor,
            LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]


def _read_scores(db: Path, task: Task, graded: Graded) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}", task.course_id) as gradebook:
        submission = gradebook.find_submission(task.lesson, task.student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                graded.cells[grade.name] = CellScore(
                    grade.auto_score, float(grade.max_score or 0),
                    bool(grade.needs_manual_grade))
            for comment in notebook.comments:
                if comment.auto_comment:
                    graded.comments[comment.name] = comment.auto_comment


def last_cell(work: Path) -> dict[str, Any] | None:
    """The cell that was running when the attempt stopped, if the grader recorded one."""
    try:
        return json.loads((work / "progress.json").read_text())
    except (OSError, ValueError):
        return None
