"""Structural rules every lesson notebook follows (run by the tests and by ``course-helpers lint``).

- Markdown cells come in adjacent pairs, Chinese first, tagged ``lang-zh`` / ``lang-en``.
- The first cell is the locked setup cell that imports ``course_helpers``.
- Solution and test cells carry the ``raises-exception`` tag; test cells have points and
  hidden tests.
- Solutions are committed with their outputs (nbval compares against them).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPACE_BETWEEN_CJK = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")
_ASCII_PUNCT_AFTER_CJK = re.compile(r"[\u4e00-\u9fff][,;:!?](?=\s|$)|[\u4e00-\u9fff]\.(?=\s|$)")


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _nbgrader(cell: nbformat.NotebookNode) -> dict:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def _prose(source: str) -> str:
    """Markdown without code spans and fenced blocks, where Chinese typography applies."""
    source = re.sub(r"```.*?```", "C", source, flags=re.S)
    source = re.sub(r"\$\$.*?\$\$", "C", source, flags=re.S)
    source = re.sub(r"\$[^$\n]+\$", "C", source)
    return re.sub(r"`[^`\n]*`", "C", source)


def bilingual_problems(notebook: nbformat.NotebookNode) -> list[str]:
    """Markdown cells without their partner in the other language, or in the wrong order."""
    problems = []
    cells = notebook.cells
    index = 0
    while index < len(cells):
        cell = cells[index]
        if cell.cell_type != "markdown":
            index += 1
            continue
        ident = cell.get("id", index)
        nxt = cells[index + 1] if index + 1 < len(cells) else None
        if "lang-zh" not in _tags(cell):
            problems.append(f"cell {ident}: markdown without a lang-zh partner before it")
            index += 1
            continue
        if nxt is None or nxt.cell_type != "markdown" or "lang-en" not in _tags(nxt):
            problems.append(f"cell {ident}: lang-zh cell not followed by its lang-en partner")
            index += 1
            continue
        if not _CJK.search(cell.source):
            problems.append(f"cell {ident}: lang-zh cell has no Chinese text")
        if _CJK.search(_prose(nxt.source)):
            problems.append(f"cell {nxt.get('id', index + 1)}: lang-en cell contains Chinese")
        if len(nxt.source.strip()) == 0:
            problems.append(f"cell {nxt.get('id', index + 1)}: lang-en cell is empty")
        zh_heads = re.findall(r"^(#+) ", cell.source, flags=re.M)
        en_heads = re.findall(r"^(#+) ", nxt.source, flags=re.M)
        if zh_heads != en_heads:
            problems.append(f"cell {ident}: headings differ between the languages")
        prose = _prose(cell.source)
        if _SPACE_BETWEEN_CJK.search(prose):
            problems.append(f"cell {ident}: space between Chinese characters")
        if _ASCII_PUNCT_AFTER_CJK.search(prose):
            problems.append(f"cell {ident}: half-width punctuation after Chinese text")
        index += 2
    return problems


def grading_problems(notebook: nbformat.NotebookNode, *, source: bool) -> list[str]:
    """nbgrader metadata and tags; ``source`` adds the rules for solutions/."""
    problems = []
    cells = notebook.cells
    if not cells:
        return ["notebook has no cells"]
    first = cells[0]
    meta = _nbgrader(first)
    if not (first.cell_type == "code" and meta.get("locked") and meta.get("grade_id") == "setup"
            and "import course_helpers" in first.source
            and "%load_ext course_helpers" in first.source):
        problems.append("first cell must be the locked setup cell importing course_helpers "
                        "and loading its extension")
    ids = [cell.get("id") for cell in cells]
    if len(set(ids)) != len(ids):
        problems.append("duplicate cell ids")
    grade_ids = [_nbgrader(c).get("grade_id") for c in cells if _nbgrader(c).get("grade_id")]
    if len(set(grade_ids)) != len(grade_ids):
        problems.append("duplicate nbgrader grade_id")
    tests = 0
    for cell in cells:
        meta = _nbgrader(cell)
        ident = cell.get("id")
        if cell.cell_type == "code" and (meta.get("solution") or meta.get("grade")):
            if "raises-exception" not in _tags(cell):
                problems.append(f"cell {ident}: solution/test cell needs the raises-exception tag")
        if cell.cell_type == "code" and meta.get("grade"):
            tests += 1
            if not meta.get("points"):
                problems.append(f"cell {ident}: test cell without points")
            if not meta.get("locked"):
                problems.append(f"cell {ident}: test cell is not locked")
            if source and "### BEGIN HIDDEN TESTS" not in cell.source:
                problems.append(f"cell {ident}: test cell without hidden tests")
        if source and meta.get("solution") and "### BEGIN SOLUTION" not in cell.source:
            problems.append(f"cell {ident}: solution cell without ### BEGIN SOLUTION")
        if source and cell.cell_type == "code" and cell.get("execution_count") is None:
            problems.append(f"cell {ident}: solution notebook stored without outputs")
    if tests == 0:
        problems.append("no graded test cells")
    return problems


def lint_notebook(path: Path, *, source: bool) -> list[str]:
    """Every problem found in one notebook, each prefixed with its file name."""
    notebook = nbformat.read(path, as_version=4)
    found = bilingual_problems(notebook) + grading_problems(notebook, source=source)
    return [f"{path.name}: {problem}" for problem in found]
