"""What every subgraph shares: the request context, the user-error shape, permission checks, the Fen scalar."""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NewType

import strawberry
from graphql import GraphQLError, IntValueNode, StringValueNode, ValueNode
from strawberry.extensions import AddValidationRules, FieldExtension, MaskErrors, MaxTokensLimiter, SchemaExtension
from strawberry.fastapi import BaseContext
from strawberry.federation.schema import FederationAny
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info
from strawberry.types.base import get_object_definition
from strawberry.types.execution import PreExecutionError
from strawberry.utils.logging import StrawberryLogger

from shared.auth import Department, Identity
from shared.errors import DomainError, PermissionDenied
from shared.graphql_caches import ValidationCache, limit_rules, parser_cache
from shared.graphql_inputs import CheckedText, representation_problem
from shared.graphql_over_http import request_error_code
from shared.money import MAX_FEN, MoneyError, parse_fen

log = logging.getLogger(__name__)

# A subgraph reached directly has limits of its own, looser than the gateway's (its queries carry the gateway's
# keys, type names and `_entities` around what a client asked) but as firm: no one request may cost without bound.
SUBGRAPH_MAX_TOKENS = 10_000
SUBGRAPH_MAX_DEPTH = 16
SUBGRAPH_MAX_ALIASES = 200
LIMIT_RULES = limit_rules(max_depth=SUBGRAPH_MAX_DEPTH, max_aliases=SUBGRAPH_MAX_ALIASES)

SAFE_ERROR_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"}


def _parse_fen_value(value: Any) -> int:
    try:
        return parse_fen(value)
    except MoneyError as exc:
        raise GraphQLError(str(exc), extensions={"code": "BAD_USER_INPUT"}) from exc


def _parse_fen_literal(node: ValueNode, _variables: Any = None) -> int:
    if isinstance(node, IntValueNode):
        return _parse_fen_value(int(node.value))
    if isinstance(node, StringValueNode):
        return _parse_fen_value(node.value)  # refused: an amount is a number, not a string
    raise GraphQLError("amounts are integer fen (分), never floating point", extensions={"code": "BAD_USER_INPUT"})


Fen = NewType("Fen", int)
FEN_SCALAR = strawberry.scalar(
    name="Fen",
    description=f"An amount of money in integer fen (分, 1/100 yuan), from 0 to {MAX_FEN} (10 trillion yuan), "
                "written as a number. Strings (even of digits), floats, negatives and larger amounts are refused "
                "(BAD_USER_INPUT).",
    serialize=int,
    parse_value=_parse_fen_value,
    parse_literal=_parse_fen_literal,
)


@strawberry.federation.type(shareable=True,
                            description="A refusal by the rules: the rule id, the input field at fault, and why.")
class UserError:
    code: str = strawberry.field(description="The rule id (e.g. R-ACC-4) or INVALID / NOT_FOUND.")
    field: list[str] | None = strawberry.field(description="Path of the input field at fault, if any.")
    message: str


def user_errors(error: DomainError) -> list[UserError]:
    return [UserError(code=v.code, field=list(v.field) if v.field else None, message=v.message) for v in error.violations]


class Forbidden(GraphQLError):
    def __init__(self, message: str):
        super().__init__(message, extensions={"code": "FORBIDDEN"})


class Unauthenticated(GraphQLError):
    def __init__(self, message: str = "sign in: this needs a token"):
        super().__init__(message, extensions={"code": "UNAUTHENTICATED"})


@dataclass
class RequestContext(BaseContext):
    identity: Identity
    runtime: Any
    loaders: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__()

    def loader(self, name: str, factory):
        """One DataLoader per request and name, so entity references are fetched in one batch."""
        if name not in self.loaders:
            self.loaders[name] = factory()
        return self.loaders[name]


def scopes(departments: Iterable[Department]) -> list[list[str]]:
    """Federation's `@requiresScopes` argument for a field only `departments` may use: each department is a scope
    (the token's department), and any one of them suffices."""
    return [[d.value] for d in sorted(departments, key=lambda d: d.value)]


def _access(departments: Iterable[Department]) -> dict:
    departments = set(departments)
    if departments == set(Department) - {Department.PUBLIC}:
        return {"authenticated": True}  # anyone signed in
    return {"requires_scopes": scopes(departments)}


def in_table_order(departments: Iterable[Department]) -> tuple[Department, ...]:
    """The departments in Article 5's order, so a refusal names them the same way wherever they were listed."""
    chosen = set(departments)
    return tuple(d for d in Department if d in chosen)


def decision(departments: Iterable[Department], *, description: str):
    """A mutation of Article 5's table: only `departments` may call it. The gateway reads the `@requiresScopes` this
    declares and refuses anyone else before planning; the service refuses them too (it trusts no one), before it reads
    the input, so a wrong department hears FORBIDDEN whatever it sent."""
    departments = in_table_order(departments)
    return strawberry.federation.mutation(description=description, extensions=[
        _Required(departments, None), CheckedText(mutation=True)], **_access(departments))


class _Required(FieldExtension):
    """Refuse the field to anyone outside `departments` (`require`), before its arguments are even read."""

    def __init__(self, departments: tuple[Department, ...], action: str | None):
        self.departments, self.action = departments, action

    def _check(self, info) -> None:
        # A mutation's action is its name: startOperation -> "start operation".
        action = self.action or re.sub(r"(?<!^)(?=[A-Z])", " ", info.field_name).lower()
        require(info.context.identity, *self.departments, action=action)

    def resolve(self, next_, source, info, **kwargs):
        self._check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_, source, info, **kwargs):
        self._check(info)
        return await next_(source, info, **kwargs)


