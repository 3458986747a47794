"""Sample submissions for the demo and the benchmark, made from the course's own notebooks.

The demo class shows one of everything an instructor meets: right answers, typical mistakes,
an untouched notebook, a renamed file, a damaged file, an endless loop, copied cells and a
student who tries to cheat (:data:`CAST` says who is who). Answers are written into the
student release exactly where a student would write them, and each file is written byte for
byte as built, damage included.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4.rwbase import split_lines

from course_helpers.course import release_notebook, source_notebook

DEMO_LESSON = "02_autograd"

_SWAPPED = """def two_input_grads(a, b):
    a = a.detach().clone().requires_grad_(True)
    b = b.detach().clone().requires_grad_(True)
    (a ** 2 + b ** 2 + a * b).sum().backward()
    return b.grad, a.grad
"""
_SUMMED = """def mean_square_grad(x):
    x = x.detach().clone().requires_grad_(True)
    (x ** 2 + 20).sum().backward()
    return x.grad
"""
_LOOP = """def make_leaf(values):
    while True:  # 死循环 / an endless loop
        pass
make_leaf([1.0])
"""
_CHEAT = """import torch
torch.allclose = lambda *args, **kwargs: True
ex.q2.grade = lambda *args, **kwargs: None
def grad_of_dot(x):
    return x
"""


def solutions(root: Path, lesson: str) -> dict[str, str]:
    """grade_id -> the instructor's answer, for every answer cell of a lesson."""
    notebook = nbformat.read(source_notebook(root, lesson), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def answered(root: Path, lesson: str, answers: dict[str, str]) -> NotebookNode:
    """The student release with the given answer cells filled in."""
    notebook = nbformat.read(release_notebook(root, lesson), as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


def _text(notebook: NotebookNode) -> bytes:
    """The notebook's file exactly as built, in nbformat's own layout.

    Not ``nbformat.writes``: it validates first, and would quietly give a copied cell a new id
    (warning about it on stderr), so the damage a sample shows would never reach the grader.
    """
    as_saved = split_lines(nbformat.from_dict(json.loads(json.dumps(notebook))))
    return (json.dumps(as_saved, ensure_ascii=False, indent=1, sort_keys=True)
            + "\n").encode("utf-8")


def copy_cell(notebook: NotebookNode, index: int) -> NotebookNode:
    """Insert a copy of cell ``index`` after it, id and metadata included, as some editors do."""
    notebook.cells.insert(index + 1, nbformat.from_dict(json.loads(json.dumps(
        notebook.cells[index]))))
    return notebook


def _duplicated(notebook: NotebookNode) -> NotebookNode:
    return copy_cell(notebook, next(i for i, c in enumerate(notebook.cells)
                                    if c.metadata.get("nbgrader", {}).get("grade_id")
                                    == "q6-solution"))


# Who is who in the demo class: student -> (中文, English).
CAST: dict[str, tuple[str, str]] = {
    "alice": ("全部答对", "every answer right"),
    "bob": ("两个典型错误：练习 3 用了 sum() 而不是 mean()，练习 5 把两个梯度的顺序弄反了",
            "two typical mistakes: sum() instead of mean() in exercise 3, the two gradients "
            "swapped in exercise 5"),
    "chen": ("原样交回的空白笔记本", "the blank notebook, handed in untouched"),
    "dana": (f"全部答对，但文件改名成了“{DEMO_LESSON} (1).ipynb”",
             f'every answer right, but the file is renamed "{DEMO_LESSON} (1).ipynb"'),
    "emil": ("文件损坏：只传上来前一半", "a damaged file: only its first half arrived"),
    "fay": ("练习 1 的答案是一个死循环", "an endless loop in the answer to exercise 1"),
    "gus": ("作弊：把 torch.allclose 和 ex.q2.grade 换成永远通过的函数",
            "a cheat: replaces torch.allclose and ex.q2.grade with functions that always pass"),
    "hana": ("全部答对，但复制了练习 6 的答案单元格（两个单元格的 id 相同），还附了一个笔记文件",
             "every answer right, but exercise 6's answer cell is copied (the two cells share "
             "one id), and a notes file came along"),
}


def demo_class(root: Path) -> dict[str, bytes]:
    """File name in the hand-in zip -> its bytes, for the demo's eight students (:data:`CAST`)."""
    right = solutions(root, DEMO_LESSON)
    lesson = DEMO_LESSON

    def with_(**changes: str) -> dict[str, str]:
        return {**right, **{key.replace("_", "-"): value for key, value in changes.items()}}

    truncated = _text(answered(root, lesson, right))
    files: dict[str, Callable[[], bytes]] = {
        f"alice/{lesson}.ipynb": lambda: _text(answered(root, lesson, right)),
        f"bob/{lesson}.ipynb": lambda: _text(answered(root, lesson, with_(
            q3_solution=_SUMMED, q5_solution=_SWAPPED))),
        f"chen/{lesson}.ipynb": lambda: _text(answered(root, lesson, {})),
        f"dana/{lesson} (1).ipynb": lambda: _text(answered(root, lesson, right)),
        f"emil/{lesson}.ipynb": lambda: truncated[: len(truncated) // 2],
        f"fay/{lesson}.ipynb": lambda: _text(answered(root, lesson, with_(q1_solution=_LOOP))),
        f"gus/{lesson}.ipynb": lambda: _text(answered(root, lesson, with_(q2_solution=_CHEAT))),
        f"hana/{lesson}.ipynb": lambda: _text(_duplicated(answered(root, lesson, right))),
        "hana/notes.txt": lambda: "我的笔记 / my notes\n".encode(),
    }
    return {name: make() for name, make in files.items()}


def as_zip(files: dict[str, bytes]) -> bytes:
    """The files packed as a course platform would hand them over."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def benchmark_class(root: Path, lessons: list[str], size: int) -> dict[str, bytes]:
    """``size`` students per lesson: right, blank and half-done notebooks in turn."""
    files = {}
    for lesson in lessons:
        right = solutions(root, lesson)
        half = dict(list(right.items())[: len(right) // 2])
        for number in range(size):
            answers = (right, {}, half)[number % 3]
            files[f"student{number:02d}/{lesson}.ipynb"] = _text(answered(root, lesson, answers))
    return files
