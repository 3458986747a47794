"""What a student's function returned, as plain data: written in the kernel, read by the judge.

A tree of results (tensors, arrays, numbers, containers, the course's own records, modules)
is written as one safetensors file: the tensors' values as tensors, everything else in one
strict-JSON header entry. Nothing in it executes when it is read, and the reader refuses a
file past the size limits. What only the kernel can see about a tensor travels with it as
data: dtype, shape, ``requires_grad``, ``is_leaf``, the name of its ``grad_fn``, its ``.grad``,
whether it is an inference tensor or a parameter, and where it lies in memory, so that the
reader can rebuild tensors that share memory (and objects that were the same object) alike.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import math
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load as _load_tensors
from safetensors.torch import save as _save_tensors

from course_helpers import trusted

FORMAT = "course-observation/1"
_HEADER = "observation"


@dataclass(frozen=True)
class Limits:
    """How big an observation may get; a reader refuses anything past these."""

    file_bytes: int = 48 * 2**20
    header_chars: int = 2 * 2**20
    tensors: int = 4096
    elements: int = 2_000_000  # per tensor
    nodes: int = 50_000
    depth: int = 24
    text: int = 2000
    memory_bytes: int = 64 * 2**20  # a shared-memory group rebuilt by the reader


LIMITS = Limits()


class Unreadable(ValueError):
    """The observation file is missing, too big, damaged or not ours."""


_DTYPES = {str(d).removeprefix("torch."): d for d in (
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8, torch.uint8,
    torch.int16, torch.int32, torch.int64, torch.bool, torch.complex64, torch.complex128)}
_NUMPY_KINDS = "biufc"


# ---- writing (in the kernel) --------------------------------------------------------------


class Writer:
    """Collects trees of values; :meth:`node` gives each tree's JSON node."""

    def __init__(self, limits: Limits = LIMITS) -> None:
        self.limits = limits
        self.tensors: dict[str, torch.Tensor] = {}
        self._count = 0
        self._elements = 0

    def node(self, value: Any) -> Any:
        """One tree, with identity kept within it (the same object twice is one node)."""
        return _Tree(self).node(value, 0)

    def to_bytes(self, header: Mapping[str, Any]) -> bytes:
        text = json.dumps({"format": FORMAT, **header}, allow_nan=False,
                          separators=(",", ":"))
        if len(text) > self.limits.header_chars:
            raise Unreadable("header too large")
        return _save_tensors(self.tensors, metadata={_HEADER: text})

    def tensor_name(self, values: torch.Tensor) -> str | None:
        n = int(values.numel())
        if len(self.tensors) >= self.limits.tensors or n > self.limits.elements or (
                self._elements + n > self.limits.tensors * 1000):
            return None
        name = f"t{len(self.tensors)}"
        self.tensors[name] = values
        self._elements += n
        return name

    def counted(self) -> bool:
        self._count += 1
        return self._count <= self.limits.nodes


