"""The pieces of the mistake report that need no grading run: outcome records as untrusted
data, counting, the page, the id mapping file and the commands' plain errors."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from course_helpers.classroom.lms import MappingError, read_mapping
from course_helpers.classroom.mistakes import Lesson, Submission, analyse
from course_helpers.classroom.mistakes_page import render
from course_helpers.classroom.outcomes import (
    QuestionRecord,
    outcome_records,
    question_records,
    read_message,
)
from course_helpers.classroom.worker import CellScore
from course_helpers.course import copy_course
from course_helpers.grading import MAX_OUTCOME_CHARS, OUTCOME_MIME, outcome_bundle, pass_markers
from course_helpers.i18n import msg
from course_helpers.outcome import Outcome, Status
from tests.conftest import ROOT, child_env, run_cells

LESSON = "02_autograd"
TITLE = msg("outcome.title", number="2")


def wrong(problem=None) -> Outcome:
    details = (problem or msg("diag.scaled", what=msg("what.gradient"), factor=0.25),
               msg("outcome.hint_pointer", name="ex.q2"))
    return Outcome(Status.INCORRECT, TITLE, details)


def display(bundle: dict) -> dict:
    return {"output_type": "display_data", "data": bundle, "metadata": {}}


# ---- the outcome record a failing check shows -----------------------------------------------


def test_a_failing_grade_carries_its_diagnosis_as_data():
    bundle = outcome_bundle(wrong(), {"question": "ex.q2", "key": "autograd.q2", "hidden": True})
    assert bundle["text/plain"] == ""  # nothing to see in JupyterLab or a feedback page
    record = bundle[OUTCOME_MIME]
    assert record == {"question": "ex.q2", "key": "autograd.q2", "hidden": True,
                      "status": "incorrect",
                      "diagnosis": {"key": "diag.scaled",
                                    "params": {"what": {"key": "what.gradient", "params": {}},
                                               "factor": 0.25}}}
    json.dumps(record, allow_nan=False)
    assert outcome_records([display(bundle)]) == [record]
    assert pass_markers([display(bundle)]) == []  # never taken for a pass


def test_not_attempted_has_no_diagnosis_and_odd_numbers_stay_strict_json():
    blank = Outcome(Status.NOT_ATTEMPTED, TITLE, (msg("outcome.not_attempted_detail"),))
    assert outcome_bundle(blank, {})[OUTCOME_MIME]["diagnosis"] is None
    odd = wrong(msg("diag.scaled", what=msg("what.gradient"), factor=math.nan))
    record = outcome_bundle(odd, {})[OUTCOME_MIME]
    assert record["diagnosis"]["params"]["factor"] == "nan"
    huge = wrong(msg("diag.raised", error="ValueError", detail="x" * 100_000))
    text = json.dumps(outcome_bundle(huge, {})[OUTCOME_MIME])
    assert len(text) <= MAX_OUTCOME_CHARS


@pytest.mark.parametrize("payload", [
    '{"status": "incorrect", "diagnosis": {"key": "diag.scaled", "params": {"factor": NaN}}}',
    '{"status": "correct"}',
    '[1, 2, 3]',
    '{"status": "incorrect", "pad": "' + "y" * 5000 + '"}',  # over the size limit
    "not json",
])
def test_records_that_are_not_plain_strict_json_are_ignored(payload):
    assert outcome_records([display({"text/plain": "", OUTCOME_MIME: payload})]) == []


def test_a_forged_diagnosis_keeps_only_known_keys_and_plain_values():
    assert read_message({"key": "no.such.key", "params": {}}) is None
    assert read_message({"key": "diag.scaled", "params": "x"}) is None
    message = read_message({"key": "diag.scaled", "params": {
        "what": {"key": "<script>", "params": {}}, "factor": [1, 2], "extra": "x" * 999}})
    assert message is not None and message.key == "diag.scaled"
    assert "what" not in message.params and "factor" not in message.params
    assert len(message.params["extra"]) == 200


def test_records_come_from_the_score_first_then_the_grader_then_the_outputs():
    import nbformat

    def test_cell(name: str, outputs: list) -> nbformat.NotebookNode:
        cell = nbformat.v4.new_code_cell("ex.q1.grade(f)")
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"{name}-test", "points": 2,
                                     "solution": False, "locked": True}
        cell.outputs = outputs
        return cell

    failing = [display(outcome_bundle(wrong(), {"question": "ex.q2", "hidden": True})),
               {"output_type": "error", "ename": "CheckFailed", "evalue": "", "traceback": []}]
    stopped = [{"output_type": "error", "ename": "CellTimeoutError", "evalue": "",
                "traceback": []}]
    # The judge found that the answer ran out of time on an input: not a wrong answer.
    timed_out = Outcome(Status.INCORRECT, msg("outcome.title", number="6"),
                        (msg("judge.timed_out"),))
    unfinished = [display(outcome_bundle(timed_out, {"question": "ex.q6", "hidden": True})),
                  {"output_type": "error", "ename": "CheckFailed", "evalue": "",
                   "traceback": []}]
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [test_cell("q1", []), test_cell("q2", failing), test_cell("q3", stopped),
                      test_cell("q4", []), test_cell("q5", failing), test_cell("q6", unfinished)]
    scores = {f"q{n}-test": CellScore(2 if n in (1, 4) else 0, 2) for n in range(1, 7)}
    records = question_records(notebook, scores,
                               set_aside={"q5": msg("classroom.kernel_died", cell="q5")})
    assert [(r.question, r.status) for r in records] == [
        ("q1", "correct"), ("q2", "incorrect"), ("q3", "not_run"), ("q4", "correct"),
        ("q5", "not_run"), ("q6", "not_run")]
    assert records[1].hidden and records[1].diagnosis.key == "diag.scaled"
    assert records[2].diagnosis.key == "report.diag.timeout"
    assert records[5].diagnosis.key == "report.diag.timeout"
    assert QuestionRecord.from_json(records[1].to_json()) == records[1]


@pytest.mark.notebook
def test_a_failing_grade_in_a_kernel_shows_its_record_and_still_fails_quietly():
    import nbformat

    # The lesson's own setup cell, as a student's notebook starts.
    release = nbformat.read(ROOT / "notebooks" / LESSON / f"{LESSON}.ipynb", as_version=4)
    cells = run_cells([release.cells[0].source,
                       "def grad_of_dot(x):\n    return x\nex.q2.grade(grad_of_dot)"])
    outputs = cells[1].outputs
    assert [o.output_type for o in outputs] == ["display_data", "error"], outputs
    assert outputs[0].data["text/plain"] == ""
    (record,) = outcome_records(outputs)
    assert record["question"] == "ex.q2" and record["status"] == "incorrect"
    assert record["diagnosis"]["key"] == "diag.scaled"
    assert outputs[1].ename == "CheckFailed"


# ---- counting and the page --------------------------------------------------------------


def sample_class() -> tuple[list[Lesson], list[Submission]]:
    lesson = Lesson(LESSON, [("q1", 2.0), ("q2", 2.0)], 4.0)
    scaled = msg("diag.scaled", what=msg("what.gradient"), factor=2.0)
    return [lesson], [
        Submission("ana", LESSON, "graded", 4, 4, None, [
            QuestionRecord("q1", "correct", 2, 2), QuestionRecord("q2", "correct", 2, 2)]),
        Submission("ben", LESSON, "graded", 2, 4, None, [
            QuestionRecord("q1", "correct", 2, 2),
            QuestionRecord("q2", "incorrect", 0, 2, scaled)]),
        Submission("李雷", LESSON, "graded", 0, 4, None, [
            QuestionRecord("q1", "not_attempted", 0, 2),
            QuestionRecord("q2", "incorrect", 0, 2, scaled, hidden=True)]),
        Submission("<eve>", LESSON, "failed", 0, 4, msg("classroom.truncated"), [
            QuestionRecord("q1", "not_run", 0, 2, msg("classroom.truncated")),
            QuestionRecord("q2", "not_run", 0, 2, msg("classroom.truncated"))]),
    ]


def test_counts_rank_and_scores_of_a_small_class():
    numbers = analyse(*sample_class())
    (lesson,) = numbers["lessons"]
    assert [(e["question"], e["correct"], e["incorrect"], e["not_attempted"], e["not_run"])
            for e in lesson["exercises"]] == [("q1", 2, 0, 1, 1), ("q2", 1, 2, 0, 1)]
    assert (lesson["graded"], lesson["not_graded"], lesson["missing"]) == (3, 1, 0)
    assert [(d["key"], d["students"]) for d in numbers["diagnoses"]] == [("diag.scaled", 2)]
    assert [r["question"] for r in numbers["difficulty"]] == ["q2", "q1"]
    assert numbers["scores"] == {LESSON: [0, 2, 4]}
    json.dumps(numbers, allow_nan=False)


def test_the_page_escapes_names_and_shows_both_languages():
    numbers = analyse(*sample_class())
    for entry in numbers["diagnoses"]:
        entry["text"] = {}
    page = render(numbers)
    assert "&lt;eve&gt;" in page and "<eve>" not in page
    assert "李雷" in page and "lang='zh-CN'" in page and "lang='en'" in page
    assert "factor of 2.0" in page and "系数 2.0" in page


# ---- the id mapping file --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "key"), [
    ("name,SIS User ID\nalice,1\n", "lms.mapping_no_student"),
    ("", "lms.mapping_no_student"),
    ("student,Email\nalice,a@b\n", "lms.mapping_unknown_columns"),
    ("student,Section\nalice,A\nalice,B\n", "lms.mapping_duplicate"),
])
def test_a_bad_mapping_file_is_named_in_both_languages(tmp_path, text, key):
    path = tmp_path / "ids.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        read_mapping(path, "canvas")
    assert caught.value.message.key == key


def test_a_mapping_file_that_is_not_text_is_refused(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_bytes(b"\xff\xfe\x00\x00garbage")
    with pytest.raises(MappingError) as caught:
        read_mapping(path, "moodle")
    assert caught.value.message.key == "lms.mapping_unreadable"


# ---- the commands -----------------------------------------------------------------------------


def course_helpers(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "course_helpers.instructor.cli", *args], cwd=cwd,
                          env=child_env(), capture_output=True, text=True, timeout=300,
                          check=False)


def test_report_and_export_errors_are_plain_and_bilingual(tmp_path):
    course = copy_course(ROOT, [LESSON], tmp_path / "course")
    done = course_helpers("report", cwd=course)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "course-helpers grade" in done.stderr and "还没有" in done.stderr
    done = course_helpers("export", "--format", "canvas", "--id-map", "nowhere.csv", cwd=course)
    assert done.returncode == 1 and "nowhere.csv" in done.stderr
    (course / "ids.csv").write_text("student,Nope\n", encoding="utf-8")
    done = course_helpers("export", "--format", "moodle", "--id-map", "ids.csv", cwd=course)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Nope" in done.stderr and "Username" in done.stderr
