"""The events every heart-rate source yields, and the protocol they share.

BLE, the simulator and replay all produce exactly these, so nothing downstream can tell them apart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable


class ConnectionState(StrEnum):
    SCANNING = "scanning"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    DISCONNECTED = "disconnected"


class ConnectionCause(StrEnum):
    """Why the link is in its state, for code and for per-cause help on the page; the human
    sentence travels beside it in ``reason``. Nothing matches on that sentence."""

    NO_STRAP = "no-strap"
    SEARCHING = "searching"
    CONNECTING = "connecting"
    RECEIVING = "receiving"
    REPLAYING = "replaying"
    BLUETOOTH_OFF = "bluetooth-off"
    NO_ADAPTER = "no-adapter"
    PERMISSION_DENIED = "permission-denied"
    NO_BLUETOOTH_SERVICE = "no-bluetooth-service"
    NOT_FOUND = "not-found"
    CONNECT_FAILED = "connect-failed"
    OUT_OF_RANGE = "out-of-range"
    NO_CONTACT = "no-contact"
    STALLED = "stalled"
    USER_DISCONNECT = "user-disconnect"
    END_OF_RECORDING = "end-of-recording"
    SOURCE_FAILED = "source-failed"


@dataclass(frozen=True, slots=True)
class ConnectionEvent:
    """A change in the link to the strap: its state, the cause, and a sentence for people."""

    state: ConnectionState
    cause: ConnectionCause
    reason: str = ""
    device_name: str | None = None
    device_address: str | None = None
    battery_pct: int | None = None
    sensor_location: str | None = None
    manufacturer: str | None = None
    model: str | None = None


@dataclass(frozen=True, slots=True)
class HeartRateSample:
    """One beat (with its RR interval) or, from heart-rate-only sensors, one reading.

    ``t`` is seconds on the source's clock: for beats, the end of the RR interval, built from the
    cumulative RR sum and anchored to packet arrival. ``gap_before`` marks that data was lost
    (link or contact) just before this sample, so no metric may bridge it.
    """

    t: float
    hr_bpm: float
    rr_ms: float | None
    contact: bool | None = None
    gap_before: bool = False
    arrival: float = 0.0
    """Arrival time of the packet that carried this sample, on the same clock as ``t``."""


@dataclass(frozen=True, slots=True)
class ChestMotion:
    """A run of chest accelerometer samples (one PMD frame of a Polar H10, or the simulator's).

    ``t`` holds each sample's time in seconds on the source's clock, the same clock as
    :attr:`HeartRateSample.t`; ``x_mg``, ``y_mg`` and ``z_mg`` the acceleration along the strap's
    three axes in milli-g (gravity included), as many as ``t``. ``rate_hz`` is the rate the strap
    was asked for. ``gap_before`` marks that samples were lost (a reconnect, a frame dropped) just
    before this run, so no breath may bridge it.
    """

    t: tuple[float, ...]
    x_mg: tuple[float, ...]
    y_mg: tuple[float, ...]
    z_mg: tuple[float, ...]
    rate_hz: float
    gap_before: bool = False
    arrival: float = 0.0
    """Arrival time of the frame that carried these samples, on the same clock as ``t``."""


@dataclass(frozen=True, slots=True)
class ChestStatus:
    """Whether the source streams chest movement, said once per change in plain words: ``available``
    with the rate, or not, with ``reason`` ("chest movement not available from this strap: ...").
    Only sources that can have chest movement yield it."""

    available: bool
    reason: str
    rate_hz: float | None = None


SourceEvent = HeartRateSample | ConnectionEvent | ChestMotion | ChestStatus


class HeartRateSource(Protocol):
    """What the session loop needs from any source of heart beats."""

    @property
    def name(self) -> str: ...

    def events(self) -> AsyncIterator[SourceEvent]:
        """Yield samples and connection events until closed."""
        ...

    async def close(self) -> None:
        """Stop on the user's request; never triggers a reconnect."""
        ...


@dataclass(frozen=True, slots=True)
class PacedBreathing:
    """A pacer's schedule as a source can follow it: a breath begins at ``origin`` (the source's
    own clock) plus a whole number of ``60 / breaths_per_min`` seconds, breathing in for the first
    ``in_share`` of it."""

    breaths_per_min: float
    origin: float
    in_share: float = 0.4


@runtime_checkable
class FollowsBreathing(Protocol):
    """A source whose wearer can be told to breathe to the pacer: the simulated strap's person
    (a real strap cannot be told anything; the session tells whichever source it has)."""

    def follow(self, breathing: PacedBreathing | None) -> None:
        """Breathe to ``breathing`` from now on (None: breathe as before)."""
        ...
