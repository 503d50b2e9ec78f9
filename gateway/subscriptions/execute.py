"""Subscription operations, executed by the gateway itself (graphql-core), never planned to subgraphs.

A document goes through the same checks as a query's before anything is registered: the token limit while
parsing, the specified validation rules and the gateway's limits (depth, aliases, cost), the variables. The root
field's arguments are coerced once and open the hub subscription (graphql-core `create_source_event_stream`). Each
event the hub hands over then runs the client's selection set over the event's `ProjectEvent` value, once per
document and event for all its subscribers (`SharedResults`): a stream yields the result as JSON text, which the
transports put into their frames as it is.
"""
from __future__ import annotations

import inspect
import json
from dataclasses import dataclass, field

from graphql import ExecutionResult, GraphQLError, create_source_event_stream, execute_subscription_event, print_ast
from graphql.execution.executor_throwing_on_incremental import ExecutorThrowingOnIncremental
from graphql.language import ast

from gateway.operations import Prepared
from gateway.subscriptions.hub import EventFilter, Hub
from gateway.subscriptions.schema import as_project_event
from gateway.supergraph import Supergraph
from shared.auth import Identity
from shared.graphql_over_http import OPERATION_RESOLUTION_FAILURE


@dataclass
class Context:
    hub: Hub
    caller: Identity
    sources: list = field(default_factory=list)  # the hub subscriptions opened for this operation


class Stream:
    """The results of one subscription, each the JSON text of an execution result (`{"data": ...}`, or with
    `errors`); `aclose` unregisters it from the hub whether or not it was ever read."""

    def __init__(self, executor: ExecutorThrowingOnIncremental, events, context: Context, document: str):
        self.executor = executor
        self.events = events
        self.context = context
        self.document = document  # what makes two subscribers' results the same: text, operation, variables

    def __aiter__(self) -> Stream:
        return self

    async def __anext__(self) -> str:
        envelope = await anext(self.events)  # SubscriberDropped when the subscriber fell too far behind
        results = self.context.hub.results
        payload = results.get(self.document, envelope.id)
        if payload is None:
            result = execute_subscription_event(self.executor.build_per_event_executor(envelope))
            if inspect.isawaitable(result):
                result = await result
            payload = results.put(self.document, envelope.id, json.dumps(result.formatted))
        return payload

    async def aclose(self) -> None:
        for source in self.context.sources:
            await source.aclose()


def document_key(document: ast.DocumentNode, operation_name: str | None, variables: dict) -> str:
    """The same for two requests that give the same result for every event: the normalized document (printed,
    so spacing and comments do not count), the operation chosen and the variables."""
    return json.dumps([operation_name, variables, print_ast(document)], sort_keys=True, default=str)


def _subscribe_field(_root, info, **args):
    context: Context = info.context
    if info.field_name != "projectEvents":  # the only root field; validation refuses any other
        raise GraphQLError(f"Subscription.{info.field_name} is not served")
    source = context.hub.subscribe(context.caller, EventFilter.of(args.get("filter")))
    context.sources.append(source)
    return source


def _resolve_field(source, info, **_args):
    if info.parent_type.name == "Subscription":
        return as_project_event(source)
    return source.get(info.field_name) if isinstance(source, dict) else None


def _resolve_type(value, *_):
    return value.get("__typename") if isinstance(value, dict) else None


async def start(supergraph: Supergraph, hub: Hub, caller: Identity, body: dict, prepared: Prepared
                ) -> Stream | list[dict]:
    """The stream of results of one subscription request (`prepared`: its document, from `Gateway.prepare`), or the
    errors that refuse it (nothing registered)."""
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        return [{"message": "Variables must be a JSON object.", "extensions": {"code": "BAD_REQUEST"}}]
    errors = prepared.errors or prepared.validate_request(supergraph.schema, variables)
    if errors:
        return errors
    document, operation = prepared.document, prepared.operation
    if operation.operation is not ast.OperationType.SUBSCRIPTION:
        return [{"message": "Not a subscription operation.", "extensions": {"code": OPERATION_RESOLUTION_FAILURE}}]
    context = Context(hub, caller)
    executor = ExecutorThrowingOnIncremental.build(
        supergraph.schema, document, context_value=context, raw_variable_values=variables,
        operation_name=body.get("operationName"), field_resolver=_resolve_field, type_resolver=_resolve_type,
        subscribe_field_resolver=_subscribe_field, hide_suggestions=prepared.hide_suggestions)
    if isinstance(executor, list):  # the variables do not coerce
        return [error.formatted for error in executor]
    events = create_source_event_stream(executor)
    if inspect.isawaitable(events):
        events = await events
    if isinstance(events, ExecutionResult):
        for source in context.sources:
            await source.aclose()
        return [error.formatted for error in events.errors or ()] or [{"message": "The subscription did not start."}]
    return Stream(executor, events, context, document_key(document, body.get("operationName"), variables))
