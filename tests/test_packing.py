"""Weight packing for CPU decoding: int4 reproduces 4-bit GGUF weights exactly; packed layers match
the plain matmul."""

from __future__ import annotations

import torch
from torch import nn

from qa.generators.lean.packing import GROUP, Int4Linear, Int8Linear, fused, int4_grid


def q4_weight(rows: int = 64, cols: int = 96, seed: int = 0) -> torch.Tensor:
    """A weight as a de-quantised Q4_1 GGUF stores it: per 32-block, scale * code + minimum."""
    gen = torch.Generator().manual_seed(seed)
    codes = torch.randint(0, 16, (rows, cols // GROUP, GROUP), generator=gen).float()
    codes[..., 0], codes[..., 1] = 0, 15  # each block uses its full range, as Q4_1 blocks do
    scale = torch.rand(rows, cols // GROUP, 1, generator=gen) * 0.01 + 0.001
    low = torch.randn(rows, cols // GROUP, 1, generator=gen) * 0.05
    return (codes * scale + low).reshape(rows, cols)


def linear(weight: torch.Tensor) -> nn.Linear:
    layer = nn.Linear(weight.shape[1], weight.shape[0], bias=False)
    layer.weight.data = weight.clone()
    return layer


def test_int4_grid_is_exact_for_q4_weights_only():
    weight = q4_weight()
    codes, scale, low, error = int4_grid(weight)
    assert error < 1e-6 and codes.min() == 0 and codes.max() == 15
    rebuilt = codes.reshape(64, -1, GROUP) * scale[..., None] + low[..., None]
    assert torch.allclose(rebuilt.reshape(64, 96), weight, atol=1e-6)
    assert int4_grid(torch.randn(64, 96))[3] > 1e-3  # ordinary float weights are not on the grid


def test_packed_layers_match_the_plain_matmul_for_decode_and_prompt_rows():
    weight = q4_weight()
    reference = linear(weight)
    x_decode, x_prompt = torch.randn(1, 1, 96), torch.randn(1, 40, 96)
    for packed, tol in ((Int4Linear(reference, torch.bfloat16), 0.05), (Int8Linear(reference, torch.bfloat16), 0.05)):
        for x in (x_decode, x_prompt):
            expected = reference(x)
            got = packed(x.to(torch.bfloat16)).float()
            assert got.shape == expected.shape
            assert (got - expected).abs().max() <= tol * expected.abs().max()


def test_fused_layers_give_the_same_numbers_as_separate_calls():
    rows = torch.randn(1, 96, dtype=torch.bfloat16)
    for sizes in ((128, 64, 64), (64, 32, 32)):  # whole 64-row int4 blocks are fused; others are not
        layers = [linear(q4_weight(n, seed=seed)) for seed, n in enumerate(sizes)]
        for kind in (Int4Linear, Int8Linear):
            packed = [kind(layer, torch.bfloat16) for layer in layers]
            separate = torch.cat([layer.packed_mm(rows) for layer in packed], dim=-1)
            assert torch.equal(fused(packed)(rows), separate), (kind.__name__, sizes)
            one_kernel = kind is Int8Linear or sizes[0] == 128
            assert isinstance(fused(packed), nn.Module) == one_kernel
    mixed = [Int4Linear(layers[0], torch.bfloat16), Int8Linear(layers[1], torch.bfloat16)]
    assert torch.equal(fused(mixed)(rows), torch.cat([mixed[0](rows), mixed[1](rows)], dim=-1))


def test_int4_and_int8_packing_round_trip_the_weights():
    """What the packed kernels multiply by (read back through an identity input) is the original weight,
    to bfloat16 rounding of scales and outputs: under 1% of the largest weight. A 4-bit zero point off by
    one code would be off by a whole step (up to 4% here)."""
    weight = q4_weight()
    identity = torch.eye(weight.shape[1], dtype=torch.bfloat16)
    for kind in (Int4Linear, Int8Linear):
        unpacked = kind(linear(weight), torch.bfloat16).packed_mm(identity).float().T
        assert unpacked.shape == weight.shape
        assert (unpacked - weight).abs().max() <= 0.01 * weight.abs().max(), kind.__name__
