"""A progress line for grading a class: graded, failed and remaining, with elapsed time."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from course_helpers.i18n import Message, msg

_WIDTH = 24


class Progress:
    """Redraws one line on a terminal; elsewhere (a log, CI) prints a line per submission."""

    def __init__(self, total: int, out: TextIO | None = None) -> None:
        self.total = total
        self.graded = 0
        self.failed = 0
        self.out = out or sys.stderr
        self.started = time.monotonic()
        self._drawn = 0.0
        self.live = bool(getattr(self.out, "isatty", lambda: False)())

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.graded - self.failed)

    def line(self) -> str:
        done = self.graded + self.failed
        filled = round(_WIDTH * done / self.total) if self.total else _WIDTH
        elapsed = int(time.monotonic() - self.started)
        counts = msg("classroom.progress", graded=self.graded, failed=self.failed,
                     remaining=self.remaining).render("zh") + " / " + msg(
            "classroom.progress", graded=self.graded, failed=self.failed,
            remaining=self.remaining).render("en")
        return (f"[{'#' * filled}{'.' * (_WIDTH - filled)}] {done}/{self.total}  {counts}  "
                f"{elapsed // 60:02d}:{elapsed % 60:02d}")

    def say(self, message: Message) -> None:
        """A line of its own, above the progress line: Chinese, then English."""
        print(f"{message.render('zh')}\n{message.render('en')}", file=self.out, flush=True)

    def finished(self, ok: bool, label: str) -> None:
        """Count one submission as graded or failed."""
        if ok:
            self.graded += 1
        else:
            self.failed += 1
        if self.live:
            self.tick(force=True)
        else:
            print(f"{self.line()}  {label}", file=self.out, flush=True)

    def tick(self, *_: object, force: bool = False) -> None:
        """Redraw the line (at most a few times a second)."""
        if not self.live:
            return
        now = time.monotonic()
        if force or now - self._drawn > 0.5:
            self._drawn = now
            print(f"\r{self.line()}", end="", file=self.out, flush=True)

    def close(self) -> None:
        if self.live:
            print(file=self.out, flush=True)
