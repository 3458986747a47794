"""What an instructor reads after grading: a score table, the failures, what was repaired."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from course_helpers.classroom.grade import ClassReport, Row


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _cell(row: Row | None) -> str:
    if row is None:
        return "—"
    if row.status == "failed":
        return "失败 failed"
    return f"{row.score:g}/{row.max_score:g}"


def score_table(rows: Sequence[Row]) -> str:
    """Students down, lessons across, and each student's total."""
    lessons = sorted({row.lesson for row in rows})
    students = sorted({row.student for row in rows})
    found = {(row.student, row.lesson): row for row in rows}
    header = ["学生 Student", *lessons, "合计 Total"]
    table = [header]
    for student in students:
        cells = [_cell(found.get((student, lesson))) for lesson in lessons]
        graded = [found[(student, lesson)] for lesson in lessons
                  if (student, lesson) in found and found[(student, lesson)].status != "failed"]
        total = sum(row.score for row in graded)
        top = sum(row.max_score for row in graded)
        table.append([student, *cells, f"{total:g}/{top:g}" if graded else "—"])
    widths = [max(_width(line[i]) for line in table) for i in range(len(header))]
    lines = ["  ".join(_pad(text, widths[i]) for i, text in enumerate(line)) for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def failure_list(rows: Sequence[Row]) -> str:
    """One line per submission that could not be graded, with the plain reason."""
    lines = []
    for row in rows:
        if row.status == "failed" and row.reason is not None:
            lines.append(f"✗ {row.student} · {row.lesson}: {row.reason.render('zh')}\n"
                         f"  {row.reason.render('en')}")
    return "\n".join(lines)


def repair_list(rows: Sequence[Row]) -> str:
    """What was repaired or set aside, per submission (so an instructor can check it)."""
    lines = []
    for row in rows:
        for note in row.notes:
            lines.append(f"• {row.student} · {row.lesson}: {note.render('zh')}\n"
                         f"  {note.render('en')}")
    return "\n".join(lines)


def summary(report: ClassReport) -> str:
    """The whole report as printed at the end of ``course-helpers grade``."""
    graded = sum(1 for row in report.rows if row.status != "failed")
    parts = [score_table(report.rows)] if report.rows else []
    failures, repairs = failure_list(report.rows), repair_list(report.rows)
    if failures:
        parts.append("评分失败 / Could not be graded:\n" + failures)
    if repairs:
        parts.append("已修复或跳过 / Repaired or set aside:\n" + repairs)
    failed, seconds = len(report.failures), f"{report.seconds:.0f}"
    parts.append(f"已评分 {graded} 份，失败 {failed} 份，用时 {seconds} 秒。"
                 f" / {graded} graded, {failed} failed, {seconds} s.")
    if report.interrupted:
        parts.append("已中断：已评分的结果都已保存，再次运行即可继续。 / Interrupted: every grade "
                     "so far is saved; run the command again to continue.")
    return "\n\n".join(parts)
