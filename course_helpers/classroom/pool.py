"""A few worker processes grading one submission each, with a time limit per submission.

nbgrader grades one notebook at a time in one process. Here each worker process keeps
nbgrader imported and takes one submission after another, each in a kernel forked from the
worker's kernel factory (:mod:`course_helpers.classroom.kernels`); the main process hands
out work, enforces each submission's time limit (killing the worker and its kernel when it
runs over: an interrupt is not enough for code that ignores SIGINT) and starts a fresh worker
in its place.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import tempfile
import time
import traceback
import uuid
import warnings
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from course_helpers.classroom import kernels
from course_helpers.classroom.isolation import kill_processes_in, limit_memory
from course_helpers.classroom.worker import Graded, Task, autograde

_CONTEXT = multiprocessing.get_context("spawn")


@dataclass
class Stopped:
    """A submission whose worker was stopped: over time, or the worker itself died."""

    task: Task
    reason: str  # "timeout" or "worker_died"


Result = Graded | Stopped
OnResult = Callable[[Task, Result], Iterable[Task]]
OnTick = Callable[[int, int], None]


def _serve(connection: Connection, memory_bytes: int, threads: int, home: str) -> None:
    # Ctrl-C belongs to the main process: it stops the run; a worker must not fail its task.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # nbgrader's log is captured per submission; kernels and SQLAlchemy would otherwise
    # write over the progress line.
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    warnings.simplefilter("ignore")
    # Kernels inherit this: several kernels each using every core would only fight.
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    limit_memory(memory_bytes)
    # Started before nbgrader is imported, so the factory loads its modules meanwhile.
    # Its sandbox holds the worker's home folder, where each submission's kernel starts.
    kernels.start_factory(Path(home))
    import nbgrader.converters  # noqa: F401  (import once, not once per submission)

    try:
        while True:
            try:
                task = connection.recv()
            except EOFError:
                return
            if task is None:
                return
            try:
                result = autograde(task)
            except Exception:
                result = Graded(task.student, task.lesson, False, error=traceback.format_exc())
            kernels.reset_factory()
            connection.send(result)
    finally:
        kernels.stop_factory()


def _clean_up(task: Task) -> None:
    for folder in (task.work, task.run):
        if folder:
            kill_processes_in(Path(folder))
    if task.run:
        shutil.rmtree(task.run, ignore_errors=True)


class _Worker:
    def __init__(self, memory_bytes: int, threads: int) -> None:
        self.connection, child = _CONTEXT.Pipe()
        # The one folder a submission's kernel may write to; the worker's sandbox holds it.
        self.home = Path(tempfile.mkdtemp(prefix="course-sandbox-")).resolve()
        self.process = _CONTEXT.Process(target=_serve,
                                        args=(child, memory_bytes, threads, str(self.home)),
                                        daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.deadline = 0.0

    def give(self, task: Task) -> None:
        task.run = str(self.home / uuid.uuid4().hex)
        self.task = task
        self.deadline = time.monotonic() + task.limits.submission_timeout
        self.connection.send(task)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        if self.task is not None:
            _clean_up(self.task)
        kill_processes_in(self.home)
        shutil.rmtree(self.home, ignore_errors=True)
        self.connection.close()


def run(tasks: Iterable[Task], size: int, memory_bytes: int, on_result: OnResult,
        on_tick: OnTick | None = None, should_stop: Callable[[], bool] = lambda: False) -> None:
    """Grade ``tasks`` on ``size`` workers; ``on_result`` may hand back tasks to retry."""
    queue: deque[Task] = deque(tasks)
    count = max(1, min(size, len(queue) or 1))
    threads = max(1, (os.cpu_count() or 1) // count)
    workers = [_Worker(memory_bytes, threads) for _ in range(count)]
    try:
        while queue or any(w.task for w in workers):
            if should_stop():
                return
            for worker in workers:
                if worker.task is None and queue:
                    worker.give(queue.popleft())
            busy = [w for w in workers if w.task is not None]
            ready = wait([w.connection for w in busy], timeout=0.25)
            for index, worker in enumerate(workers):
                task = worker.task
                if task is None:
                    continue
                result: Result | None = None
                if worker.connection in ready:
                    try:
                        result = worker.connection.recv()
                    except (EOFError, OSError):
                        result = Stopped(task, "worker_died")
                elif time.monotonic() > worker.deadline:
                    result = Stopped(task, "timeout")
                if result is None:
                    continue
                if isinstance(result, Stopped):
                    worker.stop()
                    workers[index] = worker = _Worker(memory_bytes, threads)
                worker.task = None
                _clean_up(task)  # a kernel that outlived its notebook
                queue.extend(on_result(task, result))
            if on_tick is not None:
                on_tick(len(queue), sum(1 for w in workers if w.task))
    finally:
        for worker in workers:
            if worker.task is None and worker.process.is_alive():
                try:
                    worker.connection.send(None)
                except OSError:
                    pass
            worker.stop()
