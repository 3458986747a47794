"""The README's commands, as written: each program, subcommand, option, file and marker exists,
and the harmless ones run.

Commands come from the README's ``bash`` blocks and from inline code that starts with
``.venv/bin/``. ``.venv/bin/`` stands for the environment running the tests (CI builds its own).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from course_helpers.instructor.cli import build_parser
from tests.conftest import ROOT, child_env

README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VENV = ".venv/bin/"
BIN = Path(sys.executable).parent
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
# Run as written: quick, and they change nothing.
HARMLESS = {("course-helpers", "lint"), ("course-helpers", "release", "--check")}


def bash_blocks(text: str) -> list[str]:
    return re.findall(r"^ *```bash\n(.*?)^ *```", text, flags=re.S | re.M)


def commands(text: str) -> list[str]:
    """Every command of the bash blocks (split at ``&&``), then the inline ``.venv/bin/`` ones."""
    found = []
    for block in bash_blocks(text):
        for line in block.splitlines():
            line = re.sub(r"\s+#\s.*$", "", line).strip()  # a comment after the command
            found += [part.strip() for part in line.split("&&") if part.strip()]
    found += re.findall(r"`(\.venv/bin/[^`]+)`", text)
    return found


def optional(words: list[str]) -> list[str]:
    """``[NN_topic ...]`` and ``[--output grades.csv]`` written out: every part given."""
    return [w.strip("[]") for w in words if w.strip("[]") not in ("", "...")]


def check_course_helpers(args: list[str]) -> None:
    args = [("02_autograd" if a == "NN_topic" else a) for a in optional(args)]
    parser = build_parser()
    with contextlib.redirect_stderr(io.StringIO()) as err:
        try:
            parser.parse_args(args)
        except SystemExit:
            pytest.fail(f"course-helpers {' '.join(args)}: {err.getvalue().strip()}")
    # argparse also takes a prefix (--work for --workers): the README spells options out.
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    known = {*parser._option_string_actions, *commands.choices[args[0]]._option_string_actions}
    for option in (a.split("=")[0] for a in args if a.startswith("-")):
        assert option in known, f"course-helpers {args[0]} has no option {option}"


def check_pip(args: list[str]) -> None:
    assert args[0] == "install", args
    if "torch==2.13.0" in args:
        # torch alone, from PyTorch's CPU-only wheels.
        assert args[1:] == ["torch==2.13.0", "--index-url", TORCH_INDEX], args
        pins = [d for d in PYPROJECT["project"]["dependencies"] if d.startswith("torch")]
        assert pins == ["torch>=2.2,<2.15"], pins
        return
    assert "--index-url" not in args and "--extra-index-url" not in args, args
    if args == ["install", "."]:
        # The assessed edition's folder: a plain install of the package it holds.
        builder = ROOT / "course_helpers" / "instructor" / "assessed.py"
        assert "pyproject.toml" in builder.read_text("utf-8")
        return
    assert args[1] == "-e", args
    extra = re.fullmatch(r"\.(?:\[(\w+)\])?", args[2])
    assert extra, args
    assert extra.group(1) in (None, *PYPROJECT["project"]["optional-dependencies"]), args


def check_python(args: list[str]) -> None:
    if args[:2] == ["-m", "pytest"]:
        declared = {m.split(":")[0] for m in PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]}
        rest = args[2:]
        if rest:
            assert rest[0] == "-m" and len(rest) == 2, args
            used = set(re.findall(r"\w+", rest[1])) - {"not", "and", "or"}
            assert used <= declared, (used, declared)
        return
    if args[0] == "-m":
        assert importlib.util.find_spec(args[1]) is not None, args
        return
    script = ROOT / args[0]
    assert script.is_file(), args


def check(command: str) -> None:
    words = shlex.split(command)
    program, args = words[0], words[1:]
    if program in ("git", "cd"):  # the clone, before there is anything to check
        return
    if program == "python3":
        assert args == ["-m", "venv", ".venv"], command
        return
    assert program.startswith(VENV), f"not run from the course environment: {command}"
    name = program.removeprefix(VENV)
    assert (BIN / name).is_file(), f"{name} is not installed in {BIN}"
    if name == "course-helpers":
        check_course_helpers(args)
    elif name == "pip":
        check_pip(args)
    elif name == "python":
        check_python(args)
    elif name == "jupyter":
        assert args[0] == "lab" and (ROOT / args[1]).is_dir(), command
    else:
        pytest.fail(f"the README test does not know {name}: {command}")


def test_the_quick_start_begins_with_the_clone():
    first = bash_blocks(README.split("## 快速开始 · Quick start", 1)[1])[0].strip()
    assert first.startswith("git clone <repo-url> ") and "&& cd " in first


def test_every_readme_command_names_what_exists():
    found = commands(README)
    assert len(found) >= 20
    for command in found:
        check(command)


def test_the_fast_subset_and_the_full_command_are_documented():
    found = commands(README)
    assert '.venv/bin/python -m pytest -m "not notebook and not browser"' in found
    assert ".venv/bin/python -m pytest" in found  # the whole suite, as CI runs it
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r'"\$VENV"/bin/python -m pytest$', ci, flags=re.M)


def test_only_pytorchs_index_is_named():
    for path in [ROOT / "README.md", ROOT / ".ci" / "run", ROOT / "binder" / "requirements.txt",
                 *(ROOT / ".github" / "workflows").glob("*.yml")]:
        text = path.read_text(encoding="utf-8")
        urls = re.findall(r"(?:--index-url|--extra-index-url)[ =]\s*(\w+://[^\s\"'`]+)", text)
        assert all(url == TORCH_INDEX for url in urls), (path, urls)


def test_the_checks_can_fail():
    for wrong in (".venv/bin/course-helpers release --chek",
                  ".venv/bin/course-helpers grade --worker 2",
                  "course-helpers lint",
                  ".venv/bin/pip install torch==2.13.0",
                  '.venv/bin/python -m pytest -m "not slow"',
                  ".venv/bin/python tests/no_such_script.py"):
        with pytest.raises((AssertionError, pytest.fail.Exception)):
            check(wrong)


def test_the_harmless_commands_run_as_written():
    ran = []
    for command in commands(README):
        words = shlex.split(command)
        if not words[0].startswith(VENV):
            continue
        name = words[0].removeprefix(VENV)
        if (name, *words[1:]) in HARMLESS or words[1:] == ["--help"]:
            done = subprocess.run([str(BIN / name), *words[1:]], cwd=ROOT, env=child_env(),
                                  capture_output=True, text=True, timeout=600, check=False)
            assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
            ran.append(command)
    assert sorted(set(ran)) == sorted({".venv/bin/course-helpers lint",
                                       ".venv/bin/course-helpers release --check"})


def test_ci_runs_the_readme_way_in_a_debian_container():
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert re.search(r"^\s+image: python:3\.11-bookworm$", workflow, flags=re.M)
    assert re.search(r"^\s+run: bash \.ci/run$", workflow, flags=re.M)
    torch_args = re.search(r'TORCH_PIP_ARGS: "([^"]*)"', workflow).group(1)
    assert torch_args == f"--index-url {TORCH_INDEX}"
    assert f'`TORCH_PIP_ARGS="{torch_args}" bash .ci/run`' in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv" not in ci.replace("contributor's .venv", "")  # never the contributor's
    assert "apt-get update" in ci.split("apt-get install")[0]
