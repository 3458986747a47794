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
