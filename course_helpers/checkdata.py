"""Check data: what the visible checks compare against, compiled from the answer key.

``course-helpers release`` runs every question's expectation (in the instructor's key) on the
question's visible cases and stores the results here, one safetensors file per lesson, with
the SHA-256 of each file in ``manifest.json``. A visible check reads its expected values and
the fingerprints of the known mistakes from this data, never from code, so the assessed
release can check a student's work without holding anything that computes an answer.

The file format is plain data: tensors in safetensors, everything else in the file's JSON
header. Nothing in it is executed when it is read.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import struct
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import torch

FOLDER = Path(__file__).with_name("checkdata")
MANIFEST = "manifest.json"
FORMAT = "course-check-data/1"
# Far above the biggest lesson's data: a file past this is not ours.
MAX_BYTES = 8 * 1024 * 1024

Expected = dict[str, Any]
_LIST = "#"


class CheckDataError(RuntimeError):
    """The check data is missing, damaged or does not belong to this release."""

    def __init__(self, lesson: str, reason: str) -> None:
        super().__init__(f"{lesson}: {reason}")
        self.lesson = lesson
        self.reason = reason


# ---- writing ------------------------------------------------------------------------------


def _flatten(prefix: str, value: Any, tensors: dict[str, torch.Tensor],
             values: dict[str, Any]) -> None:
    if isinstance(value, torch.Tensor):
        # Contiguous private copies: safetensors refuses views and shared storage.
        tensors[prefix] = value.detach().clone().contiguous()
    elif isinstance(value, Mapping):
        if not value:
            values[prefix] = {}
        for name, item in value.items():
            if not isinstance(name, str) or "/" in name or name.startswith(_LIST):
                raise ValueError(f"check data key {name!r} at {prefix}")
            _flatten(f"{prefix}/{name}", item, tensors, values)
    elif isinstance(value, list | tuple) and any(isinstance(v, torch.Tensor | Mapping)
                                                 for v in value):
        values[f"{prefix}/{_LIST}len"] = len(value)
        for index, item in enumerate(value):
            _flatten(f"{prefix}/{_LIST}{index}", item, tensors, values)
    elif value is None or isinstance(value, bool | int | str):
        values[prefix] = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"check data value at {prefix} is not finite")
        values[prefix] = value
    elif isinstance(value, list | tuple):
        values[prefix] = [_plain(prefix, v) for v in value]
    else:
        raise ValueError(f"check data cannot hold {type(value).__name__} at {prefix}")


def _plain(prefix: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, list | tuple):
        return [_plain(prefix, v) for v in value]
    raise ValueError(f"check data cannot hold {type(value).__name__} at {prefix}")


def encode(lesson: str, expectations: Mapping[int, list[Expected]]) -> bytes:
    """The safetensors bytes for ``{question number: [expected of each visible case]}``."""
    from safetensors.torch import save

    tensors: dict[str, torch.Tensor] = {}
    values: dict[str, Any] = {}
    cases: dict[str, int] = {}
    for number, expected in sorted(expectations.items()):
        cases[str(number)] = len(expected)
        for index, item in enumerate(expected):
            _flatten(f"q{number}/{index}", item, tensors, values)
    # One metadata entry: safetensors writes several in no fixed order, and the bytes must
    # not change from one compilation to the next.
    header = {"format": FORMAT, "lesson": lesson, "cases": cases, "values": values}
    metadata = {FORMAT: json.dumps(header, sort_keys=True, ensure_ascii=False,
                                   allow_nan=False)}
    return save(dict(sorted(tensors.items())), metadata=metadata)


# ---- reading ------------------------------------------------------------------------------


def _header(data: bytes) -> dict[str, Any]:
    """The JSON header of a safetensors file, read with a strict parser and a size limit."""
    if len(data) < 8:
        raise ValueError("too short")
    (size,) = struct.unpack("<Q", data[:8])
    if size > len(data) - 8 or size > MAX_BYTES:
        raise ValueError("header size")
    header = json.loads(data[8:8 + size].decode("utf-8"), parse_constant=_no_constant)
    if not isinstance(header, dict):
        raise ValueError("header")
    return header


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in check data")


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path, value in flat.items():
        parts = path.split("/")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(tree)


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    if f"{_LIST}len" in node:
        return [_lists(node.get(f"{_LIST}{i}")) for i in range(int(node[f"{_LIST}len"]))]
    return {name: _lists(value) for name, value in node.items()}


def decode(data: bytes) -> tuple[str, dict[int, list[Expected]]]:
    """The lesson name and ``{question number: [expected of each visible case]}``."""
    from safetensors.torch import load

    if len(data) > MAX_BYTES:
        raise ValueError("file too large")
    entries = _header(data).get("__metadata__") or {}
    metadata = json.loads(entries[FORMAT], parse_constant=_no_constant)
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ValueError("format")
    cases, values = metadata["cases"], metadata["values"]
    if not isinstance(cases, dict) or not isinstance(values, dict):
        raise ValueError("layout")
    flat: dict[str, Any] = dict(values)
    flat.update(load(data))
    tree = _nest(flat)
    result: dict[int, list[Expected]] = {}
    for number, count in cases.items():
        by_case = tree.get(f"q{number}", {})
        result[int(number)] = [by_case.get(str(i), {}) for i in range(int(count))]
    return str(metadata.get("lesson", "")), result


def checksum(data: bytes) -> str:
    """The SHA-256 that ties a lesson's check data to the release that wrote it."""
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder: Path = FOLDER) -> dict[str, str]:
    """``{file name: sha256}`` of the check data shipped with this release."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}


def write(folder: Path, compiled: Mapping[str, bytes]) -> None:
    """Write each lesson's check data; the manifest keeps the other lessons' checksums."""
    folder.mkdir(parents=True, exist_ok=True)
    files = read_manifest(folder)
    for lesson, data in sorted(compiled.items()):
        (folder / f"{lesson}.safetensors").write_bytes(data)
        files[f"{lesson}.safetensors"] = checksum(data)
    manifest = {"format": FORMAT, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n",
                                   encoding="utf-8")


@cache
def lesson_data(lesson: str) -> dict[int, list[Expected]]:
    """A lesson's check data, after its checksum has been matched against the manifest."""
    path = FOLDER / f"{lesson}.safetensors"
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CheckDataError(lesson, "missing") from error
    want = read_manifest().get(path.name)
    if want is None or want != checksum(data):
        raise CheckDataError(lesson, "checksum")
    try:
        name, expectations = decode(data)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise CheckDataError(lesson, "damaged") from error
    if name != lesson:
        raise CheckDataError(lesson, "lesson")
    return expectations


def expected(lesson: str, number: int, case: int) -> Expected:
    """What a visible check compares against: question ``number``, visible case ``case``."""
    by_question = lesson_data(lesson)
    try:
        # A private copy: nothing a judge does to it can change the next check.
        return copy.deepcopy(by_question[number][case])
    except (KeyError, IndexError) as error:
        raise CheckDataError(lesson, f"q{number} case {case}") from error
