"""Simulator traces: one citizen per row, `arrival_s,category,priority,service_s,patience_s` (design §5)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HEADER = ["arrival_s", "category", "priority", "service_s", "patience_s"]
PRIORITIES = ("normal", "appointment", "green")


@dataclass(frozen=True)
class Arrival:
    arrival_s: float  # seconds since the hall opened
    category: str
    priority: str
    service_s: float
    patience_s: float | None  # None: stays however long it takes
    taken_s: float | None = None  # 远程取号: when the number was taken from the phone (arrival_s: when they came in)
    late_s: float = 0.0  # a remote citizen came in this much later than they meant to (included in arrival_s)


class TraceError(ValueError):
    pass


def read_trace(path: str | Path, categories: Iterable[str]) -> list[Arrival]:
    """Read and check a trace; every problem names its line."""
    known = set(categories)
    arrivals: list[Arrival] = []
    problems: list[str] = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != HEADER:
            raise TraceError(f"{path}: the header must be {','.join(HEADER)}")
        previous = 0.0
        for line, row in enumerate(reader, start=2):
            try:
                arrival = Arrival(
                    float(row["arrival_s"]),
                    row["category"],
                    row["priority"],
                    float(row["service_s"]),
                    float(row["patience_s"]) if row["patience_s"] not in ("", None) else None,
                )
            except (TypeError, ValueError) as exc:
                problems.append(f"line {line}: {exc}")
                continue
            if arrival.category not in known:
                problems.append(f"line {line}: unknown category {arrival.category!r}")
            if arrival.priority not in PRIORITIES:
                problems.append(f"line {line}: priority must be one of {', '.join(PRIORITIES)}")
            if arrival.arrival_s < previous:
                problems.append(f"line {line}: rows must be in arrival order")
            if arrival.service_s <= 0 or arrival.arrival_s < 0 or (arrival.patience_s is not None and arrival.patience_s < 0):
                problems.append(f"line {line}: times must be positive")
            previous = max(previous, arrival.arrival_s)
            arrivals.append(arrival)
    if problems:
        raise TraceError(f"{path}: " + "; ".join(problems[:20]))
    return arrivals


def write_trace(path: str | Path, arrivals: Iterable[Arrival]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for a in arrivals:
            patience = "" if a.patience_s is None else f"{a.patience_s:.1f}"
            writer.writerow([f"{a.arrival_s:.1f}", a.category, a.priority, f"{a.service_s:.1f}", patience])
