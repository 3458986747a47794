"""Grade a whole class: every submission of the chosen lessons, in parallel, safely.

The steps, each in its own module: find the submissions and repair them (:mod:`intake`), grade
each in a scratch course on a pool of workers (:mod:`pool`, :mod:`worker`), where the judge
decides each test cell from what the kernel observed (:mod:`judge`), and keep the result in the
course's gradebook and ledger (:mod:`record`). A notebook cell that hangs past the time limit
or kills its kernel is set aside (it raises an explanatory error instead) and the submission is
graded again, so the student still gets the points the rest of the notebook earns.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import nbformat

from course_helpers.classroom import cells, judge, outcomes, pool, record, sandbox, static
from course_helpers.classroom.intake import read_submission
from course_helpers.classroom.model import Classroom, LedgerEntry
from course_helpers.classroom.progress import Progress
from course_helpers.classroom.worker import Graded, Limits, Task, last_cell
from course_helpers.course import release_notebook
from course_helpers.i18n import Message, msg

MAX_ATTEMPTS = 3


@dataclass
class Row:
    """One student's result for one lesson."""

    student: str
    lesson: str
    status: str  # "graded", "unchanged" or "failed"
    score: float = 0.0
    max_score: float = 0.0
    reason: Message | None = None
    notes: list[Message] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class ClassReport:
    """Every row of a grading run, and whether it was interrupted."""

    rows: list[Row]
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def failures(self) -> list[Row]:
        return [row for row in self.rows if row.status == "failed"]


@dataclass
class Pending:
    """A submission being graded: what was noted so far, and its attempts."""

    digest: str | None
    notes: list[Message]
    attempt: int = 1
    started: float = 0.0  # set when grading begins, after the gradebooks are ready


def find_submissions(course: Classroom, lessons: Sequence[str],
                     students: Sequence[str] = ()) -> list[tuple[str, str, Path]]:
    """(student, lesson, folder) for every ``submitted/<student>/<lesson>/`` folder."""
    submitted = course.submitted
    found = []
    for folder in sorted(submitted.iterdir()) if submitted.is_dir() else []:
        if not folder.is_dir() or folder.name.startswith(".") or (
                students and folder.name not in students):
            continue
        found += [(folder.name, lesson, folder / lesson) for lesson in lessons
                  if (folder / lesson).is_dir()]
    return found


def locate_notebook(folder: Path, lesson: str) -> tuple[Path | None, Message | None]:
    """The lesson's notebook in a student's folder, accepting one renamed copy."""
    exact = folder / f"{lesson}.ipynb"
    if exact.is_file():
        return exact, None
    others = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    prefix = lesson.split("_", 1)[0]
    if len(others) > 1:
        others = [p for p in others if lesson in p.name or p.name.startswith(prefix)]
    if len(others) == 1:
        return others[0], msg("classroom.note.renamed", found=others[0].name,
                              expected=exact.name)
    return None, None


def _set_aside(notebook_path: Path, running: dict[str, Any], why: Message) -> str | None:
    """Replace the cell that hung or crashed (or the answer a hung check was calling)."""
    notebook = nbformat.read(notebook_path, as_version=4)
    index = next((i for i, c in enumerate(notebook.cells) if c.get("id") == running.get("id")),
                 running.get("index"))
    if not isinstance(index, int) or not 0 <= index < len(notebook.cells):
        return None
    if cells.is_protected(notebook.cells[index]):
        # A test cell is restored from the gradebook; set aside the answer it checks.
        index = next((i for i in range(index - 1, -1, -1)
                      if cells.is_answer(notebook.cells[i])), -1)
        if index < 0:
            return None
    cell = notebook.cells[index]
    reason = f"{why.render('zh')} / {why.render('en')}"
    cell.source = f"raise RuntimeError({reason!r})"
    nbformat.write(notebook, notebook_path)
    return cells.grade_id(cell) or f"#{index + 1}"


