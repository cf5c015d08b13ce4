"""Everything a live session says, one frozen dataclass per kind, serialised in one place.

:class:`Beat` is the one shape of a beat: the live feed, the store, the summary, export and import
all use it. The feed's messages wrap it and the other events; :func:`encode` turns any of them into
the JSON text the hub numbers and fans out (docs/live-protocol.md, held to these classes by a test).

Two sequence numbers, never confused: a message's ``seq`` is the hub's counter (one per message for
the life of the server, for resuming a feed); a beat's ``beat_seq`` is its number within its session
(0, 1, 2… across roles, in the order beats were scored; the store's key, and what ``committed``
acknowledges).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any, ClassVar

from calmlink.live.chest_events import ChestMessage, ChestStatusMessage
from calmlink.live.pacer import PacerView
from calmlink.live.routine import Step
from calmlink.review.summary import SessionSummary
from calmlink.sensors.models import ConnectionCause, ConnectionEvent, ConnectionState
from calmlink.store.beat import BEAT_FIELDS, Beat
from calmlink.store.tried import Tried


@dataclass(frozen=True, slots=True)
class Connection:
    """A strap's link as the page shows it: the state, a cause to act on, and a sentence."""

    state: ConnectionState
    cause: ConnectionCause
    reason: str
    device: str | None = None
    address: str | None = None
    battery_pct: int | None = None
    sensor_location: str | None = None
    manufacturer: str | None = None
    model: str | None = None

    @classmethod
    def from_event(cls, event: ConnectionEvent, before: Connection | None = None) -> Connection:
        """Battery and strap details stay known while the link is down."""
        now = cls(event.state, event.cause, event.reason, event.device_name, event.device_address,
                  event.battery_pct, event.sensor_location, event.manufacturer, event.model)
        if before is None or event.state is ConnectionState.CONNECTED:
            return now
        return replace(
            now,
            battery_pct=before.battery_pct if now.battery_pct is None else now.battery_pct,
            sensor_location=now.sensor_location or before.sensor_location,
            manufacturer=now.manufacturer or before.manufacturer,
            model=now.model or before.model)


NO_STRAP = Connection(ConnectionState.DISCONNECTED, ConnectionCause.NO_STRAP, "no strap yet")


@dataclass(frozen=True, slots=True)
class StepState:
    index: int
    name: str
    cue: str
    duration_s: float
    remaining_s: float


@dataclass(frozen=True, slots=True)
class RoutineView:
    name: str
    duration_s: float
    steps: tuple[Step, ...]
    id: str = ""
    """Stable: the routine's file name without ``.toml``, or a built-in routine's own id."""
    builtin: bool = False


@dataclass(frozen=True, slots=True)
class SessionView:
    id: int
    profile: str
    state: str
    """``active`` or ``paused``."""
    routine: RoutineView
    step: StepState
    elapsed_s: float
    n_beats: int
    calibrating: bool
    roles: tuple[str, ...]
    """The roles with a strap attached to this session."""
    tried: Tried = field(default_factory=Tried)
    """What the couple is trying (set before, changed by a tap on any device)."""
    pacer: PacerView | None = None
    """The pacer, during a breathe step (docs/breathe.md); None otherwise."""
    paces: tuple[float | None, ...] = ()
    """The pace each step runs at, in breaths a minute (None for a massage step)."""
    giver: str | None = None
    """The giver's name, when given."""


# -- feed messages --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    type: ClassVar[str] = "snapshot"
    epoch: str
    resumed: bool
    connection: Connection
    """The receiver's strap (what a one-strap page shows)."""
    connections: dict[str, Connection]
    """Every role's strap, by role."""
    session: SessionView | None
    last_summary: SessionSummary | None
    routines: tuple[RoutineView, ...]
    clock_rate: float
    latest_hr: float | None
    lan: bool = False
    local: bool = True
    start_after_care: bool = False
    """The demo: the page starts its first session once the care points have been read."""
    end_kept_s: float | None = None
    """Seconds the last session's end view is still kept for pages that showed it (0 after)."""
    chest_unavailable: dict[str, str] = field(default_factory=dict)
    """By role, the sentence for a strap that streams no chest movement (``chest_status``)."""


@dataclass(frozen=True, slots=True)
class StatusMessage:
    type: ClassVar[str] = "status"
    role: str
    connection: Connection


@dataclass(frozen=True, slots=True)
class StepMessage:
    type: ClassVar[str] = "step"
    session: SessionView | None


