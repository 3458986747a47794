"""The assessed edition: installed on its own, it checks as the self-study edition does and holds
nothing that computes an answer.

The edition is built with ``course-helpers release --assessed``, installed with pip into an
environment that sees the course's dependencies but not this checkout, and probed there: what
it installed, which course modules a kernel loads, and the outcome of every right answer (the
solution cells) and every typical wrong one (``tests/submissions``) on the visible checks.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import nbformat
import pytest

from course_helpers import checkdata
from course_helpers.course import lessons, source_notebook
from course_helpers.lessons import FOLDERS, declared_lessons, lesson_module
from tests.conftest import ROOT
from tests.submissions import by_lesson

MODULE_OF = FOLDERS


def _imports(notebook: nbformat.NotebookNode) -> str:
    """The notebook's own import lines (not the course's), for a namespace like the lesson's."""
    lines = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            if line.startswith(("import ", "from ")) and "course_helpers" not in line:
                lines.append(line)
    return "\n".join(dict.fromkeys(lines))


def _answers() -> list[dict[str, object]]:
    """Every solution cell (right) and every typical mistake (wrong), with its question."""
    found = []
    mistakes = by_lesson()
    for folder in lessons(ROOT):
        module = lesson_module(MODULE_OF[folder])
        notebook = nbformat.read(source_notebook(ROOT, folder), as_version=4)
        prelude = _imports(notebook)
        cells = {c.metadata["nbgrader"]["grade_id"]: c.source for c in notebook.cells
                 if c.metadata.get("nbgrader", {}).get("solution")}
        for question in module.QUESTIONS:
            grade_id = f"q{question.number}-solution"
            sources = [("right", cells[grade_id])]
            if grade_id in mistakes.get(folder, {}):
                sources.append(("wrong", mistakes[folder][grade_id][0]))
            for kind, source in sources:
                found.append({"lesson": module.__name__.rsplit(".", 1)[-1],
                              "number": int(question.number), "function": question.function,
                              "kind": kind, "prelude": prelude, "source": source})
    return found


# Runs in the student's environment: plain data in, plain data out.
PROBE = textwrap.dedent('''
    import importlib.util, json, sys
    answers = json.loads(sys.stdin.read())
    import course_helpers
    from course_helpers.lessons import declared_lessons, lesson_module
    from course_helpers.outcome import Status

    def shown(outcome):
        return [outcome.status.value, [d.render("zh") + " | " + d.render("en")
                                       for d in outcome.details]]

    report = {"package": course_helpers.__file__, "outcomes": [], "questions": {}}
    for name in ("course_helpers.key", "course_helpers.classroom", "course_helpers.instructor"):
        report[name] = importlib.util.find_spec(name) is not None
    for answer in answers:
        namespace = {}
        exec(answer["prelude"], namespace)
        exec(answer["source"], namespace)
        question = lesson_module(answer["lesson"]).QUESTIONS[answer["number"] - 1]
        report["outcomes"].append(shown(question.evaluate(namespace[answer["function"]])))
    for lesson in declared_lessons():
        for question in lesson_module(lesson).QUESTIONS:
            stub = lambda *args: None
            report["questions"][question.key] = {
                "attributes": sorted(n for n in ("solution", "reference", "hidden", "expect")
                                     if hasattr(question, n) or n in dir(question)),
                "hidden": shown(question.evaluate(stub, hidden=True)),
            }
    report["modules"] = {name: getattr(module, "__file__", None)
                         for name, module in sorted(sys.modules.items())
                         if name.startswith("course_helpers")}
    print(json.dumps(report))
''')


