"""Unattended runs of the slider lessons on a busy machine never sit idle.

Each lesson with explorers runs a few times while every core is kept busy. For every cell the
test measures how long the finished cell's reply waited: from the moment the kernel sent it
(its header's timestamp) to the moment the run went on. A missed wake-up shows as a wait of
the whole cell timeout; an honest wait is a fraction of a second.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import nbformat
import pytest

from course_helpers.kernel_client import notebook_client
from tests.conftest import ROOT, child_env

pytestmark = pytest.mark.notebook

LESSONS = ("02_autograd", "03_gradient_clearing", "05_custom_optimizers")
ROUNDS = 3
CELL_TIMEOUT = 30  # a stall would wait this long; no cell needs more than a few seconds
LONGEST_WAIT = 10.0
WIDGET = "application/vnd.jupyter.widget-view+json"
BUSY = "import time\nend = time.monotonic() + 300\nwhile time.monotonic() < end:\n    pass\n"


@pytest.fixture
def busy_machine():
    """One busy loop per core for the length of the test (and at most five minutes)."""
    loops = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(os.cpu_count() or 2)]
    try:
        yield
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()


def _run(lesson: str, folder) -> tuple[list[tuple[int, float]], int]:
    """Execute a copy of the lesson; (cell index, seconds its reply waited) and widget count."""
    shutil.copytree(ROOT / "notebooks" / lesson, folder / lesson)
    path = folder / lesson / f"{lesson}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    waits: list[tuple[int, float]] = []

    def executed(cell, cell_index, execute_reply) -> None:
        sent = execute_reply["header"]["date"].timestamp()
        waits.append((cell_index, time.time() - sent))

    notebook_client(notebook, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=True,
                    on_cell_executed=executed,
                    resources={"metadata": {"path": str(path.parent)}}).execute(env=child_env())
    widgets = sum(WIDGET in output.get("data", {}) for cell in notebook.cells
                  for output in cell.get("outputs", []))
    return waits, widgets


def test_slider_lessons_never_wait_a_cell_timeout(busy_machine, tmp_path):
    started = time.monotonic()
    stalls, longest = [], 0.0
    for round_ in range(ROUNDS):
        for lesson in LESSONS:
            waits, widgets = _run(lesson, tmp_path / f"{round_}")
            assert widgets >= 1, f"{lesson}: no slider was shown, so nothing was tested"
            longest = max(longest, *(wait for _, wait in waits))
            stalls += [(lesson, index, round(wait, 1)) for index, wait in waits
                       if wait > LONGEST_WAIT]
    print(f"\n{ROUNDS * len(LESSONS)} runs under load in {time.monotonic() - started:.0f} s; "
          f"longest wait for a sent reply {longest:.2f} s")
    assert stalls == [], stalls
