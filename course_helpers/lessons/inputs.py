"""Fresh but reproducible inputs for the checks."""

from __future__ import annotations

import torch


def vector(n: int, *, seed: int, dtype: torch.dtype = torch.float32, scale: float = 3.0
           ) -> torch.Tensor:
    """``n`` values in [-scale, scale) from a private generator (the global seed is untouched)."""
    generator = torch.Generator().manual_seed(seed)
    values = (torch.rand(n, generator=generator, dtype=torch.float64) * 2 - 1) * scale
    return values.to(dtype)
