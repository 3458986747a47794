"""The assessed edition: what an instructor hands out when the course is graded for credit.

``course-helpers release --assessed [--into DIR]`` writes, from the same ``solutions/``:

* ``notebooks/<lesson>/`` — the student release (nbgrader's, as in ``notebooks/``);
* a Python package ``course_helpers`` without the answer key and without the instructor's
  tools: no ``course_helpers/key`` (references, hidden cases, expectations), no
  ``course_helpers/classroom`` (grading), no release or lint code and none of their messages;
* ``pyproject.toml`` so that ``pip install DIR`` installs exactly that package;
* ``course_helpers/edition.json`` naming the edition, whether hints are shown, and the
  checksum of every lesson's check data (the same as in ``checkdata/manifest.json``).

Visible checks work there as in the self-study edition: they read the compiled check data.
``solution()`` and ``reference`` do not exist, and hidden tests run only when the instructor
grades with the full install.
"""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

from course_helpers import checkdata
from course_helpers.course import RELEASE, lessons

PACKAGE = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = "assessed"

# What only the instructor and the grader run, relative to the package folder.
INSTRUCTOR_ONLY = ("key", "classroom", "instructor", "glossary.toml")


class EditionError(RuntimeError):
    """The assessed edition could not be written (reason in ``args[0]``)."""


def _ignored(folder: str, names: list[str]) -> set[str]:
    relative = Path(folder).resolve().relative_to(PACKAGE)
    skipped = {name for name in names
               if (relative / name).as_posix().removeprefix("./") in INSTRUCTOR_ONLY}
    return skipped | {name for name in names
                      if name in ("__pycache__", ".ipynb_checkpoints") or name.endswith(".pyc")}


def _pyproject(root: Path) -> str:
    """The student package's ``pyproject.toml``: the course's name, version and dependencies."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    # nbgrader stays: its Validate button is a student's last look before handing in.
    dependencies = list(project["dependencies"])
    lines = [
        "[build-system]",
        'requires = ["setuptools>=77"]',
        'build-backend = "setuptools.build_meta"',
        "",
        "[project]",
        f"name = {json.dumps(project['name'])}",
        f"version = {json.dumps(project['version'])}",
        f"description = {json.dumps(project['description'] + ' (assessed edition)')}",
        f"requires-python = {json.dumps(project['requires-python'])}",
        f"license = {json.dumps(project['license'])}",
        "dependencies = [",
        *[f"    {json.dumps(d)}," for d in dependencies],
        "]",
        "",
        "[tool.setuptools.packages.find]",
        'include = ["course_helpers*"]',
        "",
        "[tool.setuptools.package-data]",
        'course_helpers = ["py.typed", "edition.json", "checkdata/*.safetensors", '
        '"checkdata/manifest.json"]',
        "",
    ]
    return "\n".join(lines)


_README = """\
# 计分版课程 / Assessed edition

安装（在本文件夹中）/ Install (in this folder):

    python -m venv .venv
    .venv/bin/python -m pip install .
    .venv/bin/python -m course_helpers.lab_setup student
    .venv/bin/jupyter lab notebooks/

可见检查（`ex.q1.check(...)` 和每个检查单元格）照常给出反馈；本版本不含参考答案和隐藏测试，
`solution()` 不可用。隐藏测试在教师评分时运行。

Visible checks (`ex.q1.check(...)` and every check cell) give feedback as usual; this edition
holds no reference solutions and no hidden tests, and `solution()` is not available. Hidden
tests run when your instructor grades your work.
"""


def build(root: Path, into: Path, *, hints: bool = True) -> list[str]:
    """Write the assessed edition of every lesson into ``into``; return the lessons."""
    names = lessons(root)
    missing = [n for n in names if not (root / RELEASE / n).is_dir()]
    if missing:
        raise EditionError(", ".join(missing))
    manifest = checkdata.read_manifest()
    for name, digest in manifest.items():
        path = checkdata.FOLDER / name
        if not path.is_file() or checkdata.checksum(path.read_bytes()) != digest:
            raise EditionError(f"course_helpers/checkdata/{name}")
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    for name in names:
        shutil.copytree(root / RELEASE / name, into / "notebooks" / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copytree(PACKAGE, into / "course_helpers", ignore=_ignored)
    edition = {"edition": "assessed", "hints": hints, "check_data": manifest}
    (into / "course_helpers" / "edition.json").write_text(
        json.dumps(edition, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    (into / "pyproject.toml").write_text(_pyproject(root), encoding="utf-8")
    (into / "README.md").write_text(_README, encoding="utf-8")
    return names
