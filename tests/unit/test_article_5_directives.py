"""Article 5 twice, kept the same: every mutation of every bureau, and every query field a bureau keeps to some
departments, declares in its subgraph SDL who may use it (`@requiresScopes` with departments as scopes, or
`@authenticated`), and the gateway refuses everyone else before planning. The services still check with their own
permission tables. This test calls every mutation and query field of every service directly (bypassing the gateway)
as every department and the public, with placeholder arguments, and asserts that the departments the service lets
past its own check are exactly those the directive names: the two cannot drift."""
from __future__ import annotations

import pytest
from graphql import (GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLScalarType, Undefined,
                     get_named_type, parse)
from graphql.language import ast

from egov.registry import SERVICES
from gateway.access import access_of
from shared.auth import Department, Identity
from shared.bus.memory import InProcessBus
from shared.graphql import RequestContext
from shared.service import ServiceRuntime
from shared.settings import Settings

SCALARS = {"ID": '"probe-0"', "String": '"probe"', "Int": "2026", "Float": "1.5", "Boolean": "false", "Fen": "100",
           "Date": '"2026-01-01"', "DateTime": '"2026-01-01T00:00:00Z"', "JSON": "{}"}
CALLERS = [Identity(department=d, unit="probe-unit", subject=f"probe:{d.value}") for d in Department
           if d is not Department.PUBLIC] + [Identity(department=Department.PUBLIC)]


def placeholder(type_) -> str:
    """A valid literal of `type_`: required input fields only, one list item."""
    if isinstance(type_, GraphQLNonNull):
        return placeholder(type_.of_type)
    if isinstance(type_, GraphQLList):
        return f"[{placeholder(type_.of_type)}]"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return "{" + ", ".join(f"{name}: {placeholder(f.type)}" for name, f in type_.fields.items()
                               if isinstance(f.type, GraphQLNonNull) and f.default_value is Undefined) + "}"
    assert isinstance(type_, GraphQLScalarType) and type_.name in SCALARS, f"no placeholder for {type_}"
    return SCALARS[type_.name]


def declared(sdl: str, root: str) -> dict[str, set[Department] | None]:
    """Field of the root type -> the departments its directives let through (None: no directive), from the SDL."""
    definition = next(d for d in parse(sdl).definitions
                      if isinstance(d, ast.ObjectTypeDefinitionNode) and d.name.value == root)
    out = {}
    for f in definition.fields:
        if f.name.value.startswith("_"):
            continue  # federation's _service and _entities
        access = access_of(f.directives)
        out[f.name.value] = None if access.open else {c.department for c in CALLERS if access.allows(c)}
    return out


@pytest.fixture(params=list(SERVICES))
async def service(request, tmp_path, keys):
    definition = SERVICES[request.param]
    bus = InProcessBus(retry_delay=0)
    runtime = ServiceRuntime(definition, Settings(data_dir=tmp_path, jwt_public_key_file=keys[1]).for_service(
        definition.name), bus=bus)
    await runtime.start()
    yield definition.schema_factory(), runtime
    await runtime.stop()
    await bus.close()


async def let_through(schema, runtime, operation: str, name: str) -> set[Department]:
    """The departments whose use of the root field `name` the service itself does not refuse."""
    field = (schema._schema.mutation_type if operation == "mutation" else schema._schema.query_type).fields[name]
    arguments = ", ".join(f"{a}: {placeholder(arg.type)}" for a, arg in field.args.items()
                          if isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined)
    selection = "" if isinstance(get_named_type(field.type), (GraphQLScalarType, GraphQLEnumType)) \
        else " { __typename }"
    query = f"{operation} {{ {name}{f'({arguments})' if arguments else ''}{selection} }}"
    through = set()
    for caller in CALLERS:
        result = await schema.execute(query, context_value=RequestContext(identity=caller, runtime=runtime))
        assert all(e.path and not e.message.startswith("Unexpected error") for e in result.errors or ()), (
            query, caller.department, result.errors)  # the call ran, and was refused or answered, not crashed
        if not {(e.extensions or {}).get("code") for e in result.errors or ()} & {"FORBIDDEN", "UNAUTHENTICATED"}:
            through.add(caller.department)
    return through


async def test_article_5_each_mutations_directive_names_exactly_the_departments_its_service_lets_through(service):
    schema, runtime = service
    directives = declared(await service_sdl(schema), "Mutation")
    undeclared = [name for name, allowed in directives.items() if allowed is None]
    assert not undeclared, f"mutations without @requiresScopes/@authenticated: {undeclared}"
    drift = {}
    for name, allowed in directives.items():
        through = await let_through(schema, runtime, "mutation", name)
        if through != allowed:
            drift[name] = {"directive": sorted(d.value for d in allowed), "service": sorted(d.value for d in through)}
    assert not drift, drift


async def test_article_5_a_query_field_the_service_refuses_to_anyone_declares_who_may_read_it(service):
    """A field without a directive is open to everyone, the public too; one with a directive is open to exactly the
    departments it names."""
    schema, runtime = service
    everyone = {c.department for c in CALLERS}
    drift = {}
    for name, allowed in declared(await service_sdl(schema), "Query").items():
        through = await let_through(schema, runtime, "query", name)
        if through != (allowed if allowed is not None else everyone):
            drift[name] = {"directive": sorted(d.value for d in allowed) if allowed else "none",
                           "service": sorted(d.value for d in through)}
    assert not drift, drift


async def service_sdl(schema) -> str:
    return (await schema.execute("{ _service { sdl } }")).data["_service"]["sdl"]
