"""Queries for every field of the supergraph, generated from the gateway's own schema (introspection), so a field
added to any subgraph is covered without anyone remembering to add it."""
from __future__ import annotations

from graphql.pyutils import Undefined
from graphql import (
    GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType,
    GraphQLSchema, build_client_schema, get_introspection_query,
)

SAMPLE_SCALARS = {"ID": None, "String": '"CITY"', "Int": "50", "Boolean": "true", "Date": '"2026-06-01"',
                  "DateTime": '"2026-06-01T00:00:00Z"', "Fen": "0", "JSON": "null"}


async def supergraph_schema(gateway) -> GraphQLSchema:
    answer = await gateway.graphql(get_introspection_query(descriptions=False))
    return build_client_schema(answer["data"])


def _unwrap(type_):
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        type_ = type_.of_type
    return type_


def _literal(type_, project_id: str) -> str | None:
    """A value for a required argument: the project under test for ids, plausible values for the rest."""
    required = isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if required else type_
    if isinstance(inner, GraphQLList):
        value = _literal(inner.of_type, project_id)
        return f"[{value}]" if value is not None else "[]"
    if isinstance(inner, GraphQLEnumType):
        return next(iter(inner.values))
    if isinstance(inner, GraphQLInputObjectType):
        fields = [f"{name}: {_literal(field.type, project_id)}" for name, field in inner.fields.items()
                  if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined]
        return "{" + ", ".join(fields) + "}"
    if inner.name == "ID":
        return f'"{project_id}"'
    return SAMPLE_SCALARS.get(inner.name, '""')


def _arguments(field, project_id: str) -> str:
    given = [f"{name}: {_literal(arg.type, project_id)}" for name, arg in field.args.items()
             if isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined]
    return f"({', '.join(given)})" if given else ""


def selection(type_, project_id: str, depth: int) -> str:
    type_ = _unwrap(type_)
    if isinstance(type_, (GraphQLScalarType, GraphQLEnumType)):
        return ""
    if depth == 0:
        return "{ __typename }"
    parts = ["__typename"]
    for name, field in type_.fields.items():
        inner = _unwrap(field.type)
        if isinstance(inner, (GraphQLScalarType, GraphQLEnumType)):
            parts.append(f"{name}{_arguments(field, project_id)}")
        elif isinstance(inner, GraphQLObjectType):
            parts.append(f"{name}{_arguments(field, project_id)} {selection(inner, project_id, depth - 1)}")
        else:  # unions and interfaces: their object members
            members = [f"... on {member.name} {selection(member, project_id, depth - 1)}"
                       for member in getattr(inner, "types", ())]
            parts.append(f"{name}{_arguments(field, project_id)} {{ __typename {' '.join(members)} }}")
    return "{ " + " ".join(parts) + " }"


def every_root_query(schema: GraphQLSchema, project_id: str, depth: int = 6) -> dict[str, str]:
    """One query per root field, selecting everything beneath it down to `depth` levels."""
    return {name: f"{{ {name}{_arguments(field, project_id)} {selection(field.type, project_id, depth)} }}"
            for name, field in schema.query_type.fields.items() if not name.startswith("_")}


async def subgraph_schema(gateway, url: str) -> GraphQLSchema:
    answer = await gateway.graphql(get_introspection_query(descriptions=False), url=url)
    return build_client_schema(answer["data"])


def entity_query(schema: GraphQLSchema, depth: int = 6) -> str | None:
    """The `_entities` call the gateway would make, asking a subgraph for every field it adds to `Project`."""
    project = schema.type_map.get("Project")
    if project is None:
        return None
    return ("query($representations: [_Any!]!) { _entities(representations: $representations) { "
            f"... on Project {selection(project, '', depth)} }} }}")
