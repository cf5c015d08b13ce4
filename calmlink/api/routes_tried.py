"""What a couple tried, and what settles each receiver: a session's choices and tags (set before,
during or after it), a receiver's tags by use, the comparisons with their uncertainty and named
confounds, and a quiet count of sessions per week (docs/trends.md).

A change answers 200 only once it is committed (WAL, ``synchronous=FULL``): a crash after that
loses nothing.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BaseModel, Field

from calmlink.live.controller import Controller
from calmlink.review.settling import session_points
from calmlink.review.tried_compare import LEVEL, MIN_EACH, compare_all
from calmlink.review.weeks import weeks
from calmlink.store.store import MAX_ID, Store
from calmlink.store.tried import (
    CHOICES,
    MAX_TAG,
    MAX_TAGS,
    TAG_PATTERN,
    TooManyTags,
    Tried,
    TriedError,
    as_dict,
    clean_tag,
    merge,
)

tried_router = APIRouter()
Tag = Annotated[str, Field(min_length=1, max_length=MAX_TAG, pattern=TAG_PATTERN),
                AfterValidator(clean_tag)]
Hands = Literal["oil", "dry"]
Pressure = Literal["light", "medium", "firm"]
Position = Literal["facing", "back-to-back", "lying-down"]
Sound = Literal["music", "silence"]
SessionId = Path(..., ge=1, le=MAX_ID, description="A session id")
Profile = Query(..., min_length=1, max_length=80, description="The receiver")


class TriedIn(BaseModel):
    """What the couple means to try (the start of a session)."""

    hands: Hands | None = None
    pressure: Pressure | None = None
    position: Position | None = None
    sound: Sound | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)

    def tried(self) -> Tried:
        choices = {kind: getattr(self, kind) for kind in CHOICES}
        try:
            return merge(Tried(), choices, self.tags)
        except TriedError as exc:
            raise _invalid(exc) from None


class TriedPatch(BaseModel):
    """Only what is sent changes: a choice sent as null is cleared; ``tags`` replaces them all;
    ``add_tags`` and ``remove_tags`` (any case) change one tap at a time."""

    hands: Hands | None = None
    pressure: Pressure | None = None
    position: Position | None = None
    sound: Sound | None = None
    tags: list[Tag] | None = Field(None, max_length=MAX_TAGS)
    add_tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    remove_tags: list[Tag] = Field(default_factory=list, max_length=100)


class TriedOut(BaseModel):
    session_id: int
    hands: Hands | None
    pressure: Pressure | None
    position: Position | None
    sound: Sound | None
    tags: list[str]


class TagUseOut(BaseModel):
    tag: str
    sessions: int
    last_used: str


class TagsOut(BaseModel):
    profile: str
    choices: dict[str, list[str]] = Field(description="The fixed choices, each kind's values")
    tags: list[TagUseOut] = Field(description="The receiver's own tags, most used first")


class ComparisonsOut(BaseModel):
    profile: str
    sessions: int = Field(description="Sessions with a settle step and a later step")
    min_each: int = Field(description="Sessions needed with and without, to tell anything")
    level: float = Field(description="Of every interval (0.95)")
    against_usual_curve: bool
    comparisons: list[dict[str, Any]] = Field(description="One per choice or tag (docs/trends.md)")


class WeekOut(BaseModel):
    week_of: str = Field(description="The Monday the week begins, in this machine's time zone")
    sessions: int
    minutes: float


class WeeksOut(BaseModel):
    profile: str | None
    weeks: list[WeekOut]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _invalid(exc: TriedError) -> RequestValidationError:
    return RequestValidationError([{"loc": ["body", exc.field], "msg": exc.message,
                                    "type": "value_error"}])


def _out(session_id: int, tried: Tried) -> TriedOut:
    return TriedOut.model_validate({"session_id": session_id, **as_dict(tried)})


@tried_router.get("/api/sessions/{session_id}/tried", response_model=TriedOut,
                  responses={404: {"description": "no such session"}})
async def get_tried(request: Request, session_id: int = SessionId) -> TriedOut:
    found = await _store(request).tried.get(session_id)
    if found is None:
        raise HTTPException(404, "no such session")
    return _out(session_id, found)


@tried_router.patch("/api/sessions/{session_id}/tried", response_model=TriedOut,
                    responses={404: {"description": "no such session"},
                               409: {"description": "the session would hold more than 12 tags"}})
async def change_tried(request: Request, body: TriedPatch, session_id: int = SessionId) -> TriedOut:
    """Before, during (one tap: ``{"add_tags": ["warm towel"]}``) or after a session. Answers once
    the change is committed; two devices changing it at once both count. A change to the running
    session goes out on the live feed (a ``tried`` message) in the order it was committed."""
    sent = body.model_fields_set
    choices = {kind: getattr(body, kind) for kind in CHOICES if kind in sent}
    try:
        now = await _store(request).tried.change(session_id, choices, body.tags, body.add_tags,
                                                 body.remove_tags)
    except TooManyTags as exc:
        raise HTTPException(409, exc.message) from None
    except TriedError as exc:
        raise _invalid(exc) from None
    if now is None:
        raise HTTPException(404, "no such session")
    controller: Controller = request.app.state.controller
    controller.tried_changed(session_id, now)  # the running session: every device shows it
    return _out(session_id, now)


@tried_router.get("/api/tags", response_model=TagsOut)
async def receiver_tags(request: Request, profile: str = Profile) -> TagsOut:
    """The fixed choices and the receiver's own tags, most used first: offered first next time."""
    uses = await _store(request).tried.tags(profile)
    return TagsOut(profile=profile, choices={k: list(v) for k, v in CHOICES.items()},
                   tags=[TagUseOut(tag=u.tag, sessions=u.sessions, last_used=u.last_used)
                         for u in uses])


@tried_router.get("/api/trends/tried", response_model=ComparisonsOut)
async def tried_trends(request: Request, profile: str = Profile) -> ComparisonsOut:
    """For each thing the receiver tried: sessions with it against sessions without, on how much
    they settled, with the size of the difference and its interval, from 3 sessions each way;
    confounds (time of day, length, who gave) named instead of credited."""
    summaries = await _store(request).summaries(profile)

    def work() -> ComparisonsOut:
        points, curve = session_points(summaries)
        spelling = {f"tag:{t.casefold()}": t for s in summaries for t in s["tried"]["tags"]}
        return ComparisonsOut(profile=profile, sessions=len(points), min_each=MIN_EACH,
                              level=LEVEL, against_usual_curve=curve,
                              comparisons=compare_all(points, profile, spelling))
    return await asyncio.to_thread(work)


@tried_router.get("/api/weeks", response_model=WeeksOut)
async def week_strip(request: Request,
                     profile: str | None = Query(None, min_length=1, max_length=80,
                                                 description="One receiver (default: everyone)"),
                     count: int = Query(12, ge=1, le=104, description="How many weeks")) -> WeeksOut:
    """Sessions per week over the last weeks, oldest first, weeks with none included: a quiet
    strip to look at, nothing to keep up."""
    rows = await _store(request).list_sessions(profile, limit=5000)
    done = [(r.started_at, r.duration_s or 0.0) for r in rows if r.n_beats > 0]
    strip = weeks(done, datetime.now().astimezone(), count)
    return WeeksOut(profile=profile, weeks=[WeekOut(**w) for w in strip])
