"""Latency and throughput of the caller over HTTP on loopback, and event delivery to many stream clients.

For each backend, one caller process:
- paced load: issue at a fixed rate (default 50/s), a new connection per request; p50/p99 (after one
  unmeasured second of the same load); call-next timed alone, each followed by a finish, at rate/2 calls/s
  (so the caller serves `rate` requests/s) and at `rate` calls/s;
  `GET /health` (a framework + database round trip) paced the same way is the baseline for the ratios;
- throughput: 8 closed-loop clients issuing as fast as answers come;
- fan-out: 300 event-stream clients connected; call-next is pressed N times; the delay from sending each
  call-next to each client receiving its `ticket-called` event.

    .venv/bin/python -m tests.bench.latency --seconds 20 --rate 50 --clients 300
"""

from __future__ import annotations

import argparse
import asyncio
import json
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import requests

from tests.bench.harness import create_token, percentile, postgres_database, sqlite_database, start_caller

WARM_UP_S = 1.0
CATEGORIES = ["shebao", "yibao", "zonghe"]  # what windows 1–8 serve


def paced(rate: float, seconds: float, send) -> list[float]:  # noqa: ANN001
    """Open-loop load: start one request every 1/rate s whatever the answers; return latencies in ms.

    `send` may return its own latency in ms (when it must wait for something before its request).
    """
    latencies: list[float] = []
    lock = threading.Lock()
    count = int(rate * seconds)
    start = time.perf_counter() + 0.1

    def one(i: int) -> None:
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        t0 = time.perf_counter()
        own = send(i)
        with lock:
            latencies.append(own if isinstance(own, float) else (time.perf_counter() - t0) * 1000)

    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(one, range(count)))
    return latencies


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(percentile(values, 50), 2), "p99_ms": round(percentile(values, 99), 2),
            "max_ms": round(max(values), 2) if values else None}


def closed_loop(workers: int, seconds: float, send) -> float:  # noqa: ANN001
    """Requests per second that `workers` clients reach, each sending its next request when answered."""
    done = [0] * workers
    stop = time.perf_counter() + seconds

    def worker(k: int) -> None:
        i = 0
        while time.perf_counter() < stop:
            send(k * 1_000_000 + i)
            i += 1
        done[k] = i

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


async def _stream_client(host: str, port: int, token: str, received: dict, ready: asyncio.Event, counter: list) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET /api/v1/events HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    counter[0] += 1
    if counter[0] == counter[1]:
        ready.set()
    try:
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b"data:") and b'"ticket-called"' in line:
                number = json.loads(line[5:])["number"]
                received.setdefault(number, []).append(time.perf_counter())
    finally:
        writer.close()


def fan_out(base: str, display: str, admin: str, kiosk: str, clients: int, calls: int) -> dict:
    parsed = urlparse(base)
    headers = {"Authorization": f"Bearer {admin}"}
    for _ in range(calls):
        requests.post(f"{base}/api/v1/tickets", json={"category": "zonghe"}, headers={"Authorization": f"Bearer {kiosk}"}, timeout=10)
    requests.post(f"{base}/api/v1/windows/6/open", headers=headers, timeout=10)
    received: dict[str, list[float]] = {}
    sent: dict[str, float] = {}

    async def scenario() -> None:
        ready = asyncio.Event()
        counter = [0, clients]
        tasks = [asyncio.create_task(_stream_client(parsed.hostname, parsed.port, display, received, ready, counter)) for _ in range(clients)]
        await asyncio.wait_for(ready.wait(), 60)
        loop = asyncio.get_running_loop()
        for _ in range(calls):
            t0 = time.perf_counter()
            r = await loop.run_in_executor(None, lambda: requests.post(f"{base}/api/v1/windows/6/call-next", headers=headers, timeout=10))
            number = r.json()["ticket"]["number"]
            sent[number] = t0
            deadline = time.perf_counter() + 5
            while len(received.get(number, [])) < clients and time.perf_counter() < deadline:
                await asyncio.sleep(0.002)
            await loop.run_in_executor(None, lambda: requests.post(f"{base}/api/v1/windows/6/finish", headers=headers, timeout=10))
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    asyncio.run(scenario())
    delays = [(t - sent[n]) * 1000 for n, times in received.items() if n in sent for t in times]
    last_client = [(max(received[n]) - sent[n]) * 1000 for n in sent if len(received.get(n, [])) == clients]
    return {
        "clients": clients,
        "calls": calls,
        "deliveries": len(delays),
        "expected_deliveries": clients * calls,
        "delay": summary(delays),
        "all_clients_reached": summary(last_client),
    }


