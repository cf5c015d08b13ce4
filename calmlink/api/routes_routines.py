"""Routines a couple writes: list (with files that do not parse, and why), the limits, create,
duplicate, edit (steps renamed, retimed, reordered), delete (docs/routines.md).

Every rule is :func:`calmlink.live.routine.check_routine`'s; a broken rule is a 422 in FastAPI's
own shape (``detail``: a list of ``loc``, ``msg``, ``type``), ``loc`` naming the field, so the page
shows each message beside its field. A built-in routine, a routine the running session uses, and
an edit made from a stale copy are refused with 409 and the reason.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import asdict
from typing import TypeVar

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from calmlink.live.controller import Controller
from calmlink.live.routine import LIMITS, FieldError, Routine, RoutineError
from calmlink.live.routine_library import NotFound, ReadOnly, RoutineLibrary, Stale

routines_router = APIRouter(responses={
    404: {"description": "no such routine"},
    409: {"description": "a built-in routine, the running session's, or changed elsewhere since"},
})
RoutineId = Path(..., min_length=1, max_length=120, description="A routine's id")
T = TypeVar("T")


class StepIn(BaseModel):
    id: str | None = Field(None, max_length=200, description="Keep a step's id when editing it "
                           "(renamed, retimed or moved); leave it out for a new step")
    name: str = Field(..., max_length=2000)
    cue: str = Field("", max_length=5000, description="The words the voice says")
    duration_s: float = Field(..., description="Seconds (see /api/routine-limits)")
    kind: str = Field("massage", max_length=40, description="massage, or breathe (paced breathing)")
    breaths_per_min: float | None = Field(
        None, description="A breathe step's pace (see /api/routine-limits); leave it out for the "
        "receiver's own found pace, else 6")


class RoutineIn(BaseModel):
    name: str = Field(..., max_length=2000)
    steps: list[StepIn] = Field(..., max_length=500, description="The first is the settle step")


class RoutineUpdate(RoutineIn):
    version: str | None = Field(None, max_length=64, description="The version it was read at: "
                                "an edit made from a stale copy is refused (409)")


class DuplicateIn(BaseModel):
    name: str | None = Field(None, max_length=2000, description="Default: '<name> (copy)'")


class StepOut(BaseModel):
    id: str
    name: str
    cue: str
    duration_s: float
    kind: str
    breaths_per_min: float | None


class RoutineOut(BaseModel):
    id: str
    name: str
    builtin: bool
    duration_s: float
    steps: list[StepOut]
    version: str | None = Field(description="Of the file (None for a built-in routine)")
    in_use: bool = Field(description="The running session runs it: it cannot be changed now")


class FieldErrorOut(BaseModel):
    loc: list[str | int]
    msg: str


class BrokenOut(BaseModel):
    id: str
    file: str
    error: str
    errors: list[FieldErrorOut]


class RoutinesOut(BaseModel):
    routines: list[RoutineOut]
    broken: list[BrokenOut] = Field(description="Files that cannot be used as they stand: shown, "
                                    "never dropped")
    skipped: list[str] = Field(description="Each broken file's error in one line")
    notes: list[str]
    folder: str | None = Field(description="Where the routine files are")


class LimitsOut(BaseModel):
    min_steps: int
    max_steps: int
    min_step_s: float
    max_step_s: float
    min_settle_s: float
    max_total_s: float
    max_routine_name: int
    max_step_name: int
    max_cue: int
    max_step_id: int
    min_pace: float
    max_pace: float
    default_pace: float
    kinds: list[str]


def _library(request: Request) -> RoutineLibrary:
    library: RoutineLibrary = request.app.state.routines
    return library


def _controller(request: Request) -> Controller:
    controller: Controller = request.app.state.controller
    return controller


def _out(request: Request, r: Routine) -> RoutineOut:
    return RoutineOut(id=r.id, name=r.name, builtin=r.builtin, duration_s=r.duration_s,
                      steps=[StepOut(**asdict(s)) for s in r.steps],
                      version=_library(request).shelf.versions.get(r.id),
                      in_use=_controller(request).routine_in_use(r.id))


def _invalid(errors: tuple[FieldError, ...]) -> RequestValidationError:
    return RequestValidationError([{"loc": ["body", *e.loc], "msg": e.message, "type": "value_error"}
                                   for e in errors])


async def _change(request: Request, routine_id: str | None, work: Callable[[], T]) -> T:
    """Run a change on a worker thread under the library's lock (a session choosing its routine
    waits for it), refused while the running session uses that routine."""
    library = _library(request)
    async with library.lock:
        if routine_id is not None and _controller(request).routine_in_use(routine_id):
            raise HTTPException(409, "this routine is running in the session now: change it "
                                     "after the session ends")
        try:
            return await asyncio.to_thread(work)
        except RoutineError as exc:
            raise _invalid(exc.errors) from None
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        except (ReadOnly, Stale) as exc:
            raise HTTPException(409, str(exc)) from None


@routines_router.get("/api/routines", response_model=RoutinesOut)
async def list_routines(request: Request) -> RoutinesOut:
    """Built-in routines first, then the folder's; files that do not parse, with their errors."""
    library = _library(request)
    shelf = await library.refresh()
    return RoutinesOut(
        routines=[_out(request, r) for r in shelf.routines],
        broken=[BrokenOut(id=b.id, file=b.file, error=b.error,
                          errors=[FieldErrorOut(loc=list(e.loc), msg=e.message) for e in b.errors])
                for b in shelf.broken],
        skipped=[b.error for b in shelf.broken], notes=list(shelf.notes),
        folder=None if library.folder is None else str(library.folder))


