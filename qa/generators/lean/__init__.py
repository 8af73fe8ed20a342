"""The in-process `transformers` generator and its lean CPU decoder for Llama-architecture models:
`generator` (the Generator), `loading` (weights, GGUF cache), `packing` (int4/int8), `decoder` (the token loop).
Tested with the torch and transformers ranges pinned in pyproject.toml: it uses private torch int4 ops."""
