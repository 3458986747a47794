"""The instructor's commands as an instructor runs them: demo, interrupt and resume, errors."""

from __future__ import annotations

import csv
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.classroom_class import LESSON, hand_in
from tests.conftest import ROOT, child_env
from tests.test_classroom_grade import make_course

DEMO_SCORES = {"alice": "12", "bob": "8", "chen": "0", "dana": "12", "fay": "10", "gus": "10",
               "hana": "12"}
# What the demo must say it found in each sample student's hand-in.
DEMO_FINDINGS = {
    "alice": ["all correct, nothing to note"],
    "bob": ["q3-test: The gradient is 4 times", "you used sum()", "q5-test: The two gradients "
            "are swapped"],
    "chen": ["q1-test, q2-test, q3-test, q4-test, q5-test, q6-test: Replace raise "
             "NotImplementedError()"],
    "dana": [f"renamed to {LESSON} (1).ipynb; it was graded as {LESSON}.ipynb"],
    "emil": ["Not graded: the file is incomplete"],
    "fay": ["q1-solution: past the cell time limit (10 s), interrupted",
            "q1-test: Your answer ran past the time limit on this input"],
    # The cheat is read in the source; the judge names the wrong answer behind it.
    "gus": ["The answer to q2 hands its work to ex.q2.grade",
            "q2-test: The gradient is proportional to the correct value but off by a factor "
            "of 0.25"],
    "hana": ["hana/notes.txt: Not a notebook", "1 cells shared an id",
             "Graded cell q6-solution appeared more than once"],
}


def demo_sections(out: str) -> tuple[dict[str, str], dict[str, str]]:
    """The demo's "who is who" and "what was found" paragraphs, student by student."""
    cast = out.split("Who is who:", 1)[1].split("\n\n", 1)[0]
    found = out.split("What was found, student by student:", 1)[1].split("\n==", 1)[0]

    def by_student(text: str) -> dict[str, str]:
        blocks: dict[str, str] = {}
        student = ""
        for line in text.strip("\n").splitlines():
            if re.match(r"  \S", line):  # a student's first line; the rest is indented more
                student = line.split()[0]
            blocks[student] = blocks.get(student, "") + line + "\n"
        return blocks

    return by_student(cast), by_student(found)


def course_helpers(*args: str, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course_helpers.instructor.cli", *args], cwd=cwd,
                          env=child_env(), capture_output=True, text=True, timeout=timeout,
                          check=False)


@pytest.mark.notebook
def test_the_demo_runs_the_whole_pipeline(tmp_path):
    done = course_helpers("demo", "--into", str(tmp_path), cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for step in ("1. Release", "2. Collect", "3. Grade", "4. Feedback", "5. Export"):
        assert step in out
    assert "学生 Student" in out and "Traceback" not in out + done.stderr
    assert not re.search(r"\w+Warning\b", done.stderr), done.stderr[-3000:]
    # Who is who is said before grading; what was found, for each student, after it.
    assert out.index("Who is who:") < out.index("3. Grade") < out.index("What was found")
    cast, found = demo_sections(out)
    assert list(cast) == list(found) == list(DEMO_FINDINGS)
    assert "endless loop" in cast["fay"] and "cheat" in cast["gus"]
    assert "copied" in cast["hana"] and "renamed" in cast["dana"] and "damaged" in cast["emil"]
    for student, expected in DEMO_FINDINGS.items():
        for text in expected:
            assert text in found[student], (student, text, found[student])
    course = tmp_path / "course"
    with (course / "grades.csv").open(encoding="utf-8-sig") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert {s: r["score"] for s, r in rows.items() if r["status"] == "graded"} == DEMO_SCORES
    assert rows["emil"]["status"] == "failed"
    assert len(list((course / "feedback").glob(f"*/{LESSON}/{LESSON}.html"))) == 7


@pytest.mark.notebook
def test_an_interrupted_run_keeps_its_grades_and_resumes(tmp_path):
    course = make_course(tmp_path)
    students = ["alice", "blank", "renamed", "warns"]
    hand_in(course, students)
    command = [sys.executable, "-m", "course_helpers.instructor.cli", "grade", LESSON,
               "--workers", "1"]
    run = subprocess.Popen(command, cwd=course, env=child_env(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    ledger = course / ".grading" / LESSON
    deadline = time.monotonic() + 300
    while not list(ledger.glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 130, err[-2000:]
    assert "Interrupted" in out
    first = sorted(p.stem for p in ledger.glob("*.json"))
    assert 1 <= len(first) < len(students)

    again = course_helpers("grade", LESSON, cwd=course)
    assert again.returncode == 0, again.stderr[-2000:]
    assert sorted(p.stem for p in ledger.glob("*.json")) == sorted(students)
    assert "12/12" in again.stdout


def test_grading_with_nothing_handed_in_says_so(tmp_path):
    course = make_course(tmp_path)
    done = course_helpers("grade", cwd=course, timeout=120)
    assert done.returncode == 1
    assert "collect" in done.stderr and "Traceback" not in done.stderr


def test_collecting_from_a_missing_path_says_so(tmp_path):
    course = make_course(tmp_path)
    done = course_helpers("collect", str(tmp_path / "nowhere.zip"), cwd=course, timeout=120)
    assert done.returncode == 1
    assert "does not exist" in done.stderr and "Traceback" not in done.stderr


def test_an_unknown_lesson_is_named(tmp_path):
    course = make_course(tmp_path)
    done = course_helpers("grade", "99_nothing", cwd=course, timeout=120)
    assert done.returncode == 1 and "99_nothing" in done.stderr