def restricted(departments: Iterable[Department], *, action: str, description: str):
    """A query field only `departments` may read: declared to the gateway (`@requiresScopes`, or `@authenticated`
    for every signed-in department) and checked by the subgraph itself (`require`, naming `action`), from the one
    list."""
    departments = in_table_order(departments)
    return strawberry.federation.field(description=description, extensions=[
        _Required(departments, action), CheckedText(mutation=False)], **_access(departments))


def require(identity: Identity, *departments: Department, action: str) -> None:
    """Refuse unless the caller is one of `departments`; the refusal says which department it needs."""
    if identity.is_public:
        raise Unauthenticated(f"{action} needs a signed-in {' or '.join(d.value for d in departments)}")
    if identity.department not in departments:
        raise Forbidden(
            f"{action} is for {' or '.join(d.value for d in departments)}; you are {identity.department.value}"
        )


def mask_errors() -> MaskErrors:
    """Unexpected errors reach the caller as 'Unexpected error.'; refusals keep their message and code."""

    def should_mask(error: GraphQLError) -> bool:
        original = error.original_error
        if original is None:  # syntax and validation errors speak about the query, not the server
            return False
        if isinstance(original, GraphQLError):
            return (original.extensions or {}).get("code") not in SAFE_ERROR_CODES
        return True

    return MaskErrors(should_mask_error=should_mask)


async def run_command(command):
    """Run a command handler's coroutine: (result, []) on success, (None, user errors) when the law refuses.

    A refusal for want of permission is not a user error but a FORBIDDEN GraphQL error.
    """
    try:
        return await command, []
    except DomainError as error:
        return None, user_errors(error)
    except PermissionDenied as error:
        raise Forbidden(str(error)) from error


class ApolloErrorCodes(SchemaExtension):
    """Names the errors raised before any resolver ran (parse, validation, a variable's value) as Apollo does.

    Added after the schema's MaskErrors, it sees the errors before they are masked: a variable's bad value is the
    caller's mistake (BAD_USER_INPUT, message kept), not an unexpected error."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors or result.data is not None:
            return
        before_execution = isinstance(result, PreExecutionError)
        for error in result.errors:
            if (error.extensions or {}).get("code"):
                continue
            if code := request_error_code(error, before_execution=before_execution):
                error.extensions = {**(error.extensions or {}), "code": code}
                if error.original_error is not None and hasattr(error.original_error, "extensions"):
                    error.original_error.extensions = {**(error.original_error.extensions or {}), "code": code}


class SubgraphSchema(strawberry.federation.Schema):
    def entities_resolver(self, info: Info, representations: list[FederationAny]) -> list[FederationAny]:
        """Federation's `_entities`, refusing a malformed representation (BAD_USER_INPUT, in its place in the list)
        and dropping fields its type's key does not hold, instead of failing as an unexpected error."""
        results: list[Any] = [None] * len(representations)
        accepted, places = [], []
        for index, representation in enumerate(representations):
            kept, problem = representation_problem(self, representation)
            if problem:
                results[index] = GraphQLError(problem, extensions={"code": "BAD_USER_INPUT"})
            else:
                accepted.append(kept)
                places.append(index)
        for index, result in zip(places, super().entities_resolver(info, accepted), strict=True):
            results[index] = result
        return results

    def process_errors(self, errors: list[GraphQLError], execution_context=None) -> None:
        """Refusals and bad requests (a syntax error, an invalid query, a variable's bad value, any error raised
        as a GraphQL error: FORBIDDEN, UNAUTHENTICATED, BAD_USER_INPUT...) are INFO, one line; only an unexpected
        error (an exception of any other kind, masked for the caller) is an ERROR, with its trace."""
        for error in errors:
            if error.original_error is None or isinstance(error.original_error, GraphQLError):
                log.info("request refused: %s (%s)", error.message, (error.extensions or {}).get("code", "no code"))
            else:
                StrawberryLogger.error(error, execution_context)


def _check_query_text(query: type) -> None:
    """Every query field's text arguments are held to the shared text rule, as every mutation's are: an id with a
    NUL byte is BAD_USER_INPUT, not an unexpected error from PostgreSQL."""
    for root_field in get_object_definition(query, strict=True).fields:
        if root_field.arguments and not any(isinstance(e, CheckedText) for e in root_field.extensions):
            root_field.extensions.append(CheckedText(mutation=False))


def subgraph_schema(*, query: type, mutation: type | None = None, types: list[type] = (),
                    scalars: dict | None = None) -> SubgraphSchema:
    """A bureau's Apollo Federation v2 subgraph schema, configured the same way in every service: unexpected errors
    masked, Apollo's codes on request errors, expected refusals logged as such, every text argument checked, each
    document parsed and validated once (shared.graphql_caches).
    `scalars`: a service's own scalars (NewType -> strawberry.scalar definition), beside the shared Fen."""
    _check_query_text(query)
    return SubgraphSchema(query=query, mutation=mutation, types=list(types),
                          config=StrawberryConfig(scalar_map={Fen: FEN_SCALAR, **(scalars or {})}),
                          extensions=[mask_errors, ApolloErrorCodes, lambda: MaxTokensLimiter(SUBGRAPH_MAX_TOKENS),
                                      lambda: AddValidationRules(list(LIMIT_RULES)), parser_cache, ValidationCache],
                          federation_version="2.11")
