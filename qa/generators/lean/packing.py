"""Pack a causal LM's Linear weights into 4-bit groups (exact for Q4 GGUF weights) or 8-bit rows, so
CPU decoding reads 4-8x fewer bytes per token; prompts still run on the bfloat16 weights.

Decoding one token on a CPU is bound by memory bandwidth: it reads every weight once. A Q4_1 GGUF
stores each block of 32 weights as 4-bit integers with a scale and a minimum; transformers
de-quantises them to floats, and `int4` packs them back into the same grid, losslessly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Literal

import torch
from torch import nn

log = logging.getLogger(__name__)
GROUP = 32  # Q4_0/Q4_1 block size
# Above this many rows (a prompt), a plain bfloat16 matmul is faster than the packed kernels.
PACKED_MAX_ROWS = 16
INT4_BLOCK_ROWS = 64  # output rows per block in torch's packed CPU int4 layout
Scheme = Literal["int4", "int8"]


def int4_grid(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, float]:
    """Asymmetric 4-bit codes per group of 32 input weights: (codes, scales, minimums, max error)."""
    w = weight.detach().float()
    n, k = w.shape
    groups = w.reshape(n, k // GROUP, GROUP)
    low, high = groups.amin(-1, keepdim=True), groups.amax(-1, keepdim=True)
    scale = ((high - low) / 15).clamp(min=1e-12)
    codes = torch.round((groups - low) / scale).clamp(0, 15)
    error = float((codes * scale + low - groups).abs().max())
    return codes.to(torch.int32).reshape(n, k), scale.squeeze(-1), low.squeeze(-1), error


class _PackedLinear(nn.Module):
    """A bias-free Linear whose decoding rows use packed weights and prompts the bfloat16 copy."""

    out_features: int
    weight: torch.Tensor

    def packed_mm(self, rows: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.reshape(-1, x.shape[-1])
        out = rows @ self.weight.T if rows.shape[0] > PACKED_MAX_ROWS else self.packed_mm(rows.contiguous())
        return out.reshape(*x.shape[:-1], self.out_features)


class Int4Linear(_PackedLinear):
    """y = x W^T with W in 4-bit groups (torch's CPU int4 kernel)."""

    def __init__(self, linear: nn.Linear, dtype: torch.dtype) -> None:
        super().__init__()
        codes, scale, low, _ = int4_grid(linear.weight)
        self.out_features = linear.out_features
        self.register_buffer("packed", torch._convert_weight_to_int4pack_for_cpu(codes, 1), persistent=False)
        # the kernel de-quantises as (code - 8) * scale + zero
        zeros = low + 8 * scale
        self.register_buffer("scales_zeros", torch.stack([scale, zeros], -1).transpose(0, 1).contiguous().to(dtype),
                             persistent=False)
        self.register_buffer("weight", linear.weight.detach().to(dtype), persistent=False)

    def packed_mm(self, rows: torch.Tensor) -> torch.Tensor:
        return torch._weight_int4pack_mm_for_cpu(rows, self.packed, GROUP, self.scales_zeros)


class Int8Linear(_PackedLinear):
    """y = x W^T with W as int8 rows and one scale per output (torch's CPU int8 kernel)."""

    def __init__(self, linear: nn.Linear, dtype: torch.dtype) -> None:
        super().__init__()
        w = linear.weight.detach().float()
        scale = (w.abs().amax(dim=1) / 127).clamp(min=1e-12)
        self.out_features = linear.out_features
        self.register_buffer("codes", torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8),
                             persistent=False)
        self.register_buffer("scales", scale.to(dtype), persistent=False)
        self.register_buffer("weight", linear.weight.detach().to(dtype), persistent=False)

    def packed_mm(self, rows: torch.Tensor) -> torch.Tensor:
        return torch._weight_int8pack_mm(rows, self.codes, self.scales)


class _FusedPacked(nn.Module):
    """Packed layers that read the same input, multiplied in one kernel call (decoding rows only)."""

    def __init__(self, layers: Sequence[_PackedLinear]) -> None:
        super().__init__()
        first = layers[0]
        self._int4 = isinstance(first, Int4Linear)
        if self._int4:
            self.register_buffer("packed", torch.cat([lin.packed for lin in layers]), persistent=False)
            self.register_buffer("scales_zeros", torch.cat([lin.scales_zeros for lin in layers], dim=1),
                                 persistent=False)
        else:
            self.register_buffer("codes", torch.cat([lin.codes for lin in layers]), persistent=False)
            self.register_buffer("scales", torch.cat([lin.scales for lin in layers]), persistent=False)

    def forward(self, rows: torch.Tensor) -> torch.Tensor:
        if self._int4:
            return torch._weight_int4pack_mm_for_cpu(rows, self.packed, GROUP, self.scales_zeros)
        return torch._weight_int8pack_mm(rows, self.codes, self.scales)


def fused(layers: Sequence[nn.Module]) -> Callable[[torch.Tensor], torch.Tensor]:
    """rows -> the concatenated outputs of `layers` (which share their input): one packed kernel call
    when all are packed the same way (the same numbers as separate calls), else one call each."""
    kinds = {type(lin) for lin in layers}
    # torch's CPU int4 layout interleaves blocks of 64 output rows: only whole blocks concatenate
    whole_blocks = kinds != {Int4Linear} or all(lin.out_features % INT4_BLOCK_ROWS == 0 for lin in layers)
    if len(kinds) == 1 and kinds <= {Int4Linear, Int8Linear} and whole_blocks:
        return _FusedPacked([lin for lin in layers if isinstance(lin, _PackedLinear)])
    return lambda rows: torch.cat([lin(rows) for lin in layers], dim=-1)


def _block_linears(model: Any) -> list[tuple[nn.Module, str, nn.Linear]]:
    """(parent, attribute, layer) for every bias-free Linear inside the transformer blocks."""
    found = []
    for parent in model.model.layers.modules():
        for name, child in parent.named_children():
            if isinstance(child, nn.Linear) and child.bias is None:
                found.append((parent, name, child))
    return found


def is_int4_exact(model: Any, tolerance: float = 1e-6) -> bool:
    """Whether every block Linear already lies on a 4-bit/32-group grid (a de-quantised Q4 GGUF),
    so packing it to int4 changes no weight."""
    linears = _block_linears(model)
    return bool(linears) and all(
        lin.in_features % GROUP == 0 and int4_grid(lin.weight)[3] <= tolerance * float(lin.weight.detach().abs().max())
        for _, _, lin in linears)


def pack_model(model: Any, scheme: Scheme) -> Any:
    """Replace block Linears with packed ones (`int4` or `int8`), the output head with int8, and run
    everything else in bfloat16. Returns the same model object."""
    dtype = torch.bfloat16
    linears = _block_linears(model)
    packed = {id(lin): (Int4Linear(lin, dtype) if scheme == "int4" else Int8Linear(lin, dtype))
              for _, _, lin in linears}
    head = Int8Linear(model.lm_head, dtype)
    model.to(dtype)
    for parent, name, lin in linears:
        setattr(parent, name, packed[id(lin)])
    model.lm_head = head
    log.info("Packed %d Linear layers to %s (output head int8), activations bfloat16", len(linears), scheme)
    return model
