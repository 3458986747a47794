"""Where things are in a course checkout: the root, the lessons, their notebooks."""

from __future__ import annotations

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