@dataclass(frozen=True, slots=True)
class BeatMessage:
    """Serialised flat: the beat's fields beside the session's."""

    type: ClassVar[str] = "beat"
    session_id: int | None
    beat: Beat
    resp_rate_bpm: float | None = None
    step_remaining_s: float | None = None
    paused: bool = False
    breathing_bpm: float | None = None
    """The breathing pace over the last two minutes, only when the rhythm shows it clearly."""
    swing_bpm: float | None = None
    """The heart-rate swing with each breath, the median breath's over the last 45 s (bpm); None
    without RR or before a breath was seen."""
    deep_breath: bool = False
    """A deep breath (a sigh) became known at this beat (signal.deep_breath)."""


@dataclass(frozen=True, slots=True)
class BreathMessage:
    """A pacer breath has ended and one person's beats through it have come in: their heart-rate
    swing within it and how closely heart rate follows the pace, each beside their settle step's."""

    type: ClassVar[str] = "breath"
    session_id: int
    role: str
    step: int
    breath: int
    """Its number within the step, from 1."""
    start_s: float
    end_s: float
    """The breath on the session's beat clock (as beats' ``t``)."""
    breaths_per_min: float
    swing_bpm: float | None
    """Highest minus lowest heart rate within the breath (None when its beats do not cover it)."""
    following_share: float | None
    """The share of heart rate's variation within 0.015 Hz of the pace over the last minute."""
    following: str | None
    """``mostly``, ``partly`` or ``not-yet`` (None before a minute of beats)."""
    settle_swing_bpm: float | None
    """The settle step's swing in breaths of the same length."""
    settle_share: float | None
    """The settle step's share at the same pace."""
    following_from: str = "heart"
    """``chest`` where a chest strap leads: ``following`` then says how the chest moved with the
    pacer (``chest_share``); ``heart`` otherwise."""
    chest_share: float | None = None
    """The share of the breath's time the chest moved with the pacer (in while in, out while out)."""


@dataclass(frozen=True, slots=True)
class CommittedMessage:
    type: ClassVar[str] = "committed"
    session_id: int
    through: int
    """Every beat of the session up to this ``beat_seq`` is on disk."""


@dataclass(frozen=True, slots=True)
class StoreErrorMessage:
    type: ClassVar[str] = "store_error"
    session_id: int
    beat_seq: int
    reason: str


@dataclass(frozen=True, slots=True)
class TriedMessage:
    """What the running session tries changed (committed): every device shows it at once."""

    type: ClassVar[str] = "tried"
    session_id: int
    tried: Tried


@dataclass(frozen=True, slots=True)
class SessionEndMessage:
    type: ClassVar[str] = "session_end"
    summary: SessionSummary


Message = (Snapshot | StatusMessage | StepMessage | BeatMessage | BreathMessage | CommittedMessage
           | StoreErrorMessage | TriedMessage | SessionEndMessage | ChestMessage
           | ChestStatusMessage)
MESSAGE_TYPES: tuple[type[Any], ...] = (Snapshot, StatusMessage, StepMessage, BeatMessage,
                                        BreathMessage, CommittedMessage, StoreErrorMessage,
                                        TriedMessage, SessionEndMessage, ChestMessage,
                                        ChestStatusMessage)


def _clean(value: Any) -> Any:
    """JSON has no NaN: a number that is not finite is sent as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def payload(message: Message) -> dict[str, Any]:
    """The message as the JSON object the feed sends (without ``seq``)."""
    if isinstance(message, BeatMessage):  # the hot path: no deep copy
        beat = message.beat
        out: dict[str, Any] = {"type": "beat", "session_id": message.session_id}
        for name in BEAT_FIELDS:
            out[name] = getattr(beat, name)
        out["resp_rate_bpm"] = message.resp_rate_bpm
        out["step_remaining_s"] = message.step_remaining_s
        out["paused"] = message.paused
        out["breathing_bpm"] = message.breathing_bpm
        out["swing_bpm"] = message.swing_bpm
        out["deep_breath"] = message.deep_breath
        if any(isinstance(v, float) and not math.isfinite(v) for v in out.values()):
            return {k: _clean(v) for k, v in out.items()}
        return out
    return {"type": message.type, **_clean(asdict(message))}


def encode(message: Message, seq: int) -> str:
    """The one place a message becomes text."""
    body = payload(message)
    body["seq"] = seq
    return json.dumps(body, separators=(",", ":"), allow_nan=False)
