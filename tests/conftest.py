"""Shared fixtures: the course root and a clean language setting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


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
    env.pop("PYTEST_ADDOPTS", None)
    return env
