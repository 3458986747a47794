"""Tamper resistance inside the kernel: snapshot what the checks rely on, verify it at check time.

Student code runs in the same kernel as the checks, after the locked setup cell. That cell
imports ``course_helpers`` and the lesson's exercise module before any student code, so at
that moment this module records:

* the namespaces of the ``course_helpers`` modules (each as soon as its import finishes,
  through an import hook; not the instructor's tools, which never run in a student's kernel),
  the dicts of the classes they define, and the ``__code__``, defaults and closure cells of
  their functions;
* every :class:`~course_helpers.question.Question`: its fields, its cases and what they hold
  (tensors by value, lists and dicts by content);
* ``torch``, ``torch.testing``, ``torch.Tensor`` and its C base class, the builtins, the message
  catalogue and the ``sys.modules`` entries of the course;
* in IPython: the input and AST transformers, the custom exception handler (the one the
  ``%load_ext course_helpers`` hints install is ours), the traceback display, and a
  ``pre_run_cell`` hook that runs the same verification before every cell.

:func:`verify` compares all of it by identity (values of case tensors by value), puts the
originals back and returns the names of what had been changed; a check that gets a non-empty
list fails with a bilingual "tampered" message. The comparison is ``operator.is_`` mapped in
C over the saved values, so one verification costs about 0.1–0.2 ms.

Some changes are not tampering: ``set_language`` (``i18n._chosen``), a submodule appearing
on its package, names Python adds by itself (``__warningregistry__``, ``__slotnames__``), and
torch wrapping its own functions (an Optimizer subclass's ``step``, ``torch.manual_seed``
when ``torch._dynamo`` loads). They are accepted into the snapshot.

This cannot stop code that goes after the guard itself (its snapshot objects, ``ctypes``,
``gc``): the grader's pass markers (see :mod:`course_helpers.grading`) cover what is out of
reach here.
"""

from __future__ import annotations

import builtins
import importlib.abc
import sys
import types
import weakref
from itertools import chain, repeat
from operator import attrgetter, is_
from typing import Any

import torch

from course_helpers import trusted

_MISSING = object()
_PREFIX = "course_helpers"

# Instructor tooling: never runs in a student's kernel, and no check calls it.
_INSTRUCTOR = ("course_helpers.classroom", "course_helpers.instructor", "course_helpers.execute")
# Module globals that legitimately change after import.
_STATE: dict[str, frozenset[str]] = {"course_helpers.i18n": frozenset({"_chosen"})}
# Names Python itself adds to a namespace after import.
_LAZY_NAMES = frozenset({"__warningregistry__", "__annotations__", "__slotnames__"})
# Builtins that IPython and ipykernel swap in and out around every cell.
_SHELL_BUILTINS = frozenset({"input", "raw_input", "getpass", "exit", "quit", "get_ipython",
                             "display", "help", "copyright", "credits", "license", "_", "__",
                             "___", "__IPYTHON__", "dreload", "__debug__"})

_CODE = attrgetter("__code__")
_DEFAULTS = attrgetter("__defaults__")
_KWDEFAULTS = attrgetter("__kwdefaults__")
_CONTENTS = attrgetter("cell_contents")
_type_dict = type.__dict__["__dict__"].__get__
_type_mro = type.__dict__["__mro__"].__get__
_type_setattr = type.__setattr__
_type_delattr = type.__delattr__


def _probe(*args: Any, **kwargs: Any) -> None:  # pragma: no cover - never called
    return None


# torch wraps some functions itself, later: an Optimizer subclass's ``step`` on its first
# instance, ``torch.manual_seed`` when ``torch._dynamo`` is first imported. A wrapper made by
# that code around the original function is not tampering.
_TORCH_WRAPPERS = tuple(
    wrap(_probe).__code__
    for wrap in (torch.optim.Optimizer.profile_hook_step, getattr(torch, "_disable_dynamo", None))
    if wrap is not None
)


def _torch_wrapper_of(new: object, old: object) -> bool:
    if type(new) is not types.FunctionType or not any(new.__code__ is c for c in _TORCH_WRAPPERS):
        return False
    for cell in new.__closure__ or ():
        try:
            if cell.cell_contents is old:
                return True
        except ValueError:
            continue
    return False


def _text(key: object) -> str:
    """A key as text without running a student's ``__str__``."""
    return str.__str__(key) if isinstance(key, str) else "<?>"


