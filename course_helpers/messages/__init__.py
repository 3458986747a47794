"""The message catalogue: every key has a Chinese and an English text.

It is one catalogue kept in several files: ``core`` for what every lesson shares, and one
file per lesson for its hints and its own diagnoses. Placeholders such as ``{what}`` must
appear in both languages (a test enforces it). Terms follow ``course_helpers/glossary.toml``
(张量 tensor, 梯度 gradient, 叶子张量 leaf tensor, 轮 epoch, 微批量 micro-batch, ...);
``course-helpers lint`` rejects the variants it lists.
"""

from __future__ import annotations

import importlib
import pkgutil


def _parts() -> list[str]:
    """This folder's modules, then the instructor's texts where they are installed (the
    assessed edition has none)."""
    names = [f"{__name__}.{info.name}"
             for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name)]
    try:
        texts = importlib.import_module("course_helpers.instructor.texts")
    except ModuleNotFoundError as error:
        if not (error.name or "").startswith("course_helpers.instructor"):
            raise
        return names
    return names + [f"{texts.__name__}.{info.name}" for info in
                    sorted(pkgutil.iter_modules(texts.__path__), key=lambda m: m.name)]


def _collect() -> dict[str, dict[str, str]]:
    catalogue: dict[str, dict[str, str]] = {}
    for name in _parts():
        part = importlib.import_module(name).MESSAGES
        clash = set(part) & set(catalogue)
        if clash:
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        catalogue.update(part)
    return catalogue


CATALOGUE: dict[str, dict[str, str]] = _collect()
