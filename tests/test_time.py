"""Their own time: stored with its UTC offset, sorted by the instant, shown in the browser's zone on
the page (Chromium's timezone emulation: Asia/Kolkata, half an hour off the hour, east of UTC;
Europe/Berlin across the end of summer time on 2026-10-25) and in the system zone by the CLI (TZ);
a date without a zone is local time. Times stored in UTC before offsets were kept read as before."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from calmlink.review.summary import summarize
from calmlink.store.beat import Role
from calmlink.store.db import now_iso
from calmlink.store.store import ImportedSession, Store
from calmlink.testing.seed import NAMES, routine_beats, synthetic_session

STARTS = {  # id order: A, B, C, D
    "A": "2026-10-24T21:00:00+02:00",  # Berlin, summer time: 19:00 UTC
    "B": "2026-10-25T21:00:00+01:00",  # Berlin, the day summer time ended: 20:00 UTC
    "C": "2026-10-25T19:30:00+00:00",  # stored in UTC by an older calmlink: 19:30 UTC
    "D": "2026-10-26T00:45:00+05:30",  # recorded in India: 19:15 UTC, a later date as a string
}
NEWEST_FIRST = ["B", "C", "D", "A"]
SHOWN = {  # what the page says, in Chromium's en-GB, per zone
    "Europe/Berlin": {"A": "Sat, 24 Oct 2026, 21:00", "B": "Sun, 25 Oct 2026, 21:00",
                      "C": "Sun, 25 Oct 2026, 20:30", "D": "Sun, 25 Oct 2026, 20:15"},
    "Asia/Kolkata": {"A": "Sun, 25 Oct 2026, 00:30", "B": "Mon, 26 Oct 2026, 01:30",
                     "C": "Mon, 26 Oct 2026, 01:00", "D": "Mon, 26 Oct 2026, 00:45"},
}


def seed(path: Path) -> dict[str, int]:
    rng = random.Random(5)
    sessions = []
    for key, started in STARTS.items():
        series = synthetic_session(rng, minutes=3.0)
        beats = routine_beats(series.t_s - series.t_s[0] + 0.8, series.rr_ms, Role.RECEIVER, False)
        sessions.append(ImportedSession("Sam", started, started, f"session {key}", beats,
                                        summarize(beats, NAMES).to_dict(), NAMES))
    store = Store(path)
    store.open()
    try:
        ids = store.import_sessions_blocking(sessions)
    finally:
        store.close()
    return dict(zip(STARTS, ids, strict=True))


def test_the_store_writes_local_offsets_and_sorts_by_the_instant(tmp_path: Path) -> None:
    stamp = datetime.fromisoformat(now_iso())
    assert stamp.utcoffset() == datetime.now().astimezone().utcoffset()  # this machine's offset
    ids = seed(tmp_path / "t.sqlite3")
    store = Store(tmp_path / "t.sqlite3")
    store.open()
    try:
        rows = asyncio.run(store.list_sessions())
        oldest = asyncio.run(store.summaries("Sam"))
    finally:
        store.close()
    assert [r.id for r in rows] == [ids[k] for k in NEWEST_FIRST]
    assert [s["id"] for s in oldest] == [ids[k] for k in reversed(NEWEST_FIRST)]
    assert {r.started_at for r in rows} == set(STARTS.values())  # kept as given, offset and all


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., str]]:
    """The command line in this process, as a machine whose system zone is ``tz`` runs it."""
    from typer.testing import CliRunner

    from calmlink.cli import build

    app = build()

    def run(tz: str, *args: str) -> str:
        monkeypatch.setenv("TZ", tz)
        time.tzset()
        out = CliRunner().invoke(app, list(args))
        assert out.exit_code == 0, out.output
        return out.output

    yield run
    monkeypatch.undo()
    time.tzset()


def test_the_cli_reads_and_shows_local_time(tmp_path: Path, cli: Callable[..., str]) -> None:
    rr = tmp_path / "rr.txt"
    rr.write_text("\n".join(str(800 + (k % 7) * 5) for k in range(120)))
    db = str(tmp_path / "cli.sqlite3")
    said = cli("Europe/Berlin", "import", str(rr), "--profile", "Sam", "--date", "2026-10-24T21:00",
               "--db", db)
    assert said.strip().endswith("recorded 2026-10-24 21:00"), said
    cli("Europe/Berlin", "import", str(rr), "--profile", "Sam", "--date", "2026-10-25T21:00", "--db", db)
    stored = json.loads(cli("UTC", "sessions", "--json", "--db", db))
    assert [s["started_at"] for s in stored] == ["2026-10-25T21:00:00+01:00",  # 21:00 in Berlin,
                                                 "2026-10-24T21:00:00+02:00"]  # each side of DST
    berlin = cli("Europe/Berlin", "sessions", "--db", db)
    assert berlin.index("2026-10-25 21:00") < berlin.index("2026-10-24 21:00")
    kolkata = cli("Asia/Kolkata", "sessions", "--db", db)
    assert "2026-10-26 01:30" in kolkata and "2026-10-25 00:30" in kolkata


@pytest.mark.browser
@pytest.mark.parametrize("zone", sorted(SHOWN))
def test_the_page_shows_the_browsers_own_zone(start_server: Any, browser: Any, tmp_path: Path,
                                              zone: str) -> None:
    ids = seed(tmp_path / "page.sqlite3")
    server = start_server(strap=False, db=tmp_path / "page.sqlite3")
    context = browser.new_context(timezone_id=zone, locale="en-GB", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server.url + "/review")
    page.wait_for_selector("body[data-loaded='list']")
    listed = page.locator("#sessions th time").all_text_contents()
    assert listed == [SHOWN[zone][k] for k in NEWEST_FIRST]
    page.goto(f"{server.url}/review#session-{ids['B']}")
    page.wait_for_selector("body[data-loaded='session']")
    assert page.locator("#session-title").text_content() == f"Sam · {SHOWN[zone]['B']}"
    page.goto(server.url + "/trends")
    page.wait_for_selector("body[data-loaded='trends']")
    chart = page.locator("#hr-chart")
    first, last = (SHOWN[zone][k].split()[1] for k in ("A", "B"))
    assert chart.get_attribute("data-from") == f"2026-10-{first}"  # the local calendar day
    assert chart.get_attribute("data-to") == f"2026-10-{last}"
    context.close()
