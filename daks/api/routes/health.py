"""Liveness and readiness for the orchestrator."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from daks.api.deps import SessionDep

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


@router.get("/health", summary="Liveness: the process answers")
def health() -> Health:
    return Health(status="ok")


@router.get(
    "/ready",
    summary="Readiness: the database answers",
    responses={503: {"description": "the database is unavailable"}},
)
def ready(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    return Health(status="ready")
