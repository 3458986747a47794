"""What the class got wrong, as numbers: the data behind ``course-helpers report``.

The gradebook says what each question scored, the grading ledger says which hand-ins could not
be graded and keeps each question's record (status and diagnosis, see :mod:`outcomes`). This
module reads both and counts: per lesson and exercise, how many passed, failed, did not attempt
or could not run it; which diagnoses how many students hit; the scores; and, per student, what
they hit. The result is plain JSON-ready data; :mod:`mistakes_page` draws it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from course_helpers.classroom import record
from course_helpers.classroom.model import Classroom, LedgerEntry
from course_helpers.classroom.outcomes import (
    CORRECT,
    NOT_RUN,
    STATUSES,
    QuestionRecord,
    question_of,
    question_records,
)
from course_helpers.classroom.worker import CellScore
from course_helpers.grading import message_data
from course_helpers.i18n import Message, msg


@dataclass
class Submission:
    """One student's hand-in of one lesson, as the report sees it."""

    student: str
    lesson: str
    status: str                       # "graded" or "failed"
    score: float = 0.0
    max_score: float = 0.0
    reason: Message | None = None     # why it could not be graded
    questions: list[QuestionRecord] = field(default_factory=list)


@dataclass
class Lesson:
    """A lesson's graded questions (test cells) and their points, from the gradebook."""

    name: str
    questions: list[tuple[str, float]]   # ("q1", 2.0), in notebook order
    max_score: float


def gather(root: Path, lessons: Sequence[str]) -> tuple[list[Lesson], list[Submission]]:
    """Every hand-in of ``lessons`` the grader has seen, with its question records."""
    from nbgrader.api import Gradebook, MissingEntry

    record.tools_on_path()
    course = Classroom.at(root)
    found: list[Lesson] = []
    submissions: list[Submission] = []
    if not course.gradebook.exists():
        return found, submissions
    with Gradebook(course.db_url, course.course_id) as book:
        for lesson in lessons:
            try:
                assignment = book.find_assignment(lesson)
            except MissingEntry:
                continue
            cells = [(c.name, float(c.max_score or 0)) for n in assignment.notebooks
                     for c in n.grade_cells if c.name.endswith("-test")]
            found.append(Lesson(lesson, [(question_of(name), top) for name, top in cells],
                                float(assignment.max_score)))
            graded = {s.student.id: s for s in assignment.submissions}
            ledger = course.ledger(lesson)
            for student in sorted(set(graded) | set(ledger)):
                entry = ledger.get(student)
                if student in graded:
                    submissions.append(_graded(course, found[-1], graded[student], entry))
                elif entry is not None and entry.status == "failed":
                    submissions.append(Submission(
                        student, lesson, "failed", 0.0, found[-1].max_score, entry.reason,
                        [QuestionRecord(q, NOT_RUN, 0.0, top, entry.reason)
                         for q, top in found[-1].questions]))
    return found, submissions


def _graded(course: Classroom, lesson: Lesson, submission: Any,
            entry: LedgerEntry | None) -> Submission:
    """A graded hand-in: scores from the gradebook, question records from the ledger."""
    scores = {g.name: CellScore(g.auto_score, float(g.max_score or 0))
              for n in submission.notebooks for g in n.grades}
    stored = [QuestionRecord.from_json(q) for q in entry.questions] if entry else []
    records = [r for r in stored if r is not None]
    if not records:  # graded before question records were kept: read the notebook again
        path = course.autograded(submission.student.id, lesson.name) / f"{lesson.name}.ipynb"
        try:
            records = question_records(nbformat.read(path, as_version=4), scores)
        except (OSError, ValueError):
            records = []
    return Submission(submission.student.id, lesson.name, "graded", float(submission.score),
                      float(submission.max_score), None, records)


