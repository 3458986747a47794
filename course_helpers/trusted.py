"""References to the torch functions the checks rely on, taken when the course is imported.

The locked setup cell imports ``course_helpers`` before any student code runs, so these
are the genuine functions even if a notebook later replaces ``torch.allclose`` or a
``Tensor`` method. :func:`intact` tells whether the public names still point at them and
:func:`restore` puts them back; :mod:`course_helpers.guard` (imported at the end of this
module, so before anything else of the course) watches everything else.
"""

from __future__ import annotations

import weakref

import torch

Tensor = torch.Tensor
Parameter = torch.nn.Parameter
float64 = torch.float64

is_tensor = torch.is_tensor
is_floating_point = torch.is_floating_point
as_tensor = torch.as_tensor
isfinite = torch.isfinite
abs_ = torch.abs
sub = torch.sub
mul = torch.mul
add = torch.add
div = torch.div
le = torch.le
eq = torch.eq
equal = torch.equal
isnan = torch.isnan
logical_or = torch.logical_or
logical_and = torch.logical_and
count_nonzero = torch.count_nonzero
all_ = torch.all
amax = torch.amax
sum_ = torch.sum
zeros_like = torch.zeros_like
round_ = torch.round
no_grad = torch.no_grad
enable_grad = torch.enable_grad
is_grad_enabled = torch.is_grad_enabled
set_grad_enabled = torch.set_grad_enabled

detach = torch.Tensor.detach
clone = torch.Tensor.clone
to = torch.Tensor.to
item = torch.Tensor.item
tolist = torch.Tensor.tolist
numel = torch.Tensor.numel
size = torch.Tensor.size
requires_grad_ = torch.Tensor.requires_grad_
is_inference = torch.Tensor.is_inference
add_ = torch.Tensor.add_
untyped_storage = torch.Tensor.untyped_storage
# Properties are read through the class's descriptors, which a notebook cannot reach by
# assigning to an instance.
_requires_grad = torch.Tensor.requires_grad
_is_leaf = torch.Tensor.is_leaf
_grad_fn = torch.Tensor.grad_fn
_dtype = torch.Tensor.dtype
_device = torch.Tensor.device
_grad = torch.Tensor.grad
_data = torch.Tensor.data

_WATCHED = {
    "torch.allclose": (torch, "allclose", torch.allclose),
    "torch.equal": (torch, "equal", torch.equal),
    "torch.isclose": (torch, "isclose", torch.isclose),
    "torch.testing.assert_close": (torch.testing, "assert_close", torch.testing.assert_close),
    "torch.Tensor.detach": (torch.Tensor, "detach", torch.Tensor.detach),
    "torch.Tensor.to": (torch.Tensor, "to", torch.Tensor.to),
    "torch.Tensor.clone": (torch.Tensor, "clone", torch.Tensor.clone),
    "torch.Tensor.backward": (torch.Tensor, "backward", torch.Tensor.backward),
}


def requires_grad(t: torch.Tensor) -> bool:
    """``t.requires_grad`` read through the original descriptor."""
    return _requires_grad.__get__(t)


def is_leaf(t: torch.Tensor) -> bool:
    """``t.is_leaf`` read through the original descriptor."""
    return _is_leaf.__get__(t)


def grad_fn(t: torch.Tensor) -> object:
    """``t.grad_fn`` read through the original descriptor.

    A tensor the judge rebuilt from an observation answers with a node named as the one the
    kernel's tensor had (see :func:`note_grad_fn`).
    """
    node = _grad_fn.__get__(t)
    noted = _NOTED.get(id(t))
    if node is not None and noted is not None and noted[0]() is t:
        return noted[1]
    return node


_NOTED: dict[int, tuple[weakref.ref, object]] = {}


def note_grad_fn(t: torch.Tensor, name: str) -> None:
    """Have :func:`grad_fn` of the rebuilt ``t`` answer with a node named ``name``."""
    name = name if name.isidentifier() else "Node"
    node = type(name, (), {"__repr__": lambda self: f"<{name}>"})()
    key = id(t)
    _NOTED[key] = (weakref.ref(t, lambda _: _NOTED.pop(key, None)), node)


def dtype(t: torch.Tensor) -> torch.dtype:
    """``t.dtype`` read through the original descriptor."""
    return _dtype.__get__(t)


def device(t: torch.Tensor) -> torch.device:
    """``t.device`` read through the original descriptor."""
    return _device.__get__(t)


def grad(t: torch.Tensor) -> torch.Tensor | None:
    """``t.grad`` read through the original descriptor."""
    return _grad.__get__(t)


def set_data(t: torch.Tensor, value: torch.Tensor) -> None:
    """``t.data = value`` through the original descriptor."""
    _data.__set__(t, value)


def is_plain(value: object) -> bool:
    """``True`` only for an exact ``torch.Tensor`` or ``nn.Parameter``.

    ``type()`` cannot be fooled by a ``__class__`` property the way ``isinstance`` can, and a
    subclass (which may override ``__eq__`` or ``__torch_function__``) is not plain.
    """
    kind = type(value)
    return kind is Tensor or kind is Parameter


def shape(t: torch.Tensor) -> tuple[int, ...]:
    """The shape as a plain tuple of ints."""
    return tuple(int(n) for n in size(t))


def as_float64(t: torch.Tensor) -> torch.Tensor:
    """A detached float64 copy that shares nothing with the student's tensor."""
    with no_grad():
        return clone(to(detach(t), dtype=float64))


def intact() -> list[str]:
    """Names of watched functions that no longer point at their originals."""
    return [name for name, (owner, attr, original) in _WATCHED.items()
            if getattr(owner, attr, None) is not original]


def restore() -> None:
    """Put the watched functions back."""
    for owner, attr, original in _WATCHED.values():
        if getattr(owner, attr, None) is original:
            continue
        if isinstance(owner, type):
            type.__setattr__(owner, attr, original)
        else:
            setattr(owner, attr, original)


# Last, so that the guard's snapshot of torch is taken together with the references above.
from course_helpers import guard as _guard  # noqa: E402, F401
