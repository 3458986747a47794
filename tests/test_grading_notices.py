"""What a grading run says before it starts: the workers, and whether kernels are sandboxed."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from course_helpers.classroom import sandbox
from course_helpers.classroom.grade import _announce
from course_helpers.classroom.progress import Progress


@pytest.fixture
def fresh_probe():
    probe = sandbox.unavailable
    probe.cache_clear()
    yield
    probe.cache_clear()


def announced() -> str:
    out = io.StringIO()
    _announce(Progress(3, out), 2)
    return out.getvalue()


def test_a_sandboxed_run_says_so_and_why_it_waits(fresh_probe, monkeypatch):
    monkeypatch.setattr(sandbox, "unavailable", lambda: None)
    text = announced()
    assert "bubblewrap 沙箱" in text and "bubblewrap sandbox" in text
    assert "2 个评分进程" in text and "2 grading workers" in text and "PyTorch" in text
    assert "Warning" not in text


@pytest.mark.parametrize(("change", "expected_zh", "expected_en"), [
    ("platform", "只能在 Linux 上使用", "needs Linux"),
    ("no_bwrap", "没有找到 bubblewrap", "is not installed"),
    ("refused", "无法在本机创建沙箱", "cannot make a sandbox here (bwrap: setting up uid map"),
])
def test_without_the_sandbox_grading_warns_in_both_languages(fresh_probe, monkeypatch, change,
                                                             expected_zh, expected_en):
    if change == "platform":
        monkeypatch.setattr(sandbox.sys, "platform", "darwin")
    elif change == "no_bwrap":
        monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    else:
        monkeypatch.setattr(sandbox.shutil, "which", lambda name: "/usr/bin/bwrap")
        refused = subprocess.CompletedProcess([], 1, "", "bwrap: setting up uid map: denied\n")
        monkeypatch.setattr(sandbox.subprocess, "run", lambda *a, **k: refused)
    assert not sandbox.available()
    text = announced()
    assert "警告" in text and "Warning" in text
    assert expected_zh in text and expected_en in text
    assert "gradebook" in text and "成绩簿" in text


def test_ci_grades_in_the_sandbox(fresh_probe):
    import os

    if not os.environ.get("CI"):
        pytest.skip("only CI is required to have bubblewrap")
    assert sys.platform.startswith("linux")
    assert sandbox.unavailable() is None
