"""The whole pipeline on a sample class, in a scratch copy of the course: the first thing a
new instructor runs. Release, collect, grade, feedback, export and the mistake report — each
the same function the real commands call. Before grading it says who is who in the class;
after grading it says, student by student, what the grader found."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, TextIO

from course_helpers.classroom import samples
from course_helpers.classroom.collect import Collected, collect, lesson_modules
from course_helpers.classroom.export import export_grades
from course_helpers.classroom.feedback import generate_feedback
from course_helpers.classroom.grade import ClassReport, grade_class
from course_helpers.classroom.mistakes_page import write_report
from course_helpers.classroom.worker import Limits
from course_helpers.course import RELEASE, copy_course
from course_helpers.i18n import Message, msg

DEMO_LIMITS = Limits(cell_timeout=10, submission_timeout=180)


def run_demo(root: Path, out: TextIO, where: Path | None = None) -> tuple[Path, ClassReport]:
    """Release, collect, grade, give feedback, export and report on the sample class."""
    from course_helpers.classroom.report import summary
    from course_helpers.instructor.release import release

    lesson = samples.DEMO_LESSON
    # The demo releases the lesson itself, so only the solutions are copied.
    course = copy_course(root, [lesson], Path(where or tempfile.mkdtemp(prefix="course-demo-"))
                         / "course", release=False)
    say = lambda zh, en: print(f"\n== {zh} / {en}", file=out, flush=True)  # noqa: E731

    say(f"1. 生成学生版 {lesson}", f"1. Release {lesson}")
    release(course, [lesson])
    print(course / RELEASE / lesson, file=out)

    say("2. 收集作业（一个 zip，含 8 位学生）", "2. Collect the hand-ins (one zip, 8 students)")
    print("  谁是谁 / Who is who:", file=out)
    for student, (zh, en) in samples.CAST.items():
        print(f"  {student:<6} {zh}\n  {'':<6} {en}", file=out)
    print(file=out)
    handed_in = course.parent / "handed-in.zip"
    handed_in.write_bytes(samples.as_zip(samples.demo_class(course)))
    collected = collect(handed_in, course, [lesson], lesson_modules(course))
    for student, _, name in collected.placed:
        print(f"  {student:<6} ← {name}", file=out)
    for name, why in collected.skipped:
        print(f"  ✗ {name}: {why.render('zh')} / {why.render('en')}", file=out)

    say("3. 评分", "3. Grade")
    report = grade_class(course, [lesson], limits=DEMO_LIMITS, out=out)
    print(summary(report), file=out)
    print("\n每位学生的情况 / What was found, student by student:", file=out)
    scores = {row.student: f"{row.score:g}/{row.max_score:g}" for row in report.rows
              if row.lesson == lesson and row.status != "failed"}
    for student in samples.CAST:
        print(f"  {student:<6} {scores.get(student, '—')}", file=out)
        for finding in findings(course, lesson, student, report, collected) or [NOTHING]:
            print(f"    • {finding.render('zh')}\n      {finding.render('en')}", file=out)

    say("4. 反馈", "4. Feedback")
    for page in generate_feedback(course, lesson):
        print(f"  {page}", file=out)

    say("5. 导出成绩", "5. Export grades")
    csv_path = course / "grades.csv"
    export_grades(course, [lesson], csv_path)
    print(f"  {csv_path}", file=out)

    say("6. 全班错在哪里", "6. What the class got wrong")
    page, numbers = write_report(course, [lesson], course / "report.html")
    print(f"  {page}\n  {numbers}", file=out)
    print(f"\n演示课程目录 / Demo course folder: {course}", file=out)
    return course, report


@dataclass(frozen=True)
class Finding:
    """One thing the pipeline found in a student's hand-in, in both languages."""

    zh: str
    en: str

    def render(self, language: str) -> str:
        """The text in ``"zh"`` or ``"en"``."""
        return self.zh if language == "zh" else self.en


NOTHING = Finding("全部正确，没有需要注意的地方", "all correct, nothing to note")


def findings(course: Path, lesson: str, student: str, report: ClassReport,
             collected: Collected) -> list[Finding]:
    """What collecting and grading found in one student's hand-in, in the order it happened."""
    found: list[Finding] = []
    expected = f"{lesson}.ipynb"
    for who, placed_lesson, name in collected.placed:
        if who == student and placed_lesson == lesson and PurePosixPath(name).name != expected:
            found.append(_said(msg("classroom.note.renamed", found=PurePosixPath(name).name,
                                   expected=expected)))
    for name, why in collected.skipped:
        if PurePosixPath(name).parts[0] == student:
            found.append(Finding(f"{name}：{why.render('zh')}", f"{name}: {why.render('en')}"))
    for row in report.rows:
        if row.student != student or row.lesson != lesson:
            continue
        if row.status == "failed":
            why = row.reason or msg("classroom.not_a_notebook")
            reason = why.render("en")
            found.append(Finding(f"未能评分：{why.render('zh')}",
                                 f"Not graded: {reason[:1].lower()}{reason[1:]}"))
        found.extend(_said(note) for note in row.notes)
    found.extend(_cell_findings(course / "autograded" / student / lesson / expected))
    return found


def _cell_findings(notebook_path: Path) -> list[Finding]:
    """The graded cells that stopped at the time limit or failed their check, grouped."""
    try:
        notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    timed_out: list[str] = []
    failed: dict[tuple[str, str], list[str]] = {}
    for cell in notebook.get("cells", []):
        info = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = info.get("grade_id")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if not grade_id or not errors:
            continue
        if any(e.get("ename") == "CellTimeoutError" for e in errors):
            timed_out.append(grade_id)
        elif info.get("grade"):
            failed.setdefault(_first_details(errors[-1]), []).append(grade_id)
    result = []
    if timed_out:
        cells, seconds = ", ".join(timed_out), DEMO_LIMITS.cell_timeout
        result.append(Finding(
            f"{cells}：超过单元格时限（{seconds:g} 秒），已中断；其余单元格照常评分",
            f"{cells}: past the cell time limit ({seconds:g} s), interrupted; the other cells "
            "were graded as usual"))
    for (zh, en), cells in failed.items():
        result.append(Finding(f"{', '.join(cells)}：{zh}", f"{', '.join(cells)}: {en}"))
    return result


def _first_details(error: dict[str, Any]) -> tuple[str, str]:
    """The first detail line under each language's headline of a failed check's message.

    A failed check's message is the feedback as shown to the student: a headline per language
    shown, each followed by indented details. Other errors give their name and first line.
    """
    lines = str(error.get("evalue", "")).splitlines()
    details = [lines[i + 1].strip() for i in range(len(lines) - 1)
               if not lines[i].startswith(" ") and lines[i + 1].startswith("  ")]
    if error.get("ename") != "CheckFailed" or not details:
        first = f"{error.get('ename', '')}: {lines[0] if lines else ''}".strip(": ")
        return first, first
    return details[0], details[-1]


def _said(message: Message) -> Finding:
    return Finding(message.render("zh"), message.render("en"))
