"""A report as pictures for the centre's office: the mean wait by hour of issue, each window's utilisation, and
好差评 by day, labelled in Chinese in the hall's CJK font (matplotlib, no screen needed)."""

from __future__ import annotations

from pathlib import Path

from caller.fonts import cjk_font
from caller.reports.book import Report

def write_png(report: Report, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    font = cjk_font()
    with plt.rc_context({"font.family": font} if font else {}):
        fig, (waits, load, ratings) = plt.subplots(3, 1, figsize=(9, 11), dpi=100)
        fig.suptitle(f"运行情况 {report.first:%Y-%m-%d} 至 {report.last:%Y-%m-%d}", fontsize=16)
        hours = [row for row in report.by_hour if row["wait_mean_s"] is not None]
        waits.bar([f"{row['hour']:02d}时" for row in hours], [row["wait_mean_s"] / 60 for row in hours], color="#175cbb")
        waits.axhline(report.threshold_s / 60, color="#b3261e", linestyle="--", label="超时线")
        waits.set_title("各时段取号的平均等候（分钟）")
        waits.legend()
        windows = [row for row in report.by_window if row["utilisation"] is not None]
        load.bar([str(row["window"]) for row in windows], [100 * row["utilisation"] for row in windows], color="#228b45")
        load.set_title("各窗口利用率（%，办理时间 ÷ 登录时间）")
        load.set_xlabel("窗口")
        load.set_ylim(0, 100)
        days = list(report.ratings_by_day)
        ratings.plot([row["day"][5:] for row in days], [row["mean_level"] for row in days], marker="o", color="#d9730d")
        ratings.set_ylim(0.8, 5.2)
        ratings.set_title("好差评平均分（5 分为非常满意）")
        for axis in (waits, load, ratings):
            axis.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(path)
        plt.close(fig)
