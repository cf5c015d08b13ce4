"""The review side: sessions, their beats and summaries, notes and ratings, trends, export."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from calmlink.review.chest_steps import chest_steps
from calmlink.review.trends import trends
from calmlink.store import export
from calmlink.store.beat import BEAT_FIELDS, Beat
from calmlink.store.store import MAX_ID, Store

review_router = APIRouter(responses={404: {"description": "no such session"}})
SessionId = Path(..., ge=1, le=MAX_ID, description="A session id")


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


class SessionPatch(BaseModel):
    notes: str | None = Field(None, max_length=5000)
    rating_receiver_before: int | None = Field(None, ge=1, le=5)
    rating_receiver_after: int | None = Field(None, ge=1, le=5)
    rating_giver_before: int | None = Field(None, ge=1, le=5)
    rating_giver_after: int | None = Field(None, ge=1, le=5)


@review_router.get("/api/sessions")
async def list_sessions(request: Request, profile: str | None = Query(None, max_length=80),
                        limit: int = Query(200, ge=1, le=5000)) -> list[dict[str, Any]]:
    """Newest first, from stored per-session figures (no beat is read)."""
    rows = await _store(request).list_sessions(profile, limit)
    return [r.as_json() for r in rows]


def _beat_rows(beats: list[Beat]) -> list[dict[str, Any]]:
    """Beats as JSON objects (a 2-hour session has 8,000: no deep copy per beat)."""
    return [{name: getattr(b, name) for name in BEAT_FIELDS} for b in beats]


@review_router.get("/api/sessions/{session_id}")
async def get_session(request: Request, session_id: int = SessionId,
                      beats: bool = Query(True)) -> dict[str, Any]:
    """A session with its summary, per-step table, ratings and (by default) its beats."""
    store = _store(request)
    session = await store.session(session_id)
    if session is None:
        raise HTTPException(404, "no such session")
    session["chest_steps"] = chest_steps(session["chest_breaths"], session["summary"])
    if beats:
        session["beats"] = _beat_rows(await store.beats(session_id))
        session["step_names"] = await store.step_names(session_id)
    return session


@review_router.patch("/api/sessions/{session_id}")
async def patch_session(request: Request, body: SessionPatch,
                        session_id: int = SessionId) -> dict[str, Any]:
    ratings = {k: v for k, v in body.model_dump().items() if k.startswith("rating_") and v is not None}
    if not await _store(request).update_session(session_id, notes=body.notes, ratings=ratings):
        raise HTTPException(404, "no such session")
    return {"updated": session_id}


@review_router.delete("/api/sessions/{session_id}")
async def delete_session(request: Request, session_id: int = SessionId) -> dict[str, Any]:
    if not await _store(request).delete_session(session_id):
        raise HTTPException(404, "no such session")
    return {"deleted": session_id}


@review_router.get("/api/sessions/{session_id}/export")
async def export_session(request: Request, session_id: int = SessionId,
                         format: Literal["csv", "json", "rr", "acc"] = Query("csv"),
                         role: Literal["receiver", "giver"] = Query("receiver")) -> Response:
    store = _store(request)
    session = await store.session(session_id)
    if session is None:
        raise HTTPException(404, "no such session")
    if format == "acc":  # the raw chest samples, kept only with the keep_chest_raw setting
        raw = await store.chest.samples(session_id, role)
        if raw is None:
            raise HTTPException(404, f"no chest samples were kept for the {role} in this session "
                                "(the keep_chest_raw setting keeps them)")
        return Response(export.to_acc(session["started_at"], raw[0], raw[1]), media_type="text/plain",
                        headers={"content-disposition":
                                 f'attachment; filename="calmlink-session-{session_id}-{role}-ACC.txt"'})
    beats = await store.beats(session_id)
    names = await store.step_names(session_id)
    name = f"calmlink-session-{session_id}"
    if format == "csv":
        body, media = export.to_csv(beats, names), "text/csv"
    elif format == "rr":
        body, media = export.to_rr_text(beats), "text/plain"
    else:
        body, media = export.to_json(session, beats), "application/json"
    return Response(body, media_type=media, headers={
        "content-disposition": f'attachment; filename="{name}.{format if format != "rr" else "txt"}"'})


@review_router.get("/api/profiles")
async def profiles(request: Request) -> list[str]:
    return await _store(request).profiles()


@review_router.delete("/api/profiles")
async def delete_profile(request: Request,
                         name: str = Query(..., min_length=1, max_length=80)) -> dict[str, Any]:
    """Delete a receiver with every session and beat of theirs."""
    if not await _store(request).delete_profile(name):
        raise HTTPException(404, "no such profile")
    return {"deleted": name}


@review_router.get("/api/trends")
async def profile_trends(request: Request,
                         profile: str = Query(..., min_length=1, max_length=80)) -> dict[str, Any]:
    """Baselines against the personal normal range, response per step, how often (docs/trends.md).
    The profile is a query parameter: names may hold any character, '/' included."""
    store = _store(request)
    summaries = await store.summaries(profile)
    return trends(profile, summaries)


@review_router.get("/api/paces")
async def breathing_paces(request: Request, person: str = Query(..., min_length=1, max_length=80)
                          ) -> dict[str, Any]:
    """A person's breathing pace: the latest one a pace-finding session found clearly (their
    default for breathe steps, null when none), and every finding, newest first, with its figures
    (docs/breathe.md)."""
    store = _store(request)
    history = await store.paces.history(person)
    return {"person": person, "pace": await store.paces.default(person),
            "history": [asdict(h) for h in history]}
