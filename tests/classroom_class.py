"""A class of lesson-02 submissions covering every robustness case and every cheat.

Each student maps to (how the notebook is made, the expected score out of 12, the expected
failure key or None). Right answers come from the instructor's notebook; each case changes
only what it is about.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import nbformat

from course_helpers.classroom.samples import answered, copy_cell, solutions
from tests.conftest import ROOT

LESSON = "02_autograd"
RIGHT = solutions(ROOT, LESSON)
WRONG_Q2 = "def grad_of_dot(x):\n    return x\n"

# The kernel reports what it can see of the course around it.
SNOOP = '''import os, sqlite3
from pathlib import Path
here = Path.cwd()
seen = [str(d) for d in (here, *here.parents)
        for name in ("solutions", "gradebook.db", "nbgrader_config.py", "submitted")
        if (d / name).exists()]
seen += [k for k, v in os.environ.items() if "course" in v and "solutions" in v]
for d in (here, *here.parents):
    if (d / "gradebook.db").exists():
        with sqlite3.connect(d / "gradebook.db") as db:
            db.execute("UPDATE grade SET manual_score = 2")
print("course files in sight:", seen)
''' + WRONG_Q2

# The attack that once rewrote a whole class's grades: follow every process's working folder
# up to a gradebook and raise every score; then read the key and the class's work by the
# absolute paths an instructor's course uses (@COURSE@ is the course folder).
PROC = '''import glob, os, sqlite3
from pathlib import Path
reached = []
places = [Path("@COURSE@")]
for entry in Path("/proc").iterdir():
    for link in ("cwd", "root"):
        try:
            places.append(Path(os.readlink(entry / link)))
        except OSError:
            pass
for place in places:
    for folder in (place, *place.parents):
        for book in (folder / "gradebook.db", *folder.glob("*/gradebook.db")):
            if book.is_file():
                try:
                    with sqlite3.connect(book) as db:
                        db.execute("UPDATE grade SET manual_score = 2")
                    reached.append(str(book))
                except Exception:
                    pass
for pattern in ("solutions/*/*.ipynb", "submitted/*/*/*.ipynb", "source/*/*.ipynb",
                "autograded/*/*/*.ipynb", ".grading/*/*.json"):
    reached += glob.glob("@COURSE@/" + pattern)
print("reached:", reached)
''' + WRONG_Q2

def _lookup_table() -> str:
    """A table of every input q2 was ever checked on before inputs were drawn per submission
    (the visible cases and the hidden templates, printed by an earlier submission) with the
    right answers typed in: right on those, wrong on anything else."""
    from course_helpers.lessons import autograd

    question = autograd.QUESTIONS[1]
    rows = {tuple(case.args[0].tolist()): (4 * case.args[0]).tolist()
            for case in [*question.visible, *question.hidden_templates()]}
    return (f"_TABLE = {rows!r}\n"
            "def grad_of_dot(x):\n"
            "    found = _TABLE.get(tuple(x.tolist()))\n"
            "    return x if found is None else torch.tensor(found, dtype=x.dtype)\n")


CHEATS = {
    "cheat_allclose": "import torch.testing\n"
                      "torch.allclose = lambda *a, **k: True\n"
                      "torch.equal = lambda *a, **k: True\n"
                      "torch.testing.assert_close = lambda *a, **k: None\n" + WRONG_Q2,
    "cheat_grade": "ex.q2.grade = lambda *a, **k: None\n" + WRONG_Q2,
    "cheat_helpers": "import course_helpers.compare, course_helpers.question\n"
                     "course_helpers.compare.check_tensor = lambda *a, **k: None\n"
                     "course_helpers.question.Question.evaluate = "
                     "lambda self, *a, **k: ch.Outcome(ch.Status.CORRECT, 'ok', ())\n" + WRONG_Q2,
    "cheat_object": "class Agreeable:\n"
                    "    def __eq__(self, other): return True\n"
                    "    def __bool__(self): return True\n"
                    "def grad_of_dot(x):\n    return Agreeable()\n",
    "cheat_subclass": "class Sure(torch.Tensor):\n"
                      "    @classmethod\n"
                      "    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
                      "        return True\n"
                      "def grad_of_dot(x):\n    return x.as_subclass(Sure)\n",
    "cheat_ast": "import ast\n"
                 "class Strip(ast.NodeTransformer):\n"
                 "    def visit_Expr(self, node):\n"
                 "        return None if 'grade' in ast.dump(node) else node\n"
                 "get_ipython().ast_transformers.append(Strip())\n" + WRONG_Q2,
    "cheat_input": "get_ipython().input_transformers_post.append(\n"
                   "    lambda lines: [l for l in lines if 'grade' not in l])\n" + WRONG_Q2,
    "cheat_custom_exc": "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n"
                        + WRONG_Q2,
    "cheat_snoop": SNOOP,
    "cheat_proc": PROC,
    # What the kernel shows can be forged: unregister the course's hooks, then make grade()
    # display the pass marker.
    "cheat_forged_marker": "import course_helpers.question as cq\n"
                           "from IPython.display import display\n"
                           "for event, hooks in get_ipython().events.callbacks.items():\n"
                           "    hooks.clear()\n"
                           "def forged(self, answer, *, hidden=False):\n"
                           "    display({'text/plain': 'ok', 'text/html': '<b>ok</b>',\n"
                           "             'application/vnd.course-helpers.check+json': {\n"
                           "                 'question': self.name, 'key': self.key,\n"
                           "                 'hidden': hidden, 'passed': True}}, raw=True)\n"
                           "type.__setattr__(cq.Question, 'grade', forged)\n" + WRONG_Q2,
    # Every later cell that mentions a check is replaced before it runs.
    "cheat_run_cell": "from IPython.core.interactiveshell import InteractiveShell\n"
                      "_run = InteractiveShell.run_cell\n"
                      "def run_cell(self, raw_cell, *args, **kwargs):\n"
                      "    if 'grade' in raw_cell or 'observe' in raw_cell:\n"
                      "        raw_cell = 'None'\n"
                      "    return _run(self, raw_cell, *args, **kwargs)\n"
                      "InteractiveShell.run_cell = run_cell\n" + WRONG_Q2,
    # A tracer that jumps over every judgement of the checks to their "correct" return.
    "cheat_settrace": "import inspect, sys\n"
                      "import course_helpers.question as cq\n"
                      "_lines, _first = inspect.getsourcelines(cq.Question._verdict)\n"
                      "_ok = _first + next(i for i, l in enumerate(_lines)\n"
                      "                    if 'key = \"outcome.correct' in l)\n"
                      "def tracer(frame, event, arg):\n"
                      "    if frame.f_code is cq.Question._verdict.__code__:\n"
                      "        def jump(frame, event, arg):\n"
                      "            if event == 'line' and frame.f_lineno < _ok:\n"
                      "                try:\n"
                      "                    frame.f_lineno = _ok\n"
                      "                except ValueError:\n"
                      "                    pass\n"
                      "            return jump\n"
                      "        return jump\n"
                      "    return None\n"
                      "sys.settrace(tracer)\n"
                      "import threading\n"
                      "threading.settrace(tracer)\n" + WRONG_Q2,
    # Read the answer key where the course package keeps it, and use its reference.
    "cheat_key_file": "import importlib.util, os\n"
                      "import course_helpers\n"
                      "_path = os.path.join(os.path.dirname(course_helpers.__file__), 'key',\n"
                      "                     'autograd.py')\n"
                      "try:\n"
                      "    _spec = importlib.util.spec_from_file_location('k', _path)\n"
                      "    _key = importlib.util.module_from_spec(_spec)\n"
                      "    _spec.loader.exec_module(_key)\n"
                      "    grad_of_dot = _key.grad_of_dot\n"
                      "except Exception as error:\n"
                      "    print('no key:', type(error).__name__)\n"
                      "    " + WRONG_Q2.replace("\n    ", "\n        "),
    "cheat_lookup": _lookup_table(),
}


def _with(**changes: str) -> dict[str, str]:
    return {**RIGHT, **{k.replace("_", "-"): v for k, v in changes.items()}}


def _notebook(answers: dict[str, str]) -> nbformat.NotebookNode:
    return answered(ROOT, LESSON, answers)


def _raw(notebook: nbformat.NotebookNode) -> str:
    return json.dumps(notebook, indent=1)  # not nbformat.writes: it repairs duplicate ids


def _edited_test(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q2-test":
            cell.source = "pass"
            cell.metadata["nbgrader"]["locked"] = False
            cell.metadata["editable"] = True
    return notebook


def _stripped_test(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "q2-test":
            cell.source = "pass"
            del cell.metadata["nbgrader"]
    return notebook


def _deleted(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    notebook.cells = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get(
        "grade_id") not in ("q5-solution", "q5-test")]
    return notebook


def _duplicated(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    return copy_cell(notebook, next(i for i, c in enumerate(notebook.cells)
                                    if c.metadata.get("nbgrader", {}).get("grade_id")
                                    == "q6-solution"))


Maker = Callable[[], dict[str, str | bytes]]  # file name in the student's folder -> content

_text = nbformat.writes

CLASS: dict[str, tuple[Maker, float, str | None]] = {
    "alice": (lambda: {f"{LESSON}.ipynb": _text(_notebook(RIGHT))}, 12, None),
    "blank": (lambda: {f"{LESSON}.ipynb": _text(_notebook({}))}, 0, None),
    "loop": (lambda: {f"{LESSON}.ipynb": _text(_notebook(_with(
        q1_solution="def make_leaf(values):\n    while True:\n        pass\n")))}, 10, None),
    "loop_no_sigint": (lambda: {f"{LESSON}.ipynb": _text(_notebook(_with(
        q2_solution="import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                    "while True:\n    pass\n")))}, 10, None),
    "kernel_dies": (lambda: {f"{LESSON}.ipynb": _text(_notebook(_with(
        q3_solution="import os\nos._exit(1)\n")))}, 10, None),
    "memory_hog": (lambda: {f"{LESSON}.ipynb": _text(_notebook(_with(
        q4_solution=RIGHT["q4-solution"] + "\nhog = bytearray(6 * 2**30)\n")))}, 12, None),
    "invalid_json": (lambda: {f"{LESSON}.ipynb": _text(_notebook(RIGHT)).replace(
        '"cells": [', '"cells": [}', 1)}, 0, "classroom.invalid_json"),
    "truncated": (lambda: {f"{LESSON}.ipynb": _text(_notebook(RIGHT))[:30000]}, 0,
                  "classroom.truncated"),
    "deleted_cells": (lambda: {f"{LESSON}.ipynb": _raw(_deleted(_notebook(RIGHT)))}, 10, None),
    "duplicated": (lambda: {f"{LESSON}.ipynb": _raw(_duplicated(_notebook(RIGHT)))}, 12, None),
    "renamed": (lambda: {f"{LESSON}-Copy1.ipynb": _text(_notebook(RIGHT))}, 12, None),
    "missing": (lambda: {"notes.txt": "我忘了交 / forgot it"}, 0, "classroom.missing_notebook"),
    "warns": (lambda: {f"{LESSON}.ipynb": _text(_notebook(_with(
        q1_solution="import sys, warnings\n"
                    "def make_leaf(values):\n"
                    "    warnings.warn('float32 is enough here')\n"
                    "    print('debug', file=sys.stderr)\n"
                    "    return torch.tensor(values, dtype=torch.float32, requires_grad=True)\n"
    )))}, 12, None),
    "flood": (lambda: {f"{LESSON}.ipynb": _text(_notebook(_with(
        q6_solution=RIGHT["q6-solution"] + "\nfor i in range(300000):\n    print('spam', i)\n"
    )))}, 12, None),
    "edited_test": (lambda: {f"{LESSON}.ipynb": _text(_edited_test(_notebook(_with(
        q2_solution=WRONG_Q2))))}, 10, None),
    "stripped_test": (lambda: {f"{LESSON}.ipynb": _text(_stripped_test(_notebook(_with(
        q2_solution=WRONG_Q2))))}, 10, None),
    **{name: (lambda source=source: {f"{LESSON}.ipynb": _text(_notebook(_with(
        q2_solution=source)))}, 10, None) for name, source in CHEATS.items()},
}


def hand_in(course: Path, students: list[str] | None = None) -> None:
    """Write the chosen students' files into ``course/submitted``."""
    for student, (make, _, _) in CLASS.items():
        if students is not None and student not in students:
            continue
        folder = course / "submitted" / student / LESSON
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in make().items():
            if isinstance(content, str):
                content = content.replace("@COURSE@", str(course))
            data = content.encode() if isinstance(content, str) else content
            (folder / name).write_bytes(data)


