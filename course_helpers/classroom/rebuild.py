"""The judge's half of plain data: rebuild what a kernel wrote, as the kernel had it.

Tensors come back with their values, dtype, ``requires_grad``, leaf or not (a non-leaf answers
to ``grad_fn`` with a node named as the kernel's was), ``.grad``, inference or parameter;
tensors and arrays whose memory overlapped in the kernel share one storage here; what was one
object is one object. The course's own records (dataclasses) and torch's ``nn`` layers are
rebuilt as themselves, without running their constructors; anything else becomes a stand-in of
a class named as the original, which no judge accepts as a right answer.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from course_helpers import trusted
from course_helpers.plaindata import _DTYPES, _NUMPY_KINDS, LIMITS, Limits, Unreadable, _extent


class Reader:
    """Rebuilds trees written by :class:`Writer`, sharing memory where the kernel's did."""

    def __init__(self, tensors: Mapping[str, torch.Tensor], limits: Limits = LIMITS) -> None:
        self.tensors = tensors
        self.limits = limits
        self._count = 0

    def value(self, node: Any, like: Any = None) -> Any:
        """One tree. ``like`` is the grader's own copy of what was written, if it has one:
        what cannot travel as data (a function, an opaque object) is taken from it."""
        tree = _Rebuild(self)
        tree.place_memory(node)
        return tree.value(node, like, 0)

    def counted(self) -> None:
        self._count += 1
        if self._count > self.limits.nodes:
            raise Unreadable("too many nodes")


_NO_LIKE = object()


