"""A tiny Llama with seeded random weights and a byte-level tokenizer, for fast tests of the lean decoder.

Not a fake: a real transformers LlamaForCausalLM, only small. Its block weights are snapped onto the
4-bit/32-group grid a Q4 GGUF stores, so `quantize="auto"` packs them to int4 losslessly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from qa.generators.lean.packing import GROUP, int4_grid

ATTENTION_SCALE = 8.0
WORDS = 1000  # whole-word tokens ("Ġword17"): most draws end a word, so streamed text arrives piece by piece
CHAT_TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
                 "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def tiny_tokenizer() -> Any:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tokens = alphabet + ["<|im_start|>", "<|im_end|>"] + [f"Ġword{i}" for i in range(WORDS)]
    backend = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(tokens)}, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    return PreTrainedTokenizerFast(tokenizer_object=backend, bos_token="<|im_start|>", eos_token="<|im_end|>",
                                   chat_template=CHAT_TEMPLATE)


def tiny_llama(vocab_size: int, seed: int = 0) -> Any:
    """2 layers, 4 query heads over 2 key-value heads of 16 dims: grouped-query attention as in SmolLM2."""
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(vocab_size=vocab_size, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, head_dim=16, max_position_embeddings=512,
                         tie_word_embeddings=False, bos_token_id=vocab_size - WORDS - 2,
                         eos_token_id=vocab_size - WORDS - 1)
    model = LlamaForCausalLM(config).eval()
    with torch.no_grad():
        for layer in model.model.layers:  # sharper attention than the initial near-uniform one, so that
            layer.self_attn.q_proj.weight.mul_(ATTENTION_SCALE)  # which keys are cached, and where, matters
            layer.self_attn.k_proj.weight.mul_(ATTENTION_SCALE)
        for module in model.model.layers.modules():
            if isinstance(module, torch.nn.Linear):
                module.weight.copy_(on_q4_grid(module.weight))
    return model


def on_q4_grid(weight: torch.Tensor) -> torch.Tensor:
    """The weight as a de-quantised Q4_1 GGUF would hold it: each 32-block as scale * code + minimum."""
    codes, scale, low, _ = int4_grid(weight)
    rows, cols = weight.shape
    blocks = codes.reshape(rows, cols // GROUP, GROUP) * scale[..., None] + low[..., None]
    return blocks.reshape(rows, cols)


def save_tiny_model(target: Path) -> Path:
    """Tokenizer and model saved as a local model folder (what QA_GEN_MODEL may name)."""
    tokenizer = tiny_tokenizer()
    tiny_llama(len(tokenizer)).save_pretrained(target)
    tokenizer.save_pretrained(target)
    return target


def chat_ids(tokenizer: Any, text: str) -> torch.Tensor:
    """The prompt ids, shape (1, L), for one user message."""
    return tokenizer.apply_chat_template([{"role": "user", "content": text}], add_generation_prompt=True,
                                         return_tensors="pt", return_dict=True)["input_ids"]