# ---- the watches --------------------------------------------------------------------------


class _Map:
    """A namespace (module, class or instance dict, plain dict) compared by identity.

    ``strict``: a new key counts as tampering (it could shadow a builtin or a class
    attribute), except submodules of a package and the names Python adds by itself.
    """

    __slots__ = (
        "indexed",
        "keys",
        "label",
        "mapping",
        "owner",
        "prefix",
        "size",
        "state",
        "strict",
        "values",
    )

    def __init__(self, label: str, mapping: Any, *, owner: type | None = None,
                 strict: bool = True, state: frozenset[str] = frozenset(),
                 prefix: str | None = None, indexed: bool = False) -> None:
        self.label, self.mapping, self.owner = label, mapping, owner
        self.strict, self.state, self.prefix, self.indexed = strict, state, prefix, indexed
        self.rebase()

    def rebase(self) -> None:
        self.keys = tuple(self.mapping)
        self.values = tuple(self.mapping.values())
        self.size = len(self.values)

    def intact(self) -> bool:
        # Same size and the same objects in the same order: a key deleted and one added
        # shifts the values. ``is`` never calls a student's ``__eq__``.
        mapping = self.mapping
        return len(mapping) == self.size and all(map(is_, mapping.values(), self.values))

    def _accept_new(self, key: object, value: object) -> bool:
        if not self.strict:
            return True
        if type(key) is not str:
            return False
        if key in _LAZY_NAMES and (type(value) is dict or type(value) is list):
            return True
        return (self.prefix is not None and type(value) is types.ModuleType
                and sys.modules.get(f"{self.prefix}.{key}") is value)

    def _store(self, key: object, value: object) -> None:
        if self.owner is not None:
            _type_setattr(self.owner, key, value)
        else:
            self.mapping[key] = value

    def _delete(self, key: object) -> None:
        if self.owner is not None:
            _type_delattr(self.owner, key)
        else:
            del self.mapping[key]

    def repair(self) -> list[str]:
        live, changed = self.mapping, []
        known = set(map(id, self.keys))
        # New keys first: a look-alike key must go before the original is put back.
        for key in [k for k in list(live) if id(k) not in known]:
            if not self._accept_new(key, live[key]):
                changed.append(key)
                self._delete(key)
        for key, value in zip(self.keys, self.values, strict=True):
            current = live.get(key, _MISSING)
            if current is value or key in self.state:
                continue
            if _torch_wrapper_of(current, value):
                _FUNCTIONS.add(current)
                continue
            changed.append(key)
            self._store(key, value)
        self.rebase()
        if self.indexed:
            return [f"{self.label}[{_text(key)!r}]" for key in changed]
        return [f"{self.label}.{_text(key)}" for key in changed]


class _Picked:
    """Chosen keys of a mapping (a missing key is a value too)."""

    __slots__ = ("form", "keys", "label", "mapping", "values")

    def __init__(self, label: str, mapping: Any, keys: Any, form: str = "{label}.{key}"
                 ) -> None:
        self.label, self.mapping, self.keys, self.form = label, mapping, tuple(keys), form
        self.rebase()

    def rebase(self) -> None:
        self.values = tuple(map(self.mapping.get, self.keys, repeat(_MISSING)))

    def add(self, key: str) -> None:
        if key not in self.keys:
            self.keys += (key,)
            self.rebase()

    def intact(self) -> bool:
        return all(map(is_, map(self.mapping.get, self.keys, repeat(_MISSING)), self.values))

    def repair(self) -> list[str]:
        changed = []
        for key, value in zip(self.keys, self.values, strict=True):
            if self.mapping.get(key, _MISSING) is value:
                continue
            changed.append(self.form.format(label=self.label, key=key))
            if value is _MISSING:
                self.mapping.pop(key, None)
            else:
                self.mapping[key] = value
        return changed


class _Seq:
    """The items of a list, by identity."""

    __slots__ = ("items", "label", "seq")

    def __init__(self, label: str, seq: list[Any]) -> None:
        self.label, self.seq = label, seq
        self.rebase()

    def rebase(self) -> None:
        self.items = tuple(self.seq)

    def intact(self) -> bool:
        seq = self.seq
        return len(seq) == len(self.items) and all(map(is_, seq, self.items))

    def repair(self) -> list[str]:
        list.__setitem__(self.seq, slice(None), self.items)
        return [self.label]


