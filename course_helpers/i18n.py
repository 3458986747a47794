"""Language choice and bilingual messages.

Every text a student sees comes from the catalogue in :mod:`course_helpers.messages`,
which holds a Chinese (``zh``) and an English (``en``) version of each key.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from course_helpers.messages import CATALOGUE

LANGUAGES = ("zh", "en", "both")
_DEFAULT = "both"
_chosen: str | None = None


def _normalise(language: str) -> str | None:
    value = language.strip().lower().replace("-", "_")
    aliases = {"zh": "zh", "zh_cn": "zh", "cn": "zh", "中文": "zh", "en": "en", "english": "en",
               "both": "both", "all": "both"}
    return aliases.get(value)


def set_language(language: str) -> None:
    """Choose which language(s) feedback uses: ``"zh"``, ``"en"`` or ``"both"``."""
    global _chosen
    chosen = _normalise(str(language))
    if chosen is None:
        raise ValueError(
            f"未知的语言 {language!r}，可选 zh、en、both。 / "
            f"Unknown language {language!r}; choose zh, en or both."
        )
    _chosen = chosen


def get_language() -> str:
    """The language in force: ``set_language`` first, then ``COURSE_LANG``, then both."""
    if _chosen is not None:
        return _chosen
    from_env = _normalise(os.environ.get("COURSE_LANG", ""))
    return from_env or _DEFAULT


def languages_shown() -> tuple[str, ...]:
    """The single languages to render, Chinese first."""
    chosen = get_language()
    return ("zh", "en") if chosen == "both" else (chosen,)


@dataclass(frozen=True)
class Message:
    """A catalogue key with its parameters; rendered lazily in any language.

    Parameters may themselves be messages (for example the name of the thing that was
    checked), so a sentence and its parts always appear in the same language.
    """

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, language: str) -> str:
        """The text in one language (``"zh"`` or ``"en"``), as a sentence."""
        text = self._fill(language)
        template = CATALOGUE.get(self.key, {}).get(language, "")
        # "{what} is None" starts with a lower-case part such as "the gradient".
        if language == "en" and template.startswith("{"):
            return text[:1].upper() + text[1:]
        return text

    def _fill(self, language: str) -> str:
        entry = CATALOGUE.get(self.key)
        if entry is None:
            return self.key
        # Parts stay lower case: "the gradient" inside a sentence.
        values = {
            name: value._fill(language) if isinstance(value, Message) else value
            for name, value in self.params.items()
        }
        try:
            return entry[language].format(**values)
        except (KeyError, IndexError, ValueError):
            return entry[language]

    def texts(self) -> list[tuple[str, str]]:
        """``(language, text)`` for every language currently shown."""
        return [(lang, self.render(lang)) for lang in languages_shown()]

    def __str__(self) -> str:
        return "\n".join(text for _, text in self.texts())


def msg(key: str, **params: Any) -> Message:
    """Shorthand for ``Message(key, params)``."""
    return Message(key, params)


def placeholders(text: str) -> set[str]:
    """Names of the ``{placeholders}`` in a catalogue text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def catalogue_problems() -> list[str]:
    """Keys whose two languages are missing, empty or use different placeholders."""
    problems = []
    for key, entry in CATALOGUE.items():
        zh, en = entry.get("zh", "").strip(), entry.get("en", "").strip()
        if not zh or not en:
            problems.append(f"{key}: missing {'zh' if not zh else 'en'}")
        elif placeholders(zh) != placeholders(en):
            problems.append(f"{key}: placeholders differ {placeholders(zh)} vs {placeholders(en)}")
        extra = set(entry) - {"zh", "en"}
        if extra:
            problems.append(f"{key}: unexpected languages {sorted(extra)}")
    return problems
