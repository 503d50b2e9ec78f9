"""Every text a mutation or a query receives is held to shared/text.py's rule before any resolver runs, and every list
to at most LIST_MAX items.

One check at the edge of each subgraph, because every input reaches the database through one of ~60 fields in four
services: a NUL byte or a 100,000-character name refused here is refused the same on SQLite and PostgreSQL, with
the field path a client sent (`input.name`, `reasons.2`). A mutation answers with its payload's user errors
(code INVALID, nothing written); a query field, having no payload, with a BAD_USER_INPUT error."""
from __future__ import annotations

import enum
import inspect
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.types.base import get_object_definition, has_object_definition

from shared.errors import Violation
from shared.text import INVALID, LIST_MAX, is_line, text_violations


def _walk(value: Any, path: tuple[str, ...], name: str, info) -> list[Violation]:
    if isinstance(value, str) and not isinstance(value, enum.Enum):
        return text_violations(value, path, line=is_line(name), what=f"'{name}'")
    if isinstance(value, (list, tuple)):
        if len(value) > LIST_MAX:
            return [Violation(INVALID, path, f"'{name}' has at most {LIST_MAX} items; this has {len(value)}")]
        return [v for i, item in enumerate(value) for v in _walk(item, (*path, str(i)), name, info)]
    if has_object_definition(value):
        converter = info.schema.config.name_converter
        problems = []
        for field in get_object_definition(value, strict=True).fields:
            graphql_name = converter.get_graphql_name(field)
            problems += _walk(getattr(value, field.python_name, None), (*path, graphql_name), graphql_name, info)
        return problems
    return []


def _payload(return_type: Any, errors: list) -> Any:
    """The mutation's payload with only its user errors: every other field empty (None, or False for a flag)."""
    while hasattr(return_type, "of_type"):  # a payload declared optional
        return_type = return_type.of_type
    definition = get_object_definition(return_type, strict=True)
    values = {}
    for field in definition.fields:
        if field.python_name == "user_errors":
            values[field.python_name] = errors
        elif field.type is bool:
            values[field.python_name] = False
        else:
            values[field.python_name] = None
    return return_type(**values)


class CheckedText(FieldExtension):
    """Refuse a field's call whose text arguments break the shared text rule (see the module's docstring)."""

    def __init__(self, *, mutation: bool):
        self.mutation = mutation

    def apply(self, field) -> None:
        self.field = field

    def _problems(self, info, kwargs: dict[str, Any]) -> list[Violation]:
        converter = info.schema.config.name_converter
        problems = []
        for argument in self.field.arguments:
            graphql_name = converter.from_argument(argument)
            problems += _walk(kwargs.get(argument.python_name), (graphql_name,), graphql_name, info)
        return problems

    def _refusal(self, problems: list[Violation]) -> Any:
        if self.mutation:
            from shared.graphql import UserError  # shared.graphql builds its decorators with this module
            return _payload(self.field.type, [UserError(code=v.code, field=list(v.field), message=v.message)
                                              for v in problems])
        first = problems[0]
        raise GraphQLError(first.message, extensions={"code": "BAD_USER_INPUT", "field": list(first.field)})

    def resolve(self, next_, source, info, **kwargs):
        problems = self._problems(info, kwargs)
        return self._refusal(problems) if problems else next_(source, info, **kwargs)

    async def resolve_async(self, next_, source, info, **kwargs):
        problems = self._problems(info, kwargs)
        return self._refusal(problems) if problems else await next_(source, info, **kwargs)


def representation_problem(schema, representation: Any) -> tuple[dict | None, str | None]:
    """An `_entities` representation made safe for its type's `resolve_reference`: (the key fields it takes, None),
    or (None, why it is refused). Fields the type's reference does not take (forged or extra keys) are dropped;
    a missing key, a key that is not a one-line string or number, or an unknown type is refused. A type's
    `required_objects` (fields it `@requires`, given as objects) are passed on as objects."""
    if not isinstance(representation, dict) or not isinstance(representation.get("__typename"), str):
        return None, "a representation is an object with a __typename"
    type_name = representation["__typename"]
    type_ = schema.schema_converter.type_map.get(type_name)
    origin = getattr(getattr(type_, "definition", None), "origin", None)
    resolve_reference = getattr(origin, "resolve_reference", None)
    if resolve_reference is None:
        return None, f"{type_name} is not an entity of this subgraph"
    parameters = {name: p for name, p in inspect.signature(resolve_reference).parameters.items()
                  if name != "info" and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    kept = {"__typename": type_name}
    # Fields the type `@requires` from other subgraphs, handed over as objects (the type names them).
    required_objects = getattr(origin, "required_objects", frozenset())
    for name, parameter in parameters.items():
        if name not in representation:
            if parameter.default is inspect.Parameter.empty:
                return None, f"a representation of {type_name} needs its key field '{name}'"
            continue
        value = representation[name]
        if name in required_objects:
            if value is not None and not isinstance(value, dict):
                return None, f"the required field '{name}' of {type_name} must be an object"
            kept[name] = value
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return None, f"the key field '{name}' of {type_name} must be a string or a number"
        if problems := text_violations(value, (name,), line=True, what=f"the key field '{name}' of {type_name}"):
            return None, problems[0].message
        kept[name] = value
    return kept, None
