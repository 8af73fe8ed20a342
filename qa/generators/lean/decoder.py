"""A lean token-by-token decoder for Llama-architecture models (SmolLM2 among them).

transformers runs the prompt; each new token then goes through the same modules and weights
without transformers' per-step machinery (masks, cache objects), with attention in float32.
Shapes in comments: H query heads, G = H / KV key-value heads per group, D head dim, C hidden size,
T positions of cache capacity, t = positions so far, V vocabulary.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import torch
import torch.nn.functional as F

from qa.generators.lean.packing import fused


def supports(model: Any) -> bool:
    """Whether `model` has the plain Llama layout this decoder walks (other models use generate())."""
    config = model.config
    inner = getattr(model, "model", None)
    return (config.model_type == "llama" and config.hidden_act == "silu"
            and not getattr(config, "pretraining_tp", 1) > 1
            and not getattr(config, "attention_bias", False) and not getattr(config, "mlp_bias", False)
            and inner is not None and hasattr(inner, "rotary_emb") and hasattr(inner, "layers"))


class LlamaDecoder:
    """Greedy (or sampled) decoding that yields token ids one at a time."""

    def __init__(self, model: Any) -> None:
        if not supports(model):
            raise ValueError(f"LlamaDecoder does not support model type '{model.config.model_type}'")
        config = model.config
        self._model = model
        self._heads = config.num_attention_heads
        self._kv_heads = config.num_key_value_heads
        self._head_dim = getattr(config, "head_dim", None) or config.hidden_size // self._heads
        self._layers = [(layer, fused([layer.self_attn.q_proj, layer.self_attn.k_proj, layer.self_attn.v_proj]),
                         fused([layer.mlp.gate_proj, layer.mlp.up_proj])) for layer in model.model.layers]

    def tokens(self, input_ids: torch.Tensor, max_new_tokens: int, eos_ids: set[int],
               sample: Any = None, stop: threading.Event | None = None) -> Iterator[int]:
        """Yield up to `max_new_tokens` new token ids after the prompt `input_ids` (shape (1, L)), ending
        after an end-of-sequence id or when `stop` is set. `sample(scores, ids) -> id tensor` replaces
        greedy argmax when given."""
        from transformers import DynamicCache

        model, length = self._model, input_ids.shape[1]
        # inference mode is entered per step, not across the yields: the caller may run other work
        # (e.g. load a model) on this thread between two tokens
        with torch.inference_mode():
            prompt_cache = DynamicCache(config=model.config)
            out = model(input_ids=input_ids, cache=prompt_cache, use_cache=True, logits_to_keep=1)
            logits = out.logits[:, -1]  # (1, V)
            keys, values = self._float_cache(prompt_cache, length, length + max_new_tokens)
            del prompt_cache
            positions = torch.arange(length + max_new_tokens)[None]  # (1, T)
            cos, sin = model.model.rotary_emb(logits.new_zeros(1, dtype=next(model.parameters()).dtype),
                                              positions)  # (1, T, D) each
        ids = input_ids
        for step in range(max_new_tokens):
            with torch.inference_mode():
                token = self._pick(logits, ids, sample)
            yield int(token)
            if int(token) in eos_ids or step == max_new_tokens - 1 or (stop is not None and stop.is_set()):
                return
            position = length + step
            with torch.inference_mode():
                if sample is not None:
                    ids = torch.cat([ids, token.view(1, 1)], dim=1)
                logits = self._step(token.view(1, 1), position, keys, values,
                                    cos[:, position:position + 1], sin[:, position:position + 1])

    @staticmethod
    def _pick(logits: torch.Tensor, ids: torch.Tensor, sample: Any) -> torch.Tensor:
        if sample is None:
            return logits.float().argmax(-1)
        return sample(logits.float(), ids)

    def _float_cache(self, cache: Any, length: int, capacity: int) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """Copy the prompt's keys, transposed to (KV, D, T), and values, (KV, T, D), into float32
        buffers with room for T = `capacity` positions."""
        keys, values = [], []
        for layer in cache.layers:
            k = torch.zeros(self._kv_heads, self._head_dim, capacity)
            v = torch.zeros(self._kv_heads, capacity, self._head_dim)
            k[:, :, :length] = layer.keys[0].transpose(1, 2).float()
            v[:, :length] = layer.values[0].float()
            keys.append(k)
            values.append(v)
        return keys, values

    def _step(self, token: torch.Tensor, position: int, keys: list[torch.Tensor], values: list[torch.Tensor],
              cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        """Run one token through every layer at `position`; returns its next-token logits (1, V).
        Each op costs microseconds of dispatch here, so the step keeps their number low: one kernel
        for q, k and v, one for gate and up, one rotary embedding for queries and keys together."""
        inner = self._model.model
        heads, kv_heads, dim = self._heads, self._kv_heads, self._head_dim
        rotated = heads + kv_heads  # query and key heads, in the order the fused projection yields them
        cos, sin = cos.reshape(1, dim), sin.reshape(1, dim)  # (1, D)
        x = inner.embed_tokens(token).view(1, -1)  # (1, C)
        t = position + 1
        for (layer, qkv, gate_up), k_cache, v_cache in zip(self._layers, keys, values, strict=True):
            # k_cache: (KV, D, T) transposed, so q @ k needs no copy; v_cache: (KV, T, D)
            attn = layer.self_attn
            projected = qkv(_rms_norm(layer.input_layernorm, x)).view(rotated + kv_heads, dim)  # (H+2KV, D)
            qk = projected[:rotated]  # (H+KV, D)
            qk = qk * cos + _rotate_half(qk) * sin
            k_cache[:, :, position] = qk[heads:]  # (KV, D)
            v_cache[:, position] = projected[rotated:]  # (KV, D)
            # grouped-query attention over the positions so far, one query row per head
            grouped = qk[:heads].float().view(kv_heads, heads // kv_heads, dim)  # (KV, G, D)
            weights = torch.softmax((grouped @ k_cache[:, :, :t]) * attn.scaling, dim=-1)  # (KV, G, t)
            mixed = (weights @ v_cache[:, :t]).view(1, heads * dim)  # (KV, G, D) -> (1, H*D)
            x = x + attn.o_proj(mixed.to(x.dtype))  # (1, C)
            gate, up = gate_up(_rms_norm(layer.post_attention_layernorm, x)).chunk(2, dim=-1)  # 2 x (1, I)
            x = x + layer.mlp.down_proj(F.silu(gate) * up)  # (1, C)
        return self._model.lm_head(_rms_norm(inner.norm, x))  # (1, V)


def _rms_norm(norm: Any, x: torch.Tensor) -> torch.Tensor:
    """LlamaRMSNorm's arithmetic (float32 statistics, then the weight in the input dtype), in fewer ops."""
    return norm.weight * F.rms_norm(x.float(), (x.shape[-1],), eps=norm.variance_epsilon).to(x.dtype)


def _rotate_half(x: torch.Tensor) -> torch.Tensor:
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)
