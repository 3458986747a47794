"""The whole pipeline on a sample class, in a scratch copy of the course: the first thing a
new instructor runs. Release, collect, grade, feedback, export — each the same function the
real commands call."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TextIO

from course_helpers.classroom import samples
from course_helpers.classroom.collect import collect, lesson_modules
from course_helpers.classroom.export import export_grades
from course_helpers.classroom.feedback import generate_feedback
from course_helpers.classroom.grade import ClassReport, grade_class
from course_helpers.classroom.worker import Limits
from course_helpers.course import RELEASE, copy_course

DEMO_LIMITS = Limits(cell_timeout=10, submission_timeout=180)


def run_demo(root: Path, out: TextIO, where: Path | None = None) -> tuple[Path, ClassReport]:
    """Release, collect, grade, give feedback and export for the sample class."""
    from course_helpers.classroom.report import summary
    from course_helpers.release import release

    lesson = samples.DEMO_LESSON
    # The demo releases the lesson itself, so only the solutions are copied.
    course = copy_course(root, [lesson], Path(where or tempfile.mkdtemp(prefix="course-demo-"))
                         / "course", release=False)
    say = lambda zh, en: print(f"\n== {zh} / {en}", file=out, flush=True)  # noqa: E731

    say(f"1. 生成学生版 {lesson}", f"1. Release {lesson}")
    release(course, [lesson])
    print(course / RELEASE / lesson, file=out)

    say("2. 收集作业（一个 zip，含 8 位学生）", "2. Collect the hand-ins (one zip, 8 students)")
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

    say("4. 反馈", "4. Feedback")
    for page in generate_feedback(course, lesson):
        print(f"  {page}", file=out)

    say("5. 导出成绩", "5. Export grades")
    csv_path = course / "grades.csv"
    export_grades(course, [lesson], csv_path)
    print(f"  {csv_path}", file=out)
    print(f"\n演示课程目录 / Demo course folder: {course}", file=out)
    return course, report
