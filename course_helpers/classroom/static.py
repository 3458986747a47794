"""Checks the grader makes on a submission's source, outside the kernel.

Some answers pass every check on their outputs while doing none of the work: an optimizer
class whose ``step()`` builds a ``torch.optim.SGD`` and calls it gives torch's own numbers.
No output can tell, and whatever runs in the kernel the student controls, so the grader reads
the source instead. Starting from what an answer cell defines, it follows every name the
answer uses to the student's other definitions, in any cell, and looks for the forbidden
uses a lesson names.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from nbformat import NotebookNode

from course_helpers.classroom import cells


@dataclass(frozen=True)
class Rule:
    """Questions whose answers must do the work themselves, not hand it to a module."""

    questions: tuple[str, ...]
    module: str                  # e.g. "torch.optim"
    allowed: frozenset[str]      # names of that module an answer may use


RULES: dict[str, Rule] = {
    # The custom optimizers subclass torch.optim.Optimizer; torch's own optimizers and their
    # functional forms would do the work for them.
    "05_custom_optimizers": Rule(("q1", "q2", "q3"), "torch.optim", frozenset({"Optimizer"})),
}
# Ways to reach any module by a name the source does not spell out.
_DYNAMIC = frozenset({"__import__", "import_module", "eval", "exec", "compile"})


def delegations(lesson: str, notebook: NotebookNode) -> dict[str, str]:
    """question -> the forbidden use its answer reaches (only questions that have one).

    Every lesson: an answer must not reach the course's own package (``ex.q2.reference``,
    ``import course_helpers.key…``), run code it builds at run time (``exec``, ``eval``,
    ``__import__``), read files or the interpreter's internals. A lesson may add a rule of
    its own (:data:`RULES`).
    """
    rule = RULES.get(lesson)
    every = [cell for cell in notebook.cells if cell.cell_type == "code"]
    student = [cell for cell in every if not cells.is_protected(cell)]
    definitions: dict[str, list[ast.AST]] = {}
    trees = {id(cell): _parse(cell.source) for cell in every}
    for cell in student:
        tree = trees[id(cell)]
        for node in tree.body if tree else []:
            for name in _defined(node):
                definitions.setdefault(name, []).append(node)
    parsed = [t for t in trees.values() if t]
    course = _course_names(parsed)
    bound = _bound_modules(parsed)
    aliases = _module_aliases(parsed, rule.module) if rule else set()
    # What the cells run by themselves, following their own helpers but not the answers
    # (an answer's code is judged as the answer).
    helpers: dict[str, list[ast.AST]] = {}
    for cell in student:
        tree = trees[id(cell)]
        if tree is not None and not cells.is_answer(cell):
            for node in tree.body:
                for name in _defined(node):
                    helpers.setdefault(name, []).append(node)
    anywhere = next((use for cell in student if trees[id(cell)]
                     for use in _run_time_code(trees[id(cell)], helpers)), None)
    found: dict[str, str] = {}
    for cell in student:
        question = (cells.grade_id(cell) or "").removesuffix("-solution")
        tree = trees[id(cell)]
        if not cells.is_answer(cell) or not question or tree is None:
            continue
        if anywhere:
            found[question] = anywhere
            continue
        # The test cell calls the answer by name: every definition of that name counts.
        start: list[ast.AST] = list(tree.body)
        for node in tree.body:
            for name in _defined(node):
                start += [d for d in definitions.get(name, []) if d not in start]
        for node, local in _reachable(start, definitions):
            use = _reaches_course(node, course, local, bound)
            if use is None and rule is not None and question in rule.questions:
                use = _forbidden(node, rule, aliases)
            if use:
                found[question] = use
                break
    return found


# Modules that reach code, frames or objects the source does not name; no exercise needs them.
_INTERNALS = frozenset({
    "builtins", "code", "codeop", "ctypes", "gc", "importlib", "inspect", "linecache",
    "marshal", "mmap", "pickle", "pkgutil", "runpy", "shelve", "subprocess", "zipimport",
})
# Parts of ordinary modules that load modules, walk frames or read files.
_MODULE_PARTS = frozenset({
    "sys.modules", "sys._getframe", "sys.meta_path", "sys.path_hooks", "sys.settrace",
    "sys.setprofile", "sys.path_importer_cache", "sys._current_frames", "sys.exc_info",
    "sys.exception", "sys.last_traceback", "sys.last_exc", "os.popen", "os.system", "os.read",
    "os.open", "os.fdopen", "os.listdir", "os.scandir", "os.walk", "io.open", "io.FileIO",
})
_READS = frozenset({"read_text", "read_bytes"})
_CALLS = frozenset({"open", "globals", "locals", "vars", "breakpoint", "input", "dir"})
_ATTRIBUTE_CALLS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
_DUNDERS = frozenset({
    "__globals__", "__builtins__", "__subclasses__", "__code__", "__closure__", "__loader__",
    "__spec__", "__file__", "__import__", "__dict__", "__getattribute__", "__reduce__",
    "__reduce_ex__", "__self__", "__func__", "__wrapped__", "__module__",
})
_FRAMES = frozenset({"f_globals", "f_locals", "f_back", "f_builtins", "gi_frame", "tb_frame",
                     "cr_frame"})


def _course_names(trees: Iterable[ast.Module]) -> set[str]:
    """Names bound to the course package or anything imported from it (``ch``, ``ex``)."""
    names = {"course_helpers"}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {a.asname or a.name.split(".")[0] for a in node.names
                          if a.name.split(".")[0] == "course_helpers"}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == (
                    "course_helpers"):
                names |= {a.asname or a.name for a in node.names}
    return names


def _bound_modules(trees: Iterable[ast.Module]) -> dict[str, str]:
    """Names bound by imports, with what they stand for (``s`` -> ``sys``, ``m`` ->
    ``sys.modules``)."""
    bound: dict[str, str] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    bound[a.asname or a.name.split(".")[0]] = a.name if a.asname else (
                        a.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module:
                for a in node.names:
                    bound[a.asname or a.name] = f"{node.module}.{a.name}"
    return bound


def _run_time_code(tree: ast.Module, definitions: dict[str, list[ast.AST]]) -> Iterator[str]:
    """Code built at run time, or an import of the key, run by a cell's own statements.

    Such code can rebind any answer's name, so it counts against every answer; inside a
    function that no cell runs it is judged only where an answer reaches it.
    """
    start: list[ast.AST] = [node for node in tree.body if not isinstance(
        node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
    for node, _ in _reachable(start, definitions):
        if isinstance(node, ast.Call):
            called = _dotted(node.func) or ""
            if called.rsplit(".", 1)[-1] in _DYNAMIC:
                yield called
        elif isinstance(node, ast.Import | ast.ImportFrom):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""])
            for module in modules:
                if module.startswith(("course_helpers.key", "course_helpers.classroom")):
                    yield f"import {module}"


def _reaches_course(node: ast.AST, course: set[str], local: set[str],
                    bound: dict[str, str]) -> str | None:
    """How ``node`` reaches the course package or the interpreter's internals, or None."""
    if isinstance(node, ast.Attribute):
        if node.attr in _DUNDERS or node.attr in _FRAMES or node.attr in _READS:
            return _dotted(node) or node.attr
        name = _dotted(node)
        head, _, rest = (name or "").partition(".")
        if name and head in course and head not in local:
            return name
        if name and head in bound and head not in local:
            full = ".".join(filter(None, [bound[head], rest]))
            if any(full == part or full.startswith(part + ".") for part in _MODULE_PARTS):
                return name
    elif isinstance(node, ast.Name) and node.id not in local:
        if node.id in course:
            return node.id
        if bound.get(node.id) in _MODULE_PARTS:
            return node.id
    elif isinstance(node, ast.Import | ast.ImportFrom):
        modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                   else [node.module or ""])
        for module in modules:
            top = module.split(".")[0]
            if top == "course_helpers" or top in _INTERNALS:
                return f"import {module}"
    elif isinstance(node, ast.Call):
        called = _dotted(node.func) or ""
        if called in _CALLS or called.rsplit(".", 1)[-1] in _DYNAMIC:
            return called
        if called in _ATTRIBUTE_CALLS and len(node.args) >= 2:
            attribute = node.args[1]
            if not (isinstance(attribute, ast.Constant) and isinstance(attribute.value, str)):
                return f"{called}(…)"
            if attribute.value.startswith("__") or attribute.value in _FRAMES:
                return f"{called}(…, {attribute.value!r})"
    return None