class _Run:
    """State of one grading run (kept together so the result callback stays small)."""

    def __init__(self, course: Classroom, limits: Limits, progress: Progress,
                 scratch: Path) -> None:
        self.course = course
        self.limits = limits
        self.progress = progress
        self.scratch = scratch
        self.rows: list[Row] = []
        self.pending: dict[tuple[str, str], Pending] = {}

    def fail(self, student: str, lesson: str, reason: Message, notes: list[Message],
             fingerprint: str | None, seconds: float = 0.0) -> None:
        record.forget(self.course, lesson, student)
        self.course.write_ledger(lesson, student, LedgerEntry(
            "failed", fingerprint, reason=reason, notes=notes, seconds=seconds))
        self.rows.append(Row(student, lesson, "failed", reason=reason, notes=notes,
                             seconds=seconds))
        self.progress.finished(False, f"{student} {lesson}: {reason.render('en')}")

    def on_result(self, task: Task, result: pool.Result) -> list[Task]:
        state = self.pending[(task.student, task.lesson)]
        seconds = time.monotonic() - state.started
        if isinstance(result, Graded) and result.ok:
            self._graded(task, result, state, seconds)
            return []
        running = last_cell(Path(task.work))
        why = self._why(task, result, running or {})
        if why.key in ("classroom.hung", "classroom.kernel_died") and running and (
                state.attempt < MAX_ATTEMPTS):
            cell = _set_aside(Path(task.notebook), running, why)
            if cell is not None:
                state.attempt += 1
                state.notes.append(msg("classroom.note.set_aside", cell=cell, why=why))
                return [_retry(task, state.attempt)]
        self.fail(task.student, task.lesson, why, state.notes, state.digest, seconds)
        return []

    def _why(self, task: Task, result: pool.Result, running: dict[str, Any]) -> Message:
        cell = running.get("grade_id") or (f"#{running['index'] + 1}" if "index" in running
                                            else "?")
        if isinstance(result, pool.Stopped):
            if result.reason == "timeout":
                return msg("classroom.hung", cell=cell,
                           seconds=task.limits.submission_timeout)
            return msg("classroom.worker_died", cell=cell)
        text = result.error + result.log
        if "DeadKernelError" in text or "kernel died" in text.lower():
            return msg("classroom.kernel_died", cell=cell)
        if "UnresponsiveKernelError" in text or "CellTimeoutError" in text:
            return msg("classroom.hung", cell=cell, seconds=task.limits.cell_timeout)
        lines = [line for line in result.error.strip().splitlines() if line.strip()]
        return msg("classroom.nbgrader_failed", detail=(lines or ["?"])[-1][:200])

    def _graded(self, task: Task, graded: Graded, state: Pending, seconds: float) -> None:
        notes = list(state.notes)
        submitted = nbformat.read(task.notebook, as_version=4)
        delegated: dict[str, Message] = {}
        for question, use in static.delegations(task.lesson, submitted).items():
            test = graded.cells.get(f"{question}-test")
            if test is not None:
                test.auto_score = 0.0
            delegated[question] = msg("grading.note.delegated", question=question, use=use)
            notes.append(delegated[question])
        record.save(self.course, graded, task.timestamp)
        score = sum(float(c.auto_score or 0) for c in graded.cells.values())
        top = sum(c.max_score for c in graded.cells.values())
        self.course.write_ledger(task.lesson, task.student, LedgerEntry(
            "graded", state.digest, score, top, notes=notes, seconds=seconds,
            questions=outcomes.graded_records(self.course, task.student, task.lesson,
                                              graded, delegated, state.notes)))
        self.rows.append(Row(task.student, task.lesson, "graded", score, top, notes=notes,
                             seconds=seconds))
        self.progress.finished(True, f"{task.student} {task.lesson}: {score:g}/{top:g}")


def _retry(task: Task, attempt: int) -> Task:
    work = Path(task.work)
    return Task(task.student, task.lesson, task.notebook, task.template_db,
                str(work.with_name(f"{work.name.rsplit('-', 1)[0]}-{attempt}")),
                task.course_id, task.limits, task.timestamp, seed=task.seed)


def _timestamp(folder: Path) -> str | None:
    stamp = folder / "timestamp.txt"
    return stamp.read_text().strip() or None if stamp.is_file() else None


