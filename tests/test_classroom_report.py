"""The mistake report and the LMS exports, on the classroom test class graded by real nbgrader.

The class (tests/classroom_class.py) is graded once; the report's numbers are then checked
against the gradebook and the grading ledger, against what each sample student is known to
have done, and again after a regrade. The Canvas and Moodle files are checked against the
column layouts those systems document.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from course_helpers.classroom.grade import grade_class
from course_helpers.classroom.lms import (
    CANVAS_COLUMNS,
    CANVAS_POINTS_ROW,
    MOODLE_COLUMNS,
    export_for_lms,
)
from course_helpers.classroom.mistakes_page import write_report
from course_helpers.classroom.model import Classroom
from course_helpers.classroom.worker import Limits
from course_helpers.course import copy_course
from tests.classroom_class import CHEATS, CLASS, LESSON, hand_in
from tests.conftest import ROOT

pytestmark = pytest.mark.notebook

LIMITS = Limits(cell_timeout=8, submission_timeout=60, memory_bytes=3 * 2**30)
QUESTIONS = [f"q{n}" for n in range(1, 7)]
FAILED = {name for name, (_, _, failure) in CLASS.items() if failure}
# Around the wrong answer ``return x`` (4x is right).
CHEATING_Q2 = {name for name in CHEATS if name not in ("cheat_object", "cheat_subclass",
                                                       "cheat_lookup")}
WRONG_Q2 = {"edited_test", "stripped_test"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Path:
    course = copy_course(ROOT, [LESSON], tmp_path_factory.mktemp("report") / "course")
    hand_in(course)
    grade_class(course, [LESSON], workers=2, limits=LIMITS)
    return course


def report(course: Path) -> dict:
    page, numbers = write_report(course, [LESSON], course / "report.html")
    assert page.is_file()
    return json.loads(numbers.read_text(encoding="utf-8"))


def gradebook_cells(course: Path) -> dict[str, dict[str, tuple[float, float]]]:
    """student -> test cell -> (auto_score, max_score), read with nbgrader's own API."""
    from nbgrader.api import Gradebook

    found = Classroom.at(course)
    with Gradebook(found.db_url, found.course_id) as book:
        return {s.student.id: {g.name: (float(g.auto_score or 0), float(g.max_score))
                               for n in s.notebooks for g in n.grades
                               if g.name.endswith("-test")}
                for s in book.find_assignment(LESSON).submissions}


def ledger_records(course: Path) -> dict[str, list[dict]]:
    return {student: entry.questions
            for student, entry in Classroom.at(course).ledger(LESSON).items()}


def exercises(numbers: dict) -> dict[str, dict]:
    (lesson,) = numbers["lessons"]
    return {e["question"]: e for e in lesson["exercises"]}


def hits(numbers: dict, status: str, question: str, key: str | None = None) -> set[str]:
    """Students whose record for ``question`` has ``status`` (and diagnosis ``key``)."""
    found = set()
    for student in numbers["students"]:
        for hit in student["hits"]:
            if hit["question"] == question and hit["status"] == status and (
                    key is None or (hit["diagnosis"] or {}).get("key") == key):
                found.add(student["student"])
    return found


def test_passes_match_the_gradebook_and_every_hand_in_is_counted_once(graded):
    numbers, cells = report(graded), gradebook_cells(graded)
    assert set(cells) == set(CLASS) - FAILED
    for question, counts in exercises(numbers).items():
        full = sum(1 for student in cells.values()
                   if student[f"{question}-test"][0] == student[f"{question}-test"][1])
        assert counts["correct"] == full, question
        assert sum(counts[s] for s in ("correct", "incorrect", "not_attempted", "not_run")) \
            == len(CLASS), question
        lost = len(cells) - full  # graded hand-ins that did not pass, each counted once
        assert counts["incorrect"] + counts["not_attempted"] + counts["not_run"] \
            - len(FAILED) == lost, question


def test_each_diagnosis_counts_the_students_the_ledger_records(graded):
    numbers, ledger = report(graded), ledger_records(graded)
    students: dict[str, set[str]] = {}
    for student, records in ledger.items():
        for record in records:
            if record["status"] == "incorrect":
                key = (record.get("diagnosis") or {"key": "report.diag.none"})["key"]
                students.setdefault(key, set()).add(student)
    assert {d["key"]: d["students"] for d in numbers["diagnoses"]} == {
        key: len(names) for key, names in students.items()}
    ranked = [d["students"] for d in numbers["diagnoses"]]
    assert ranked == sorted(ranked, reverse=True)


