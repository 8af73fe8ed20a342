"""The lean decoder against transformers itself, on the real packaged model (loaded once per session)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
import torch

from qa.compute import compute
from qa.generators.lean.decoder import LlamaDecoder, supports

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def llm(pipeline):
    gen = pipeline.generator("transformers")
    return gen.tokenizer, gen.lm


def _prompt(tokenizer, question: str) -> torch.Tensor:
    messages = [{"role": "user", "content": question}]
    return tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                         return_dict=True)["input_ids"]


def test_only_the_plain_llama_layout_is_walked():
    other = SimpleNamespace(config=SimpleNamespace(model_type="gpt2", hidden_act="gelu"), model=None)
    assert not supports(other)
    with pytest.raises(ValueError, match="gpt2"):
        LlamaDecoder(other)


def test_greedy_tokens_match_transformers_generate(llm):
    tokenizer, model = llm
    ids = _prompt(tokenizer, "Name three colours of the rainbow.")
    eos = {tokenizer.eos_token_id}
    lean = compute.run(lambda: list(LlamaDecoder(model).tokens(ids, 24, eos)))
    reference = compute.run(model.generate, input_ids=ids, attention_mask=torch.ones_like(ids),
                            max_new_tokens=24, do_sample=False, temperature=None, top_p=None, top_k=None,
                            pad_token_id=tokenizer.eos_token_id)[0, ids.shape[1]:].tolist()
    assert lean == reference, (tokenizer.decode(lean), tokenizer.decode(reference))


def test_each_step_agrees_with_a_full_forward_pass(llm):
    """Teacher forcing: the logits the decoder computes token by token are those of one forward pass
    over the whole sequence, up to rounding (the prompt path multiplies by bfloat16 weights, decoding
    by the packed int4 layers and an int8 output head)."""
    tokenizer, model = llm
    ids = _prompt(tokenizer, "Where is Seoul?")
    decoder = LlamaDecoder(model)
    steps: list[torch.Tensor] = []

    def record(scores: torch.Tensor, _ids: torch.Tensor) -> torch.Tensor:
        steps.append(scores[0])
        return scores.argmax(-1)

    tokens = compute.run(lambda: list(decoder.tokens(ids, 8, set(), sample=record)))

    def forward() -> torch.Tensor:
        with torch.inference_mode():  # thread-local: entered on the compute thread
            return model(torch.cat([ids, torch.tensor([tokens])], dim=1)).logits[0].float()

    full = compute.run(forward)
    for i, scores in enumerate(steps):
        expected = full[ids.shape[1] - 1 + i]
        assert int(expected.argmax()) == int(scores.argmax())
        assert torch.allclose(scores, expected, atol=1.0), float((scores - expected).abs().max())


def test_stop_event_ends_decoding_after_the_current_token(llm):
    tokenizer, model = llm
    stop = threading.Event()
    stop.set()
    tokens = compute.run(lambda: list(LlamaDecoder(model).tokens(_prompt(tokenizer, "Count to fifty."), 50,
                                                                 set(), stop=stop)))
    assert len(tokens) == 1