class _TensorValue:
    """A tensor the checks read (a case's input): dtype, shape, flags and values."""

    __slots__ = ("dtype", "kind", "label", "requires_grad", "saved", "shape", "tensor")

    def __init__(self, label: str, tensor: torch.Tensor) -> None:
        self.label, self.tensor, self.kind = label, tensor, type(tensor)
        self.dtype, self.shape = trusted.dtype(tensor), trusted.shape(tensor)
        self.requires_grad = trusted.requires_grad(tensor)
        self.saved = trusted.clone(trusted.detach(tensor))

    def intact(self) -> bool:
        t = self.tensor
        if (type(t) is not self.kind or trusted.dtype(t) is not self.dtype
                or trusted.shape(t) != self.shape
                or trusted.requires_grad(t) is not self.requires_grad):
            return False
        values = trusted.detach(t)
        if trusted.equal(values, self.saved):
            return True
        # NaN is not equal to itself: compare the NaN positions separately.
        nan_here, nan_there = trusted.isnan(values), trusted.isnan(self.saved)
        same = trusted.logical_or(trusted.eq(values, self.saved),
                                  trusted.logical_and(nan_here, nan_there))
        return trusted.item(trusted.all_(same)) is True

    def repair(self) -> list[str]:
        t = self.tensor
        with trusted.no_grad():
            trusted.set_data(t, trusted.clone(self.saved))
        if self.requires_grad is not trusted.requires_grad(t) and trusted.is_leaf(t):
            trusted.requires_grad_(t, self.requires_grad)
        return [self.label]


class _Functions:
    """``__code__``, ``__defaults__``, ``__kwdefaults__`` and closure cells of functions."""

    __slots__ = (
        "cell_names",
        "cells",
        "codes",
        "contents",
        "defaults",
        "fns",
        "kwdefaults",
        "names",
        "seen",
    )

    def __init__(self) -> None:
        self.fns: list[types.FunctionType] = []
        self.names: list[str] = []
        self.codes: list[Any] = []
        self.defaults: list[Any] = []
        self.kwdefaults: list[Any] = []
        self.cells: list[types.CellType] = []
        self.cell_names: list[str] = []
        self.contents: list[Any] = []
        self.seen: set[int] = set()

    def add(self, fn: object, depth: int = 0) -> None:
        if type(fn) is not types.FunctionType or id(fn) in self.seen:
            return
        self.seen.add(id(fn))
        name = f"{fn.__module__}.{fn.__qualname__}"
        self.fns.append(fn)
        self.names.append(name)
        self.codes.append(fn.__code__)
        self.defaults.append(fn.__defaults__)
        self.kwdefaults.append(fn.__kwdefaults__)
        for cell in fn.__closure__ or ():
            try:
                content = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            self.cells.append(cell)
            self.cell_names.append(f"{name}.<closure>")
            self.contents.append(content)
            if depth < 3:
                self.add(content, depth + 1)

    def intact(self) -> bool:
        fns = self.fns
        return (all(map(is_, map(_CODE, fns), self.codes))
                and all(map(is_, map(_DEFAULTS, fns), self.defaults))
                and all(map(is_, map(_KWDEFAULTS, fns), self.kwdefaults))
                and all(map(is_, map(_CONTENTS, self.cells), self.contents)))

    def repair(self) -> list[str]:
        changed = []
        for fn, name, code, defaults, kwdefaults in zip(
                self.fns, self.names, self.codes, self.defaults, self.kwdefaults, strict=True):
            if fn.__code__ is not code:
                changed.append(f"{name}.__code__")
                fn.__code__ = code
            if fn.__defaults__ is not defaults or fn.__kwdefaults__ is not kwdefaults:
                changed.append(f"{name}.__defaults__")
                fn.__defaults__, fn.__kwdefaults__ = defaults, kwdefaults
        for cell, name, content in zip(self.cells, self.cell_names, self.contents, strict=True):
            try:
                same = cell.cell_contents is content
            except ValueError:
                same = False
            if not same:
                changed.append(name)
                cell.cell_contents = content
        return changed


class _Hook:
    """Our ``pre_run_cell`` callback is still registered."""

    __slots__ = ("events",)

    def __init__(self, events: Any) -> None:
        self.events = events

    def intact(self) -> bool:
        return any(cb is _before_cell for cb in self.events.callbacks.get("pre_run_cell", ()))

    def repair(self) -> list[str]:
        self.events.register("pre_run_cell", _before_cell)
        return ["IPython.events.pre_run_cell"]


