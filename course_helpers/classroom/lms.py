"""Grades as a learning management system imports them: Canvas and Moodle gradebook CSVs.

Both take one row per student and one column per graded item; they differ in how a student is
named. Canvas's gradebook import reads the columns of its own gradebook export, ``Student``,
``ID``, ``SIS User ID``, ``SIS Login ID`` and ``Section``, then one column per assignment, with
an optional ``Points Possible`` row under the header. Moodle's CSV grade import takes any
columns and asks, on upload, which one identifies the user (its user id, ID number, email
address or username) and which grade item each other column fills; the columns written here
are the user fields of its grade export plus ``Username``.

Course ids and the LMS's ids often differ. An id mapping file, a CSV whose first column is
``student`` (the id in ``submitted/``) and whose other columns are named as the LMS's own,
fills those columns. A student it does not list keeps the course id: as Canvas's
``SIS Login ID`` and Moodle's ``Username``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from course_helpers.classroom.export import grade_rows
from course_helpers.i18n import Message, msg

CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
MOODLE_COLUMNS = ("First name", "Last name", "ID number", "Email address", "Username")
# Where a student missing from the mapping file is named by the course id.
_DEFAULT_ID = {"canvas": ("Student", "SIS Login ID"), "moodle": ("Username",)}
_NAMES = {"canvas": "Canvas", "moodle": "Moodle"}
FORMATS = ("csv", "canvas", "moodle")


class MappingError(ValueError):
    """The id mapping file cannot be used; ``message`` says why in both languages."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.render("en"))
        self.message = message


@dataclass
class LmsExport:
    """What was written: how many students, and who was missing from the mapping file."""

    students: int
    unmapped: list[str]


def columns_of(lms: str) -> tuple[str, ...]:
    """The identity columns an LMS's file starts with."""
    return CANVAS_COLUMNS if lms == "canvas" else MOODLE_COLUMNS


def read_mapping(path: Path, lms: str) -> dict[str, dict[str, str]]:
    """student -> {LMS column: value}, from an id mapping file."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise MappingError(msg("lms.mapping_unreadable", path=str(path),
                               detail=type(error).__name__)) from error
    if not rows or not rows[0] or rows[0][0].strip().lower() != "student":
        raise MappingError(msg("lms.mapping_no_student", path=str(path)))
    header = [name.strip() for name in rows[0]]
    allowed = columns_of(lms)
    unknown = [name for name in header[1:] if name not in allowed]
    if unknown:
        raise MappingError(msg("lms.mapping_unknown_columns", path=str(path),
                               lms=_NAMES[lms], columns=", ".join(unknown),
                               allowed=", ".join(allowed)))
    mapping: dict[str, dict[str, str]] = {}
    for row in rows[1:]:
        if not row or not row[0].strip():
            continue
        student = row[0].strip()
        if student in mapping:
            raise MappingError(msg("lms.mapping_duplicate", path=str(path), student=student))
        mapping[student] = {name: value.strip() for name, value in zip(header[1:], row[1:],
                                                                        strict=False)}
    return mapping


def export_for_lms(root: Path, lessons: list[str], target: Path, lms: str,
                   id_map: Path | None = None) -> LmsExport:
    """Write the grades of ``lessons`` as ``lms`` ("canvas" or "moodle") imports them."""
    mapping = read_mapping(id_map, lms) if id_map is not None else {}
    rows = grade_rows(root, lessons)
    students = sorted({row["student"] for row in rows})
    scores = {(row["student"], row["lesson"]): _cell(row) for row in rows}
    maxima = {row["lesson"]: row["max_score"] for row in rows}
    columns = columns_of(lms)
    table: list[list[str]] = [[*columns, *lessons]]
    if lms == "canvas":
        table.append([CANVAS_POINTS_ROW, *[""] * (len(columns) - 1),
                      *(maxima.get(lesson, "") for lesson in lessons)])
    for student in students:
        named = {column: student for column in _DEFAULT_ID[lms]}
        named.update({k: v for k, v in mapping.get(student, {}).items() if v})
        table.append([named.get(column, "") for column in columns]
                     + [scores.get((student, lesson), "") for lesson in lessons])
    target.parent.mkdir(parents=True, exist_ok=True)
    # Plain UTF-8: both systems read it, and a byte-order mark would stick to the first name.
    with target.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(table)
    unmapped = [s for s in students if s not in mapping] if id_map is not None else []
    return LmsExport(len(students), unmapped)


def _cell(row: dict[str, str]) -> str:
    """The score an LMS should record: graded or failed scores; nothing for no hand-in."""
    return "" if row["status"] == "missing" else row["score"]