def analyse(lessons: Sequence[Lesson], submissions: Sequence[Submission]) -> dict[str, Any]:
    """The report's numbers, as JSON-ready data."""
    students = sorted({s.student for s in submissions})
    return {
        "lessons": [_lesson_counts(lesson, submissions, students) for lesson in lessons],
        "diagnoses": _diagnoses(submissions),
        "difficulty": _difficulty(lessons, submissions),
        "scores": {lesson.name: sorted(s.score for s in submissions
                                       if s.lesson == lesson.name and s.status == "graded")
                   for lesson in lessons},
        "not_graded": [{"student": s.student, "lesson": s.lesson,
                        "reason": message_data(s.reason) if s.reason else None}
                       for s in submissions if s.status == "failed"],
        "students": [_student(student, lessons, submissions) for student in students],
    }


def _lesson_counts(lesson: Lesson, submissions: Sequence[Submission],
                   students: Sequence[str]) -> dict[str, Any]:
    handed_in = [s for s in submissions if s.lesson == lesson.name]
    exercises = []
    for question, top in lesson.questions:
        counts = Counter({status: 0 for status in STATUSES})
        for submission in handed_in:
            counts.update(r.status for r in submission.questions if r.question == question)
        total = sum(counts.values())
        exercises.append({"question": question, "max_score": top, **counts,
                          "pass_rate": round(counts[CORRECT] / total, 4) if total else None})
    return {"lesson": lesson.name, "max_score": lesson.max_score,
            "hand_ins": len(handed_in),
            "graded": sum(1 for s in handed_in if s.status == "graded"),
            "not_graded": sum(1 for s in handed_in if s.status == "failed"),
            "missing": len(set(students) - {s.student for s in handed_in}),
            "exercises": exercises}


def _diagnoses(submissions: Sequence[Submission]) -> list[dict[str, Any]]:
    """Diagnoses of wrong answers, by kind (catalogue key), most students first."""
    students: dict[str, set[str]] = defaultdict(set)
    where: dict[str, Counter[str]] = defaultdict(Counter)
    variants: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, dict[str, Any]] = {}
    for submission in submissions:
        for r in submission.questions:
            if r.status != "incorrect":
                continue
            diagnosis = r.diagnosis or msg("report.diag.none")
            key = diagnosis.key
            students[key].add(submission.student)
            where[key][f"{submission.lesson} {r.question}"] += 1
            data = message_data(diagnosis)
            text = repr(sorted(data["params"].items()))
            variants[key][text] += 1
            examples.setdefault(f"{key} {text}", data)
    ranked = sorted(students, key=lambda k: (-len(students[k]), k))
    return [{"key": key, "students": len(students[key]),
             "occurrences": sum(where[key].values()),
             "where": dict(sorted(where[key].items())),
             "example": examples[f"{key} {variants[key].most_common(1)[0][0]}"]}
            for key in ranked]


def _difficulty(lessons: Sequence[Lesson], submissions: Sequence[Submission]
                ) -> list[dict[str, Any]]:
    """Every exercise, hardest first: lowest share of hand-ins that passed it."""
    rows = []
    for lesson in lessons:
        for question, _ in lesson.questions:
            results = [r.status for s in submissions if s.lesson == lesson.name
                       for r in s.questions if r.question == question]
            if results:
                passed = results.count(CORRECT)
                rows.append({"lesson": lesson.name, "question": question,
                             "hand_ins": len(results), "correct": passed,
                             "pass_rate": round(passed / len(results), 4)})
    return sorted(rows, key=lambda r: (r["pass_rate"], r["lesson"], r["question"]))


def _student(student: str, lessons: Sequence[Lesson], submissions: Sequence[Submission]
             ) -> dict[str, Any]:
    mine = {s.lesson: s for s in submissions if s.student == student}
    results: dict[str, Any] = {}
    hits = []
    for lesson in lessons:
        submission = mine.get(lesson.name)
        if submission is None:
            results[lesson.name] = {"status": "missing"}
            continue
        results[lesson.name] = {"status": submission.status, "score": submission.score,
                                "max_score": submission.max_score}
        for r in submission.questions:
            if r.status != CORRECT:
                hits.append({"lesson": lesson.name, "question": r.question,
                             "status": r.status, "hidden": r.hidden,
                             "diagnosis": message_data(r.diagnosis) if r.diagnosis else None})
    return {"student": student, "lessons": results, "hits": hits}
