"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/) as the gateway and every subgraph speak it.

Queries over GET, mutations only over POST (405 otherwise); the response type negotiated from Accept
(application/graphql-response+json with its status codes, or application/json); malformed parameters a 400;
GraphiQL only for a browser asking for text/html; and on every error the `extensions.code` Apollo gives it.
"""
from __future__ import annotations

import json

import orjson
from fastapi.responses import JSONResponse
from graphql import GraphQLError, GraphQLSyntaxError

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# Apollo's names (ApolloServerErrorCode) for errors that are not the application's own
BAD_REQUEST = "BAD_REQUEST"  # the HTTP request itself is wrong; its status says how (400, 405, 406, 413, 415)
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"  # a variable's value does not fit its type
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"  # no operation of that name, or no name given
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"  # an unexpected error, masked


def json_bytes(value) -> bytes:
    """JSON text, by orjson; by the standard library for what orjson refuses: integers beyond 64 bits, which a client
    may send (a subgraph refuses them with a typed error; the gateway must pass them on, not fail)."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class FastJSONResponse(JSONResponse):
    """A JSON response rendered by `json_bytes`."""

    def render(self, content) -> bytes:
        return json_bytes(content)


def _media_types(accept: str) -> list[str]:
    return [part.split(";")[0].strip().lower() for part in accept.split(",")]


def response_media(accept: str) -> str | None:
    """The response type for this Accept header: the GraphQL-over-HTTP type if asked for, else JSON, or None."""
    if not accept.strip():
        return JSON
    types = _media_types(accept)
    if GRAPHQL_RESPONSE in types:
        return GRAPHQL_RESPONSE
    if any(t in (JSON, "application/*", "*/*") for t in types):
        return JSON
    return None


def wants_graphiql(method: str, query_params, accept: str) -> bool:
    """A browser opening the endpoint: a GET without a query that accepts HTML. Clients asking for JSON or */* get
    GraphQL, never the IDE."""
    return method == "GET" and "query" not in query_params and "text/html" in _media_types(accept)


def request_problem(body) -> str | None:
    """Why the request's parameters are malformed, or None."""
    if not isinstance(body, dict):
        return "the body must be a JSON object"
    if not isinstance(body.get("query"), str) or not body["query"]:
        return "'query' must be a non-empty string"
    for name, kind in (("operationName", str), ("variables", dict), ("extensions", dict)):
        if body.get(name) is not None and not isinstance(body[name], kind):
            return f"'{name}' must be {'a string' if kind is str else 'an object'} or null"
    return None


def error_response(message: str, code: str, status: int, media: str = JSON, *,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    """A request refused before execution: no `data`, one error with its code."""
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status,
                        media_type=media, headers=headers)


def not_acceptable() -> JSONResponse:
    return error_response("send Accept: application/graphql-response+json or application/json", BAD_REQUEST, 406)


def result_status(result: dict, media: str) -> int:
    """application/graphql-response+json: a request that never reached execution (no `data`) is a 400; the
    legacy application/json answers every GraphQL response with 200."""
    return 400 if media == GRAPHQL_RESPONSE and "data" not in result else 200


def request_error_code(error: GraphQLError, *, before_execution: bool) -> str | None:
    """Apollo's code for an error raised before any resolver ran, or None for the others: a syntax error, a
    validation error (found before execution, about the document), or a variable whose value does not fit."""
    if isinstance(error, GraphQLSyntaxError):
        return PARSE_FAILED
    if error.path is not None:
        return None
    if before_execution:
        return VALIDATION_FAILED if error.original_error is None else None
    return BAD_USER_INPUT if error.original_error is None or isinstance(error.original_error, GraphQLError) else None
