"""Put a class's handed-in files into nbgrader's ``submitted/<student>/<lesson>/`` layout.

Files come as a folder or a zip, in any of the shapes a course platform produces:
``alice/02_autograd/02_autograd.ipynb``, ``alice/02_autograd.ipynb`` or flat files such as
``alice_02_autograd.ipynb`` or ``02_autograd-alice (1).ipynb``. The lesson is read from the
file name, or else from the notebook itself (its setup cell names the lesson's exercises);
the student is the folder, or what is left of the file name. Anything that cannot be matched
is reported, never guessed at silently.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from course_helpers.classroom.intake import MAX_BYTES
from course_helpers.classroom.model import SUBMITTED
from course_helpers.i18n import Message, msg

_IMPORT = re.compile(r"from course_helpers\.(?:exercises|lessons) import (\w+) ")
_STUDENT = re.compile(r"[^\w.@-]+", re.UNICODE)
_JUNK = ("__MACOSX", ".ipynb_checkpoints", ".DS_Store")


@dataclass
class HandedIn:
    """One file as handed in: where it came from, its bytes and when it was last changed."""

    name: str
    data: bytes
    when: dt.datetime


@dataclass
class Collected:
    """What collect did: files placed, files it could not match, and why."""

    placed: list[tuple[str, str, str]] = field(default_factory=list)  # student, lesson, from
    skipped: list[tuple[str, Message]] = field(default_factory=list)
    notes: list[tuple[str, Message]] = field(default_factory=list)


def _from_folder(folder: Path) -> Iterator[HandedIn]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            relative = path.relative_to(folder).as_posix()
            when = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            yield HandedIn(relative, path.read_bytes() if path.stat().st_size <= MAX_BYTES
                           else b"", when)


def _from_zip(archive: Path) -> Iterator[HandedIn]:
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            if info.is_dir():
                continue
            # Names are only parsed, never used as paths, so "../" entries cannot escape.
            data = bundle.read(info) if info.file_size <= MAX_BYTES else b""
            when = dt.datetime(*info.date_time, tzinfo=dt.UTC)
            yield HandedIn(info.filename, data, when)


def _lesson_from_name(name: str, lessons: list[str]) -> str | None:
    for lesson in lessons:
        if lesson in name:
            return lesson
    for lesson in lessons:
        number, _, _ = lesson.partition("_")
        if re.search(rf"(?<![0-9]){number}(?![0-9])", name):
            return lesson
    return None


def _lesson_from_content(data: bytes, modules: dict[str, str]) -> str | None:
    try:
        cells = json.loads(data.decode("utf-8")).get("cells", [])
        sources = ["".join(c.get("source", "")) if isinstance(c.get("source"), list)
                   else str(c.get("source", "")) for c in cells[:5]]
    except (ValueError, AttributeError, UnicodeDecodeError):
        return None
    found = {modules[name] for name in _IMPORT.findall("\n".join(sources)) if name in modules}
    return found.pop() if len(found) == 1 else None


def _student_from(parts: tuple[str, ...], stem: str, lesson: str | None) -> str:
    folders = [p for p in parts[:-1] if not (lesson and lesson in p)]
    if folders:
        # submissions/alice/... : the innermost folder that is not the lesson's
        return _STUDENT.sub("", folders[-1])
    rest = stem.replace(lesson, " ") if lesson else stem
    rest = re.sub(r"\(\d+\)|-?Copy\d*|副本", " ", rest)
    words = [w for w in re.split(r"[\s_\-]+", rest) if w and not w.isdigit()]
    return _STUDENT.sub("", "_".join(words))


def lesson_modules(root: Path) -> dict[str, str]:
    """Exercise module name -> lesson, read from each lesson's setup cell in the release."""
    from course_helpers.course import lessons, release_notebook
    from course_helpers.exercises import MOVED

    known = set(MOVED) | set(MOVED.values())
    found = {}
    for lesson in lessons(root):
        path = release_notebook(root, lesson)
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        found.update({name: lesson for name in _IMPORT.findall(text) if name in known})
    # A notebook handed out before the lessons were renamed imports the earlier name.
    for old, new in MOVED.items():
        if new in found:
            found.setdefault(old, found[new])
    return found


def collect(source: Path, root: Path, lessons: list[str],
            modules: dict[str, str]) -> Collected:
    """Copy every matched notebook from ``source`` (folder or zip) into ``root/submitted``.

    ``modules`` maps an exercise module name (``autograd``) to its lesson, for files whose
    name does not say which lesson they are.
    """
    result = Collected()
    files = _from_zip(source) if source.is_file() else _from_folder(source)
    chosen: dict[tuple[str, str], HandedIn] = {}
    for handed in files:
        parts = PurePosixPath(handed.name).parts
        if any(part in _JUNK or part.startswith("._") for part in parts):
            continue
        if not handed.name.endswith(".ipynb"):
            result.skipped.append((handed.name, msg("classroom.collect.not_notebook")))
            continue
        if not handed.data:
            result.skipped.append((handed.name, msg("classroom.collect.too_large")))
            continue
        lesson = _lesson_from_name(handed.name, lessons) or _lesson_from_content(
            handed.data, modules)
        if lesson is None:
            result.skipped.append((handed.name, msg("classroom.collect.no_lesson")))
            continue
        student = _student_from(parts, PurePosixPath(handed.name).stem, lesson)
        if not student:
            result.skipped.append((handed.name, msg("classroom.collect.no_student")))
            continue
        key = (student, lesson)
        if key in chosen:
            older, newer = sorted([chosen[key], handed], key=lambda h: h.when)
            result.notes.append((older.name, msg("classroom.collect.older_copy",
                                                 kept=newer.name)))
            handed = newer
        chosen[key] = handed
    for (student, lesson), handed in sorted(chosen.items()):
        folder = root / SUBMITTED / student / lesson
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("*.ipynb"):
            old.unlink()
        (folder / f"{lesson}.ipynb").write_bytes(handed.data)
        (folder / "timestamp.txt").write_text(handed.when.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
        result.placed.append((student, lesson, handed.name))
    return result