def test_the_report_knows_what_each_student_did(graded):
    numbers = report(graded)
    # The judge names what each answer did, whatever the notebook tried: a cheat around a
    # wrong answer is that wrong answer (×0.25), unless the grader's reading of the source
    # zeroed it first (it reached the course's package or the interpreter's internals).
    named = hits(numbers, "incorrect", "q2", "grading.note.delegated")
    scaled = hits(numbers, "incorrect", "q2", "diag.scaled")
    assert not named & scaled
    # A run_cell that skips the observer leaves nothing to judge: zero, and said so.
    unread = hits(numbers, "incorrect", "q2", "judge.no_observation")
    assert unread == {"cheat_run_cell"}
    assert named | scaled | unread == WRONG_Q2 | CHEATING_Q2 | {"cheat_lookup"}
    assert {"edited_test", "stripped_test", "cheat_allclose", "cheat_ast", "cheat_custom_exc",
            "cheat_input", "cheat_lookup"} <= scaled
    assert {"cheat_grade", "cheat_helpers", "cheat_forged_marker", "cheat_key_file"} <= named
    assert hits(numbers, "incorrect", "q2") == named | scaled | unread | {"cheat_object",
                                                                          "cheat_subclass"}
    assert hits(numbers, "incorrect", "q2", "compare.not_tensor") == {"cheat_object"}
    # No cheat costs a right answer anything: q3 is right for every student who answered it.
    assert hits(numbers, "incorrect", "q3") == set()
    for question in QUESTIONS:
        expected = {"blank"} | ({"deleted_cells"} if question == "q5" else set())
        assert hits(numbers, "not_attempted", question) == expected, question
    # Cells stopped at the time limit or set aside did not run: not wrong answers.
    assert hits(numbers, "not_run", "q1", "report.diag.timeout") == {"loop"}
    assert hits(numbers, "not_run", "q2", "classroom.hung") == {"loop_no_sigint"}
    assert hits(numbers, "not_run", "q3", "classroom.kernel_died") == {"kernel_dies"}
    entry = next(d for d in numbers["diagnoses"] if d["key"] == "diag.scaled")
    assert entry["where"] == {f"{LESSON} q2": len(scaled)}
    assert "0.25" in entry["text"]["en"] and "0.25" in entry["text"]["zh"]


def test_a_hand_in_that_could_not_be_graded_counts_as_not_run(graded):
    numbers = report(graded)
    assert {(e["student"], e["reason"]["key"]) for e in numbers["not_graded"]} == {
        (name, CLASS[name][2]) for name in FAILED}
    for question in QUESTIONS:
        assert FAILED <= hits(numbers, "not_run", question)
    (lesson,) = numbers["lessons"]
    assert lesson["not_graded"] == len(FAILED) and lesson["graded"] == len(CLASS) - len(FAILED)
    student = next(s for s in numbers["students"] if s["student"] == "truncated")
    assert student["lessons"][LESSON]["status"] == "failed"


def test_regrading_replaces_the_records_and_counts_nothing_twice(graded):
    before = report(graded)
    chosen = ["alice", "blank", "cheat_grade", "edited_test", "kernel_dies"]
    grade_class(graded, [LESSON], students=chosen, workers=2, limits=LIMITS, force=True)
    again = report(graded)
    assert again == before
    for student, records in ledger_records(graded).items():
        if student not in FAILED:
            assert sorted(r["question"] for r in records) == QUESTIONS, student


def test_the_page_is_bilingual_self_contained_and_has_no_student_code(graded):
    report(graded)
    page = (graded / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 3
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert "What the class got wrong" in page and "全班错在哪里" in page
    for code in ("def grad_of_dot", "os._exit(1)", "while True", "signal.signal"):
        assert code not in page, code  # no student code


# ---- the LMS exports ---------------------------------------------------------------------


def read_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # a BOM would stick to the first column name
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_canvas_export_has_canvas_gradebook_columns(graded, tmp_path):
    target = tmp_path / "canvas.csv"
    done = export_for_lms(graded, [LESSON], target, "canvas")
    rows = read_rows(target)
    assert rows[0] == [*CANVAS_COLUMNS, LESSON]
    assert rows[1] == [CANVAS_POINTS_ROW, "", "", "", "", "12"]
    students = {row[0]: row for row in rows[2:]}
    assert done.students == len(students) == len(CLASS)
    assert all(len(row) == len(rows[0]) for row in rows)
    assert students["alice"][3] == "alice" and students["alice"][-1] == "12"
    assert students["blank"][-1] == "0" and students["truncated"][-1] == "0"
    for row in rows[2:]:
        float(row[-1])  # every score is a number Canvas can read


def test_moodle_export_has_moodle_import_columns(graded, tmp_path):
    target = tmp_path / "moodle.csv"
    export_for_lms(graded, [LESSON], target, "moodle")
    rows = read_rows(target)
    assert rows[0] == [*MOODLE_COLUMNS, LESSON]
    username = rows[0].index("Username")
    assert {row[username] for row in rows[1:]} == set(CLASS)
    for row in rows[1:]:
        assert len(row) > 1  # Moodle skips a line of one field
        assert row[-1] == "" or row[-1] == "-" or float(row[-1]) >= 0


def test_an_id_mapping_fills_the_lms_columns(graded, tmp_path):
    mapping = tmp_path / "ids.csv"
    mapping.write_text("student,Student,SIS User ID,Section\n"
                       "alice,\"Liddell, Alice\",S-001,A1\nblank,李白,S-002,A1\n",
                       encoding="utf-8-sig")  # as a spreadsheet saves it
    target = tmp_path / "canvas.csv"
    done = export_for_lms(graded, [LESSON], target, "canvas", mapping)
    rows = {row[0]: row for row in read_rows(target)[2:]}
    assert rows["Liddell, Alice"][:5] == ["Liddell, Alice", "", "S-001", "alice", "A1"]
    assert rows["李白"][2] == "S-002" and rows["李白"][-1] == "0"
    assert set(done.unmapped) == set(CLASS) - {"alice", "blank"}


def test_the_report_command_writes_both_files(graded):
    import subprocess
    import sys

    from tests.conftest import child_env

    done = subprocess.run([sys.executable, "-m", "course_helpers.instructor.cli", "report",
                           "--output", "out/class.html"], cwd=graded, env=child_env(),
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (graded / "out" / "class.html").is_file()
    assert json.loads((graded / "out" / "class.json").read_text())["lessons"]
    assert "Glyph" not in done.stderr and "Warning" not in done.stderr
