"""Operations parsed, validated and planned once per supergraph, not once per request.

Clients send the same few documents again and again, so the gateway keeps, per document text and operation name,
what does not depend on the request: the parsed document, the verdict of every validation rule that reads only the
document, the operation to run, and its plans (one per combination of the variables that `@skip`/`@include` read:
nothing else in a request changes a plan) with the shaper of its results. What does depend on the request is still checked every time: the
variables' values, rules that read them (the cost of `first: $n`), and the caller's access.

The cache belongs to one supergraph (`Supergraph.operations`): a new graph starts with an empty one, so nothing
validated against an old schema is ever reused. It is bounded in entries, and documents longer than
`CACHEABLE_LENGTH` are never kept, so distinct documents sent to churn it cost bounded memory.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode, ValidationRule,
                     get_operation_ast, parse, specified_rules, validate)
from graphql.language import ast

from gateway.limits import request_variables
from gateway.planner import QueryPlan, plan
from gateway.shaping import Shaper
from shared.graphql_over_http import OPERATION_RESOLUTION_FAILURE, PARSE_FAILED, VALIDATION_FAILED

CACHEABLE_LENGTH = 16_384   # characters; longer documents are prepared for their request only
DEFAULT_SIZE = 256          # documents kept per supergraph
PLANS_PER_OPERATION = 16    # @skip/@include combinations kept per document


def reads_variables(rule: type[ValidationRule], document: DocumentNode) -> bool:
    """Whether a validation rule's verdict on `document` depends on the request's variables: the rule says so with a
    `reads_variables(document)` static method (the cost rule does, for `first: $n`); others read only the document."""
    says = getattr(rule, "reads_variables", None)
    return bool(says(document)) if says is not None else False


def coded(error: GraphQLError, code: str) -> dict:
    """The error as the client sees it, with `extensions.code` as Apollo names it unless a rule set its own."""
    formatted = error.formatted
    extensions = dict(formatted.get("extensions") or {})
    extensions.setdefault("code", code)
    return {**formatted, "extensions": extensions}


@dataclass
class Prepared:
    """One document as far as it can be taken without the request: an error, or an operation ready to plan.
    `operation` is found even when validation refuses the document, so its kind is known (a mutation sent with GET
    is refused as such)."""
    document: DocumentNode | None = None
    operation: OperationDefinitionNode | None = None
    errors: list[dict] = field(default_factory=list)       # refused before execution (no `data`)
    request_rules: tuple[type[ValidationRule], ...] = ()   # rules still to run with each request's variables
    plan_variables: tuple[str, ...] = ()                   # the variables @skip/@include read
    hide_suggestions: bool = False                         # no "Did you mean ...?" in messages
    plans: OrderedDict = field(default_factory=OrderedDict)

    @property
    def kind(self) -> str | None:
        """`query`, `mutation` or `subscription`; None when the document does not parse or names no operation."""
        return self.operation.operation.value if self.operation is not None else None

    def validate_request(self, schema: GraphQLSchema, variables: Mapping[str, Any]) -> list[dict]:
        if not self.request_rules or self.document is None:
            return []
        token = request_variables.set(variables)
        try:
            errors = validate(schema, self.document, list(self.request_rules), hide_suggestions=self.hide_suggestions)
        finally:
            request_variables.reset(token)
        return [coded(error, VALIDATION_FAILED) for error in errors]

    def plan(self, supergraph, operation_name: str | None, coerced: Mapping[str, Any]) -> tuple[QueryPlan, Shaper]:
        """The operation's plan for these (coerced) variables, and the shaper of its results (`gateway.shaping`);
        raises `gateway.planner.PlanningError`."""
        key = tuple(coerced.get(name) for name in self.plan_variables)
        cached = self.plans.get(key)
        if cached is None:
            query_plan = plan(supergraph, self.document, operation_name, coerced)
            cached = query_plan, Shaper(supergraph.schema, self.document, self.operation, coerced,
                                        query_plan.typename_key)
            self.plans[key] = cached
            if len(self.plans) > PLANS_PER_OPERATION:
                self.plans.popitem(last=False)
        return cached


def prepare(schema: GraphQLSchema, source: str | DocumentNode, operation_name: str | None,
            rules: Sequence[type[ValidationRule]], *, hide_suggestions: bool, max_tokens: int | None) -> Prepared:
    """Parse, validate with every rule that reads only the document, and find the operation to run.

    Rules whose verdict on this document reads variables are left for `Prepared.validate_request`; the rest run
    here. Errors keep graphql-core's order within each group."""
    try:
        document = parse(source, max_tokens=max_tokens) if isinstance(source, str) else source
    except GraphQLError as error:
        return Prepared(errors=[coded(error, PARSE_FAILED)])
    request_rules = tuple(r for r in rules if reads_variables(r, document))
    static_rules = [*specified_rules, *(r for r in rules if r not in request_rules)]
    operation = get_operation_ast(document, operation_name)
    token = request_variables.set({})
    try:
        errors = validate(schema, document, static_rules, hide_suggestions=hide_suggestions)
    finally:
        request_variables.reset(token)
    if errors:
        return Prepared(document, operation, [coded(e, VALIDATION_FAILED) for e in errors], request_rules,
                        hide_suggestions=hide_suggestions)
    if operation is None:
        message = f'Unknown operation named "{operation_name}".' if operation_name else \
            "Must provide operation name if query contains multiple operations."
        return Prepared(document, errors=[{"message": message,
                                           "extensions": {"code": OPERATION_RESOLUTION_FAILURE}}])
    return Prepared(document, operation, request_rules=request_rules, plan_variables=_condition_variables(document),
                    hide_suggestions=hide_suggestions)


def _condition_variables(document: DocumentNode) -> tuple[str, ...]:
    names: set[str] = set()

    def walk(node) -> None:
        for directive in getattr(node, "directives", None) or ():
            if directive.name.value in ("skip", "include"):
                for argument in directive.arguments or ():
                    if isinstance(argument.value, ast.VariableNode):
                        names.add(argument.value.name.value)
        selection_set = getattr(node, "selection_set", None)
        for selection in selection_set.selections if selection_set else ():
            walk(selection)

    for definition in document.definitions:
        walk(definition)
    return tuple(sorted(names))


class OperationCache:
    """Prepared operations of one supergraph, least recently used dropped first."""

    def __init__(self, schema: GraphQLSchema, size: int = DEFAULT_SIZE):
        self.schema = schema
        self.size = size
        self.entries: OrderedDict[tuple, Prepared] = OrderedDict()

    def get(self, source: str, operation_name: str | None, rules: Sequence[type[ValidationRule]], *,
            hide_suggestions: bool, max_tokens: int | None) -> Prepared:
        if len(source) > CACHEABLE_LENGTH or self.size <= 0:
            return prepare(self.schema, source, operation_name, rules, hide_suggestions=hide_suggestions,
                           max_tokens=max_tokens)
        key = (source, operation_name, tuple(rules), hide_suggestions, max_tokens)
        prepared = self.entries.get(key)
        if prepared is None:
            prepared = prepare(self.schema, source, operation_name, rules, hide_suggestions=hide_suggestions,
                               max_tokens=max_tokens)
            self.entries[key] = prepared
            if len(self.entries) > self.size:
                self.entries.popitem(last=False)
        else:
            self.entries.move_to_end(key)
        return prepared