class _Rebuild:
    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.made: dict[int, Any] = {}
        self.storage: dict[int, tuple[torch.UntypedStorage, int]] = {}

    # -- memory: tensors and arrays whose bytes overlapped in the kernel share memory here --
    def place_memory(self, root: Any) -> None:
        spans: list[tuple[int, int, int]] = []
        for node in _walk(root, self.reader.limits.depth):
            memory = node.get("memory") if isinstance(node, dict) else None
            if node.get("k") in ("tensor", "ndarray") and isinstance(memory, dict) and (
                    not node.get("inference")):
                start, size = memory.get("start"), memory.get("bytes")
                if isinstance(start, int) and isinstance(size, int) and size >= 0:
                    spans.append((start, start + size, node.get("id", -1)))
        spans.sort()
        group: list[tuple[int, int, int]] = []
        end = -1
        for span in [*spans, (2**70, 2**70, -1)]:
            if group and span[0] >= end:
                if len(group) > 1:
                    self._group(group)
                group, end = [], -1
            group.append(span)
            end = max(end, span[1])

    def _group(self, group: list[tuple[int, int, int]]) -> None:
        low, high = min(s for s, _, _ in group), max(e for _, e, _ in group)
        if high - low > self.reader.limits.memory_bytes:
            return
        storage = torch.UntypedStorage(max(high - low, 1))
        for _, _, ident in group:
            self.storage[ident] = (storage, low)

    # -- values ---------------------------------------------------------------------------
    def value(self, node: Any, like: Any, depth: int) -> Any:
        self.reader.counted()
        if depth > self.reader.limits.depth or not isinstance(node, dict):
            raise Unreadable("shape of tree")
        kind = node.get("k")
        if kind == "ref":
            if node.get("id") not in self.made:
                raise Unreadable("reference")
            return self.made[node["id"]]
        if kind == "none":
            return None
        if kind in ("bool", "int", "str"):
            want = {"bool": bool, "int": int, "str": str}[kind]
            value = node.get("v")
            if type(value) is not want:
                raise Unreadable(kind)
            return value
        if kind == "float":
            return _float(node.get("v"))
        if kind == "npscalar":
            dtype = _numpy_dtype(node.get("dtype"))
            value = node.get("v")
            if isinstance(value, list) and len(value) == 2:
                value = complex(_float(value[0]), _float(value[1]))
            return dtype.type(_float(value) if dtype.kind in "fc" else value)
        if kind == "dtype":
            if node.get("v") not in _DTYPES:
                raise Unreadable("dtype")
            return _DTYPES[node["v"]]
        if kind == "device":
            return torch.device(str(node.get("v"))[:40])
        if kind == "message":
            return message_from_data(node.get("v"))
        if kind in ("tuple", "list"):
            items = _items(node)
            likes = list(like) if isinstance(like, tuple | list) and len(like) == len(items) \
                else [_NO_LIKE] * len(items)
            if kind == "list":
                made: list[Any] = self._made(node, [])
                made.extend(self.value(i, k, depth + 1) for i, k in zip(items, likes,
                                                                         strict=True))
                return made
            return tuple(self.value(i, k, depth + 1) for i, k in zip(items, likes, strict=True))
        if kind == "dict":
            out: dict[Any, Any] = self._made(node, {})
            for pair in _items(node):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise Unreadable("dict")
                key = self.value(pair[0], _NO_LIKE, depth + 1)
                if not isinstance(key, str | int | float | bool | tuple | type(None)):
                    raise Unreadable("dict key")
                got = like.get(key, _NO_LIKE) if isinstance(like, dict) else _NO_LIKE
                out[key] = self.value(pair[1], got, depth + 1)
            return out
        if kind == "tensor":
            return self._tensor(node, depth)
        if kind == "elsewhere":
            return self._elsewhere(node)
        if kind == "ndarray_other":
            shape = node.get("shape")
            if not isinstance(shape, list) or not all(isinstance(n, int) and n >= 0
                                                      for n in shape) or (
                    math.prod(shape) > self.reader.limits.elements):
                raise Unreadable("array shape")
            try:
                dtype = np.dtype(str(node.get("dtype"))[:40])
            except TypeError:
                raise Unreadable("array dtype") from None
            # Objects, text or bytes: a judge reads only the dtype and shape of such an array.
            if dtype.kind not in "OUSV" or dtype.itemsize > 256:
                raise Unreadable("array dtype")
            return self._made(node, np.empty(shape, dtype=dtype))
        if kind == "ndarray":
            return self._array(node)
        if kind == "dataclass":
            return self._dataclass(node, like, depth)
        if kind == "module":
            return self._module(node, like, depth)
        if kind == "opaque":
            if like is not _NO_LIKE and like is not None:
                return like
            return _stand_in(node)
        raise Unreadable(f"kind {kind!r}")

    def _made(self, node: dict[str, Any], value: Any) -> Any:
        if isinstance(node.get("id"), int):
            self.made[node["id"]] = value
        return value

    def _values(self, node: dict[str, Any]) -> torch.Tensor:
        values = self.reader.tensors.get(node.get("values"))  # type: ignore[arg-type]
        shape = node.get("shape")
        if values is None or not isinstance(shape, list) or [*values.shape] != shape:
            raise Unreadable("tensor values")
        return values

    def _placed(self, node: dict[str, Any], values: torch.Tensor) -> torch.Tensor:
        """A tensor holding ``values``, laid in the shared storage of its group if it has one."""
        place = self.storage.get(node.get("id", -1))
        memory = node.get("memory") or {}
        stride = memory.get("stride")
        if place is None or not isinstance(stride, list) or len(stride) != values.dim():
            return values.clone()
        storage, low = place
        size = values.element_size()
        base = memory.get("start", 0) - low
        offset = memory.get("offset", 0)
        if not isinstance(base, int) or not isinstance(offset, int) or base % size:
            return values.clone()
        first = base // size + offset
        extent = _extent(list(values.shape), stride)
        if first < 0 or any(s < 0 for s in stride) or (first + extent) * size > storage.nbytes():
            return values.clone()
        flat = torch.empty(0, dtype=values.dtype).set_(storage, 0, (storage.nbytes() // size,))
        made = torch.empty(0, dtype=values.dtype).set_(storage, first, tuple(values.shape),
                                                       tuple(stride))
        index = torch.arange(first + extent).as_strided(tuple(values.shape), tuple(stride),
                                                        first)
        flat[index.reshape(-1)] = values.reshape(-1)
        return made

    def _tensor(self, node: dict[str, Any], depth: int) -> torch.Tensor:
        values = self._values(node)
        if node.get("dtype") != str(values.dtype).removeprefix("torch."):
            raise Unreadable("tensor dtype")
        floating = values.dtype.is_floating_point or values.dtype.is_complex
        if node.get("inference") is True:
            with torch.inference_mode():
                made = values.clone()
            return self._made(node, made)
        made = self._placed(node, values)
        grad_wanted = node.get("requires_grad") is True and floating
        if node.get("parameter") is True:
            made = torch.nn.Parameter(made, requires_grad=grad_wanted)
        elif grad_wanted:
            made.requires_grad_(True)
            if node.get("leaf") is False:
                made = made.view_as(made)
                trusted.note_grad_fn(made, str(node.get("grad_fn") or "")[:80])
        self._made(node, made)
        grad_node = node.get("grad", {"k": "none"})
        grad = self.value(grad_node, _NO_LIKE, depth + 1)
        if trusted.is_plain(grad) and trusted.is_leaf(made) and (
                grad.shape == made.shape and grad.dtype == made.dtype):
            made.grad = grad.detach()
        return made

    def _elsewhere(self, node: dict[str, Any]) -> torch.Tensor:
        """A tensor that lay on another device: its shape and dtype on the meta device."""
        shape = node.get("shape")
        if node.get("dtype") not in _DTYPES or not isinstance(shape, list) or not all(
                isinstance(n, int) and 0 <= n < 2**31 for n in shape):
            raise Unreadable("tensor elsewhere")
        made = torch.empty(shape, dtype=_DTYPES[node["dtype"]], device="meta")
        if node.get("requires_grad") is True and made.dtype.is_floating_point:
            made.requires_grad_(True)
        return self._made(node, made)

    def _array(self, node: dict[str, Any]) -> np.ndarray:
        values = self._values(node)
        if node.get("dtype") != str(values.dtype).removeprefix("torch."):
            raise Unreadable("array dtype")
        array = self._placed(node, values).numpy()
        if node.get("writeable") is False:
            array.flags.writeable = False
        return self._made(node, array)

    def _dataclass(self, node: dict[str, Any], like: Any, depth: int) -> Any:
        kind = _course_class(str(node.get("type", "")))
        fields = node.get("fields")
        if kind is None or not isinstance(fields, dict):
            raise Unreadable("record")
        made = object.__new__(kind)
        self._made(node, made)
        for field in dataclasses.fields(kind):
            if field.name in fields:
                seen = getattr(like, field.name, _NO_LIKE) if type(like) is kind else _NO_LIKE
                object.__setattr__(made, field.name,
                                   self.value(fields[field.name], seen, depth + 1))
            elif type(like) is kind:
                object.__setattr__(made, field.name, getattr(like, field.name))
        return made

    def _module(self, node: dict[str, Any], like: Any, depth: int) -> torch.nn.Module:
        kind = _torch_module_class(str(node.get("torch", "")))
        if kind is None:
            kind = type(str(node.get("type", "Module"))[:80], (torch.nn.Module,), {})
        made = kind.__new__(kind)
        torch.nn.Module.__init__(made)
        self._made(node, made)
        for part in ("_parameters", "_buffers", "_modules"):
            target = object.__getattribute__(made, part)
            for pair in node.get(part) or []:
                if not isinstance(pair, list) or len(pair) != 2 or not isinstance(pair[0], str):
                    raise Unreadable("module")
                target[pair[0]] = self.value(pair[1], _NO_LIKE, depth + 1)
        for name, value in (node.get("attributes") or {}).items():
            if isinstance(name, str) and not name.startswith("_"):
                object.__setattr__(made, name, self.value(value, _NO_LIKE, depth + 1))
        object.__setattr__(made, "training", node.get("training") is not False)
        return made


def _items(node: dict[str, Any]) -> list[Any]:
    items = node.get("items")
    if not isinstance(items, list):
        raise Unreadable("items")
    return items


def _walk(node: Any, depth: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    stack = [(node, 0)]
    while stack:
        item, level = stack.pop()
        if level > depth + 2:
            continue
        if isinstance(item, dict):
            found.append(item)
            stack.extend((v, level + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item if isinstance(v, dict | list))
    return found


def _float(value: Any) -> float:
    if isinstance(value, bool):
        raise Unreadable("float")
    if isinstance(value, int | float):
        return float(value)
    if value in ("nan", "inf", "-inf"):
        return float(value)
    raise Unreadable("float")


def _numpy_dtype(name: Any) -> np.dtype:
    try:
        dtype = np.dtype(str(name))
    except TypeError:
        raise Unreadable("numpy dtype") from None
    if dtype.kind not in _NUMPY_KINDS:
        raise Unreadable("numpy dtype")
    return dtype


def _course_class(name: str) -> type | None:
    """A dataclass of the course itself, named ``module:qualname``; nothing else."""
    module, _, qualname = name.partition(":")
    if not module.startswith("course_helpers.") or not qualname.isidentifier():
        return None
    try:
        kind = getattr(importlib.import_module(module), qualname)
    except (ImportError, AttributeError):
        return None
    return kind if isinstance(kind, type) and dataclasses.is_dataclass(kind) else None


def _torch_module_class(name: str) -> type | None:
    """One of torch's own ``nn`` layers, so that ``isinstance(model, nn.Linear)`` holds."""
    module, _, qualname = name.partition(":")
    if not module.startswith("torch.nn.modules.") or not qualname.isidentifier():
        return None
    kind = getattr(importlib.import_module(module), qualname, None)
    return kind if isinstance(kind, type) and issubclass(kind, torch.nn.Module) else None


_STAND_INS: dict[tuple[str, str, str, bool], type] = {}


def _stand_in(node: dict[str, Any]) -> object:
    """An object of a class named as the original's: what a judge shows as its type. For a
    tensor subclass, an empty tensor of a subclass so named (never a plain tensor)."""
    name = str(node.get("type", "object"))[:200]
    name = name if name.isidentifier() else "object"
    module = str(node.get("module", "builtins"))[:200]
    qualname = str(node.get("qualname", name))[:200]
    tensor = node.get("tensor") is True
    key = (name, module, qualname, tensor)
    if key not in _STAND_INS:
        bases: tuple[type, ...] = (torch.Tensor,) if tensor else ()
        made = type(name, bases, {"__repr__": lambda self: f"<{qualname}>"})
        made.__module__, made.__qualname__ = module, qualname
        _STAND_INS[key] = made
    kind = _STAND_INS[key]
    return torch.Tensor._make_subclass(kind, torch.empty(0)) if tensor else kind()


def message_from_data(data: Any):
    """A diagnosis written as data, back as a message, validated as the mistake report
    validates the records it reads (:func:`~course_helpers.classroom.outcomes.read_message`);
    an unknown key becomes a plain message that names it."""
    from course_helpers.classroom.outcomes import read_message
    from course_helpers.i18n import msg

    if not isinstance(data, Mapping) or not isinstance(data.get("key"), str):
        raise Unreadable("message")
    return read_message(data) or msg("judge.unknown_diagnosis", name=data["key"][:80])
