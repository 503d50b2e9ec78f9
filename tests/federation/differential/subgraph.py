"""A federation subgraph from an SDL and plain data: `_service { sdl }` and `_entities(representations:)` over
graphql-core, for the differential test of our gateway against Apollo Gateway.

Objects are dicts; a field reads the dict key of its name unless the subgraph gives a resolver for it (computed
fields, `@requires` arithmetic, errors). Abstract types take their runtime type from the object's `__typename`.
An entity is found by `entities[typename](representation)`; the representation's fields (keys and requirements)
are visible to the object's resolvers, and `None` means the subgraph does not know that entity.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLSchema, build_ast_schema, graphql, parse
from graphql.language import ast
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

_FEDERATION = '''
scalar _Any
scalar FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
directive @link(url: String!, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @requires(fields: FieldSet!) on FIELD_DEFINITION
directive @provides(fields: FieldSet!) on FIELD_DEFINITION
directive @external on OBJECT | FIELD_DEFINITION
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @interfaceObject on OBJECT
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
type _Service { sdl: String }
'''

Resolver = Callable[..., Any]  # (object, **arguments) -> value


@dataclass
class Subgraph:
    name: str
    sdl: str
    roots: Mapping[str, Resolver]                           # "Query.project" -> resolver(None, **arguments)
    entities: Mapping[str, Callable[[dict], dict | None]] = field(default_factory=dict)
    fields: Mapping[str, Resolver] = field(default_factory=dict)  # "Project.perCapita" -> resolver(obj, **args)

    def __post_init__(self):
        self.schema = _executable_schema(self.sdl)
        self.representations: list[dict] = []  # every representation `_entities` was given, in order

    async def execute(self, query: str, variables: dict | None, operation_name: str | None) -> dict:
        result = await graphql(self.schema, query, root_value=None, variable_values=variables,
                               operation_name=operation_name, field_resolver=self._resolve,
                               type_resolver=lambda value, *_: value.get("__typename"))
        return result.formatted

    def _resolve(self, source, info, **arguments):
        name = info.field_name
        coordinate = f"{info.parent_type.name}.{name}"
        if info.parent_type.name in ("Query", "Mutation"):
            if name == "_service":
                return {"sdl": self.sdl}
            if name == "_entities":
                return [self._entity(r) for r in arguments["representations"]]
            return self.roots[coordinate](None, **arguments)
        if coordinate in self.fields:
            return self.fields[coordinate](source, **arguments)
        return source.get(name) if isinstance(source, Mapping) else None

    def _entity(self, representation: dict) -> dict | None:
        self.representations.append(representation)
        found = self.entities[representation["__typename"]](representation)
        if found is None:
            return None
        return {**representation, **found, "__typename": found.get("__typename", representation["__typename"])}


def _executable_schema(sdl: str) -> GraphQLSchema:
    doc = parse(sdl)
    definitions = [d for d in doc.definitions if not isinstance(d, ast.SchemaExtensionNode)]
    entities = [d.name.value for d in definitions if isinstance(d, ast.ObjectTypeDefinitionNode)
                and any(x.name.value == "key" for x in d.directives or ())]
    has_query = any(isinstance(d, ast.ObjectTypeDefinitionNode) and d.name.value == "Query" for d in definitions)
    machinery = _FEDERATION + ("extend type Query" if has_query else "type Query") + " { _service: _Service!"
    if entities:
        machinery += " _entities(representations: [_Any!]!): [_Entity]!"
        machinery = f"union _Entity = {' | '.join(entities)}\n" + machinery
    document = ast.DocumentNode(definitions=(*parse(machinery + " }").definitions, *definitions))
    return build_ast_schema(document)


def asgi_app(subgraphs: Mapping[str, Subgraph]) -> Starlette:
    """POST /<name> answers GraphQL for that subgraph; GET /readyz says the server is up."""

    async def answer(request: Request) -> JSONResponse:
        subgraph = subgraphs[request.path_params["name"]]
        body = await request.json()
        return JSONResponse(await subgraph.execute(body["query"], body.get("variables"), body.get("operationName")))

    async def ready(_request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/readyz", ready), Route("/{name}", answer, methods=["POST"])])
