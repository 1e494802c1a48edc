"""The HTTP API's published contract, completed from what the app really does.

FastAPI documents a route's success response and a 422; the service can answer more, always with the
one error body (core/errors.py). `install()` makes the OpenAPI say so, in one general way rather than
route by route: each operation lists every error status it can produce, derived from

- its dependencies, which name their statuses with `core.errors.may_answer` (the staff login → 401, 403;
  the service token → 401; the database → 503; the session runner's domain errors → 404, 409, 422);
- its inputs: a request body → 413 (too large), 415 (not a media type it takes), 422; parameters → 422;
  a path with parameters → 404 (nothing there);
- the rate-limited paths (ops/middleware.py) → 429; and any status the route names in its own
  `responses` (e.g. 404 for an unknown log id in a body), which gets the error body too;
- 500 everywhere (an unexpected error, still with the error body).
It also states in the schema that no query or path parameter may hold a NUL (the middleware refuses one).

Two routing details keep the answers to what the schema promises: a path whose integer parameter is not
a number names no resource of that route (`PUT /entries/bulk-publish` is not an entry id that failed to
validate: it is 405, the path being POST-only; `/faqs/abc` is 404), and a 405 names in `Allow` every
method the path has, not only the first route's.
"""
from __future__ import annotations

from http import HTTPStatus
from typing import Iterator

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.requests import Request

from faq_service.core.errors import ERROR_SCHEMA
from faq_service.core.schema import NO_NUL
from faq_service.ops.middleware import RATE_LIMITED_PATHS

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_DESCRIPTIONS = {
    401: "Not authenticated: the credentials (bearer token, service token or password) are missing or wrong.",
    403: "Authenticated, but this needs a higher role (or the CSRF token of a console session).",
    404: "Nothing there: no resource with that id, or the path names none.",
    409: "The change conflicts with the current state (changed meanwhile, already exists, or not allowed now).",
    413: "The request body is larger than the limit (64 kB; 5 MB for knowledge-base files).",
    415: "The request body is not of a media type this operation takes.",
    422: "The request does not match this schema (the message says what is wrong, in English and Thai).",
    429: "Too many requests; wait the `Retry-After` seconds.",
    500: "An unexpected error; nothing was changed.",
    503: "Briefly unavailable (database unreachable, or the knowledge base still loading); retry shortly.",
}


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dep in dependant.dependencies:
        yield dep
        yield from _dependencies(dep)


def _params(dependant: Dependant) -> Iterator:
    for d in (dependant, *_dependencies(dependant)):
        yield from d.path_params
        yield from d.query_params
        yield from d.header_params
        yield from d.cookie_params


def error_statuses(route) -> set[int]:
    """Every error status `route` can answer (see the module's docstring)."""
    statuses = {500}
    for dep in _dependencies(route.dependant):
        statuses.update(getattr(dep.call, "error_statuses", ()))
    if route.body_field is not None or "requestBody" in (route.openapi_extra or {}):
        statuses.update((413, 415, 422))
    if any(True for _ in _params(route.dependant)):
        statuses.add(422)
    if "{" in route.path_format:
        statuses.add(404)
    if route.path_format in RATE_LIMITED_PATHS:
        statuses.add(429)
    statuses.update(int(code) for code in route.responses if str(code)[0] in "45")
    return statuses


def api_routes(app: FastAPI) -> Iterator:
    """The operations of the OpenAPI (FastAPI's route contexts, prefixes applied)."""
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            yield route


def _complete(schema: dict, app: FastAPI) -> dict:
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Error"] = ERROR_SCHEMA
    for route in api_routes(app):
        for method in route.methods - {"HEAD"}:
            operation = schema["paths"][route.path_format][method.lower()]
            for status in sorted(error_statuses(route)):
                response = operation["responses"].setdefault(str(status), {})
                if response.get("description") in (None, "", "Validation Error", "Additional Response"):
                    response["description"] = ERROR_DESCRIPTIONS.get(status) or HTTPStatus(status).phrase
                response["content"] = {"application/json": {"schema": ERROR_REF}}
            for param in operation.get("parameters", ()):
                _no_nul(param.get("schema", {}))
    return schema


def _no_nul(schema: dict) -> None:
    if schema.get("type") == "string" and not {"pattern", "enum", "const", "format"} & schema.keys():
        schema["pattern"] = NO_NUL
    for sub in schema.get("anyOf", ()):
        _no_nul(sub)


def _int_params(route) -> set[str]:
    dependant = getattr(route, "dependant", None)
    return {p.name for p in dependant.path_params if p.field_info.annotation is int} if dependant else set()


def _routes_at(request: Request) -> list:
    """The routes whose path matches the request's, an integer parameter counting only if it is a number."""
    path = request.scope.get("path", "")
    found = []
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        match = regex.match(path) if regex is not None and getattr(route, "methods", None) else None
        if match and all(str(match.groupdict().get(name, "0")).isdigit() for name in _int_params(route)):
            found.append(route)
    return found


def allowed_methods(request: Request) -> str:
    """Every method the request's path has (the `Allow` of a 405)."""
    return ", ".join(sorted({m for route in _routes_at(request) for m in route.methods}))


def path_names_nothing(exc: RequestValidationError) -> bool:
    """A path parameter that is not even of its type (e.g. `abc` for an id): the path names nothing."""
    return any(e.get("loc", ("",))[0] == "path" and e.get("type") == "int_parsing" for e in exc.errors())


def _media_type(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def unsupported_media_type(request: Request) -> bool:
    """True when the request carries a body whose Content-Type the operation does not take (the media
    types of its requestBody in the OpenAPI): answered 415 rather than 422."""
    if request.headers.get("content-length", "0") == "0" and "transfer-encoding" not in request.headers:
        return False
    paths = request.app.openapi()["paths"]
    route = next((r for r in _routes_at(request) if request.method in r.methods and r.path_format in paths), None)
    if route is None:
        return False
    operation = paths[route.path_format].get(request.method.lower(), {})
    accepted = set(operation.get("requestBody", {}).get("content", {}))
    if not accepted:
        return False
    given = _media_type(request.headers.get("content-type", ""))
    return given not in accepted and not (given.endswith("+json") and "application/json" in accepted)


def install(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict:
        if not app.openapi_schema:
            app.openapi_schema = _complete(generate(), app)
        return app.openapi_schema

    app.openapi = openapi
