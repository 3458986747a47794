"""The grading face: a failed check becomes a short bilingual error, and nothing on stderr.

nbgrader scores a test cell by its outputs: an error output (or anything written to stderr)
means zero. :class:`CheckFailed` is an ``AssertionError`` whose notebook traceback is just the
coloured feedback, because IPython shows ``_render_traceback_()`` in place of the Python
stack when an exception provides it.
"""

from __future__ import annotations

from course_helpers.outcome import Outcome


class CheckFailed(AssertionError):
    """Raised by ``Question.grade`` when an answer is wrong or missing."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__("\n".join(outcome.text_lines()))
        self.outcome = outcome

    def _render_traceback_(self) -> list[str]:
        return self.outcome.ansi_lines()
