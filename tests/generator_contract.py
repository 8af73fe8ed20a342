"""Checks every model-backed generator must pass (see docs/architecture.md, "Adding a generator")."""

from __future__ import annotations

import time

from qa.protocols import GenerationRequest, Generator


def request(content: str, max_new_tokens: int = 24, temperature: float = 0.0,
            seed: int | None = None) -> GenerationRequest:
    return GenerationRequest("q", (), ({"role": "user", "content": content},), max_new_tokens, temperature,
                             seed=seed)


def check_streams_in_pieces(generator: Generator, content: str = "Say hello to Seoul.") -> str:
    """The text arrives as several non-empty deltas; returns it joined."""
    assert isinstance(generator, Generator)
    pieces = list(generator.stream(request(content)))
    assert len(pieces) > 3 and all(pieces)
    return "".join(pieces)


def check_closing_stops_and_frees(generator: Generator, within_s: float = 2.0) -> None:
    """Closing the stream (a client that went away) returns at once and the next request is served."""
    stream = generator.stream(request("Write a very long essay about Korea.", max_new_tokens=2000))
    next(stream)
    started = time.perf_counter()
    stream.close()
    assert time.perf_counter() - started < within_s, "generation went on after the consumer left"
    started = time.perf_counter()
    assert list(generator.stream(request("Say hello.", max_new_tokens=4)))
    assert time.perf_counter() - started < within_s + 3


def check_sampling_follows_temperature_and_seed(generator: Generator) -> None:
    """Greedy is deterministic; sampled text is reproducible under a seed and differs across seeds and
    from greedy (so a generator that ignored the temperature or the seed would fail)."""
    def text(temperature: float = 0.0, seed: int | None = None) -> str:
        return "".join(generator.stream(request("Write a short poem about Seoul.", 24, temperature, seed)))

    greedy = text()
    assert greedy.strip() and text() == greedy
    sampled = text(1.0, seed=0)
    assert sampled.strip() and text(1.0, seed=0) == sampled
    assert text(1.0, seed=1) != sampled and sampled != greedy