def _parse(source: str) -> ast.Module | None:
    # IPython magics and shell escapes are not Python; they cannot define an answer.
    lines = ["" if line.lstrip().startswith(("%", "!")) else line
             for line in source.splitlines()]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _defined(node: ast.AST) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    return []


def _reachable(start: list[ast.AST], definitions: dict[str, list[ast.AST]]
               ) -> Iterator[tuple[ast.AST, set[str]]]:
    """Every node of ``start`` and of the student's definitions it uses, once, with the
    names local to the definition it belongs to."""
    seen: set[int] = set()
    todo: list[ast.AST] = list(start)
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        # A function's own variables are not the student's module-level names.
        local = set()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            local = {n.id for n in ast.walk(node)
                     if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
            local |= {a.arg for a in ast.walk(node) if isinstance(a, ast.arg)}
        for inner in ast.walk(node):
            yield inner, local
            if isinstance(inner, ast.Name) and inner.id in definitions and (
                    inner.id not in local or node in definitions[inner.id]):
                todo.extend(definitions[inner.id])


def _module_aliases(trees: Iterable[ast.Module], module: str) -> set[str]:
    """Names bound to ``module`` itself, such as ``o`` in ``import torch.optim as o``."""
    parent, _, leaf = module.rpartition(".")
    aliases = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                aliases |= {a.asname for a in node.names if a.name == module and a.asname}
            elif isinstance(node, ast.ImportFrom) and node.module == parent:
                aliases |= {a.asname or a.name for a in node.names if a.name == leaf}
            elif isinstance(node, ast.Assign) and _dotted(node.value) == module:
                aliases |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return aliases


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return None


def _forbidden(node: ast.AST, rule: Rule, aliases: set[str]) -> str | None:
    """The forbidden use ``node`` makes, spelled as in the source, or None."""
    prefix = rule.module + "."
    if isinstance(node, ast.Attribute):
        name = _dotted(node)
        if name is None:
            return None
        head, _, rest = name.partition(".")
        full = f"{rule.module}.{rest}" if head in aliases and rest else name
        if full.startswith(prefix) and full[len(prefix):].split(".")[0] not in rule.allowed:
            return name
    elif isinstance(node, ast.ImportFrom) and node.module and (
            node.module == rule.module or node.module.startswith(prefix)):
        names = {a.name for a in node.names}
        if node.module != rule.module or names - rule.allowed:
            return f"from {node.module} import {', '.join(sorted(names))}"
    elif isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.startswith(prefix):
                return f"import {alias.name}"
    elif isinstance(node, ast.Call):
        called = _dotted(node.func) or ""
        if called.rsplit(".", 1)[-1] in _DYNAMIC:
            return called
        if called in ("getattr", "vars") and node.args and (
                _dotted(node.args[0]) in aliases | {rule.module}):
            return f"{called}({_dotted(node.args[0])}, …)"
    return None
