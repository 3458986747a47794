"""The ``course-helpers`` command: release, lint and execute lessons.

Every message is bilingual; a failure exits non-zero with a plain reason, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from course_helpers.course import find_root, lessons, release_notebook, source_notebook
from course_helpers.i18n import msg


def _say(message: object, *, error: bool = False) -> None:
    print(str(message), file=sys.stderr if error else sys.stdout)


def _selected(root: Path, names: Sequence[str]) -> list[str] | None:
    known = lessons(root)
    for name in names:
        if name not in known:
            raise SystemExit(_fail(msg("cli.unknown_lesson", lesson=name, known=", ".join(known))))
    return list(names) or None


def _fail(message: object) -> int:
    _say(message, error=True)
    return 1


def cmd_release(args: argparse.Namespace) -> int:
    from course_helpers.instructor.release import ReleaseError, release, stale

    root = find_root(args.root)
    if args.assessed:
        return _assessed(root, args)
    selected = _selected(root, args.lessons)
    try:
        if args.check:
            differences = stale(root, selected)
            if differences:
                files = ", ".join(f"{d.path} ({d.reason})" for d in differences)
                return _fail(msg("cli.release_stale", files=files))
            _say(msg("cli.release_fresh"))
            return 0
        done = release(root, selected)
    except ReleaseError as error:
        return _fail(msg("cli.nbgrader_failed", detail=str(error)))
    _say(msg("cli.release_done", lessons=", ".join(done)))
    return 0


def _assessed(root: Path, args: argparse.Namespace) -> int:
    from course_helpers.instructor.assessed import DEFAULT_FOLDER, EditionError, build
    from course_helpers.instructor.release import stale

    if args.lessons:
        return _fail(msg("cli.assessed_all_lessons"))
    differences = stale(root)
    if differences:
        files = ", ".join(f"{d.path} ({d.reason})" for d in differences)
        return _fail(msg("cli.release_stale", files=files))
    into = (args.into or root / DEFAULT_FOLDER).resolve()
    if into == root.resolve() or root.resolve().is_relative_to(into):
        return _fail(msg("cli.assessed_bad_folder", folder=str(into)))
    try:
        done = build(root, into, hints=not args.no_hints)
    except EditionError as error:
        return _fail(msg("cli.assessed_failed", detail=str(error)))
    _say(msg("cli.assessed_done", lessons=", ".join(done), folder=str(into)))
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    from course_helpers.i18n import catalogue_problems
    from course_helpers.instructor.lint import lint_notebook, message_glossary_problems

    root = find_root(args.root)
    names = _selected(root, args.lessons) or lessons(root)
    problems = list(catalogue_problems()) + message_glossary_problems()
    for lesson in names:
        problems += lint_notebook(source_notebook(root, lesson), source=True)
        released = release_notebook(root, lesson)
        if released.is_file():
            problems += lint_notebook(released, source=False)
    for problem in problems:
        _say(problem, error=True)
    _say(msg("cli.lint_result", count=len(problems)))
    return 1 if problems else 0


def cmd_execute(args: argparse.Namespace) -> int:
    from course_helpers.execute import execute_in_place

    root = find_root(args.root)
    for lesson in _selected(root, args.lessons) or lessons(root):
        path = source_notebook(root, lesson)
        try:
            execute_in_place(path)
        except Exception as error:  # report the cell error plainly and stop
            return _fail(msg("cli.execute_failed", lesson=lesson,
                             detail=(str(error).strip().splitlines() or [""])[-1]))
        _say(msg("cli.execute_done", lesson=lesson))
    return 0


def _lessons_with_submissions(root: Path, names: Sequence[str]) -> list[str]:
    chosen = _selected(root, names)
    if chosen:
        return chosen
    from course_helpers.classroom.model import SUBMITTED

    handed_in = {p.name for p in (root / SUBMITTED).glob("*/*") if p.is_dir()}
    return [lesson for lesson in lessons(root) if lesson in handed_in]


def cmd_collect(args: argparse.Namespace) -> int:
    from course_helpers.classroom.collect import collect, lesson_modules

    root = find_root(args.root)
    if not args.source.exists():
        return _fail(msg("cli.no_such_path", path=str(args.source)))
    result = collect(args.source, root, _selected(root, args.lessons) or lessons(root),
                     lesson_modules(root))
    for student, lesson, name in result.placed:
        _say(f"  {student} · {lesson} ← {name}")
    for name, why in [*result.notes, *result.skipped]:
        _say(f"  ✗ {name}: {why}")
    _say(msg("cli.collect_done", placed=len(result.placed), skipped=len(result.skipped)))
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    from course_helpers.classroom.grade import grade_class
    from course_helpers.classroom.model import SUBMITTED
    from course_helpers.classroom.record import RecordError
    from course_helpers.classroom.report import summary
    from course_helpers.classroom.worker import Limits

    root = find_root(args.root)
    chosen = _lessons_with_submissions(root, args.lessons)
    if not chosen:
        return _fail(msg("cli.nothing_submitted", folder=str(root / SUBMITTED)))
    limits = Limits(cell_timeout=args.cell_timeout, submission_timeout=args.time_limit,
                    memory_bytes=int(args.memory * 2**30))
    try:
        report = grade_class(root, chosen, students=args.student or (), workers=args.workers,
                             limits=limits, force=args.force)
    except RecordError as error:
        return _fail(msg("cli.nbgrader_failed", detail=str(error)))
    _say(summary(report))
    return 130 if report.interrupted else 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from course_helpers.classroom.feedback import FeedbackError, generate_feedback

    root = find_root(args.root)
    pages = []
    try:
        for lesson in _selected(root, args.lessons) or lessons(root):
            pages += generate_feedback(root, lesson)
    except FeedbackError as error:
        return _fail(msg("cli.nbgrader_failed", detail=str(error)))
    for page in pages:
        _say(f"  {page.relative_to(root)}")
    _say(msg("cli.feedback_done", count=len(pages)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from course_helpers.classroom.export import export_grades
    from course_helpers.classroom.lms import MappingError, export_for_lms

    root = find_root(args.root)
    chosen = _selected(root, args.lessons) or lessons(root)
    if args.format == "csv":
        target = args.output or root / "grades.csv"
        count = export_grades(root, chosen, target)
    else:
        target = args.output or root / f"grades-{args.format}.csv"
        if args.id_map is not None and not args.id_map.is_file():
            return _fail(msg("cli.no_such_path", path=str(args.id_map)))
        try:
            done = export_for_lms(root, chosen, target, args.format, args.id_map)
        except MappingError as error:
            return _fail(error.message)
        if done.unmapped:
            _say(msg("lms.unmapped", students=", ".join(done.unmapped)))
        count = done.students
    _say(msg("cli.export_done", rows=count, path=str(target)))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from course_helpers.classroom.mistakes_page import NothingGraded, write_report

    root = find_root(args.root)
    chosen = _selected(root, args.lessons) or lessons(root)
    try:
        page, numbers = write_report(root, chosen, args.output or root / "report.html")
    except NothingGraded:
        return _fail(msg("report.nothing_graded", lessons=", ".join(chosen)))
    _say(msg("cli.report_done", html=str(page), json=str(numbers)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from course_helpers.classroom.demo import run_demo

    root = find_root(args.root)
    run_demo(root, sys.stdout, args.into)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one subcommand per task."""
    from course_helpers.classroom.worker import Limits

    parser = argparse.ArgumentParser(
        prog="course-helpers",
        description="课程工具：生成学生版、检查笔记本、收集与评分作业。 / "
        "Course tools: release and check lessons, collect and grade hand-ins.",
    )
    parser.add_argument("--root", type=Path, default=None,
                        help="课程目录 / course folder (default: found from here)")
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser(
        "release", help="从 solutions/ 重新生成 notebooks/ / regenerate notebooks/ from solutions/")
    release.add_argument("lessons", nargs="*", help="课程名，如 02_autograd / lesson names")
    release.add_argument("--check", action="store_true",
                         help="只检查已提交的学生版是否过期 / only check the release is current")
    release.add_argument("--assessed", action="store_true",
                         help="生成计分版（不含答案）/ write the assessed edition (no answer key)")
    release.add_argument("--into", type=Path, default=None,
                         help="计分版的目标文件夹（默认 assessed/）/ "
                              "folder for the assessed edition (default: assessed/)")
    release.add_argument("--no-hints", action="store_true",
                         help="计分版中关闭提示 / switch hints off in the assessed edition")
    release.set_defaults(run=cmd_release)

    lint = commands.add_parser(
        "lint", help="检查双语配对与 nbgrader 元数据 / check bilingual pairs and nbgrader metadata")
    lint.add_argument("lessons", nargs="*")
    lint.set_defaults(run=cmd_lint)

    execute = commands.add_parser(
        "execute", help="重新运行答案笔记本并保存输出 / re-run solutions and store outputs")
    execute.add_argument("lessons", nargs="*")
    execute.set_defaults(run=cmd_execute)

    collect = commands.add_parser(
        "collect", help="把作业文件夹或 zip 放进 submitted/ / file hand-ins into submitted/")
    collect.add_argument("source", type=Path, help="文件夹或 zip / a folder or a zip file")
    collect.add_argument("lessons", nargs="*")
    collect.set_defaults(run=cmd_collect)

    grade = commands.add_parser(
        "grade", help="并行自动评分全班 / autograde the whole class in parallel")
    grade.add_argument("lessons", nargs="*", help="默认：所有有提交的课 / default: all handed in")
    grade.add_argument("--student", action="append", help="只评这些学生 / only these students")
    grade.add_argument("--workers", type=int, default=0,
                       help="并行进程数（默认：CPU 核数） / parallel workers (default: cores)")
    limits = Limits()
    grade.add_argument("--cell-timeout", type=int, default=limits.cell_timeout,
                       help="每个单元格的秒数上限 / seconds per cell (default %(default)s)")
    grade.add_argument("--time-limit", type=int, default=limits.submission_timeout,
                       help="每份作业的秒数上限 / seconds per submission (default %(default)s)")
    grade.add_argument("--memory", type=float, default=limits.memory_bytes / 2**30,
                       help="每份作业的内存上限（GiB） / memory per submission in GiB "
                            "(default %(default)s)")
    grade.add_argument("--force", action="store_true",
                       help="重新评已评过的作业 / regrade unchanged submissions too")
    grade.set_defaults(run=cmd_grade)

    feedback = commands.add_parser(
        "feedback", help="生成每位学生的反馈页面 / write each student's feedback page")
    feedback.add_argument("lessons", nargs="*")
    feedback.set_defaults(run=cmd_feedback)

    export = commands.add_parser("export", help="导出成绩 CSV / export grades as CSV")
    export.add_argument("lessons", nargs="*")
    export.add_argument("--output", type=Path, default=None,
                        help="默认 grades.csv 或 grades-<格式>.csv / "
                             "default grades.csv or grades-<format>.csv")
    export.add_argument("--format", choices=("csv", "canvas", "moodle"), default="csv",
                        help="csv（默认）、Canvas 或 Moodle 的成绩导入文件 / csv (default), or "
                             "the grade import file of Canvas or Moodle")
    export.add_argument("--id-map", type=Path, default=None,
                        help="学号对照 CSV：student 列加上 LMS 的列 / id mapping CSV: a student "
                             "column plus the LMS's own columns")
    export.set_defaults(run=cmd_export)

    report = commands.add_parser(
        "report", help="全班错题报告（HTML 和 JSON） / what the class got wrong (HTML and JSON)")
    report.add_argument("lessons", nargs="*")
    report.add_argument("--output", type=Path, default=None,
                        help="默认 report.html（数据写在同名 .json） / default report.html "
                             "(numbers in the .json beside it)")
    report.set_defaults(run=cmd_report)

    demo = commands.add_parser(
        "demo", help="用示例作业演示整个流程 / the whole pipeline on a sample class")
    demo.add_argument("--into", type=Path, default=None,
                      help="放演示课程的文件夹（默认临时目录） / folder for the demo course")
    demo.set_defaults(run=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``course-helpers`` command."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except FileNotFoundError as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
