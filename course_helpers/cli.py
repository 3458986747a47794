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
    from course_helpers.release import ReleaseError, release, stale

    root = find_root(args.root)
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


def cmd_lint(args: argparse.Namespace) -> int:
    from course_helpers.i18n import catalogue_problems
    from course_helpers.lint import lint_notebook

    root = find_root(args.root)
    names = _selected(root, args.lessons) or lessons(root)
    problems = list(catalogue_problems())
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


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one subcommand per task."""
    parser = argparse.ArgumentParser(
        prog="course-helpers",
        description="课程工具：生成学生版、检查笔记本。 / Course tools: release and check lessons.",
    )
    parser.add_argument("--root", type=Path, default=None,
                        help="课程目录 / course folder (default: found from here)")
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser(
        "release", help="从 solutions/ 重新生成 notebooks/ / regenerate notebooks/ from solutions/")
    release.add_argument("lessons", nargs="*", help="课程名，如 02_autograd / lesson names")
    release.add_argument("--check", action="store_true",
                         help="只检查已提交的学生版是否过期 / only check the release is current")
    release.set_defaults(run=cmd_release)

    lint = commands.add_parser(
        "lint", help="检查双语配对与 nbgrader 元数据 / check bilingual pairs and nbgrader metadata")
    lint.add_argument("lessons", nargs="*")
    lint.set_defaults(run=cmd_lint)

    execute = commands.add_parser(
        "execute", help="重新运行答案笔记本并保存输出 / re-run solutions and store outputs")
    execute.add_argument("lessons", nargs="*")
    execute.set_defaults(run=cmd_execute)
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