class _Catalogue:
    """The message catalogue: its entries and each entry's texts."""

    __slots__ = ("entries", "inner", "outer", "texts")

    def __init__(self, catalogue: dict[str, dict[str, str]]) -> None:
        self.outer = _Map("CATALOGUE", catalogue, indexed=True)
        self.inner = [_Map(f"CATALOGUE[{key!r}]", entry, indexed=True)
                      for key, entry in catalogue.items()]
        self.rebase()

    def rebase(self) -> None:
        self.entries = tuple(self.outer.values)
        self.texts = tuple(chain.from_iterable(map(dict.values, self.entries)))

    def intact(self) -> bool:
        return self.outer.intact() and all(
            map(is_, chain.from_iterable(map(dict.values, self.entries)), self.texts))

    def repair(self) -> list[str]:
        changed = self.outer.repair() if not self.outer.intact() else []
        for inner in self.inner:
            if not inner.intact():
                changed += inner.repair()
        self.rebase()
        return changed


# ---- what is watched --------------------------------------------------------------------------

_WATCHES: list[Any] = []  # verified before and after every check
_FUNCTIONS = _Functions()
_MODULES = _Picked("sys.modules", sys.modules, (), form="{label}[{key!r}]")
_REGISTERED: set[str] = set()
_QUESTIONS: dict[int, tuple[weakref.ref[Any], list[Any]]] = {}
_IPYTHON: list[Any] = []
_CUSTOM_EXC: list[_Picked] = []
_NOTEBOOK_NAMES: list[_Picked] = []
_pending: list[str] = []


def _add_class(cls: type, label: str, functions: _Functions) -> _Map:
    namespace = _type_dict(cls)
    for value in namespace.values():
        if isinstance(value, staticmethod | classmethod):
            functions.add(value.__func__)
        elif isinstance(value, property):
            for part in (value.fget, value.fset, value.fdel):
                functions.add(part)
        else:
            functions.add(value)
    return _Map(label, namespace, owner=cls, strict=True)


def _register_module(module: types.ModuleType) -> None:
    name = module.__name__
    if name in _REGISTERED:
        return
    _REGISTERED.add(name)
    namespace = vars(module)
    is_package = hasattr(module, "__path__")
    _WATCHES.append(_Map(name, namespace, state=_STATE.get(name, frozenset()),
                         prefix=name if is_package else None))
    for value in list(namespace.values()):
        if type(value) is types.FunctionType:
            _FUNCTIONS.add(value)
        elif isinstance(value, type) and value.__module__ == name:
            _WATCHES.append(_add_class(value, f"{name}.{value.__qualname__}", _FUNCTIONS))
    catalogue = namespace.get("CATALOGUE")
    if name == f"{_PREFIX}.messages" and type(catalogue) is dict:
        _WATCHES.append(_Catalogue(catalogue))
    _MODULES.add(name)


def _catch_up() -> None:
    """Register the course modules whose import has finished."""
    for name, module in list(sys.modules.items()):
        if name in _REGISTERED or not (name == _PREFIX or name.startswith(_PREFIX + ".")):
            continue
        if name.startswith(_INSTRUCTOR):
            continue
        spec = getattr(module, "__spec__", None)
        if type(module) is types.ModuleType and not getattr(spec, "_initializing", False):
            _register_module(module)


