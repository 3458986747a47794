"""Structural rules every lesson notebook follows (run by the tests and by ``course-helpers lint``).

- Markdown cells come in adjacent pairs, Chinese first, tagged ``lang-zh`` / ``lang-en``.
- The first cell is the locked setup cell that imports ``course_helpers``.
- Solution and test cells carry the ``raises-exception`` tag; test cells have points and
  hidden tests.
- Solutions are committed with their outputs (nbval compares against them).
- Every markdown cell and every message follows the glossary (``glossary.toml``): one Chinese
  rendering per term, none of the listed variants.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
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


GLOSSARY_FILE = Path(__file__).resolve().parents[1] / "glossary.toml"
# A markdown line carrying this comment quotes other wording on purpose and is not checked.
QUOTE_MARKER = "<!-- glossary: quote -->"
_ASCII_WORD = re.compile(r"[A-Za-z0-9_]")
# An English gloss in full-width parentheses after a Chinese term, such as 轮（epoch）.
_GLOSS = re.compile(r"（[ -~]+）")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")


@dataclass(frozen=True)
class Term:
    """One glossary entry: the English term, its Chinese rendering and the variants to avoid."""

    en: str
    zh: str
    avoid_zh: tuple[str, ...] = ()
    avoid_en: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    pair: bool = False


@cache
def glossary() -> tuple[Term, ...]:
    """The terms of ``glossary.toml``, in file order."""
    data = tomllib.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))
    return tuple(Term(en=t["en"], zh=t["zh"], avoid_zh=tuple(t.get("avoid_zh", ())),
                      avoid_en=tuple(t.get("avoid_en", ())), allow=tuple(t.get("allow", ())),
                      pair=bool(t.get("pair", False)))
                 for t in data["term"])


@cache
def glossary_exceptions() -> frozenset[str]:
    """Message keys that may quote a variant."""
    data = tomllib.loads(GLOSSARY_FILE.read_text(encoding="utf-8"))
    return frozenset(data.get("exceptions", {}).get("messages", ()))


def _checked_text(text: str) -> str:
    """The prose the glossary applies to: no quoted lines, code, formulas, glosses, placeholders."""
    lines = [line for line in text.splitlines() if QUOTE_MARKER not in line]
    prose = _prose("\n".join(lines))
    return _PLACEHOLDER.sub("P", _GLOSS.sub("（G）", prose))


def _variant_at(text: str, variant: str, allow: tuple[str, ...]) -> bool:
    """Whether ``variant`` occurs in ``text`` outside the allowed longer words."""
    allowed = [(m.start(), m.end()) for word in allow for m in re.finditer(re.escape(word), text)]
    for match in re.finditer(re.escape(variant), text, flags=re.I if variant.isascii() else 0):
        start, end = match.span()
        if _ASCII_WORD.match(variant[0]) and start and _ASCII_WORD.match(text[start - 1]):
            continue
        if _ASCII_WORD.match(variant[-1]) and end < len(text) and _ASCII_WORD.match(text[end]):
            continue
        if any(a <= start and end <= b for a, b in allowed):
            continue
        return True
    return False


def glossary_problems(zh: str, en: str) -> list[str]:
    """Glossary variants in a Chinese text and its English partner (either may be empty)."""
    zh_text, en_text = _checked_text(zh), _checked_text(en)
    problems = []
    for term in glossary():
        for variant in term.avoid_zh:
            if _variant_at(zh_text, variant, term.allow):
                problems.append(f"glossary: write {term.zh} for {term.en}, not {variant}")
        for variant in term.avoid_en:
            if _variant_at(en_text, variant, term.allow):
                problems.append(f"glossary: write {term.en}, not {variant}")
        if (term.pair and zh_text and term.zh not in zh_text
                and re.search(r"(?<![A-Za-z0-9_])" + re.escape(term.en), en_text, flags=re.I)):
            problems.append(f"glossary: the English says {term.en}, the Chinese must say "
                            f"{term.zh}")
    return problems


def notebook_glossary_problems(notebook: nbformat.NotebookNode) -> list[str]:
    """Glossary problems of every markdown pair (lang-zh cell and the lang-en cell after it)."""
    problems = []
    cells = notebook.cells
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown" or "lang-en" in _tags(cell):
            continue
        nxt = cells[index + 1] if index + 1 < len(cells) else None
        en = nxt.source if nxt is not None and "lang-en" in _tags(nxt) else ""
        zh = cell.source if "lang-zh" in _tags(cell) else ""
        if not zh:
            en = cell.source
        problems += [f"cell {cell.get('id', index)}: {p}" for p in glossary_problems(zh, en)]
    return problems


def message_glossary_problems(catalogue: dict[str, dict[str, str]] | None = None) -> list[str]:
    """Glossary problems of every message (the whole catalogue unless one is given)."""
    if catalogue is None:
        from course_helpers.messages import CATALOGUE as catalogue
    exempt = glossary_exceptions()
    return [f"{key}: {problem}" for key, entry in catalogue.items() if key not in exempt
            for problem in glossary_problems(entry.get("zh", ""), entry.get("en", ""))]


def glossary_table() -> str:
    """The README's glossary table, generated from ``glossary.toml``."""
    def listed(variants: tuple[str, ...]) -> str:
        return "、".join(variants) if variants else "—"

    rows = ["| 中文 | English | 中文里不用 / not in Chinese | not in English |",
            "|---|---|---|---|"]
    rows += [f"| {t.zh} | {t.en} | {listed(t.avoid_zh)} | {listed(t.avoid_en)} |"
             for t in glossary()]
    return "\n".join(rows)


def lint_notebook(path: Path, *, source: bool) -> list[str]:
    """Every problem found in one notebook, each prefixed with its file name."""
    notebook = nbformat.read(path, as_version=4)
    found = (bilingual_problems(notebook) + grading_problems(notebook, source=source)
             + notebook_glossary_problems(notebook))
    return [f"{path.name}: {problem}" for problem in found]
