"""Which edition of the course is installed: self-study (the default) or assessed.

The assessed edition carries ``edition.json`` beside this file (written by
``course-helpers release --assessed``); the self-study install has none.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_FILE = Path(__file__).with_name("edition.json")


@cache
def edition() -> dict[str, Any]:
    """``{"edition": "self-study" | "assessed", "hints": bool, ...}``."""
    try:
        found = json.loads(_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"edition": "self-study", "hints": True}
    if not isinstance(found, dict):
        return {"edition": "assessed", "hints": False}
    return {"edition": str(found.get("edition", "assessed")),
            "hints": found.get("hints") is True}


def hints_shown() -> bool:
    """Whether ``hint()`` shows the hint (an instructor may switch hints off)."""
    return bool(edition()["hints"])
