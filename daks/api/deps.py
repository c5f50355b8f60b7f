"""Dependencies, declared once as `Annotated` aliases. The session dependency owns commit
and rollback: nothing else commits.

Those that only read what the app holds are `async`: FastAPI runs a plain `def` dependency
in the thread pool, a hop per dependency per request that costs more than the read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine
from sqlmodel import Session

from daks.api.answers import Answers
from daks.api.auth import AuthError, Caller, caller_of
from daks.settings import Settings
from daks.store.keys import Grant
from daks.store.observations import Lookups


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


async def get_config(request: Request) -> Settings:
    config: Settings = request.app.state.settings
    return config


async def get_lookups(request: Request) -> Lookups:
    lookups: Lookups = request.app.state.lookups
    return lookups


async def get_answers(request: Request) -> Answers:
    answers: Answers = request.app.state.answers
    return answers


def get_session(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


SessionDep = Annotated[Session, Depends(get_session)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SettingsDep = Annotated[Settings, Depends(get_config)]
LookupsDep = Annotated[Lookups, Depends(get_lookups)]
AnswersDep = Annotated[Answers, Depends(get_answers)]


async def get_caller(request: Request) -> Caller:
    return caller_of(request)


CallerDep = Annotated[Caller, Depends(get_caller)]


def _grant_of(caller: Caller, tier: str) -> Grant:
    try:
        return caller.require(tier)
    except AuthError as exc:
        raise HTTPException(
            exc.status, exc.detail, headers={"WWW-Authenticate": 'Bearer realm="daks"'}
        ) from None


async def get_retailer(caller: CallerDep) -> Grant:
    return _grant_of(caller, "retailer")


async def get_internal(caller: CallerDep) -> Grant:
    return _grant_of(caller, "internal")


RetailerDep = Annotated[Grant, Depends(get_retailer)]
InternalDep = Annotated[Grant, Depends(get_internal)]
