"""Regenerate the student release (notebooks/) from solutions/ with nbgrader.

nbgrader runs in a scratch copy of the course, so checking for a stale release never touches
the checkout and no gradebook is created.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from course_helpers.course import RELEASE, copy_course, lessons


class ReleaseError(RuntimeError):
    """nbgrader could not generate a release."""


@dataclass(frozen=True)
class Difference:
    """A file of the committed release that does not match a fresh one."""

    path: str
    reason: str  # "changed", "missing" or "extra"


def generate(root: Path, lesson: str, into: Path) -> Path:
    """Run ``nbgrader generate_assignment`` for one lesson; return the released folder."""
    scratch = into / "course"
    if scratch.exists():
        shutil.rmtree(scratch)
    copy_course(root, [lesson], scratch, release=False)
    command = [sys.executable, "-m", "nbgrader", "generate_assignment", lesson,
               "--no-db", "--force", "--log-level=WARN"]
    result = subprocess.run(command, cwd=scratch, capture_output=True, text=True, check=False)
    released = scratch / RELEASE / lesson
    if result.returncode != 0 or not released.is_dir():
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise ReleaseError("\n".join(detail) or f"exit code {result.returncode}")
    return released


def compile_check_data(selected: list[str] | None = None) -> list[str]:
    """Recompile the check data of the selected lessons (folder names; all by default)."""
    from course_helpers import checkdata
    from course_helpers.key import compile_lesson
    from course_helpers.lessons import FOLDERS, declared_lessons

    declared = declared_lessons()
    names = [FOLDERS[f] for f in selected if FOLDERS.get(f) in declared] if selected else declared
    checkdata.write(checkdata.FOLDER, {name: compile_lesson(name) for name in names})
    return names


def stale_check_data() -> list[Difference]:
    """Check data files that differ from a fresh compilation of the answer key."""
    from course_helpers import checkdata
    from course_helpers.key import compile_all

    label = "course_helpers/checkdata"
    compiled = compile_all()
    manifest = checkdata.read_manifest()
    found: list[Difference] = []
    for lesson, data in compiled.items():
        path = checkdata.FOLDER / f"{lesson}.safetensors"
        if not path.is_file():
            found.append(Difference(f"{label}/{path.name}", "missing"))
        elif path.read_bytes() != data or manifest.get(path.name) != checkdata.checksum(data):
            found.append(Difference(f"{label}/{path.name}", "changed"))
    extra = set(manifest) - {f"{lesson}.safetensors" for lesson in compiled}
    found += [Difference(f"{label}/{name}", "extra") for name in sorted(extra)]
    return found


def release(root: Path, selected: list[str] | None = None) -> list[str]:
    """Regenerate the check data and notebooks/ for the selected lessons (all by default)."""
    compile_check_data(selected)
    names = selected or lessons(root)
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        for lesson in names:
            fresh = generate(root, lesson, Path(tmp))
            target = root / RELEASE / lesson
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(fresh, target)
    return names


def stale(root: Path, selected: list[str] | None = None) -> list[Difference]:
    """Differences between the committed release and a freshly generated one."""
    names = selected or lessons(root)
    differences: list[Difference] = stale_check_data()
    if selected is None:
        released = root / RELEASE
        known = set(names)
        if released.is_dir():
            differences += [Difference(f"{RELEASE}/{p.name}", "extra")
                            for p in sorted(released.iterdir())
                            if p.is_dir() and p.name not in known]
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        for lesson in names:
            fresh = generate(root, lesson, Path(tmp))
            differences += _compare_trees(fresh, root / RELEASE / lesson, f"{RELEASE}/{lesson}")
    return differences


def _compare_trees(fresh: Path, committed: Path, label: str) -> list[Difference]:
    found: list[Difference] = []
    fresh_files = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    committed_files = ({p.relative_to(committed) for p in committed.rglob("*")
                        if p.is_file() and ".ipynb_checkpoints" not in p.parts}
                       if committed.is_dir() else set())
    for name in sorted(fresh_files - committed_files):
        found.append(Difference(f"{label}/{name}", "missing"))
    for name in sorted(committed_files - fresh_files):
        found.append(Difference(f"{label}/{name}", "extra"))
    for name in sorted(fresh_files & committed_files):
        if not filecmp.cmp(fresh / name, committed / name, shallow=False):
            found.append(Difference(f"{label}/{name}", "changed"))
    return found
