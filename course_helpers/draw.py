"""Hidden cases drawn afresh: each grading run varies the values of a question's templates.

The grader derives a seed from its own secret and the submission, and the kernel and the
judge both draw the same cases from it: every floating-point tensor in a template's
arguments, every number in a list of values (an int stays a nonzero int of its sign) and every
float of a record, is scaled element by element by a factor in [0.75, 1.25]. A plain number
argument (a learning rate, a count) stays as it is unless the question names its position in
``varied``, and so do ints in tuples (shapes) and in records (steps). Shapes, dtypes, signs and
zeros stay as written, so a template keeps what it was chosen to test; the numbers are new for
every submission, so a table of earlier inputs is of no use.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence
from typing import Any

import torch

from course_helpers import trusted

SPREAD = 0.25


def draw_cases(templates: Sequence[Any], seed: int | None,
               varied: Sequence[int] | None = None) -> list[Any]:
    """The cases drawn from ``templates`` (:class:`~course_helpers.question.Case`) for ``seed``;
    the templates themselves when there is no seed. ``varied`` names the argument positions
    whose values change (all of them when None): a training loop's data may change where
    its inputs must stay in the range its learning rate was chosen for. A plain number is
    drawn afresh only where ``varied`` names its position."""
    if seed is None:
        return list(templates)
    generator = torch.Generator().manual_seed(int(seed) % 2**63)
    drawn = []
    for case in templates:
        # A number named in ``varied`` (a starting point, say) is drawn afresh like a value.
        args = tuple(_vary(arg, generator, 2 if varied is not None else 1)
                     if varied is None or position in varied else arg
                     for position, arg in enumerate(case.args))
        drawn.append(dataclasses.replace(case, args=args, label=""))
    return drawn


def _vary(value: Any, generator: torch.Generator, depth: int) -> Any:
    if depth > 12:
        return value
    if trusted.is_plain(value):
        return _scaled(value, generator)
    kind = type(value)
    if kind is float and depth > 1:  # a number in a list of values, not a learning rate
        return value * _factor(generator)
    if kind is int and depth > 1:  # a count named in ``varied``, or a value in a list
        if value == 0:
            return 0
        drawn = round(value * _factor(generator))
        return max(1, drawn) if value > 0 else min(-1, drawn)
    if kind is list:
        return [_vary(v, generator, depth + 1) for v in value]
    if kind is tuple:
        # An int in a tuple is a shape or an index, not a value: it stays.
        return tuple(v if type(v) is int else _vary(v, generator, depth + 1) for v in value)
    if kind is dict:  # options such as {"lr": 0.1}: their numbers stay as chosen
        return {k: v if type(v) in (int, bool) else _vary(v, generator, depth + 1)
                for k, v in value.items()}
    if isinstance(value, torch.nn.Module):
        made = copy.deepcopy(value)
        with torch.no_grad():
            for parameter in made.parameters():
                parameter.copy_(_scaled(parameter, generator))
        return made
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        made = copy.copy(value)
        for field in dataclasses.fields(value):
            kept = getattr(value, field.name)
            if type(kept) is not int:  # a record's count (steps, a pause) stays as chosen
                object.__setattr__(made, field.name, _vary(kept, generator, depth + 1))
        return made
    return value


def _factor(generator: torch.Generator) -> float:
    return 1 + SPREAD * (2 * torch.rand((), generator=generator, dtype=torch.float64).item() - 1)


def _scaled(t: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    if not trusted.dtype(t).is_floating_point:
        return t
    with torch.no_grad():
        factor = 1 + SPREAD * (2 * torch.rand(trusted.shape(t), generator=generator,
                                              dtype=torch.float64) - 1)
        values = (trusted.detach(t).to(torch.float64) * factor).to(trusted.dtype(t))
    if type(t) is trusted.Parameter:
        return torch.nn.Parameter(values, requires_grad=trusted.requires_grad(t))
    if trusted.requires_grad(t):
        values.requires_grad_(True)
    return values
