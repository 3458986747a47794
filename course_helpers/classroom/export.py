"""The grades as a CSV file, read from the gradebook, with each submission's status."""

from __future__ import annotations

import csv
from pathlib import Path

from course_helpers.classroom import record
from course_helpers.classroom.model import Classroom

COLUMNS = ("student", "lesson", "score", "max_score", "status", "reason")


def export_grades(root: Path, lessons: list[str], target: Path) -> int:
    """Write one row per student and lesson; return the number of rows.

    Scores come from nbgrader's gradebook (including any manual grading done since); the
    status says whether a submission was graded, could not be graded (with the reason from
    the grading ledger) or is missing.
    """
    rows = grade_rows(root, lessons)
    target.parent.mkdir(parents=True, exist_ok=True)
    # utf-8-sig so that spreadsheet programs read Chinese names correctly.
    with target.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def grade_rows(root: Path, lessons: list[str]) -> list[dict[str, str]]:
    """One row (the columns of :data:`COLUMNS`) per student and lesson, students sorted."""
    from nbgrader.api import Gradebook, MissingEntry

    record.tools_on_path()
    course = Classroom.at(root)
    rows: list[dict[str, str]] = []
    students: set[str] = set()
    ledgers = {lesson: course.ledger(lesson) for lesson in lessons}
    for entries in ledgers.values():
        students.update(entries)
    scores: dict[tuple[str, str], tuple[float, float]] = {}
    maxima: dict[str, float] = {}
    if course.gradebook.exists():
        with Gradebook(course.db_url, course.course_id) as book:
            students.update(student.id for student in book.students)
            for lesson in lessons:
                try:
                    assignment = book.find_assignment(lesson)
                except MissingEntry:
                    continue
                maxima[lesson] = float(assignment.max_score)
                for submission in assignment.submissions:
                    scores[(submission.student.id, lesson)] = (float(submission.score),
                                                               float(submission.max_score))
    for student in sorted(students):
        for lesson in lessons:
            entry = ledgers[lesson].get(student)
            if (student, lesson) in scores:
                score, top = scores[(student, lesson)]
                rows.append({"student": student, "lesson": lesson, "score": f"{score:g}",
                             "max_score": f"{top:g}", "status": "graded", "reason": ""})
            elif entry and entry.status == "failed":
                text = entry.reason.render("en") if entry.reason else ""
                rows.append({"student": student, "lesson": lesson, "score": "0",
                             "max_score": f"{maxima.get(lesson, 0):g}", "status": "failed",
                             "reason": text})
            else:
                rows.append({"student": student, "lesson": lesson, "score": "0",
                             "max_score": f"{maxima.get(lesson, 0):g}", "status": "missing",
                             "reason": ""})
    return rows
