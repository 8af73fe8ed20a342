"""Decode speed of the lean decoder at a given torch thread count (greedy, on the compute thread).

    .venv/bin/python eval/decode_threads.py [--threads N] [--tokens 96] [--runs 2]

Prints tokens/s per run and the load average, so runs on a busy machine can be told apart.
"""

from __future__ import annotations

import argparse
import os
import time

from qa.cli import tune_openmp

tune_openmp()  # before torch loads, as `qa` does

from qa.compute import compute  # noqa: E402
from qa.config import Settings  # noqa: E402
from qa.generators.lean.generator import TransformersGenerator  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=0, help="0 = torch's default")
    parser.add_argument("--tokens", type=int, default=96)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    settings = Settings()
    gen = TransformersGenerator(settings.gen_model, cache_dir=settings.cache_dir, threads=args.threads)
    if gen.decoder is None:
        raise SystemExit("this model is not walked by the lean decoder")
    messages = [{"role": "user", "content": "Write a long essay about Korea and Japan."}]
    ids = gen.tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                            return_dict=True)["input_ids"]
    for run in range(args.runs):
        started = time.perf_counter()
        tokens = compute.run(lambda: list(gen.decoder.tokens(ids, args.tokens, set())))
        seconds = time.perf_counter() - started
        print(f"run {run + 1}: {len(tokens)} tokens in {seconds:.2f} s = {len(tokens) / seconds:.1f} tokens/s")
    print(f"threads={args.threads or 'default'} load average {os.getloadavg()[0]:.1f} (1 min)")


if __name__ == "__main__":
    main()