def grade_class(root: Path, lessons: Sequence[str], *, students: Sequence[str] = (),
                workers: int = 0, limits: Limits | None = None, force: bool = False,
                out: TextIO | None = None) -> ClassReport:
    """Autograde every submission of ``lessons`` into the course's gradebook."""
    limits = limits or Limits()
    record.tools_on_path()
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="course-grading-"))
    course = Classroom.at(root)
    found = find_submissions(course, lessons, students)
    progress = Progress(len(found), out)
    run = _Run(course, limits, progress, scratch)
    tasks: list[Task] = []
    releases: dict[str, nbformat.NotebookNode] = {}
    stop = _StopOnInterrupt()
    try:
        for student, lesson, folder in found:
            tasks += _admit(run, student, lesson, folder, releases, force)
        if tasks:
            needed = sorted({task.lesson for task in tasks})
            template = record.template_gradebook(root, needed, scratch)
            record.ensure_lessons(course, needed, template)
            for task in tasks:
                task.template_db = str(template)
                run.pending[(task.student, task.lesson)].started = time.monotonic()
        with stop:
            if tasks:
                size = min(workers or os.cpu_count() or 1, len(tasks))
                _announce(progress, size)
                pool.run(tasks, size, limits.memory_bytes, run.on_result, progress.tick,
                         stop.requested)
    finally:
        progress.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return ClassReport(sorted(run.rows, key=lambda r: (r.lesson, r.student)),
                       time.monotonic() - started, interrupted=stop.requested())


def _announce(progress: Progress, workers: int) -> None:
    """Say what the first, silent half minute is for, and whether kernels are sandboxed."""
    why = sandbox.unavailable()
    progress.say(msg("grading.unsandboxed", why=why) if why else msg("grading.sandboxed"))
    progress.say(msg("grading.starting", workers=workers))


def _admit(run: _Run, student: str, lesson: str, folder: Path,
           releases: dict[str, nbformat.NotebookNode], force: bool) -> list[Task]:
    """Check one submission before grading: skip it, reject it, or queue it."""
    path, renamed = locate_notebook(folder, lesson)
    notes = [renamed] if renamed else []
    if path is None:
        run.fail(student, lesson, msg("classroom.missing_notebook", expected=f"{lesson}.ipynb"),
                 notes, None)
        return []
    fingerprint = record.digest(path)
    previous = run.course.read_ledger(lesson, student)
    if not force and previous and previous.digest == fingerprint:
        done = previous.status == "graded" and record.has_submission(run.course, lesson,
                                                                     student)
        if done or previous.status == "failed":
            run.rows.append(_row_from_ledger(student, lesson, previous))
            run.progress.finished(previous.status != "failed", f"{student} {lesson}: =")
            return []
    if lesson not in releases:
        releases[lesson] = nbformat.read(release_notebook(run.course.root, lesson),
                                         as_version=4)
    intake = read_submission(path, releases[lesson])
    notes += intake.notes
    if intake.notebook is None:
        run.fail(student, lesson, intake.problem or msg("classroom.not_a_notebook"), notes,
                 fingerprint)
        return []
    ready = run.scratch / "in" / student / f"{lesson}.ipynb"
    ready.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(intake.notebook, ready)
    run.pending[(student, lesson)] = Pending(fingerprint, notes)
    seed = judge.submission_seed(run.course.secret(), fingerprint, lesson)
    return [Task(student, lesson, str(ready), "", str(run.scratch / "work" / f"{student}-"
                 f"{lesson}-1"), run.course.course_id, run.limits, _timestamp(folder),
                 seed=seed)]


def _row_from_ledger(student: str, lesson: str, entry: LedgerEntry) -> Row:
    status = "unchanged" if entry.status == "graded" else "failed"
    return Row(student, lesson, status, entry.score, entry.max_score, entry.reason,
               entry.notes, entry.seconds)


class _StopOnInterrupt:
    """Ctrl-C stops handing out work; what is already graded stays saved."""

    def __init__(self) -> None:
        self._stop = False
        self._previous: Any = None

    def requested(self) -> bool:
        return self._stop

    def _handle(self, *_: object) -> None:
        self._stop = True

    def __enter__(self) -> _StopOnInterrupt:
        try:
            self._previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread
            self._previous = None
        return self

    def __exit__(self, *_: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
