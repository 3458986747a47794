"""What keeps one submission's kernel apart from the course and from the machine.

The kernel starts in an empty run folder (not beside the gradebook or ``solutions/``), under a
memory limit, and its output per cell is capped. The grader records which cell is running, so
when a kernel hangs past the time limit or dies, the report can name the cell.
"""

from __future__ import annotations

import json
import os
import resource
import signal
from pathlib import Path

from nbformat import NotebookNode
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute
from traitlets import Integer, Unicode

from course_helpers.classroom import cells

TRUNCATED = "\n… 输出过多，评分时已截断。 / … Too much output; truncated while grading.\n"


class IsolatedExecute(Execute):
    """nbgrader's Execute, run in an empty folder, recording progress, capping output."""

    run_directory = Unicode("", help="Folder the kernel starts in.").tag(config=True)
    progress_file = Unicode("", help="Where to record the cell being run.").tag(config=True)
    max_output_chars = Integer(100_000, help="Stream output kept per cell.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources=None, km=None):  # type: ignore[override]
        resources = dict(resources or {})
        if self.run_directory:
            resources["metadata"] = {**resources.get("metadata", {}), "path": self.run_directory}
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):  # type: ignore[override]
        if self.progress_file and cell.cell_type == "code":
            grade_id = cells.grade_id(cell)
            Path(self.progress_file).write_text(json.dumps(
                {"index": index, "id": cell.get("id"), "grade_id": grade_id}))
        self._stream_chars = 0
        self._truncated = False
        return super().preprocess_cell(cell, resources, index)

    def output(self, outs, msg, display_id, cell_index):  # type: ignore[override]
        if msg["msg_type"] == "stream":
            self._stream_chars += len(msg["content"].get("text", ""))
            if self._stream_chars > self.max_output_chars:
                if not self._truncated:
                    self._truncated = True
                    note = new_output("stream", name="stdout", text=TRUNCATED)
                    outs.append(note)
                    return note
                return None
        return super().output(outs, msg, display_id, cell_index)


def limit_memory(limit_bytes: int) -> None:
    """Cap this process's address space; kernels started from it inherit the cap."""
    if limit_bytes <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit_bytes = min(limit_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, hard))


def kill_processes_in(folder: Path) -> int:
    """Kill every process whose working folder lies inside ``folder`` (hung kernels).

    Kernels start in a session of their own, so killing the worker does not reach them;
    their working folder, which is unique to one submission, does.
    """
    folder = folder.resolve()
    killed = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cwd = Path(os.readlink(entry / "cwd"))
        except OSError:
            continue
        if cwd == folder or folder in cwd.parents:
            try:
                os.kill(int(entry.name), signal.SIGKILL)
                killed += 1
            except OSError:
                pass
    return killed
