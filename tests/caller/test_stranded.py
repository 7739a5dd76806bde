"""A hall file that drops a matter with tickets waiting (issue 12): the caller says so when it starts, check-config
refuses the file while they wait, move-tickets moves them keeping their age, and the phone page never shows a raw
id. Before: check-config said ok, the caller logged nothing, 叫号 found nothing and the page showed `zonghe`."""

import logging
import subprocess
import sys

from tests.caller.test_api import issue
from tests.conftest import ROOT, serving

SAMPLE = (ROOT / "config" / "hall.toml").read_text(encoding="utf-8")


def without_zonghe(tmp_path):
    """The sample hall file with its 综合 category cut out (the windows serve "*": still valid on its own)."""
    start = SAMPLE.index('[[categories]]\nid = "zonghe"')
    end = SAMPLE.index("[[categories]]", start + 1)
    path = tmp_path / "hall-without-zonghe.toml"
    path.write_text(SAMPLE[:start] + SAMPLE[end:], encoding="utf-8")
    return path


def onewindow(*args):
    return subprocess.run([sys.executable, "-m", "caller.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_tickets_of_a_removed_matter_are_said_refused_and_moved_keeping_their_age(hall, sqlite_url, clock, tmp_path,
                                                                                   caplog):
    from caller.hall import load_hall

    with serving(hall, sqlite_url, clock) as live:
        waiting = [issue(live, "zonghe").json() for _ in range(6)]
        clock.advance(minutes=5)
        later = issue(live, "zixun").json()
    path = without_zonghe(tmp_path)
    smaller = load_hall(path)
    with caplog.at_level(logging.WARNING, logger="caller.queue.stranded"), serving(smaller, sqlite_url, clock) as live:
        assert "6 ticket(s) wait for category 'zonghe'" in caplog.text
        shown = live.get(f"/api/v1/tickets/{waiting[0]['id']}").json()
        assert shown["category_name"] == "（已撤销的事项，请到咨询台）"  # not the raw id
    refused = onewindow("check-config", str(path), "--database-url", sqlite_url)
    assert refused.returncode == 1 and "6 ticket(s) wait for 'zonghe'" in refused.stderr
    assert onewindow("check-config", "--database-url", sqlite_url).returncode == 0  # the full file strands nothing
    wrong = onewindow("move-tickets", "--from", "zonghe", "--to", "nowhere", "--hall", str(path),
                      "--database-url", sqlite_url)
    assert wrong.returncode == 2 and "unknown category" in wrong.stderr
    moved = onewindow("move-tickets", "--from", "zonghe", "--to", "zixun", "--hall", str(path),
                      "--database-url", sqlite_url)
    assert moved.returncode == 0 and "moved 6" in moved.stdout, moved.stderr
    assert onewindow("check-config", str(path), "--database-url", sqlite_url).returncode == 0
    with serving(smaller, sqlite_url, clock) as live:
        live.post("/api/v1/windows/15/open", "counter", window=15)  # 咨询·找茬
        called = live.post("/api/v1/windows/15/call-next", "counter", window=15).json()["ticket"]
        # the moved tickets kept their age: the first of them goes before the 咨询 ticket issued 5 minutes later
        assert called["id"] == waiting[0]["id"] and called["category_name"] == "咨询·找茬"
        assert called["transfers"] == 0 and later["number"].startswith("K")
