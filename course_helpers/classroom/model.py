"""The course as the instructor grades it: one object for its folders, gradebook and ledger.

nbgrader fixes the folders (``submitted/``, ``autograded/``, ``feedback/``) and keeps scores
in ``gradebook.db``; beside it the grading ledger (``.grading/<lesson>/<student>.json``)
remembers which version of each submission was graded, how, and what went wrong, and the
judge's secret (``.grading/judge-secret``), from which each submission's hidden inputs are
drawn. Every command reaches them through a :class:`Classroom`, so each path is spelled once.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course_helpers.i18n import Message, msg

GRADEBOOK = "gradebook.db"
LEDGER = ".grading"
SUBMITTED, AUTOGRADED, FEEDBACK = "submitted", "autograded", "feedback"


@dataclass(frozen=True)
class Classroom:
    """One course on the instructor's machine: its root folder and nbgrader course id."""

    root: Path
    course_id: str

    @classmethod
    def at(cls, root: Path) -> Classroom:
        """The course in ``root``, with the id its ``nbgrader_config.py`` sets."""
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
        return cls(root, str(config.CourseDirectory.get("course_id", "default_course")))

    @property
    def gradebook(self) -> Path:
        return self.root / GRADEBOOK

    @property
    def db_url(self) -> str:
        return db_url(self.gradebook)

    @property
    def submitted(self) -> Path:
        return self.root / SUBMITTED

    def submission(self, student: str, lesson: str) -> Path:
        """The folder a student's hand-in of a lesson lives in."""
        return self.submitted / student / lesson

    def autograded(self, student: str, lesson: str) -> Path:
        return self.root / AUTOGRADED / student / lesson

    def graded_students(self, lesson: str) -> list[str]:
        """Students with an autograded notebook of ``lesson``."""
        folder = self.root / AUTOGRADED
        return sorted(p.name for p in folder.iterdir()
                      if (p / lesson).is_dir()) if folder.is_dir() else []

    def feedback_page(self, student: str, lesson: str) -> Path:
        return self.root / FEEDBACK / student / lesson / f"{lesson}.html"

    @property
    def secret_path(self) -> Path:
        return self.root / LEDGER / "judge-secret"

    def secret(self) -> str:
        """The judge's secret, made on first use; only the grading user can read it."""
        path = self.secret_path
        try:
            found = path.read_text().strip()
        except OSError:
            found = ""
        if len(found) >= 32:
            return found
        path.parent.mkdir(parents=True, exist_ok=True)
        made = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(made + "\n")
        return made

    def ledger_path(self, lesson: str, student: str) -> Path:
        return self.root / LEDGER / lesson / f"{student}.json"

    def read_ledger(self, lesson: str, student: str) -> LedgerEntry | None:
        """The ledger's entry for one submission, or None (absent or unreadable)."""
        try:
            return LedgerEntry.from_json(json.loads(
                self.ledger_path(lesson, student).read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write_ledger(self, lesson: str, student: str, entry: LedgerEntry) -> None:
        path = self.ledger_path(lesson, student)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(entry.to_json(), ensure_ascii=False, indent=1))
        partial.replace(path)  # atomic: a ledger entry is either whole or absent

    def ledger(self, lesson: str) -> dict[str, LedgerEntry]:
        """Every student's ledger entry for a lesson."""
        folder = self.root / LEDGER / lesson
        entries = {}
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            entry = self.read_ledger(lesson, path.stem)
            if entry is not None:
                entries[path.stem] = entry
        return entries


def db_url(path: Path) -> str:
    return f"sqlite:///{path}"


@dataclass
class LedgerEntry:
    """What the ledger keeps of one graded (or failed) submission."""

    status: str                      # "graded" or "failed"
    digest: str | None               # fingerprint of the submitted file
    score: float = 0.0
    max_score: float = 0.0
    reason: Message | None = None    # why it failed
    notes: list[Message] = field(default_factory=list)  # what was repaired or set aside
    seconds: float = 0.0
    # One record per graded question (see classroom.outcomes), kept as plain JSON here.
    questions: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"status": self.status, "digest": self.digest,
                                "notes": [_message_data(n) for n in self.notes],
                                "seconds": round(self.seconds, 2)}
        if self.status == "graded":
            data.update(score=self.score, max_score=self.max_score)
        if self.reason is not None:
            data["reason"] = _message_data(self.reason)
        if self.questions:
            data["questions"] = self.questions
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LedgerEntry:
        reason = data.get("reason")
        return cls(str(data["status"]), data.get("digest"), float(data.get("score", 0)),
                   float(data.get("max_score", 0)),
                   _message_from(reason) if reason else None,
                   [_message_from(n) for n in data.get("notes", [])],
                   float(data.get("seconds", 0)),
                   [q for q in data.get("questions", []) if isinstance(q, dict)])


def _message_data(message: Message) -> dict[str, Any]:
    params = {k: _message_data(v) if isinstance(v, Message) else str(v)
              for k, v in message.params.items()}
    return {"key": message.key, "params": params}


def _message_from(data: dict[str, Any]) -> Message:
    params = {k: _message_from(v) if isinstance(v, dict) else v
              for k, v in data.get("params", {}).items()}
    return msg(data["key"], **params)
