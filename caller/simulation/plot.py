"""A picture of a simulation: the mean wait of citizens by the time they arrived, one line per policy."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from pathlib import Path

from caller.simulation.simulator import DayResult

SLOT_MIN = 15


def waits_by_arrival_slot(days: Sequence[DayResult]) -> list[tuple[float, float]]:
    """(hours after opening, mean wait in minutes) for each 15-minute slot of arrivals."""
    slots: dict[int, list[float]] = {}
    for day in days:
        for t in day.tickets:
            if t.first_call_s is not None:
                slots.setdefault(int(t.arrival_s // (SLOT_MIN * 60)), []).append((t.first_call_s - t.arrival_s) / 60)
    return [((slot + 0.5) * SLOT_MIN / 60, statistics.fmean(waits)) for slot, waits in sorted(slots.items())]


def plot_waits(results: Mapping[str, Sequence[DayResult]], path: str | Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    from caller.fonts import cjk_font
    from caller.simulation.runner import POLICY_NAMES

    font = cjk_font()
    if font:
        plt.rcParams["font.family"] = font
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)
    for name, days in results.items():
        points = waits_by_arrival_slot(days)
        ax.plot([8.5 + h for h, _ in points], [w for _, w in points], label=POLICY_NAMES.get(name, name),
                linewidth=2 if "ours" in name else 1.2)
    ax.set_xlabel("取号时间（08:30 开门，16:30 停止取号）")
    ax.set_ylabel("到被叫号的平均等候（分钟）")
    ax.set_title(title)
    ax.set_xticks(range(9, 17))
    ax.set_xticklabels([f"{h:02d}:00" for h in range(9, 17)])
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
