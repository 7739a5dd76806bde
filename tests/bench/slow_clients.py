"""Kiosk and counter latency while 2,000 slow-loris and idle connections are held open, on the caller as it
ran before (uvicorn's defaults) and as it runs now (`onewindow caller`), each started with Debian's default
limit of open files (soft 1,024).

For each server: the latency of issue + call-next (+ finish) on new connections with nothing else going on
(the baseline, measured in the same run), then the same while an attacker in its own process holds 2,000
connections (half send a header line a second and never finish, half send nothing), reconnecting whenever
closed. Prints p50 / p99 / max, failed requests, and the lines the server logged during the attack.

    .venv/bin/python -m tests.bench.slow_clients [--requests 300] [--connections 2000]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.bench.harness import HALL, ROOT, create_token, percentile
from tests.caller_process import CallerProcess
from tests.pg_server import free_port

# the caller before this change: create_app served by uvicorn with its defaults
PLAIN = ("import uvicorn, sys; from caller.api.app import create_app; from caller.settings import CallerSettings; "
         "uvicorn.run(create_app(CallerSettings(database_url=sys.argv[1], hall_file=sys.argv[2])), host='127.0.0.1', "
         "port=int(sys.argv[3]), log_config=None, access_log=False)")


def start(kind: str, database_url: str, work: Path) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    log = work / f"{kind}.log"
    debian_default = (1024, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
    if kind == "caller":
        caller = CallerProcess(database_url, port, log, open_files=debian_default,
                               options=("--hall", str(HALL), "--log-level", "WARNING"))
        caller.wait_ready()
        return caller.process, caller.base, log
    process = subprocess.Popen(
        [sys.executable, "-c", PLAIN, database_url, str(HALL), str(port)], cwd=ROOT, stdout=log.open("w"),
        stderr=subprocess.STDOUT, env={"ONEWINDOW_ENFORCE_HOURS": "false", "PATH": "/usr/bin:/bin"},
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, debian_default))
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if requests.get(base + "/api/v1/health", timeout=1).ok:
                break
        except requests.RequestException:
            time.sleep(0.1)
    return process, base, log


def measure(base: str, kiosk: dict, counter: dict, count: int) -> tuple[list[float], int]:
    """`count` rounds of issue, call-next and finish, each request on a new connection: latencies (ms), failures."""
    latencies, failures = [], 0
    for _ in range(count):
        for method, path, body, headers in (("POST", "/api/v1/tickets", {"category": "shebao"}, kiosk),
                                            ("POST", "/api/v1/windows/1/call-next", None, counter),
                                            ("POST", "/api/v1/windows/1/finish", None, counter)):
            started = time.perf_counter()
            try:
                answer = requests.request(method, base + path, json=body, headers=headers, timeout=5)
                ok = answer.status_code < 500
            except requests.RequestException:
                ok = False
            latencies.append((time.perf_counter() - started) * 1000)
            failures += not ok
    return latencies, failures


def run(kind: str, count: int, connections: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"onewindow-slow-{kind}-"))
    database_url = f"sqlite:///{work / 'caller.sqlite'}"
    process, base, log = start(kind, database_url, work)
    try:
        kiosk = {"Authorization": f"Bearer {create_token(database_url, 'kiosk')}"}
        counter = {"Authorization": f"Bearer {create_token(database_url, 'counter', 1)}"}
        requests.post(base + "/api/v1/windows/1/open", headers=counter, timeout=5)
        baseline, baseline_failures = measure(base, kiosk, counter, count)
        log_before = log.stat().st_size
        lines_before = len(log.read_text(errors="replace").splitlines())
        port = base.rsplit(":", 1)[1]
        seconds = 90
        attacker = subprocess.Popen([sys.executable, "-m", "tests.slow_clients", "127.0.0.1", port, str(connections),
                                     str(seconds)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        time.sleep(5)  # the attack takes hold
        attacked, attacked_failures = measure(base, kiosk, counter, count)
        attacker.terminate()
        stats_out, _ = attacker.communicate(timeout=30)
        text = log.read_text(errors="replace")
        return {
            "server": kind,
            "baseline_p50_ms": percentile(baseline, 50), "baseline_p99_ms": percentile(baseline, 99),
            "baseline_failures": baseline_failures,
            "attack_p50_ms": percentile(attacked, 50), "attack_p99_ms": percentile(attacked, 99),
            "attack_max_ms": max(attacked), "attack_failures": attacked_failures, "requests": len(attacked),
            "log_lines": len(text.splitlines()) - lines_before, "log_bytes": log.stat().st_size - log_before,
            "attacker": json.loads(stats_out) if stats_out.strip() else {},
        }
    finally:
        process.terminate()
        process.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)  # plain uvicorn's log grows by hundreds of MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="rounds of issue + call-next + finish")
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = [run(kind, args.requests, args.connections) for kind in ("plain-uvicorn", "caller")]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{args.connections} slow/idle connections; {args.requests} rounds of issue + call-next + finish, "
          "each request on a new connection; soft limit of open files 1024")
    print(f"{'server':<14}{'base p50':>9}{'base p99':>9}{'p50':>8}{'p99':>8}{'max':>8}{'p99×':>7}"
          f"{'failed':>12}{'log lines':>11}{'log bytes':>11}")
    for r in results:
        ratio = r["attack_p99_ms"] / r["baseline_p99_ms"] if r["baseline_p99_ms"] else float("nan")
        print(f"{r['server']:<14}{r['baseline_p50_ms']:>9.1f}{r['baseline_p99_ms']:>9.1f}{r['attack_p50_ms']:>8.1f}"
              f"{r['attack_p99_ms']:>8.1f}{r['attack_max_ms']:>8.0f}{ratio:>7.1f}"
              f"{r['attack_failures']:>6}/{r['requests']:<5}{r['log_lines']:>11}{r['log_bytes']:>11}")
        print(f"{'':<14}attacker: {r['attacker']}")


if __name__ == "__main__":
    main()