class _Loader(importlib.abc.Loader):
    """Wraps a course module's loader: snapshot the module as soon as it has run."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def create_module(self, spec: Any) -> Any:
        return self._loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        self._loader.exec_module(module)
        # Registered after the import machinery has marked it initialised.
        module.__spec__._initializing = False
        _catch_up()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)


class _Finder(importlib.abc.MetaPathFinder):
    """Finds course modules through the other finders and wraps their loader."""

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if not fullname.startswith(_PREFIX + "."):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def _install() -> None:
    if not any(type(finder) is _Finder for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())
    base = torch.Tensor.__mro__[1]
    # Builtins first: the repairs below call type() and isinstance().
    _WATCHES.append(_Picked("builtins", vars(builtins),
                            [k for k in vars(builtins) if k not in _SHELL_BUILTINS]))
    _WATCHES.append(_Map("torch", vars(torch), strict=False))
    _WATCHES.append(_Map("torch.testing", vars(torch.testing), strict=False))
    # A new key in a class dict shadows the base class: strict, unlike the module.
    for cls, label in ((torch.Tensor, "torch.Tensor"), (base, "torch.Tensor"),
                       (torch.nn.Parameter, "torch.nn.Parameter")):
        _WATCHES.append(_Map(label, _type_dict(cls), owner=cls, strict=True))
        for value in _type_dict(cls).values():
            _FUNCTIONS.add(value)
    _WATCHES.append(_MODULES)
    _WATCHES.append(_FUNCTIONS)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return
    shell = get_ipython()
    if shell is not None:
        _watch_ipython(shell)


# ---- IPython ---------------------------------------------------------------------------------

_SHELL_ATTRIBUTES = ("_showtraceback", "showtraceback", "showsyntaxerror", "InteractiveTB",
                     "SyntaxTB", "display_pub", "displayhook", "events", "run_cell",
                     "run_cell_async", "run_ast_nodes", "run_code", "transform_cell",
                     "transform_ast", "should_run_async")
_TRAITS = ("ast_transformers", "input_transformers_post", "input_transformer_manager")
_MANAGER_LISTS = ("cleanup_transforms", "line_transforms", "token_transformers")


def _watch_ipython(shell: Any) -> None:
    """Snapshot the shell's transformers, exception display and our per-cell hook."""
    watches: list[Any] = []
    custom = _Picked("IPython", vars(shell), ("custom_exceptions", "CustomTB"))
    watches.append(custom)
    watches.append(_Picked("IPython", vars(shell), _SHELL_ATTRIBUTES))
    trait_values = getattr(shell, "_trait_values", None)
    if isinstance(trait_values, dict):
        watches.append(_Picked("IPython", trait_values, _TRAITS))
    for name in ("ast_transformers", "input_transformers_post"):
        value = getattr(shell, name, None)
        if type(value) is list:
            watches.append(_Seq(f"IPython.{name}", value))
    manager = getattr(shell, "input_transformer_manager", None)
    if manager is not None:
        watches.append(_Picked("IPython.input_transformer_manager", vars(manager),
                               _MANAGER_LISTS))
        for name in _MANAGER_LISTS:
            value = getattr(manager, name, None)
            if type(value) is list:
                label = ("IPython.input_transformers_cleanup" if name == "cleanup_transforms"
                         else f"IPython.input_transformer_manager.{name}")
                watches.append(_Seq(label, value))
        watches.append(_Map("IPython.TransformerManager", _type_dict(type(manager)),
                            owner=type(manager), strict=False))
    for cls in type(shell).__mro__:
        if cls.__module__.startswith(("IPython", "ipykernel")):
            watches.append(_Map(f"IPython.{cls.__name__}", _type_dict(cls), owner=cls,
                                strict=False))
    events = getattr(shell, "events", None)
    if events is not None:
        if not any(cb is _before_cell for cb in events.callbacks.get("pre_run_cell", ())):
            events.register("pre_run_cell", _before_cell)
        watches.append(_Hook(events))
    _CUSTOM_EXC[:] = [custom]
    _IPYTHON[:] = watches
    _WATCHES.extend(watches)


def accept_custom_exc(shell: Any) -> None:
    """The hints extension installed (or removed) its own handler: that one is ours.

    Only the handler for ``RuntimeError`` (or none) is accepted; a handler for anything
    else would swallow a failed check.
    """
    if not _CUSTOM_EXC or getattr(shell, "custom_exceptions", None) not in ((RuntimeError,), ()):
        return
    _CUSTOM_EXC[0].rebase()


def _watch_notebook_names(shell: Any) -> None:
    """The names the setup cell bound to the course (``ex``, ``ch``): a test cell calls
    ``ex.q1.grade``, so ``ex`` rebound to a look-alike would never reach the real check."""
    user_ns = getattr(shell, "user_ns", None)
    if _NOTEBOOK_NAMES or type(user_ns) is not dict:
        return
    names = [name for name, value in user_ns.items()
             if type(name) is str and not name.startswith("_")
             and type(value) is types.ModuleType
             and (value.__name__ == _PREFIX or value.__name__.startswith(_PREFIX + "."))]
    watch = _Picked("notebook", user_ns, names, form="{key}")
    _NOTEBOOK_NAMES.append(watch)
    _WATCHES.append(watch)


