"""Run a query plan against the subgraphs and shape the merged data into the client's response.

Fetches fill one merged data tree (the client's response keys plus the planner's reserved `_gw_` keys).
The client's document is then executed by graphql-core over that tree, reading every field by its
response key: this drops reserved keys, answers `__typename` and introspection, orders fields and
propagates nulls exactly as the GraphQL spec asks. Where the data needs none of that judgement (every value where
and of the type the selection expects) `gateway.shaping` builds the same answer at a fraction of the cost, and hands
over to graphql-core at the first thing it does not handle.
"""
from __future__ import annotations

import asyncio
import copy
import functools
import inspect
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence as Seq
from typing import Any, Protocol

import orjson

from graphql import (DocumentNode, GraphQLError, GraphQLInterfaceType, GraphQLObjectType, ValidationRule,
                     execute as graphql_execute, is_interface_type)
from graphql.execution.incremental.incremental_executor import IncrementalExecutor
from graphql.execution.values import get_variable_values

from gateway.access import refusals
from gateway.operations import Prepared, coded, prepare
from gateway.planner import Fetch, Parallel, PlanningError, QueryPlan, Sequence
from gateway.shaping import Bail
from gateway.supergraph import Supergraph
from shared.auth import Identity
from shared.graphql_over_http import BAD_REQUEST, BAD_USER_INPUT

logger = logging.getLogger(__name__)


class Fetcher(Protocol):
    async def __call__(self, subgraph: str, query: str, variables: dict) -> dict:
        """Send `query` to `subgraph`; return its JSON response (`data`, `errors`). Raise if it cannot be reached."""


def _merged(old: Any, new: Any) -> Any:
    """Deep-merge a fetch result into what the tree holds (fields from several subgraphs meet in one object).

    Objects are merged in place, never replaced, because later `_entities` fetches hold them by identity."""
    if isinstance(old, dict) and isinstance(new, Mapping):
        for key, value in new.items():
            old[key] = _merged(old[key], value) if key in old else value
        return old
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        old[:] = [_merged(a, b) for a, b in zip(old, new)]
        return old
    return new


