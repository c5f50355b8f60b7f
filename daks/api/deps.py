"""Dependencies, declared once as `Annotated` aliases. The session dependency owns commit
and rollback: nothing else commits.

Those that only read what the app holds are `async`: FastAPI runs a plain `def` dependency
in the thread pool, a hop per dependency per request that costs more than the read.

The hottest routes use none, and are declared with `PlainRoute`: see there.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Coroutine, Iterator
from typing import Annotated, Any

import fastapi.routing
from fastapi import Depends, HTTPException, Request, Response
from fastapi._compat import field_annotation_is_sequence, get_missing_field_error
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

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


class PlainRoute(APIRoute):
    """A route whose endpoint takes the request and single-valued query parameters only
    (no `Depends`, no body, path or header parameters, a `Response` returned): they are
    validated by the same pydantic fields FastAPI builds from the signature, with the same
    errors, but what FastAPI works out anew on every request (each parameter's kind, alias
    and sequence-ness, the dependency tree and its cache) is worked out once here. On a
    route with a dozen query parameters that was half the CPU of a 304.

    The OpenAPI document is FastAPI's own, from the same signature. A route this does not
    fit is handled by FastAPI as usual.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        context = getattr(fastapi.routing, "_effective_route_context_var", None)
        effective = context.get() if context is not None else None
        dependant = (
            effective.dependant
            if effective is not None and getattr(effective, "original_route", None) is self
            else self.dependant
        )
        fields = [
            (
                f.name,
                f.alias,
                f,
                f.field_info.is_required(),
                f.default,
                isinstance(f.default, (list, dict, set)),
            )
            for f in dependant.query_params
        ]
        plain = (
            dependant.call is not None
            and self.response_field is None
            and not dependant.dependencies
            and not (dependant.path_params or dependant.header_params)
            and not (dependant.cookie_params or dependant.body_params)
            and dependant.background_tasks_param_name is None
            and dependant.response_param_name is None
            and dependant.security_scopes_param_name is None
            and not any(
                field_annotation_is_sequence(f.field_info.annotation)
                or f.field_info.validation_alias not in (None, f.alias)
                for f in dependant.query_params
            )
        )
        if not plain:
            return super().get_route_handler()
        call = dependant.call
        assert call is not None
        request_name = dependant.request_param_name
        is_async = inspect.iscoroutinefunction(call)

        async def handle(request: Request) -> Response:
            query = request.query_params
            values: dict[str, Any] = {}
            errors: list[Any] = []
            for name, alias, field, required, default, mutable in fields:
                raw = query.get(alias)
                if raw is None:
                    if required:
                        errors.append(get_missing_field_error(loc=("query", alias)))
                    else:
                        values[name] = copy.deepcopy(default) if mutable else default
                    continue
                value, wrong = field.validate(raw, values, loc=("query", alias))
                if wrong:
                    errors.extend(wrong)
                else:
                    values[name] = value
            if errors:
                raise RequestValidationError(errors)
            if request_name is not None:
                values[request_name] = request
            response: Response = (
                await call(**values) if is_async else await run_in_threadpool(call, **values)
            )
            return response

        return handle