def run(database_url: str, rate: float, seconds: float, clients: int, calls: int) -> dict:
    kiosk = create_token(database_url, "kiosk")
    admin = create_token(database_url, "admin")
    display = create_token(database_url, "display")
    caller = start_caller(database_url)
    base = caller.base
    k_headers = {"Authorization": f"Bearer {kiosk}"}
    a_headers = {"Authorization": f"Bearer {admin}"}
    send_health = lambda i: requests.get(f"{base}/api/v1/health", timeout=10)  # noqa: E731
    send_issue = lambda i: requests.post(f"{base}/api/v1/tickets", json={"category": CATEGORIES[i % 3]}, headers=k_headers, timeout=10)  # noqa: E731
    try:
        # one unmeasured second of each first: connection pools fill, statements compile
        paced(rate, WARM_UP_S, send_health)
        health = paced(rate, seconds, send_health)
        paced(rate, WARM_UP_S, send_issue)
        issue = paced(rate, seconds, send_issue)
        for number in range(1, 9):
            requests.post(f"{base}/api/v1/windows/{number}/open", headers=a_headers, timeout=10)
        free: queue.Queue[int] = queue.Queue()
        for number in range(1, 9):
            free.put(number)
        # enough waiting tickets that every call-next below finds one
        needed = int(rate / 2 * (WARM_UP_S + seconds) + rate * seconds) + 50 - len(issue) - int(rate * WARM_UP_S)
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(send_issue, range(max(0, needed))))
        empty_calls = [0]

        def call_next(i: int) -> float:
            """Time the call-next request only; the window then finishes in the background."""
            number = free.get(timeout=30)  # a window that holds no ticket
            t0 = time.perf_counter()
            try:
                answer = requests.post(f"{base}/api/v1/windows/{number}/call-next", headers=a_headers, timeout=10)
                empty_calls[0] += answer.status_code != 200
            finally:
                elapsed = (time.perf_counter() - t0) * 1000
                threading.Thread(target=_finish_and_free, args=(base, number, a_headers, free)).start()
            return elapsed

        # each call-next is followed by a finish: at rate/2 calls per second the caller serves `rate` requests/s
        paced(rate / 2, WARM_UP_S, call_next)
        call_half = paced(rate / 2, seconds, call_next)
        call_full = paced(rate, seconds, call_next)
        throughput = closed_loop(
            8, 10, lambda i: requests.post(f"{base}/api/v1/tickets", json={"category": "yibao"}, headers=k_headers, timeout=10)
        )
        fan = fan_out(base, display, admin, kiosk, clients, calls)
    finally:
        caller.stop()
    return {
        "health": summary(health),
        "issue": summary(issue),
        f"call_next_at_{rate / 2:g}_per_s_plus_finish": summary(call_half),
        f"call_next_at_{rate:g}_per_s_plus_finish": summary(call_full),
        "call_next_without_a_ticket": empty_calls[0],
        "issue_p99_vs_health_p99": round(percentile(issue, 99) / percentile(health, 99), 2),
        "issue_throughput_per_s": round(throughput, 1),
        "fan_out": fan,
    }


def _finish_and_free(base: str, number: int, headers: dict, free: queue.Queue) -> None:
    requests.post(f"{base}/api/v1/windows/{number}/finish", headers=headers, timeout=10)
    free.put(number)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--backend", action="append", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    results = {}
    for backend in args.backend or ["sqlite", "postgresql"]:
        with (sqlite_database if backend == "sqlite" else postgres_database)() as url:
            results[backend] = run(url, args.rate, args.seconds, args.clients, args.calls)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