class _Run:
    def __init__(self, fetcher: Fetcher, variables: Mapping[str, Any]):
        self.fetcher = fetcher
        self.variables = variables
        self.data: dict = {}
        self.errors: list[dict] = []
        self.failed: list[tuple] = []  # client paths left null because of a subgraph error: no extra errors there
        self.unavailable: set[str] = set()

    async def run(self, node) -> None:
        if isinstance(node, Sequence):
            for child in node.nodes:
                await self.run(child)
        elif isinstance(node, Parallel):
            await asyncio.gather(*(self.run(child) for child in node.nodes))
        elif node.representations is None:
            await self.root(node)
        else:
            await self.entities(node)

    async def call(self, fetch: Fetch, variables: dict, paths: list[tuple]) -> dict | None:
        try:
            response = await self.fetcher(fetch.subgraph, fetch.operation, variables)
            if not isinstance(response, Mapping):
                raise TypeError(f"not a GraphQL response: {type(response).__name__}")
            if fetch.renamed:
                response = _client_keys(response, re.compile(re.escape(fetch.typename_key.removesuffix("typename"))
                                                             + r"\d+__(.+)"))
            return response
        except Exception:  # noqa: BLE001 - any failure to reach a subgraph degrades to partial data
            logger.warning("subgraph %s failed", fetch.subgraph, exc_info=True)
            if fetch.subgraph not in self.unavailable:  # one error per subgraph, however many fetches it had
                self.unavailable.add(fetch.subgraph)
                self.errors.append({"message": f'Subgraph "{fetch.subgraph}" is unavailable.',
                                    "extensions": {"code": "SUBGRAPH_UNAVAILABLE", "subgraph": fetch.subgraph}})
            self.failed.extend(paths)
            return None

    def forwarded(self, fetch: Fetch) -> dict:
        return {name: self.variables[name] for name in fetch.variables if name in self.variables}

    def error(self, error: Any, path: Seq | None) -> None:
        error = error if isinstance(error, Mapping) else {"message": str(error)}
        formatted: dict = {"message": error.get("message") or "Subgraph error."}
        if path:
            formatted["path"] = list(path)
            self.failed.append(tuple(path))
        if error.get("extensions"):
            formatted["extensions"] = error["extensions"]
        self.errors.append(formatted)  # subgraph `locations` point into the subgraph's query: meaningless here

    async def root(self, fetch: Fetch) -> None:
        paths = [(key,) for key in fetch.root_keys]
        response = await self.call(fetch, self.forwarded(fetch), paths)
        if response is None:
            return
        data = response.get("data")
        if isinstance(data, Mapping):
            _merged(self.data, data)
        else:
            self.failed.extend(paths)
        for error in response.get("errors") or ():  # root fetches keep the client's aliases: paths carry over
            self.error(error, error.get("path") if isinstance(error, Mapping) else None)

    def targets(self, fetch: Fetch) -> list[tuple[dict, list]]:
        """Deduplicated representations of the objects at the fetch's path, each with where it came from.

        An object lacking a key field (null, or not delivered because a fetch before failed) is not sent."""
        found: dict[str, tuple[dict, list]] = {}
        reserved = fetch.typename_key

        def walk(value, depth: int, path: tuple, container, slot):
            if value is None:
                return
            if depth == len(fetch.path):
                typename = value.get(fetch.typename_key) if isinstance(value, dict) else None
                spec = fetch.representations.get(typename) if typename else None
                if spec is None or any(value.get(spec.fields[k]) is None for k in spec.keys):
                    return
                representation = {"__typename": spec.typename,
                                  **{f: _representable(value.get(k), reserved) for f, k in spec.fields.items()
                                     if k in value}}
                key = _identity(representation)
                found.setdefault(key, (representation, []))[1].append((value, path, container, slot))
                return
            step = fetch.path[depth]
            if step == "@" and isinstance(value, list):
                for index, item in enumerate(value):
                    walk(item, depth + 1, path + (index,), value, index)
            elif step != "@" and isinstance(value, dict):
                walk(value.get(step), depth + 1, path + (step,), value, step)

        walk(self.data, 0, (), None, None)
        return list(found.values())

    async def entities(self, fetch: Fetch) -> None:
        targets = self.targets(fetch)
        if not targets:
            return  # nothing to complete (all null, or of other types): no call at all
        variables = self.forwarded(fetch)
        variables[fetch.representations_variable] = [representation for representation, _ in targets]
        response = await self.call(fetch, variables, [o[1] for _, origins in targets for o in origins])
        if response is None:
            return
        entities = (response.get("data") or {}).get("_entities")
        if isinstance(entities, list):
            for (_, origins), entity in zip(targets, entities):
                if not isinstance(entity, Mapping):
                    continue  # the subgraph knows no such entity: its fields stay unset, so null where allowed
                for number, (obj, *_) in enumerate(origins):
                    # copies: objects sharing a representation must not share nested dicts
                    _merged(obj, entity if number == 0 else copy.deepcopy(entity))
        else:
            self.failed.extend(o[1] for _, origins in targets for o in origins)
        for error in response.get("errors") or ():
            path = error.get("path") if isinstance(error, Mapping) else None
            if path and len(path) >= 2 and path[0] == "_entities" and isinstance(path[1], int) \
                    and path[1] < len(targets):
                path = [*targets[path[1]][1][0][1], *path[2:]]  # `_entities.i.x` -> where object i sits
            else:
                path = None
            self.error(error, path)

    def explained(self, error: GraphQLError) -> bool:
        """Whether a shaping error (e.g. null in a non-null field) only restates a subgraph failure."""
        path = tuple(error.path or ())
        return any(path[:len(failed)] == failed for failed in self.failed)


def _client_keys(response: Mapping, alias: re.Pattern) -> dict:
    """The response with the planner's aliases of conflicting fields renamed back to the client's response keys,
    in the data and in the errors' paths; an object has one runtime type, so at most one of them is in it."""
    def key(k):
        return m.group(1) if isinstance(k, str) and (m := alias.fullmatch(k)) else k

    def data(value):
        if isinstance(value, list):
            return [data(v) for v in value]
        if isinstance(value, Mapping):
            return {key(k): data(v) for k, v in value.items()}
        return value

    errors = [{**e, "path": [key(k) for k in e["path"]]} if isinstance(e, Mapping) and isinstance(
        e.get("path"), list) else e for e in response.get("errors") or ()]
    return {**response, "data": data(response.get("data")), **({"errors": errors} if errors else {})}


def _identity(representation: dict) -> bytes | str:
    """A representation as a canonical key, to send each distinct object once (orjson; stdlib json for what it
    cannot write, such as integers past 64 bits)."""
    try:
        return orjson.dumps(representation, option=orjson.OPT_SORT_KEYS, default=str)
    except TypeError:
        return json.dumps(representation, sort_keys=True, default=str)


def _representable(value: Any, typename_key: str) -> Any:
    """A nested key or requirement as the subgraph expects it: `__typename` under its name, no planner keys."""
    if isinstance(value, list):
        return [_representable(v, typename_key) for v in value]
    if isinstance(value, dict):
        prefix = typename_key.removesuffix("typename")
        out = {k: _representable(v, typename_key) for k, v in value.items() if not k.startswith(prefix)}
        if typename_key in value:
            out["__typename"] = value[typename_key]
        return out
    return value


