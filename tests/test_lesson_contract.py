"""What every declared lesson promises the core: one copy of each reference, fresh check data,
names from the order of declaration, and a key kept apart from what the student imports."""

from __future__ import annotations

import ast
import inspect
import json
import textwrap
from pathlib import Path

import pytest

from course_helpers import checkdata
from course_helpers.key import compile_lesson
from course_helpers.lessons import FOLDERS, declared_lessons, lesson_module

ROOT = Path(__file__).resolve().parents[1]
LESSONS = declared_lessons()
FOLDER_OF = {name: folder for folder, name in FOLDERS.items()}


def _without_docstring(node: ast.AST) -> str:
    for item in ast.walk(node):
        body = getattr(item, "body", None)
        if (isinstance(item, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            item.body = body[1:] or [ast.Pass()]
    return ast.dump(node, include_attributes=False)


def _solution_definitions(lesson: str) -> dict[str, str]:
    folder = FOLDER_OF[lesson]
    notebook = json.loads((ROOT / "solutions" / folder / f"{folder}.ipynb").read_text("utf-8"))
    found: dict[str, str] = {}
    for cell in notebook["cells"]:
        if not cell["metadata"].get("nbgrader", {}).get("solution"):
            continue
        for node in ast.parse("".join(cell["source"])).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                found[node.name] = _without_docstring(node)
    return found


def test_every_lesson_is_declared():
    assert LESSONS == list(FOLDERS.values())


@pytest.mark.parametrize("lesson", LESSONS)
def test_reference_is_the_solution_cell(lesson):
    solutions = _solution_definitions(lesson)
    for question in lesson_module(lesson).QUESTIONS:
        source = textwrap.dedent(inspect.getsource(question.reference))
        assert question.function == question.reference.__name__
        assert question.function in solutions, question.function
        assert _without_docstring(ast.parse(source).body[0]) == solutions[question.function], (
            f"{lesson} {question.name}: the key's {question.function} differs from the "
            "solution cell")


@pytest.mark.parametrize("lesson", LESSONS)
def test_names_follow_the_order_of_declaration(lesson):
    module = lesson_module(lesson)
    for number, question in enumerate(module.QUESTIONS, start=1):
        assert getattr(module, f"q{number}") is question
        assert (question.name, question.number) == (f"ex.q{number}", str(number))
        assert question.key.endswith(f".q{number}") and question.lesson == lesson


@pytest.mark.parametrize("lesson", LESSONS)
def test_check_data_is_compiled_from_the_key(lesson):
    path = checkdata.FOLDER / f"{lesson}.safetensors"
    assert path.read_bytes() == compile_lesson(lesson), "run: course-helpers release"
    assert checkdata.read_manifest()[path.name] == checkdata.checksum(path.read_bytes())


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_lesson_module_holds_no_key(lesson):
    source = inspect.getsource(lesson_module(lesson))
    assert "course_helpers.key" not in source
    for question in lesson_module(lesson).QUESTIONS:
        assert f"def {question.function}(" not in source
        assert f"class {question.function}(" not in source
