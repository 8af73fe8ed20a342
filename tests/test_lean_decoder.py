"""The lean decoder against transformers itself: on a tiny seeded random Llama in float32, int4 and int8
(fast), and on the real packaged model as the generator loads it (slow)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
import torch

from qa.generators.lean.decoder import LlamaDecoder, supports
from qa.generators.lean.generator import eos_ids, sampler
from qa.generators.lean.packing import Int4Linear, Int8Linear, pack_model
from tests.tiny_llama import chat_ids, tiny_llama, tiny_tokenizer

SCHEMES = ("none", "int4", "int8")


@pytest.fixture(scope="module", params=[*SCHEMES, pytest.param("packaged", marks=pytest.mark.slow)])
def llm(request):
    """(tokenizer, model): the tiny model in float32 or packed as QA_GEN_QUANTIZE would pack it, or the
    packaged SmolLM2 as the transformers generator loaded it (int4)."""
    if request.param == "packaged":
        generator = request.getfixturevalue("pipeline").generator("transformers")
        return generator.tokenizer, generator.lm
    tokenizer = tiny_tokenizer()
    model = tiny_llama(len(tokenizer))
    if request.param != "none":
        pack_model(model, request.param)
        kind = Int4Linear if request.param == "int4" else Int8Linear
        assert isinstance(model.model.layers[0].mlp.up_proj, kind)
    return tokenizer, model


def generate(model, ids: torch.Tensor, max_new_tokens: int) -> tuple[list[int], list[torch.Tensor]]:
    """generate()'s greedy tokens and the scores it chose each from."""
    out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
                         do_sample=False, temperature=None, top_p=None, top_k=None, pad_token_id=0,
                         output_scores=True, return_dict_in_generate=True)
    return out.sequences[0, ids.shape[1]:].tolist(), [s[0].float() for s in out.scores]


def is_packed(model) -> bool:
    return model.lm_head.weight.dtype != torch.float32


def test_only_the_plain_llama_layout_is_walked():
    other = SimpleNamespace(config=SimpleNamespace(model_type="gpt2", hidden_act="gelu"), model=None)
    assert not supports(other)
    with pytest.raises(ValueError, match="gpt2"):
        LlamaDecoder(other)
    assert supports(tiny_llama(300))


def test_greedy_tokens_match_transformers_generate(llm):
    """In float32 the tokens are the same. Packed, generate() runs attention in bfloat16 and the lean
    decoder in float32, so on random weights they may part at a near tie: there generate()'s scores for
    the two tokens must lie within bfloat16 rounding of each other."""
    tokenizer, model = llm
    ids = chat_ids(tokenizer, "Name three colours of the rainbow.")
    lean = list(LlamaDecoder(model).tokens(ids, 32, eos_ids(tokenizer, model)))
    reference, scores = generate(model, ids, 32)
    assert len(reference) > 8
    parted = next((i for i, (a, b) in enumerate(zip(lean, reference, strict=False)) if a != b), None)
    if parted is None or not is_packed(model):
        assert lean == reference
        return
    step = scores[parted]
    gap = float(step[reference[parted]] - step[lean[parted]])
    assert 0 <= gap <= 0.02 * float(step.abs().max()), (parted, gap)


def test_each_step_agrees_with_a_full_forward_pass(llm):
    """Teacher forcing: the logits computed token by token are those of one forward pass over the whole
    sequence; to float rounding in float32, within 5% of the largest logit when packed (the prompt path
    multiplies by bfloat16 weights, decoding by the packed layers)."""
    tokenizer, model = llm
    ids = chat_ids(tokenizer, "Where is Seoul?")
    steps: list[torch.Tensor] = []

    def record(scores: torch.Tensor, _ids: torch.Tensor) -> torch.Tensor:
        steps.append(scores[0])
        return scores.argmax(-1)

    tokens = list(LlamaDecoder(model).tokens(ids, 12, set(), sample=record))
    with torch.inference_mode():
        full = model(torch.cat([ids, torch.tensor([tokens])], dim=1)).logits[0].float()
    packed = is_packed(model)
    assert len(steps) == 12
    for i, scores in enumerate(steps):
        expected = full[ids.shape[1] - 1 + i]
        tolerance = 0.05 * float(expected.abs().max()) if packed else 1e-4
        assert torch.allclose(scores, expected, atol=tolerance), (i, float((scores - expected).abs().max()))


def test_stop_event_ends_decoding_after_the_current_token(llm):
    tokenizer, model = llm
    stop = threading.Event()
    stop.set()
    assert len(list(LlamaDecoder(model).tokens(chat_ids(tokenizer, "Count to fifty."), 50, set(), stop=stop))) == 1


def test_decoding_ends_at_an_end_of_sequence_id(llm):
    tokenizer, model = llm
    ids = chat_ids(tokenizer, "Hello")
    greedy = list(LlamaDecoder(model).tokens(ids, 10, set()))
    assert list(LlamaDecoder(model).tokens(ids, 10, {greedy[3]})) == greedy[:greedy.index(greedy[3]) + 1]


def test_sampling_is_reproducible_under_a_seed_and_differs_across_seeds_and_from_greedy(llm):
    tokenizer, model = llm
    ids = chat_ids(tokenizer, "Tell me a story.")
    decoder = LlamaDecoder(model)

    def sampled(seed: int) -> list[int]:
        torch.manual_seed(seed)
        return list(decoder.tokens(ids, 24, set(), sample=sampler(1.0, 0.95)))

    assert sampler(0.0, 0.95) is None  # temperature 0 is greedy
    first = sampled(0)
    assert sampled(0) == first
    assert sampled(1) != first
    assert first != list(decoder.tokens(ids, 24, set()))
