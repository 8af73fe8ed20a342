"""This project against peer RAG libraries on the same SQuAD questions, one process per system, one run.

    .venv/bin/python -m pip install -e '.[bench]'      # txtai, LlamaIndex, Haystack (optional)
    .venv/bin/python eval/peer_bench.py [--limit 1000] [--systems project,txtai,...]

Protocol, the same for every system: SQuAD v1.1 dev, the first `--limit` questions (1,000 = articles
1-2), one index per article, top-5 per question. Paragraph hit@k = the gold paragraph is among the
first k *distinct* paragraphs of the results; span hit@k = one of the first k results contains the
gold answer span; MRR over distinct paragraphs. Build time includes embedding; query p50/p95 is the
wall time of one search call, CPU per query the process CPU time it used (all threads). A peer that
is not installed or fails is reported as such. Writes eval/runs/peer_bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from bisect import bisect_right
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.cli import tune_openmp  # noqa: E402

tune_openmp()  # as `qa` does; every system runs under the same OpenMP settings

SQUAD_CANDIDATES = [ROOT.parent / "shared/data/squad/dev-v1.1.json",
                    ROOT.parent.parent / "shared/data/squad/dev-v1.1.json"]
KS = (1, 3, 5)


def default_squad() -> Path:
    return next((p for p in SQUAD_CANDIDATES if p.is_file()), SQUAD_CANDIDATES[0])


def question_metrics(starts: list[int], span: tuple[int, int], found: list[tuple[int, int]]) -> dict:
    """Paragraph and span hit@k (0/1), reciprocal rank over distinct paragraphs, distinct paragraph count.
    `starts`: the article's paragraph start offsets; `span`: the gold answer; `found`: result ranges."""
    gold = bisect_right(starts, span[0]) - 1
    paras = list(dict.fromkeys(bisect_right(starts, s) - 1 for s, _ in found))
    out = {"distinct": len(paras), "rr": 1 / (paras.index(gold) + 1) if gold in paras else 0.0}
    for k in KS:
        out[f"para_hit@{k}"] = int(gold in paras[:k])
        out[f"span_hit@{k}"] = int(any(s <= span[0] and span[1] <= e for s, e in found[:k]))
    return out


def run_system(name: str, squad: Path, limit: int) -> dict:
    """Index each article with system `name`, ask every question once; metrics and timings."""
    from qa.index.sentences import paragraphs

    from eval.peers import SYSTEMS, TOP_K
    from qa.evaluation.datasets import load_eval_set

    data = load_eval_set(squad, "squad", limit)
    by_doc: dict[str, list] = {}
    for item in data.items:
        by_doc.setdefault(item.doc_id, []).append(item)
    started = time.perf_counter()
    factory = SYSTEMS[name][1]()
    load_s = time.perf_counter() - started
    build_s, wall, cpu = 0.0, [], []
    hits = {f"para_hit@{k}": 0 for k in KS} | {f"span_hit@{k}": 0 for k in KS}
    rr = distinct_total = 0.0
    for doc_id, items in by_doc.items():
        doc = data.documents[doc_id]
        starts = [p.start for p in paragraphs(doc.text)]
        t = time.perf_counter()
        search = factory(doc)
        build_s += time.perf_counter() - t
        search(items[0].question)  # warm-up, not timed
        for item in items:
            w, c = time.perf_counter(), time.process_time()
            found = search(item.question)[:TOP_K]
            wall.append((time.perf_counter() - w) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            scores = question_metrics(starts, item.span, found)
            distinct_total += scores.pop("distinct")
            rr += scores.pop("rr")
            for key, value in scores.items():
                hits[key] += value
    n = len(wall)
    wall.sort()
    return {"system": name, "label": SYSTEMS[name][0], "questions": n, "articles": len(by_doc),
            **{key: round(v / n, 3) for key, v in hits.items()}, "mrr": round(rr / n, 3),
            "distinct_paragraphs_top5": round(distinct_total / n, 2), "load_s": round(load_s, 2),
            "build_s": round(build_s, 2), "p50_ms": round(statistics.median(wall), 2),
            "p95_ms": round(wall[int(0.95 * (n - 1))], 2), "cpu_ms_per_query": round(sum(cpu) / n, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def run_in_subprocess(name: str, args: argparse.Namespace) -> dict:
    """One fresh process per system, so no library's threads or caches touch another's figures."""
    out = args.out.with_suffix(f".{name}.json")
    cmd = [sys.executable, __file__, "--worker", name, "--squad", str(args.squad), "--limit", str(args.limit),
           "--out", str(out)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout, env=os.environ.copy())
    except subprocess.TimeoutExpired:
        return {"system": name, "error": f"did not finish within {args.timeout} s"}
    if proc.returncode != 0 or not out.is_file():
        lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
        last = lines[-1] if lines else f"exit code {proc.returncode}"
        if "ModuleNotFoundError" in last or "ImportError" in last:
            last = f"not installed ({last.split(':', 1)[-1].strip()}); pip install -e '.[bench]'"
        return {"system": name, "error": last[:300]}
    result = json.loads(out.read_text())
    out.unlink()
    return result


def ratio(value: float, base: float) -> str:
    return f" ({value / base:.2f}×)" if base else ""


def table(results: list[dict]) -> str:
    """Markdown table; each figure with its ratio to this project's in parentheses."""
    from eval.peers import SYSTEMS

    base = next((r for r in results if r["system"] == "project" and "error" not in r), {})
    cols = ["para_hit@1", "para_hit@3", "para_hit@5", "span_hit@1", "span_hit@5", "mrr", "distinct_paragraphs_top5",
            "build_s", "p50_ms", "p95_ms", "cpu_ms_per_query"]
    lines = ["| system | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for r in results:
        label = SYSTEMS[r["system"]][0]
        if "error" in r:
            lines.append(f"| {label} | not run: {r['error']} |" + " |" * (len(cols) - 1))
            continue
        cells = [f"{r[c]}" + (ratio(r[c], base[c]) if base and r is not base else "") for c in cols]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    from eval.peers import SYSTEMS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--squad", type=Path, default=default_squad())
    parser.add_argument("--limit", type=int, default=1000, help="First N SQuAD dev questions (1,000 = articles 1-2).")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"Comma-separated, from {', '.join(SYSTEMS)}.")
    parser.add_argument("--timeout", type=int, default=3600, help="Seconds allowed per system.")
    parser.add_argument("--out", type=Path, default=ROOT / "eval/runs/peer_bench.json")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # inside the per-system process
        args.out.write_text(json.dumps(run_system(args.worker, args.squad, args.limit)))
        return
    if not args.squad.is_file():
        sys.exit(f"SQuAD v1.1 dev not found at {args.squad}; pass --squad PATH.")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    results = []
    for name in args.systems.split(","):
        results.append(run_in_subprocess(name.strip(), args))
        print(json.dumps(results[-1]), file=sys.stderr)
    report = {"command": " ".join([".venv/bin/python eval/peer_bench.py", *sys.argv[1:]]),
              "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(),
              "load_avg_before": [round(x, 2) for x in load_before],
              "load_avg_after": [round(x, 2) for x in os.getloadavg()], "results": results}
    args.out.write_text(json.dumps(report, indent=2))
    print(f"{report['date']}, {report['cpus']} CPUs, load average before {report['load_avg_before']} "
          f"after {report['load_avg_after']}; {report['command']}\n")
    print(table(results))


if __name__ == "__main__":
    main()
