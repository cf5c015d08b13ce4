"""`calmlink record`: a whole session into the store without the page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from calmlink.cli.options import (
    CouplingOpt,
    DbOpt,
    DeviceOpt,
    LagOpt,
    PartnerOpt,
    ProfileOpt,
    ReplayOpt,
    SeedOpt,
    SimulateOpt,
    SpeedOpt,
)
from calmlink.counting import count
from calmlink.settings import Settings


def record(
    device: DeviceOpt = None,
    simulate: SimulateOpt = False,
    replay: ReplayOpt = None,
    minutes: Annotated[float | None, typer.Option(
        help="Stop after this many minutes (default: when the routine ends).")] = None,
    out: Annotated[Path | None, typer.Option(
        help="Also write every notification with its arrival time (JSON lines).")] = None,
    db: DbOpt = None,
    speed: SpeedOpt = None,
    seed: SeedOpt = None,
    profile: ProfileOpt = None,
    partner: PartnerOpt = False,
    coupling: CouplingOpt = 0.5,
    lag: LagOpt = 2.0,
) -> None:
    """Record a session into the store without the page."""
    settings = Settings.from_env(db=db, speed=speed, seed=seed, profile=profile)
    if simulate and replay is not None:
        typer.echo("calmlink record: choose either --simulate or --replay, not both.", err=True)
        raise typer.Exit(2)
    import asyncio

    from calmlink.live.recorder import record as run
    from calmlink.review.recovery import recover
    from calmlink.sensors.factory import SourceFactory
    from calmlink.store.store import Store

    if partner and not simulate:
        typer.echo("calmlink record: --partner simulates two straps: add --simulate.", err=True)
        raise typer.Exit(2)
    factory = SourceFactory(settings.speed, settings.seed)
    giver = None
    if partner:
        source, giver = factory.simulated_pair(coupling, lag)
    else:
        source = factory.make(device=device, simulate=simulate, replay=replay)
    speed_factor = settings.speed if (simulate or replay is not None) else 1.0
    store = Store(settings.db_path)
    recover(store)
    try:
        done = asyncio.run(run(source, store, profile=settings.profile, minutes=minutes, out=out,
                               speed=speed_factor, giver=giver))
    finally:
        store.close()
    if done.n_beats == 0:
        print("calmlink record: no beats were received.", file=sys.stderr)
        raise typer.Exit(1)
    print(f"session {done.session_id}: {count(done.n_beats, 'beat')}, {done.state}, "
          f"stored in {settings.db_path}")
