"""Shared fixtures: the course root and a clean language setting."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    # Build matplotlib's font cache here, once, so its one-time notice never appears on a
    # kernel's stderr during a notebook test.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot


@pytest.fixture(autouse=True)
def _both_languages(monkeypatch: pytest.MonkeyPatch):
    import course_helpers.i18n as i18n

    monkeypatch.setenv("COURSE_LANG", "both")
    monkeypatch.setattr(i18n, "_chosen", None)
    yield


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def child_env() -> dict[str, str]:
    """Environment for subprocesses: both languages, no inherited kernel quirks."""
    env = dict(os.environ)
    env["COURSE_LANG"] = "both"
    # nbgrader runs helper programs (alembic) from the environment's bin folder.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.pop("PYTEST_ADDOPTS", None)
    return env


def run_cells(sources: list[str], env: dict[str, str] | None = None) -> list:
    """Run code cells in a fresh kernel (errors allowed); return the executed cells."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(ROOT)}}).execute(env=env or {})
    return notebook.cells
