"""Bounded load test on loopback (not a timed test): N concurrent clients mixing /v1/search and
/v1/ask for a fixed time, then report throughput, latency percentiles and errors.

    .venv/bin/python eval/load.py --generator extractive [--clients 32] [--seconds 60] [--abandon 0.3]

`--abandon F` turns a fraction F of the asks into abandoned streams: the client opens /v1/ask/stream,
reads the first event and hangs up (the server must stop that generation and keep answering others).

It starts its own `qa serve` on a free loopback port (or uses --url, which must be a loopback
address), stops issuing requests after --seconds, waits for requests in flight, and stops.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [json.loads(line)["question"] for line in (ROOT / "qa/data/questions.jsonl").open()]
MAX_REQUESTS = 100_000  # hard bound whatever the duration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(generator: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "QA_GENERATOR": generator}
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("server did not become ready")


async def client(base: str, generator: str, deadline: float, worker: int, log: list, counter: list,
                 abandon: float = 0.0) -> None:
    rng = random.Random(worker)
    async with httpx.AsyncClient(base_url=base, timeout=900) as http:
        i = worker
        while time.perf_counter() < deadline and counter[0] < MAX_REQUESTS:
            counter[0] += 1
            question = QUESTIONS[i % len(QUESTIONS)]
            kind = "ask" if i % 2 else "search"
            if kind == "ask" and rng.random() < abandon:
                kind = "abandon"
            body = {"question": question, "generator": generator} if kind != "search" else {"query": question}
            started = time.perf_counter()
            try:
                if kind == "abandon":
                    status = await abandon_stream(http, body)
                    ok = status == 200
                else:
                    response = await http.post(f"/v1/{kind}", json=body)
                    ok = response.status_code == 200 and bool(response.json() is not None)
                    status = response.status_code
            except httpx.HTTPError as err:
                ok, status = False, type(err).__name__
            log.append({"kind": kind, "ok": ok, "status": status, "ms": (time.perf_counter() - started) * 1000})
            i += 1


async def abandon_stream(http: httpx.AsyncClient, body: dict) -> int:
    """Open a streamed answer, read its first event, hang up."""
    async with http.stream("POST", "/v1/ask/stream", json=body) as response:
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                break
        return response.status_code


def percentiles(values: list[float]) -> dict:
    if not values:
        return {}
    values = sorted(values)
    pick = lambda q: round(values[min(len(values) - 1, int(q * len(values)))], 1)  # noqa: E731
    return {"p50_ms": pick(0.50), "p95_ms": pick(0.95), "p99_ms": pick(0.99)}


async def run(base: str, generator: str, clients: int, seconds: float, abandon: float = 0.0) -> dict:
    log: list = []
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    counter = [0]
    await asyncio.gather(*(client(base, generator, started + seconds, w, log, counter, abandon)
                           for w in range(clients)))
    elapsed = time.perf_counter() - started
    summary = {"generator": generator, "clients": clients, "abandon_fraction": abandon, "seconds": round(elapsed, 1),
               "load_before": round(load_before, 2), "requests": len(log),
               "errors": sum(not r["ok"] for r in log), "throughput_rps": round(len(log) / elapsed, 2)}
    for kind in ("search", "ask", "abandon"):
        rows = [r for r in log if r["kind"] == kind]
        summary[kind] = {"requests": len(rows), "errors": sum(not r["ok"] for r in rows),
                         **percentiles([r["ms"] for r in rows if r["ok"]])}
    summary["error_statuses"] = sorted({str(r["status"]) for r in log if not r["ok"]})
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--generator", default="extractive")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--abandon", type=float, default=0.0, help="fraction of asks abandoned after one event")
    parser.add_argument("--url", help="an already running server on loopback")
    args = parser.parse_args()
    proc = None
    if args.url:
        host = urlparse(args.url).hostname or ""
        if not (host == "localhost" or host.startswith("127.") or host == "::1"):
            raise SystemExit("--url must be a loopback address")
        base = args.url.rstrip("/")
    else:
        proc, base = start_server(args.generator)
    try:
        summary = asyncio.run(run(base, args.generator, args.clients, args.seconds, args.abandon))
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=60)
    summary["load_after"] = round(os.getloadavg()[0], 2)  # the machine may be shared: say how busy it was
    suffix = f"-abandon{args.abandon:g}" if args.abandon else ""
    out = ROOT / "eval/runs" / f"load-{args.generator}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
