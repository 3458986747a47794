"""What a student's function returned, as plain data: written in the kernel, read by the judge.

A tree of results (tensors, arrays, numbers, containers, the course's own records, modules)
is written as one safetensors file: the tensors' values as tensors, everything else in one
strict-JSON header entry. Nothing in it executes when it is read, and the reader refuses a
file past the size limits. What only the kernel can see about a tensor travels with it as
data: dtype, shape, ``requires_grad``, ``is_leaf``, the name of its ``grad_fn``, its ``.grad``,
whether it is an inference tensor or a parameter, and where it lies in memory, so that the
judge (:mod:`course_helpers.classroom.rebuild`) can rebuild tensors that share memory, and
objects that were one object, alike.
"""

from __future__ import annotations

import dataclasses
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
    memory_bytes: int = 8 * 2**20  # a shared-memory group rebuilt by the reader


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


# ---- checking a file (in the grader) -----------------------------------------------------


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
