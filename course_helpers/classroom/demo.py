"""The whole pipeline on a sample class, in a scratch copy of the course: the first thing a
new instructor runs. Release, collect, grade, feedback, export — each the same function the
real commands call."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TextIO

from course_helpers.classroom import samples
from course_helpers.classroom.collect import collect
from course_helpers.classroom.export import export_grades
from course_helpers.classroom.feedback import generate_feedback
from course_helpers.classroom.grade import ClassReport, grade_class
from course_helpers.classroom.worker import Limits
from course_helpers.course import CONFIG_NAME, RELEASE, SOURCE
from course_helpers.exercises import exercise_modules

DEMO_LIMITS = Limits(cell_timeout=10, submission_timeout=180)


def lesson_modules(root: Path) -> dict[str, str]:
    """Exercise module name -> lesson, read from each lesson's setup cell."""
    from course_helpers.course import lessons, release_notebook

    found = {}
    names = {module.__name__.rsplit(".", 1)[-1] for module in exercise_modules()}
    for lesson in lessons(root):
        path = release_notebook(root, lesson)
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        for name in names:
            if f"from course_helpers.exercises import {name} " in text:
                found[name] = lesson
    return found


def scratch_course(root: Path, lesson: str, where: Path | None = None) -> Path:
    """A copy of the course holding one lesson, where the demo may do anything."""
    course = Path(where or tempfile.mkdtemp(prefix="course-demo-")) / "course"
    (course / SOURCE).mkdir(parents=True)
    shutil.copy2(root / CONFIG_NAME, course / CONFIG_NAME)
    shutil.copytree(root / SOURCE / lesson, course / SOURCE / lesson)
    return course


def run_demo(root: Path, out: TextIO, where: Path | None = None) -> tuple[Path, ClassReport]:
    """Release, collect, grade, give feedback and export for the sample class."""
    from course_helpers.classroom.report import summary
    from course_helpers.release import release

    lesson = samples.DEMO_LESSON
    course = scratch_course(root, lesson, where)
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
