"""Bilingual parity and nbgrader structure of every notebook, and that the rules can fail."""

from __future__ import annotations

import copy

import nbformat
import pytest

from course_helpers.course import lessons, release_notebook, source_notebook
from course_helpers.instructor.lint import bilingual_problems, grading_problems, lint_notebook
from tests.conftest import ROOT

NOTEBOOKS = [(source_notebook(ROOT, n), True) for n in lessons(ROOT)] + [
    (release_notebook(ROOT, n), False) for n in lessons(ROOT)]


@pytest.mark.parametrize(("path", "source"), NOTEBOOKS, ids=lambda v: getattr(v, "name", ""))
def test_notebook_follows_the_course_rules(path, source):
    assert lint_notebook(path, source=source) == []


@pytest.fixture()
def lesson_notebook():
    return nbformat.read(source_notebook(ROOT, lessons(ROOT)[0]), as_version=4)


def _markdown_index(notebook, tag):
    return next(i for i, c in enumerate(notebook.cells) if tag in c.metadata.get("tags", []))


def test_a_missing_translation_is_caught(lesson_notebook):
    broken = copy.deepcopy(lesson_notebook)
    del broken.cells[_markdown_index(broken, "lang-en")]
    assert any("not followed by its lang-en partner" in p for p in bilingual_problems(broken))


def test_an_untagged_markdown_cell_is_caught(lesson_notebook):
    broken = copy.deepcopy(lesson_notebook)
    broken.cells.insert(2, nbformat.v4.new_markdown_cell("Only English here."))
    assert any("without a lang-zh partner" in p for p in bilingual_problems(broken))


def test_english_left_in_chinese_order_is_caught(lesson_notebook):
    broken = copy.deepcopy(lesson_notebook)
    zh = _markdown_index(broken, "lang-zh")
    broken.cells[zh + 1].source = broken.cells[zh].source
    assert any("lang-en cell contains Chinese" in p for p in bilingual_problems(broken))


def test_chinese_typography_is_checked(lesson_notebook):
    broken = copy.deepcopy(lesson_notebook)
    zh = _markdown_index(broken, "lang-zh")
    broken.cells[zh].source += "\n\n梯度 会累积, 记得清零."
    problems = bilingual_problems(broken)
    assert any("space between Chinese" in p for p in problems)
    assert any("half-width punctuation" in p for p in problems)


def test_grading_metadata_rules_can_fail(lesson_notebook):
    broken = copy.deepcopy(lesson_notebook)
    test_cell = next(c for c in broken.cells if c.metadata.get("nbgrader", {}).get("grade"))
    test_cell.metadata["tags"] = []
    test_cell.source = test_cell.source.split("### BEGIN HIDDEN TESTS")[0]
    broken.cells[0].metadata["nbgrader"]["locked"] = False
    problems = grading_problems(broken, source=True)
    assert any("raises-exception" in p for p in problems)
    assert any("without hidden tests" in p for p in problems)
    assert any("first cell must be the locked setup cell" in p for p in problems)
