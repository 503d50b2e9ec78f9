"""A subgraph's /graphql: Strawberry's router made to speak GraphQL over HTTP as the gateway does
(shared/graphql_over_http.py), with Apollo's `extensions.code` on every error (the schema names the request errors:
`shared.graphql.ApolloErrorCodes`)."""
from __future__ import annotations

import json
import time

from cross_web import HTTPException
from fastapi import Request, Response
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from shared.graphql_over_http import (BAD_REQUEST, GRAPHQL_RESPONSE, INTERNAL_SERVER_ERROR, JSON,
                                      OPERATION_RESOLUTION_FAILURE, error_response, not_acceptable, response_media,
                                      result_status, wants_graphiql)
from shared.metrics import ANONYMOUS, OPERATION_HEADER, process_metrics, request_operation_name


class SubgraphRouter(GraphQLRouter):
    """GET and POST /graphql: the response type negotiated, 405 for a mutation over GET, 415 for a body that is not
    JSON, 413 for a body over `max_body_bytes`, every refusal a JSON error with a code, and no `data` in the answer
    to a request that never executed."""

    def __init__(self, *args, max_body_bytes: int = 1024 * 1024, component: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_body_bytes = max_body_bytes
        self.component = component  # the service's name in the request metrics (None: not counted)

    def should_render_graphql_ide(self, request) -> bool:
        return wants_graphiql(request.method, request.query_params, request.headers.get("accept", ""))

    async def run(self, request, context=UNSET, root_value=UNSET):
        if self.is_websocket_request(request) or \
                wants_graphiql(request.method, request.query_params, request.headers.get("accept", "")):
            return await super().run(request, context, root_value)
        started, response = time.perf_counter(), None
        try:
            response = await self._answer(request, context, root_value)
            return response
        finally:  # a refusal raised past here (not signed in, ...) counts as an error too
            if self.component is not None:
                ok = response is not None and response.status_code < 400 and \
                    not getattr(request.state, "graphql_errors", False)
                process_metrics().record_request(self.component, await _operation(request), ok,
                                                 time.perf_counter() - started)

    async def _answer(self, request, context, root_value):
        accept = request.headers.get("accept", "")
        media = response_media(accept)
        if media is None:
            return not_acceptable()
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "POST" and content_type != JSON:
            return error_response("the body must be application/json", BAD_REQUEST, 415, media)
        if request.method == "POST" and len(await request.body()) > self.max_body_bytes:
            return error_response(f"the request body is over {self.max_body_bytes} bytes", BAD_REQUEST, 413, media)
        try:
            response: Response = await super().run(request, context, root_value)
        except HTTPException as exc:
            return _refusal(exc, media)
        if media == GRAPHQL_RESPONSE and response.headers.get("content-type", "").startswith(JSON):
            response.headers["content-type"] = GRAPHQL_RESPONSE
            response.status_code = getattr(request.state, "graphql_status", response.status_code)
        return response

    async def parse_http_body(self, request):
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData) and not isinstance(data.operation_name, (str, type(None))):
            raise HTTPException(400, "'operationName' must be a string or null")
        return data

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        answer = await super().process_result(request, result)
        for error in answer.get("errors") or ():
            extensions = error.setdefault("extensions", {})
            extensions.setdefault("code", INTERNAL_SERVER_ERROR)  # what is left without a code was masked
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            del answer["data"]  # the request failed before execution
        request.state.graphql_status = result_status(answer, GRAPHQL_RESPONSE)
        request.state.graphql_errors = bool(answer.get("errors"))
        return answer


async def _operation(request) -> str:
    """The request's operation as a metric label: for a fetch the gateway planned, the client's operation it
    forwarded; else the request's own (its body is already read, and only its first tokens are lexed)."""
    forwarded = request.headers.get(OPERATION_HEADER)
    if forwarded:
        return request_operation_name({"operationName": forwarded})
    try:
        body = json.loads(await request.body()) if request.method == "POST" else dict(request.query_params)
    except ValueError:
        return ANONYMOUS
    return request_operation_name(body)


def _refusal(exc: HTTPException, media: str) -> Response:
    cause = exc.__cause__
    if isinstance(cause, InvalidOperationTypeError):
        return error_response(f"{cause.operation_type.value}s must be sent with POST", BAD_REQUEST, 405, media,
                              headers={"allow": "POST"})
    if isinstance(cause, CannotGetOperationTypeError):  # a GraphQL error, as the gateway answers it
        return error_response(exc.reason, OPERATION_RESOLUTION_FAILURE, result_status({}, media), media)
    return error_response(exc.reason, BAD_REQUEST, exc.status_code, media)