@routines_router.get("/api/routine-limits", response_model=LimitsOut)
async def routine_limits() -> LimitsOut:
    """The rules every routine meets, for the page to check against the same numbers."""
    return LimitsOut(**{**asdict(LIMITS), "kinds": list(LIMITS.kinds)})


@routines_router.get("/api/routines/{routine_id}", response_model=RoutineOut)
async def get_routine(request: Request, routine_id: str = RoutineId) -> RoutineOut:
    await _library(request).refresh()
    found = next((r for r in _library(request).shelf.routines if r.id == routine_id), None)
    if found is None:
        raise HTTPException(404, f"no routine {routine_id!r}")
    return _out(request, found)


@routines_router.post("/api/routines", response_model=RoutineOut, status_code=201)
async def create_routine(request: Request, body: RoutineIn) -> RoutineOut:
    """A new routine file in the config folder; its id comes from its name, once."""
    library = _library(request)
    made = await _change(request, None, lambda: library.create_blocking(body.model_dump()))
    return _out(request, made)


@routines_router.put("/api/routines/{routine_id}", response_model=RoutineOut)
async def update_routine(request: Request, body: RoutineUpdate,
                         routine_id: str = RoutineId) -> RoutineOut:
    """Replace a routine (renamed, steps edited, added, removed or reordered): steps sent with
    their id keep their history; a broken file can be fixed this way too."""
    library = _library(request)
    raw = body.model_dump(exclude={"version"})
    done = await _change(request, routine_id,
                         lambda: library.update_blocking(routine_id, raw, body.version))
    return _out(request, done)


@routines_router.post("/api/routines/{routine_id}/duplicate", response_model=RoutineOut,
                      status_code=201)
async def duplicate_routine(request: Request, body: DuplicateIn | None = None,
                            routine_id: str = RoutineId) -> RoutineOut:
    """A copy to make one's own (built-in routines too); its steps keep their ids."""
    library = _library(request)
    name = body.name if body is not None else None
    made = await _change(request, None, lambda: library.duplicate_blocking(routine_id, name))
    return _out(request, made)


@routines_router.delete("/api/routines/{routine_id}")
async def delete_routine(request: Request, routine_id: str = RoutineId) -> dict[str, str]:
    """Delete a routine's file (or a broken file). Sessions it ran keep their own copy of it."""
    library = _library(request)
    await _change(request, routine_id, lambda: library.delete_blocking(routine_id))
    return {"deleted": routine_id}
