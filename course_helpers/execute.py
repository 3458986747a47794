"""Re-run a solution notebook and store its outputs (what nbval later compares against)."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat

from course_helpers.kernel_client import notebook_client


def execute_in_place(path: Path, timeout: int = 300) -> None:
    """Execute a notebook top to bottom in its own folder and save it with outputs."""
    notebook = nbformat.read(path, as_version=4)
    # Stored outputs show both languages, whatever the author's own setting.
    previous = os.environ.get("COURSE_LANG")
    os.environ["COURSE_LANG"] = "both"
    try:
        client = notebook_client(notebook, timeout=timeout, kernel_name="python3",
                                 resources={"metadata": {"path": str(path.parent)}},
                                 allow_errors=False, store_widget_state=True)
        client.execute()
    finally:
        if previous is None:
            os.environ.pop("COURSE_LANG", None)
        else:
            os.environ["COURSE_LANG"] = previous
    # Widget state holds the rendered frames of every slider: large and useless on disk.
    notebook.metadata.pop("widgets", None)
    nbformat.write(notebook, path)