def _by_response_key(source: Any, info, **_args) -> Any:
    return source.get(info.path.key) if isinstance(source, Mapping) else None


class _Shaping(IncrementalExecutor):
    """Shapes the fetched data into the client's response. A value of an interface that nothing implements (only
    @interfaceObject subgraphs add to it) has no concrete type any subgraph could name: it is shaped by the
    interface's own fields."""

    def ensure_valid_runtime_type(self, runtime_type_name, return_type, *rest):
        if is_interface_type(return_type) and not self.schema.get_possible_types(return_type):
            return _stand_in(return_type)
        return super().ensure_valid_runtime_type(runtime_type_name, return_type, *rest)


@functools.lru_cache(maxsize=256)
def _stand_in(interface: GraphQLInterfaceType) -> GraphQLObjectType:
    return GraphQLObjectType(interface.name, lambda: interface.fields)


async def execute(supergraph: Supergraph, document_or_source: DocumentNode | str, variables: dict | None,
                  operation_name: str | None, fetch: Fetcher, *,
                  validation_rules: Seq[type[ValidationRule]] = (), include_plan: bool = False,
                  plan_hook: Callable[[QueryPlan], None] | None = None, caller: Identity | None = None,
                  max_tokens: int | None = None, hide_suggestions: bool = False,
                  prepared: Prepared | None = None) -> dict:
    """Answer one GraphQL request through the subgraphs: {"data": ..., "errors": [...]} ("errors" only if any).

    Errors found before execution (syntax, validation, variables, planning) return no "data" at all, as
    the GraphQL spec asks, and no subgraph is called. `include_plan` adds `extensions.queryPlan`;
    `plan_hook` receives the QueryPlan (for logging or tracing) before it runs. With a `caller`, an operation
    selecting what the caller may not use (`@authenticated`, `@requiresScopes`) is refused before planning.
    A document of more than `max_tokens` tokens is refused while it is parsed: no request, anonymous or not, can
    make the gateway parse and validate an unbounded document. A document given as text is prepared (parsed,
    validated, planned) once per supergraph and reused (`gateway.operations`); `prepared` passes one already at hand.
    """
    if variables is not None and not isinstance(variables, Mapping):
        return {"errors": [{"message": "Variables must be a JSON object.", "extensions": {"code": BAD_REQUEST}}]}
    variables = dict(variables or {})
    if prepared is None:
        prepared = supergraph.operations.get(document_or_source, operation_name, validation_rules,
                                             hide_suggestions=hide_suggestions, max_tokens=max_tokens) \
            if isinstance(document_or_source, str) else \
            prepare(supergraph.schema, document_or_source, operation_name, validation_rules,
                    hide_suggestions=hide_suggestions, max_tokens=max_tokens)
    errors = prepared.validate_request(supergraph.schema, variables)
    if prepared.errors or errors:
        return {"errors": [*prepared.errors, *errors]}
    document, operation = prepared.document, prepared.operation
    coerced = get_variable_values(supergraph.schema, operation.variable_definitions or (), variables)
    if isinstance(coerced, list):
        return {"errors": [coded(error, BAD_USER_INPUT) for error in coerced]}
    if caller is not None and (denied := refusals(supergraph, document, operation, coerced, caller)):
        return {"data": None, "errors": [error.formatted for error in denied]}
    try:
        query_plan, shaper = prepared.plan(supergraph, operation_name, coerced.coerced)
    except PlanningError as error:
        return {"errors": [{"message": str(error), "extensions": {"code": "QUERY_PLANNING_FAILED"}}]}
    if plan_hook is not None:
        plan_hook(query_plan)
    run = _Run(fetch, variables)
    if query_plan.node is not None:
        await run.run(query_plan.node)
    try:
        response: dict = {"data": shaper.shape(run.data)}
        errors = run.errors
    except Bail:  # something to report or to answer that only the reference executor does
        shaped = graphql_execute(supergraph.schema, document, root_value=run.data, variable_values=variables,
                                 operation_name=operation_name, field_resolver=_by_response_key,
                                 type_resolver=lambda value, *_: value.get(query_plan.typename_key)
                                 if isinstance(value, Mapping) else None, executor_class=_Shaping)
        if inspect.isawaitable(shaped):  # never with these resolvers, but graphql-core's signature allows it
            shaped = await shaped
        response = {"data": shaped.data}
        errors = run.errors + [e.formatted for e in shaped.errors or () if not run.explained(e)]
    if errors:
        response["errors"] = errors
    if include_plan:
        response["extensions"] = {"queryPlan": query_plan.describe()}
    return response
