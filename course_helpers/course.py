"""Where things are in a course checkout: the root, the lessons, their notebooks."""

from __future__ import annotations

import shutil
from pathlib import Path

CONFIG_NAME = "nbgrader_config.py"
SOURCE = "solutions"
RELEASE = "notebooks"


def find_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding the course's nbgrader_config.py."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file() and (folder / SOURCE).is_dir():
            return folder
    raise FileNotFoundError(
        f"找不到课程目录（含 {CONFIG_NAME} 和 {SOURCE}/ 的文件夹）。 / "
        f"No course folder (one with {CONFIG_NAME} and {SOURCE}/) at or above {here}."
    )


def lessons(root: Path) -> list[str]:
    """Lesson names such as ``02_autograd``: folders of solutions/ holding NAME/NAME.ipynb."""
    source = root / SOURCE
    return sorted(p.name for p in source.iterdir()
                  if p.is_dir() and (p / f"{p.name}.ipynb").is_file())


def source_notebook(root: Path, lesson: str) -> Path:
    """The instructor's notebook of a lesson."""
    return root / SOURCE / lesson / f"{lesson}.ipynb"


def release_notebook(root: Path, lesson: str) -> Path:
    """The student release of a lesson."""
    return root / RELEASE / lesson / f"{lesson}.ipynb"


def copy_course(root: Path, chosen: list[str], target: Path, *, release: bool = True) -> Path:
    """A copy of the course at ``target``: its config and the chosen lessons' notebooks.

    The release is copied too unless ``release`` is False. Scratch copies like this let
    nbgrader write release folders and gradebooks without touching the checkout.
    """
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    (target / SOURCE).mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / CONFIG_NAME, target / CONFIG_NAME)
    for lesson in chosen:
        shutil.copytree(root / SOURCE / lesson, target / SOURCE / lesson, ignore=skip)
        if release and (root / RELEASE / lesson).is_dir():
            shutil.copytree(root / RELEASE / lesson, target / RELEASE / lesson, ignore=skip)
    return target
