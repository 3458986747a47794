"""The three outcomes of a check and how they look.

An outcome is plain data (status, title, detail messages); rendering it as a coloured HTML
panel, plain text, ANSI-coloured lines or a failed test cell's one-line verdict happens here
and nowhere else. Nothing random or time-dependent goes into the output, so stored notebook
outputs stay reproducible.

``check``, ``hint`` and ``solution`` display their result and also return it. What they
return is marked :class:`Shown`, so a call written as a cell's last line is not displayed a
second time.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from enum import Enum

from course_helpers.i18n import Message, languages_shown, msg


class Status(Enum):
    """What a check concluded."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    NOT_ATTEMPTED = "not_attempted"


_STYLE = {
    Status.CORRECT: ("✓", "outcome.correct", "#1e7e34", "#e9f7ec"),
    Status.INCORRECT: ("✗", "outcome.incorrect", "#b3261e", "#fdecea"),
    Status.NOT_ATTEMPTED: ("…", "outcome.not_attempted", "#1a5fb4", "#eaf1fb"),
}
_ANSI = {Status.CORRECT: "\x1b[32m", Status.INCORRECT: "\x1b[31m",
         Status.NOT_ATTEMPTED: "\x1b[34m"}
_ANSI_RESET = "\x1b[0m"
_ANSI_BOLD = "\x1b[1m"


class Shown:
    """A value its helper has already displayed.

    As a cell's last line IPython would display it again. IPython calls
    ``_ipython_display_`` instead of every other representation, and this one shows nothing;
    ``repr`` and everything else stay as they are.
    """

    def _ipython_display_(self) -> None:
        """Show nothing: the helper that returned this value has shown it."""


@dataclass(frozen=True)
class Outcome:
    """The result of checking one exercise."""

    status: Status
    title: Message
    details: tuple[Message, ...] = ()

    @property
    def passed(self) -> bool:
        """True only for a correct answer."""
        return self.status is Status.CORRECT

    def headline(self, language: str) -> str:
        """``✓ 练习 1：正确！`` in the given language."""
        mark, key, _, _ = _STYLE[self.status]
        separator = "：" if language == "zh" else ": "
        return f"{mark} {self.title.render(language)}{separator}{msg(key).render(language)}"

    def text_lines(self) -> list[str]:
        """Plain-text lines, one block per language shown."""
        lines: list[str] = []
        for language in languages_shown():
            lines.append(self.headline(language))
            lines.extend(f"  {detail.render(language)}" for detail in self.details)
        return lines

    def verdict(self) -> str:
        """One line for a test cell whose check failed: ``✗ 练习 3 未通过 · Exercise 3 not passed``.

        The panel above it says why; this line only marks the cell as failed. (JupyterLab
        would turn a " / " in an error into a link.)
        """
        mark = _STYLE[self.status][0]
        return f"{mark} " + " · ".join(msg("outcome.not_passed", title=self.title).render(lang)
                                       for lang in languages_shown())

    def ansi_lines(self) -> list[str]:
        """The same lines coloured for a terminal or a notebook's error output."""
        colour = _ANSI[self.status]
        lines: list[str] = []
        for language in languages_shown():
            lines.append(f"{colour}{_ANSI_BOLD}{self.headline(language)}{_ANSI_RESET}")
            lines.extend(f"{colour}  {detail.render(language)}{_ANSI_RESET}"
                         for detail in self.details)
        return lines

    def __repr__(self) -> str:
        return "\n".join(self.text_lines())

    def _repr_html_(self) -> str:
        _, _, colour, background = _STYLE[self.status]
        blocks = []
        for language in languages_shown():
            tag = "zh-CN" if language == "zh" else "en"
            items = "".join(
                f"<li>{html.escape(detail.render(language))}</li>" for detail in self.details
            )
            body = f"<ul style='margin:4px 0 0 0;padding-left:20px'>{items}</ul>" if items else ""
            blocks.append(
                f"<div lang='{tag}' class='course-feedback-{language}' style='margin:2px 0'>"
                f"<strong>{html.escape(self.headline(language))}</strong>{body}</div>"
            )
        return (
            f"<div class='course-feedback course-{self.status.value}' "
            f"style='border-left:5px solid {colour};background:{background};color:#1f1f1f;"
            f"padding:8px 12px;border-radius:4px;font-family:sans-serif;line-height:1.5'>"
            + "".join(blocks)
            + "</div>"
        )


@dataclass(frozen=True, repr=False)
class ShownOutcome(Shown, Outcome):
    """An :class:`Outcome` that ``check`` has already displayed."""


@dataclass(frozen=True)
class Note:
    """A titled bilingual note (a hint) shown as HTML or text."""

    title: Message
    body: Message

    def __repr__(self) -> str:
        return "\n".join(f"{self.title.render(lang)}: {self.body.render(lang)}"
                         for lang in languages_shown())

    def _repr_html_(self) -> str:
        blocks = "".join(
            f"<div lang='{'zh-CN' if lang == 'zh' else 'en'}' style='margin:2px 0'>"
            f"<strong>{html.escape(self.title.render(lang))}</strong>："
            f"{html.escape(self.body.render(lang))}</div>"
            if lang == "zh" else
            f"<div lang='en' style='margin:2px 0'><strong>{html.escape(self.title.render(lang))}"
            f"</strong>: {html.escape(self.body.render(lang))}</div>"
            for lang in languages_shown()
        )
        return ("<div class='course-hint' style='border-left:5px solid #8a6d00;"
                "background:#fff8e1;color:#1f1f1f;padding:8px 12px;border-radius:4px;"
                f"font-family:sans-serif;line-height:1.5'>{blocks}</div>")


@dataclass(frozen=True, repr=False)
class ShownNote(Shown, Note):
    """A :class:`Note` that ``hint`` has already displayed."""


class ShownText(Shown, str):
    """Text (a solution's source code) that ``solution`` has already displayed."""