def _outcome(question, answer: dict[str, object]) -> list[object]:
    namespace: dict[str, object] = {}
    exec(str(answer["prelude"]), namespace)
    exec(str(answer["source"]), namespace)
    outcome = question.evaluate(namespace[str(answer["function"])])
    return [outcome.status.value,
            [d.render("zh") + " | " + d.render("en") for d in outcome.details]]


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    """The assessed edition, written by the command an instructor runs."""
    into = tmp_path_factory.mktemp("handout") / "assessed"
    done = subprocess.run([sys.executable, "-m", "course_helpers.instructor.cli", "release",
                           "--assessed", "--into", str(into)], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    return into


@pytest.fixture(scope="module")
def student(edition: Path, tmp_path_factory) -> Path:
    """A Python environment with the edition pip-installed and the course's dependencies,
    in which this checkout (and so the answer key) cannot be imported."""
    env = tmp_path_factory.mktemp("student") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    python = env / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # The dependencies come from this environment's site-packages, read as a plain folder:
    # its .pth files (among them the editable install of this checkout) are not processed.
    (site / "course-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                                "--target", str(site), str(edition)],
                               capture_output=True, text=True, check=False)
    assert installed.returncode == 0, installed.stderr[-2000:]
    return python


@pytest.fixture(scope="module")
def probe(student: Path) -> dict[str, object]:
    answers = _answers()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run([str(student), "-c", PROBE], input=json.dumps(answers), cwd="/",
                          env=env, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["answers"] = answers
    return report


def test_the_edition_holds_notebooks_package_and_install_file(edition: Path):
    assert sorted(p.name for p in (edition / "notebooks").iterdir()) == lessons(ROOT)
    package = edition / "course_helpers"
    assert (edition / "pyproject.toml").is_file() and (package / "edition.json").is_file()
    for left_out in ("key", "classroom", "instructor", "glossary.toml"):
        assert not (package / left_out).exists(), left_out
    edition_file = json.loads((package / "edition.json").read_text())
    assert edition_file["edition"] == "assessed" and edition_file["hints"] is True
    assert edition_file["check_data"] == checkdata.read_manifest()


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_no_reference_source_or_solution_text_is_in_the_edition(edition: Path):
    # Hints quote a line of a solution, and the pictures run a training loop of their own (two
    # idiomatic lines such as backward() then a no_grad update); three statements of a
    # solution in a row would be the solution itself. The notebooks teach with code of their
    # own and are left out.
    texts = {path: _squeezed(path.read_text(encoding="utf-8", errors="replace"))
             for path in (edition / "course_helpers").rglob("*") if path.is_file()
             and path.suffix in (".py", ".json", ".toml", ".md", ".txt")}
    windows = 0
    for lesson in declared_lessons():
        for question in lesson_module(lesson).QUESTIONS:
            source = textwrap.dedent(inspect.getsource(question.reference))
            for node in ast.walk(ast.parse(source)):
                statements = getattr(node, "body", None)
                if not isinstance(statements, list):
                    continue  # a lambda's or an if-expression's body is one expression
                body = [n for n in statements if isinstance(n, ast.stmt)
                        and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
                for start in range(len(body) - 2):
                    window = _squeezed("".join(ast.unparse(n) for n in body[start:start + 3]))
                    windows += 1
                    for path, text in texts.items():
                        assert window not in text, (question.key, path, window)
    assert windows > 20


def test_check_data_holds_only_the_visible_cases(edition: Path):
    for lesson in declared_lessons():
        data = (edition / "course_helpers" / "checkdata" / f"{lesson}.safetensors").read_bytes()
        name, expectations = checkdata.decode(data)
        assert name == lesson
        questions = lesson_module(lesson).QUESTIONS
        assert {n: len(cases) for n, cases in expectations.items()} == {
            int(q.number): len(q.visible) for q in questions}


def test_the_student_environment_cannot_import_the_key(probe, edition: Path):
    assert Path(str(probe["package"])).is_relative_to(Path(str(probe["package"])).parents[1])
    assert str(ROOT) not in str(probe["package"])
    assert probe["course_helpers.key"] is False
    assert probe["course_helpers.classroom"] is False
    assert probe["course_helpers.instructor"] is False
    for name, path in probe["modules"].items():
        assert ".key" not in name and ".classroom" not in name, name
        assert path is None or str(ROOT) not in path, (name, path)


def test_the_students_jupyterlab_is_set_up_as_the_readme_says(student: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    done = subprocess.run([str(student), "-m", "course_helpers.lab_setup", "student"], cwd="/",
                          env=env, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    config = student.parents[1] / "etc" / "jupyter" / "labconfig" / "page_config.json"
    disabled = json.loads(config.read_text())["disabledExtensions"]
    assert any("nbgrader" in name for name in disabled), disabled


def test_solution_reference_and_hidden_cases_do_not_exist(probe):
    questions = probe["questions"]
    assert len(questions) == sum(len(lesson_module(n).QUESTIONS) for n in declared_lessons())
    for key, seen in questions.items():
        assert seen["attributes"] == [], key
        status, details = seen["hidden"]
        assert status == "not_attempted" and "隐藏测试" in details[0], (key, details)


def test_visible_checks_give_the_same_outcome_as_self_study(probe):
    assert len(probe["outcomes"]) == len(probe["answers"])
    kinds = {"right": 0, "wrong": 0}
    for answer, seen in zip(probe["answers"], probe["outcomes"], strict=True):
        question = lesson_module(answer["lesson"]).QUESTIONS[answer["number"] - 1]
        assert seen == _outcome(question, answer), (answer["lesson"], answer["number"])
        expected = "correct" if answer["kind"] == "right" else "incorrect"
        assert seen[0] == expected, (answer["lesson"], answer["number"], seen)
        kinds[str(answer["kind"])] += 1
    assert kinds["right"] >= 30 and kinds["wrong"] >= 6


KERNEL_PROBE = textwrap.dedent('''
    import importlib.util as _u, json as _j, sys as _s
    print("PROBE" + _j.dumps({
        "modules": {n: getattr(m, "__file__", None) for n, m in sorted(_s.modules.items())
                    if n.startswith("course_helpers")},
        "key": _u.find_spec("course_helpers.key") is not None,
        "solution": [hasattr(q, "solution") or hasattr(q, "reference") for q in ex.QUESTIONS],
    }))
''')

RUN_NOTEBOOK = textwrap.dedent('''
    import json, sys
    import nbformat
    from nbclient import NotebookClient
    notebook = nbformat.read(sys.argv[1], as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(sys.stdin.read()))
    NotebookClient(notebook, timeout=120, kernel_name="student", allow_errors=True).execute()
    nbformat.write(notebook, sys.argv[2])
''')


@pytest.mark.notebook
@pytest.mark.parametrize("folder", ["02_autograd", "05_custom_optimizers"])
def test_a_kernel_running_an_assessed_notebook_loads_no_key(student: Path, edition: Path,
                                                            folder: str, tmp_path: Path):
    kernels = tmp_path / "jupyter" / "kernels" / "student"
    kernels.mkdir(parents=True)
    (kernels / "kernel.json").write_text(json.dumps({
        "argv": [str(student), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "student", "language": "python"}))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["JUPYTER_PATH"] = str(tmp_path / "jupyter")
    executed = tmp_path / "executed.ipynb"
    done = subprocess.run([str(student), "-c", RUN_NOTEBOOK,
                           str(edition / "notebooks" / folder / f"{folder}.ipynb"),
                           str(executed)], input=KERNEL_PROBE, cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    notebook = nbformat.read(executed, as_version=4)
    setup = notebook.cells[0]
    assert not [o for o in setup.outputs if o.output_type == "error"], setup.outputs
    text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    report = json.loads(text.split("PROBE", 1)[1])
    assert report["key"] is False and not any(report["solution"])
    assert f"course_helpers.lessons.{MODULE_OF[folder]}" in report["modules"]
    for name, path in report["modules"].items():
        assert ".key" not in name and ".classroom" not in name, name
        assert path is None or str(ROOT) not in path, (name, path)
    # The blank release: every check cell ran and said "not attempted", nothing crashed.
    checks = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert checks
    for cell in checks:
        shown = json.dumps(cell.outputs, ensure_ascii=False)
        assert "尚未作答" in shown or "not attempted" in shown.lower(), shown[:500]
