"""A county behind Debian's nginx: two caller processes serve both halls of a county folder on PostgreSQL; under
load through nginx on both halls (kiosks issuing with Idempotency-Keys, windows calling and finishing, a board of
the centre following its event stream), one process is killed with SIGKILL and not restarted. The other carries on.

Prints, per hall: tickets acknowledged and lost, duplicate numbers, double calls, states differing from the last
answer, client errors; and for the board: events stored, missed, out of order, reconnects. All must be 0.

    .venv/bin/python -m tests.bench.county_failover --before 10 --after 10
    .venv/bin/python -m tests.bench.county_failover --before 10 --after 10 --restart-postgres 5

With `--restart-postgres` the county's own PostgreSQL server is stopped instead, both processes staying up: writes
answer 503 while it is down, clients retry, and service resumes by itself when it is back.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


from caller.auth import Role, TokenStore
from caller.hall import load_hall
from caller.office import rules as office_rules
from caller.storage.database import make_engine, migrate
from tests.bench.harness import ROOT, county_callers, postgres_database
from tests.bench.load import EventFollower, audit, run_load, stored_event_ids, stream_audit
from tests.nginx_server import nginx_serving

SHIPPED = ROOT / "config" / "nginx" / "onewindow-county.conf"
TOWN = "zhen-a"


def county_folder(work: Path) -> Path:
    folder = work / "county"
    folder.mkdir()
    hall = load_hall(ROOT / "config" / "hall.toml")
    town = hall.model_copy(update={"hall": hall.hall.model_copy(update={"id": TOWN, "name": "城关镇便民服务中心"})})
    (folder / "sample.toml").write_text(office_rules.to_toml(hall))
    (folder / f"{TOWN}.toml").write_text(office_rules.to_toml(town))
    return folder


def tokens(database_url: str) -> dict[str, dict[str, str]]:
    engine = make_engine(database_url)
    migrate(engine)
    made = {hall: {role.value: TokenStore(engine, hall).create(role) for role in (Role.KIOSK, Role.ADMIN, Role.DISPLAY)}
            for hall in ("sample", TOWN)}
    engine.dispose()
    return made


def run(database_url: str, before: float, after: float, *, outage=None) -> dict:  # noqa: ANN001
    """`outage`: what happens after `before` seconds instead of killing a process (a PostgreSQL restart)."""
    work = Path(tempfile.mkdtemp(prefix="onewindow-county-"))
    folder = county_folder(work)
    made = tokens(database_url)
    callers = county_callers(database_url, folder, work)
    try:
        for caller in callers:
            caller.wait_ready(60)
        with nginx_serving(SHIPPED, [c.port for c in callers], work) as (entry, _):
            total = before + after
            follower = EventFollower([f"{entry}/h/sample"], made["sample"]["display"], time.monotonic() + total + 300)
            follower.set_start(0)
            follower.start()
            loads = {hall: run_load([f"{entry}/h/{hall}"], made[hall]["kiosk"], made[hall]["admin"], total,
                                    clients=4, windows=4) for hall in ("sample", TOWN)}
            time.sleep(before)
            if outage is None:
                callers[0].kill()  # not restarted: the other process carries both halls
            else:
                outage()
            for _, threads in loads.values():
                for thread in threads:
                    thread.join(timeout=total + 120)
            stored = stored_event_ids(database_url, "sample")
            follower.finish(stored[-1] if stored else None)  # every event stored has had its chance to come
    finally:
        for caller in callers:
            caller.stop()
    result = {hall: audit(database_url, ledger, hall) for hall, (ledger, _) in loads.items()}
    received = follower.ids
    result["board"] = {**stream_audit(stored, received), "events_of_other_halls": len(set(received) - set(stored)),
                       "reconnects": follower.reconnects}
    return result


def run_postgres_restart(before: float, down: float, after: float) -> dict:
    """The same county under the same load, its own PostgreSQL server stopped (immediate) for `down` seconds and
    started again; both processes stay up. Writes answer 503 meanwhile and clients retry."""
    from tests.pg_server import start_private_postgres

    server = start_private_postgres()

    def restart() -> None:
        server.halt()
        time.sleep(down)
        server.start()

    try:
        return run(server.url, before, after, outage=restart)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", type=float, default=10, help="seconds of load before the kill")
    parser.add_argument("--after", type=float, default=10, help="seconds of load after it")
    parser.add_argument("--restart-postgres", type=float, metavar="SECONDS",
                        help="instead of killing a process, stop the county's own PostgreSQL server this long")
    args = parser.parse_args()
    if not (0 < args.before <= 300 and 0 < args.after <= 300):
        parser.error("--before and --after: up to 300 seconds")
    if args.restart_postgres is not None:
        if not 0 < args.restart_postgres <= 120:
            parser.error("--restart-postgres: up to 120 seconds")
        result = run_postgres_restart(args.before, args.restart_postgres, args.after)
    else:
        with postgres_database() as url:
            result = run(url, args.before, args.after)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