def _before_cell(*_: Any) -> None:
    """``pre_run_cell``: undo what the previous cells changed before this cell is compiled."""
    try:
        names = verify(None, everything=True)
        if not _NOTEBOOK_NAMES and _IPYTHON:  # the first cell after the setup cell
            from IPython import get_ipython

            _watch_notebook_names(get_ipython())
    except Exception:  # never disturb a cell: IPython would print the error on stderr
        return
    _pending.extend(name for name in names if name not in _pending)


# ---- questions -----------------------------------------------------------------------------


def _watch_value(value: Any, label: str, watches: list[Any], functions: _Functions,
                 seen: set[int], depth: int = 0) -> None:
    """Watches for the mutable content reachable from a question's field."""
    if depth > 8 or id(value) in seen:
        return
    kind = type(value)
    if kind is trusted.Tensor or kind is trusted.Parameter:
        seen.add(id(value))
        watches.append(_TensorValue(label, value))
        grad = trusted.grad(value)
        if grad is not None:
            _watch_value(grad, f"{label}.grad", watches, functions, seen, depth + 1)
        return
    if kind is types.FunctionType:
        functions.add(value)
        return
    if kind is list:
        seen.add(id(value))
        watches.append(_Seq(label, value))
        for index, item in enumerate(value):
            _watch_value(item, f"{label}[{index}]", watches, functions, seen, depth + 1)
        return
    if kind is tuple:
        for index, item in enumerate(value):
            _watch_value(item, f"{label}[{index}]", watches, functions, seen, depth + 1)
        return
    if kind is dict:
        seen.add(id(value))
        watches.append(_Map(label, value, indexed=True))
        for key, item in value.items():
            _watch_value(item, f"{label}[{key!r}]", watches, functions, seen, depth + 1)
        return
    module = getattr(kind, "__module__", "") or ""
    if isinstance(value, torch.nn.Module) or module.startswith(_PREFIX):
        namespace = getattr(value, "__dict__", None)
        if type(namespace) is dict:
            seen.add(id(value))
            watches.append(_Map(label, namespace, strict=module.startswith(_PREFIX)))
            for key, item in namespace.items():
                _watch_value(item, f"{label}.{key}", watches, functions, seen, depth + 1)


def register_question(question: Any, label: str | None = None) -> None:
    """Snapshot a question's fields and cases (called when it is created).

    The answer key's entry for a question is watched the same way, under the question's name.
    """
    watches: list[Any] = []
    functions = _Functions()
    label = label or f"{getattr(question, 'name', '?')}"
    _watch_value(question, label, watches, functions, set())
    if not watches:  # not a dataclass instance with a __dict__: nothing to compare
        return
    watches.append(functions)
    key = id(question)

    def forget(_: object, key: int = key) -> None:
        _QUESTIONS.pop(key, None)

    _QUESTIONS[key] = (weakref.ref(question, forget), watches)


def _question_watches(question: Any) -> list[Any]:
    entry = _QUESTIONS.get(id(question))
    if entry is None or entry[0]() is not question:
        register_question(question)  # made without __init__ (copy.copy): nothing to compare
        entry = _QUESTIONS.get(id(question))
    return entry[1] if entry else []


# ---- verification ----------------------------------------------------------------------------


def _check(watches: list[Any], changed: list[str]) -> None:
    for watch in watches:
        try:
            if watch.intact():
                continue
        except Exception:
            pass
        try:
            changed.extend(watch.repair())
        except Exception:
            changed.append(getattr(watch, "label", type(watch).__name__))


def verify(question: Any = None, *, everything: bool = False) -> list[str]:
    """Compare with the snapshot, restore the originals, return what had been changed.

    Also reports what the ``pre_run_cell`` hook restored since the last check.
    ``everything`` verifies every registered question, not just ``question``.
    """
    changed: list[str] = []
    if _pending:
        changed.extend(_pending)
        del _pending[:]
    _check(_WATCHES, changed)
    if question is not None:
        _check(_question_watches(question), changed)
    if everything:
        for ref, watches in list(_QUESTIONS.values()):
            if ref() is not None and ref() is not question:
                _check(watches, changed)
    # A name may be reported by two watches (a class dict seen from two modules).
    return list(dict.fromkeys(changed))


_install()