class _Tree:
    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.seen: dict[int, int] = {}
        self.kept: list[Any] = []  # keeps ids valid while the tree is written

    def _remember(self, value: Any, node: dict[str, Any]) -> dict[str, Any]:
        self.seen[id(value)] = len(self.kept)
        node["id"] = len(self.kept)
        self.kept.append(value)
        return node

    def node(self, value: Any, depth: int) -> Any:
        if not self.writer.counted() or depth > self.writer.limits.depth:
            return {"k": "opaque", "type": "…"}
        if id(value) in self.seen and self.kept[self.seen[id(value)]] is value:
            return {"k": "ref", "id": self.seen[id(value)]}
        kind = type(value)
        if value is None:
            return {"k": "none"}
        if kind is bool:
            return {"k": "bool", "v": value}
        if kind is int:
            return {"k": "int", "v": value} if abs(value) < 2**63 else {"k": "opaque",
                                                                        "type": "int"}
        if kind is float:
            return {"k": "float", "v": value if math.isfinite(value) else repr(value)}
        if kind is str:
            return {"k": "str", "v": value[: self.writer.limits.text]}
        if trusted.is_plain(value):
            return self._tensor(value, depth)
        if kind is np.ndarray:
            return self._array(value)
        if isinstance(value, np.generic) and value.dtype.kind in _NUMPY_KINDS:
            return {"k": "npscalar", "dtype": str(value.dtype), "v": _number(value.item())}
        if kind is torch.dtype:
            return {"k": "dtype", "v": str(value).removeprefix("torch.")}
        if kind is torch.device:
            return {"k": "device", "v": str(value)}
        if kind is tuple:
            return {"k": "tuple", "items": [self.node(v, depth + 1) for v in value[:1000]]}
        if kind is list:
            node = self._remember(value, {"k": "list"})
            node["items"] = [self.node(v, depth + 1) for v in value[:1000]]
            return node
        if kind is dict:
            node = self._remember(value, {"k": "dict"})
            node["items"] = [[self.node(k, depth + 1), self.node(v, depth + 1)]
                             for k, v in list(value.items())[:1000]]
            return node
        from course_helpers.i18n import Message

        if kind is Message:
            from course_helpers.grading import message_data

            return {"k": "message", "v": message_data(value)}
        if dataclasses.is_dataclass(value) and not isinstance(value, type) and (
                kind.__module__.startswith("course_helpers.")):
            node = self._remember(value, {"k": "dataclass",
                                          "type": f"{kind.__module__}:{kind.__qualname__}"})
            node["fields"] = {f.name: self.node(getattr(value, f.name, None), depth + 1)
                              for f in dataclasses.fields(value)}
            return node
        if isinstance(value, torch.nn.Module):
            return self._module(value, depth)
        return {"k": "opaque", "type": kind.__name__[:200], "module": str(kind.__module__)[:200],
                "qualname": str(kind.__qualname__)[:200],
                "tensor": isinstance(value, torch.Tensor)}

    def _tensor(self, t: torch.Tensor, depth: int) -> dict[str, Any]:
        node = self._remember(t, {"k": "tensor"})
        dtype = str(trusted.dtype(t)).removeprefix("torch.")
        if dtype in _DTYPES and t.layout is torch.strided and trusted.device(t).type != "cpu":
            # Values elsewhere than the CPU are not read: the judge sees where it lies.
            return {**node, "k": "elsewhere", "dtype": dtype, "shape": list(trusted.shape(t)),
                    "device": str(trusted.device(t))[:40],
                    "requires_grad": trusted.requires_grad(t)}
        if dtype not in _DTYPES or t.layout is not torch.strided:
            return {**node, "k": "opaque", "type": "Tensor", "module": "torch",
                    "qualname": f"Tensor[{dtype}, {t.layout}]", "tensor": True}
        with torch.no_grad():
            values = trusted.clone(trusted.detach(t)).resolve_conj().resolve_neg().contiguous()
        name = self.writer.tensor_name(values)
        if name is None:
            return {**node, "k": "opaque", "type": "Tensor (too large)"}
        storage = t.untyped_storage()
        node_fn = trusted.grad_fn(t)
        node.update({
            "values": name, "dtype": dtype, "shape": list(trusted.shape(t)),
            "requires_grad": trusted.requires_grad(t), "leaf": trusted.is_leaf(t),
            "grad_fn": type(node_fn).__name__ if node_fn is not None else None,
            "parameter": type(t) is trusted.Parameter, "inference": trusted.is_inference(t),
            "memory": {"start": storage.data_ptr(), "bytes": storage.nbytes(),
                       "offset": t.storage_offset(), "stride": list(t.stride())},
        })
        grad = trusted.grad(t) if trusted.is_leaf(t) else None
        node["grad"] = self.node(grad, depth + 1) if grad is not None else {"k": "none"}
        return node

    def _array(self, a: np.ndarray) -> dict[str, Any]:
        node = self._remember(a, {"k": "ndarray", "dtype": str(a.dtype)})
        if a.dtype.kind not in _NUMPY_KINDS or str(a.dtype) not in _DTYPES:
            # Only its dtype and shape travel: enough for a judge to name what is wrong.
            return {**node, "k": "ndarray_other", "dtype": str(a.dtype)[:40],
                    "shape": [int(n) for n in a.shape][:32]}
        name = self.writer.tensor_name(torch.from_numpy(np.array(a, copy=True, order="C")))
        if name is None:
            return {**node, "k": "opaque", "type": "ndarray (too large)"}
        start = int(a.__array_interface__["data"][0])
        extent = _extent(list(a.shape), [s // a.itemsize for s in a.strides]) * a.itemsize
        node.update({"values": name, "shape": list(a.shape),
                     "memory": {"start": start, "bytes": extent, "offset": 0,
                                "stride": [s // a.itemsize for s in a.strides]},
                     "writeable": bool(a.flags.writeable)})
        return node

    def _module(self, m: torch.nn.Module, depth: int) -> dict[str, Any]:
        kind = type(m)
        node = self._remember(m, {"k": "module", "type": kind.__name__,
                                  "torch": f"{kind.__module__}:{kind.__qualname__}"})
        state = object.__getattribute__(m, "__dict__")
        parts: dict[str, Any] = {}
        for part in ("_parameters", "_buffers", "_modules"):
            found = state.get(part)
            parts[part] = ([[str(k), self.node(v, depth + 1)] for k, v in found.items()]
                           if type(found) is dict else [])
        plain = {k: self.node(v, depth + 1) for k, v in state.items()
                 if not k.startswith("_") and type(v) in (bool, int, float, str)}
        node.update(parts, attributes=plain, training=bool(state.get("training", True)))
        return node


def _number(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, complex):
        return [_number(value.real), _number(value.imag)]
    return value


def _extent(shape: list[int], stride: list[int]) -> int:
    if any(n == 0 for n in shape):
        return 0
    return 1 + sum((n - 1) * abs(s) for n, s in zip(shape, stride, strict=False))


# ---- reading (in the grader) --------------------------------------------------------------


def read_file(path: Path, limits: Limits = LIMITS) -> tuple[dict[str, Any],
                                                            dict[str, torch.Tensor]]:
    """The header and tensors of an observation file, refusing links, devices and giants."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise Unreadable(f"cannot open: {error.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("not a regular file")
        if info.st_size > limits.file_bytes:
            raise Unreadable(f"{info.st_size} bytes")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limits.file_bytes + 1)
    finally:
        os.close(fd)
    return parse(data, limits)


def parse(data: bytes, limits: Limits = LIMITS) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """Check and split an observation's bytes into its header and its tensors."""
    if len(data) > limits.file_bytes or len(data) < 8:
        raise Unreadable("size")
    header_size = int.from_bytes(data[:8], "little")
    if header_size > limits.header_chars * 2 or 8 + header_size > len(data):
        raise Unreadable("header size")
    try:
        outer = json.loads(data[8:8 + header_size])
        text = outer["__metadata__"][_HEADER]
        if not isinstance(text, str) or len(text) > limits.header_chars:
            raise Unreadable("header")
        header = json.loads(text, parse_constant=_refuse)
        tensors = _load_tensors(data)
    except Unreadable:
        raise
    except Exception as error:  # any damage: the file is refused, never half-read
        raise Unreadable(f"damaged: {type(error).__name__}") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise Unreadable("not an observation")
    if len(tensors) > limits.tensors or any(
            t.numel() > limits.elements or str(t.dtype).removeprefix("torch.") not in _DTYPES
            for t in tensors.values()):
        raise Unreadable("tensors")
    return header, tensors


def _refuse(constant: str) -> Any:
    raise Unreadable(f"{constant} in header")


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
                dtype = np.dtype(str(node.get("dtype")))
            except TypeError:
                raise Unreadable("array dtype") from None
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
        index = torch.arange(flat.numel()).as_strided(tuple(values.shape), tuple(stride), first)
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


def message_from_data(data: Any, depth: int = 0):
    """A diagnosis written as data, back as a message; an unknown key becomes a plain one."""
    from course_helpers.i18n import msg
    from course_helpers.messages import CATALOGUE

    if not isinstance(data, dict) or not isinstance(data.get("key"), str) or depth > 3:
        raise Unreadable("message")
    key = data["key"]
    if key not in CATALOGUE:
        return msg("judge.unknown_diagnosis", name=key[:80])
    params: dict[str, Any] = {}
    for name, value in (data.get("params") or {}).items():
        if isinstance(value, dict):
            params[str(name)] = message_from_data(value, depth + 1)
        elif value is None or isinstance(value, bool | int | float | str):
            params[str(name)] = value[:200] if isinstance(value, str) else value
    return msg(key, **params)
