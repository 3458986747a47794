"""Every lesson re-executes: solutions strictly against their stored outputs, releases leniently.

nbval runs in a child pytest so that the strict and lenient modes, which are global flags,
can both be used in one test session.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from course_helpers.course import lessons, release_notebook, source_notebook
from tests.conftest import ROOT, child_env

LESSONS = lessons(ROOT)
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def run_nbval(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "--nbval-current-env", "--nbval-cell-timeout=300", "-W", "ignore", *args]
    return subprocess.run(command, cwd=ROOT, env=child_env(), capture_output=True, text=True,
                          timeout=1200, check=False)


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_reproduces_its_stored_outputs(lesson: str):
    result = run_nbval("--nbval", "--nbval-sanitize-with", str(SANITIZE),
                       str(source_notebook(ROOT, lesson)))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


@pytest.mark.notebook
@pytest.mark.parametrize("lesson", LESSONS)
def test_release_runs_without_unexpected_errors(lesson: str):
    result = run_nbval("--nbval-lax", str(release_notebook(ROOT, lesson)))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


@pytest.mark.notebook
def test_strict_mode_catches_a_drifted_output(tmp_path):
    import nbformat

    lesson = LESSONS[0]
    notebook = nbformat.read(source_notebook(ROOT, lesson), as_version=4)
    printed = next(c for c in notebook.cells if c.cell_type == "code" and any(
        o.output_type == "stream" for o in c.outputs))
    stream = next(o for o in printed.outputs if o.output_type == "stream")
    stream.text = stream.text.replace("0", "9") + "drift\n"
    path = tmp_path / f"{lesson}.ipynb"
    nbformat.write(notebook, path)
    result = run_nbval("--nbval", "--nbval-sanitize-with", str(SANITIZE), str(path))
    assert result.returncode != 0
    assert "Cell outputs differ" in result.stdout


def test_there_is_at_least_one_lesson():
    assert "02_autograd" in LESSONS
