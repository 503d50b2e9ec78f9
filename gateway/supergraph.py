"""The supergraph: Apollo's supergraph SDL (join spec v0.3), read into what the planner needs.

A supergraph SDL holds every type and field of every subgraph, each marked with `@join__type`,
`@join__field`, `@join__implements`, `@join__unionMember` and `@join__enumValue` directives that say which
subgraph defines what, with which keys, requirements and provided fields. Apollo's composition writes it, and so
does ours (`gateway.composition`), so the gateway serves either the same way. From it come:

- the API schema clients see (no federation machinery, nothing `@inaccessible`), for validation and introspection;
- the full schema (hidden fields included: a key or a requirement may use them), for planning;
- per type and per subgraph: keys, whether the subgraph sees an interface as an object (`@interfaceObject`);
- per field and per subgraph: external, requires, provides, the type there, overridden;
- who may use a type or field (`@authenticated`, `@requiresScopes`: `gateway.access`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from graphql import (GraphQLError, GraphQLSchema, GraphQLSyntaxError, assert_valid_schema, build_ast_schema,
                     get_named_type, is_abstract_type, is_interface_type, is_object_type, is_union_type, parse,
                     print_schema)
from graphql.language import ast

from gateway.access import OPEN, Access, access_of

JOIN_URL = "https://specs.apollo.dev/join/"
CLIENT_DIRECTIVES = {"deprecated", "specifiedBy", "oneOf"}  # applied directives the API schema keeps
_SPEC_PREFIXES = ("join__", "link__", "requiresScopes__", "policy__")
_SECURITY_SPECS = {"https://specs.apollo.dev/authenticated/": "authenticated",
                   "https://specs.apollo.dev/requiresScopes/": "requiresScopes"}


class SupergraphError(Exception):
    """The text is not a usable supergraph; `problems` says why."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("not a usable supergraph:\n" + "\n".join(f"  - {p}" for p in self.problems))


@dataclass(frozen=True)
class Key:
    fields: str                      # the @key field set as written, e.g. "id" or "id unit { code }"
    selection: ast.SelectionSetNode  # the same, parsed
    resolvable: bool = True          # false: the subgraph only references the entity, it has no `_entities` for it


@dataclass(frozen=True)
class TypeIn:
    """A type as one subgraph defines it."""
    keys: tuple[Key, ...] = ()
    interface_object: bool = False   # an interface of the supergraph that this subgraph models as an object


@dataclass(frozen=True)
class FieldIn:
    """A field as one subgraph defines it."""
    external: bool = False
    requires: ast.SelectionSetNode | None = None
    provides: ast.SelectionSetNode | None = None
    type: str | None = None          # the field's type in this subgraph where it differs from the supergraph's
    used_overridden: bool = False    # taken by @override: kept only for keys and requirements
    override: str | None = None

    @property
    def resolvable(self) -> bool:
        return not self.external and not self.used_overridden


def field_set(text: str) -> ast.SelectionSetNode:
    return parse("{" + text + "}").definitions[0].selection_set


@dataclass
class Supergraph:
    sdl: str                                          # the supergraph SDL (join directives included)
    schema: GraphQLSchema                             # API schema: what clients see
    full: GraphQLSchema                               # every type and field, @inaccessible ones too
    urls: dict[str, str]                              # subgraph name -> URL written in the supergraph
    types: dict[str, dict[str, TypeIn]]               # type -> subgraph -> how it defines the type
    fields: dict[tuple[str, str], dict[str, FieldIn]]  # (type, field) -> subgraph -> how it defines the field
    implements: dict[str, dict[str, frozenset[str]]]  # subgraph -> interface -> object types implementing it there
    members: dict[str, dict[str, frozenset[str]]]     # subgraph -> union -> members there
    graph_enum: dict[str, str] = field(default_factory=dict)  # join__Graph value -> subgraph name
    access: dict[tuple[str, str | None], Access] = field(default_factory=dict)  # (type, field or None) -> who

    @property
    def subgraphs(self) -> tuple[str, ...]:
        return tuple(self.urls)

    @cached_property
    def operations(self):
        """The operations parsed, validated and planned against this graph (`gateway.operations`)."""
        from gateway.operations import OperationCache

        return OperationCache(self.schema)

    @cached_property
    def api_sdl(self) -> str:
        return print_schema(self.schema)

    def access_of(self, type_name: str, field_name: str | None = None) -> Access:
        return self.access.get((type_name, field_name), OPEN)

    # -- lookups for the planner -----------------------------------------------------------------------------
    def defines(self, subgraph: str, type_name: str) -> bool:
        return subgraph in self.types.get(type_name, {})

    def field_in(self, subgraph: str, type_name: str, field_name: str) -> FieldIn | None:
        return self.fields.get((type_name, field_name), {}).get(subgraph)

    def owners(self, type_name: str, field_name: str) -> tuple[str, ...]:
        """Subgraphs that resolve the field themselves (not external, not overridden away)."""
        return tuple(s for s, f in self.fields.get((type_name, field_name), {}).items() if f.resolvable)

    def keys(self, type_name: str, subgraph: str) -> tuple[Key, ...]:
        """The keys through which `subgraph` resolves the entity in `_entities`."""
        return tuple(k for k in self.types.get(type_name, {}).get(subgraph, TypeIn()).keys if k.resolvable)

    def is_interface_object(self, subgraph: str, type_name: str) -> bool:
        return self.types.get(type_name, {}).get(subgraph, TypeIn()).interface_object

    def objects_in(self, subgraph: str, type_name: str) -> frozenset[str]:
        """The object types `subgraph` may return where its schema says `type_name`."""
        named = self.full.get_type(type_name)
        if is_union_type(named):
            return self.members.get(subgraph, {}).get(type_name, frozenset())
        if is_interface_type(named):
            if self.is_interface_object(subgraph, type_name):
                return frozenset()
            return self.implements.get(subgraph, {}).get(type_name, frozenset())
        return frozenset((type_name,))

    def type_in(self, subgraph: str, parent: str, field_name: str) -> str:
        """The named output type of `parent.field_name` as `subgraph` declares it."""
        f = self.field_in(subgraph, parent, field_name)
        if f is not None and f.type:
            return f.type.strip("[]!")
        return get_named_type(self.full.get_type(parent).fields[field_name].type).name

    def runtime_types(self, type_name: str) -> frozenset[str]:
        """Object types a value of `type_name` may have in the supergraph."""
        named = self.full.get_type(type_name)
        if is_abstract_type(named):
            return frozenset(t.name for t in self.full.get_possible_types(named))
        return frozenset((type_name,)) if is_object_type(named) else frozenset()

    def interfaces_of(self, object_type: str) -> tuple[str, ...]:
        named = self.full.get_type(object_type)
        return tuple(i.name for i in getattr(named, "interfaces", ()))


def _args(directive: ast.DirectiveNode) -> dict:
    out = {}
    for argument in directive.arguments or ():
        value = argument.value
        out[argument.name.value] = value.value if hasattr(value, "value") else value
    return out


def _api_document(doc: ast.DocumentNode, hidden_types: set[str]) -> ast.DocumentNode:
    """The client's view: no join/link machinery, no directive definitions of ours, nothing @inaccessible."""

    def clean(node):
        kept = tuple(d for d in node.directives or () if d.name.value in CLIENT_DIRECTIVES)
        changes: dict = {"loc": None, "directives": kept}
        if getattr(node, "arguments", None) is not None:
            changes["arguments"] = tuple(clean(a) for a in node.arguments if not inaccessible(a))
        return replace(node, **changes)

    definitions = []
    for node in doc.definitions:
        if isinstance(node, (ast.SchemaDefinitionNode, ast.DirectiveDefinitionNode)):
            if isinstance(node, ast.SchemaDefinitionNode):
                definitions.append(replace(node, directives=()))
            continue
        name = getattr(node, "name", None)
        if name is None or name.value.startswith(_SPEC_PREFIXES) or name.value in hidden_types:
            continue
        changes: dict = {}
        if getattr(node, "fields", None) is not None:
            changes["fields"] = tuple(clean(f) for f in node.fields if not inaccessible(f)
                                      and named_type_name(f.type) not in hidden_types)
        if getattr(node, "values", None) is not None:
            changes["values"] = tuple(clean(v) for v in node.values if not inaccessible(v))
        if getattr(node, "interfaces", None) is not None:
            changes["interfaces"] = tuple(i for i in node.interfaces if i.name.value not in hidden_types)
        if getattr(node, "types", None) is not None:
            changes["types"] = tuple(t for t in node.types if t.name.value not in hidden_types)
        cleaned = replace(clean(node), **changes)
        if any(getattr(cleaned, part, None) == () for part in ("fields", "values", "types")):
            continue  # nothing left a client could use (e.g. a Mutation type of hidden fields only)
        definitions.append(cleaned)
    present = {d.name.value for d in definitions if hasattr(d, "name")}
    for index, node in enumerate(definitions):  # drop root operation types that vanished
        if isinstance(node, ast.SchemaDefinitionNode):
            definitions[index] = replace(node, operation_types=tuple(
                op for op in node.operation_types if op.type.name.value in present))
    return ast.DocumentNode(definitions=tuple(definitions))


def named_type_name(type_node) -> str:
    while not isinstance(type_node, ast.NamedTypeNode):
        type_node = type_node.type
    return type_node.name.value


def inaccessible(node) -> bool:
    return any(d.name.value == "inaccessible" for d in node.directives or ())


def _security_names(doc: ast.DocumentNode) -> dict[str, str]:
    """Applied directive name -> `authenticated` / `requiresScopes`, for the specs the supergraph links (`as:` kept)."""
    names = {}
    for node in doc.definitions:
        if isinstance(node, (ast.SchemaDefinitionNode, ast.SchemaExtensionNode)):
            for d in node.directives or ():
                args = _args(d)
                url = args.get("url")
                spec = next((n for prefix, n in _SECURITY_SPECS.items()
                             if d.name.value == "link" and isinstance(url, str) and url.startswith(prefix)), None)
                if spec:
                    names[args["as"] if isinstance(args.get("as"), str) else spec] = spec
    return names


def from_supergraph_sdl(sdl: str) -> Supergraph:
    """Read a supergraph SDL (Apollo's format, join spec v0.2/v0.3) into a Supergraph."""
    try:
        doc = parse(sdl)
    except GraphQLSyntaxError as exc:
        raise SupergraphError([f"invalid SDL: {exc.message}"]) from exc
    problems: list[str] = []
    graph_enum: dict[str, str] = {}
    urls: dict[str, str] = {}
    for node in doc.definitions:
        if isinstance(node, ast.EnumTypeDefinitionNode) and node.name.value == "join__Graph":
            for value in node.values or ():
                for d in value.directives or ():
                    if d.name.value == "join__graph":
                        args = _args(d)
                        graph_enum[value.name.value] = args.get("name", value.name.value.lower())
                        urls[graph_enum[value.name.value]] = args.get("url", "")
    if not graph_enum:
        problems.append("no join__Graph enum: this is not a supergraph SDL")
    types: dict[str, dict[str, TypeIn]] = {}
    fields: dict[tuple[str, str], dict[str, FieldIn]] = {}
    implements: dict[str, dict[str, set]] = {g: {} for g in urls}
    members: dict[str, dict[str, set]] = {g: {} for g in urls}
    hidden_types = set()
    security = _security_names(doc)
    access: dict[tuple[str, str | None], Access] = {}

    def access_in(directives) -> Access:
        return access_of(directives, lambda d: security.get(d.name.value))

    def graph_of(args) -> str | None:
        value = args.get("graph")
        return graph_enum.get(value) if isinstance(value, str) else None

    for node in doc.definitions:
        name = getattr(node, "name", None)
        if name is None or isinstance(node, ast.DirectiveDefinitionNode) or name.value.startswith(_SPEC_PREFIXES):
            continue
        type_name = name.value
        if inaccessible(node):
            hidden_types.add(type_name)
        if not (rule := access_in(node.directives)).open:
            access[(type_name, None)] = rule
        per_graph: dict[str, dict] = {}
        for d in node.directives or ():
            args = _args(d)
            graph = graph_of(args)
            if d.name.value == "join__type" and graph:
                entry = per_graph.setdefault(graph, {"keys": [], "interface_object": False})
                if isinstance(args.get("key"), str):
                    try:
                        entry["keys"].append(Key(args["key"], field_set(args["key"]),
                                                 args.get("resolvable", True) is not False))
                    except GraphQLSyntaxError:
                        problems.append(f'type "{type_name}": invalid key "{args["key"]}"')
                entry["interface_object"] |= args.get("isInterfaceObject") is True
            elif d.name.value == "join__implements" and graph:
                implements[graph].setdefault(args["interface"], set()).add(type_name)
            elif d.name.value == "join__unionMember" and graph:
                members[graph].setdefault(type_name, set()).add(args["member"])
        if isinstance(node, ast.UnionTypeDefinitionNode) and not any(
                d.name.value == "join__unionMember" for d in node.directives or ()):
            for graph in per_graph:  # join v0.1/0.2 supergraphs have no unionMember: every graph has every member
                members[graph][type_name] = {t.name.value for t in node.types or ()}
        if not per_graph:  # a type with no join__type (join v0.1) belongs to every subgraph
            per_graph = {g: {"keys": [], "interface_object": False} for g in urls}
        types[type_name] = {g: TypeIn(tuple(e["keys"]), e["interface_object"]) for g, e in per_graph.items()}
        if isinstance(node, ast.ObjectTypeDefinitionNode) and not any(
                d.name.value == "join__implements" for d in node.directives or ()):
            for interface in node.interfaces or ():  # no join__implements (join v0.1): wherever both exist
                for graph in per_graph:
                    implements[graph].setdefault(interface.name.value, set()).add(type_name)
        for f in getattr(node, "fields", None) or ():
            if isinstance(node, ast.InputObjectTypeDefinitionNode):
                continue
            if not (rule := access_in(f.directives)).open:
                access[(type_name, f.name.value)] = rule
            joins = [d for d in f.directives or () if d.name.value == "join__field"]
            defined: dict[str, FieldIn] = {}
            if not joins:
                defined = {g: FieldIn() for g in per_graph}
            for d in joins:
                args = _args(d)
                graph = graph_of(args)
                if graph is None:
                    continue  # `@join__field` alone: no subgraph resolves it (it comes through an interface object)
                try:
                    defined[graph] = FieldIn(
                        external=args.get("external") is True,
                        requires=field_set(args["requires"]) if isinstance(args.get("requires"), str) else None,
                        provides=field_set(args["provides"]) if isinstance(args.get("provides"), str) else None,
                        type=args.get("type") if isinstance(args.get("type"), str) else None,
                        used_overridden=args.get("usedOverridden") is True,
                        override=args.get("override") if isinstance(args.get("override"), str) else None)
                except GraphQLSyntaxError:
                    problems.append(f'field "{type_name}.{f.name.value}": invalid field set')
            fields[(type_name, f.name.value)] = defined
    if problems:
        raise SupergraphError(problems)
    try:
        full = build_ast_schema(doc, assume_valid_sdl=True)
        schema = build_ast_schema(_api_document(doc, hidden_types))
        assert_valid_schema(schema)
    except (TypeError, GraphQLError) as exc:
        raise SupergraphError([str(exc)]) from exc
    return Supergraph(sdl=sdl, schema=schema, full=full, urls=urls, types=types, fields=fields,
                      implements={g: {i: frozenset(o) for i, o in by.items()} for g, by in implements.items()},
                      members={g: {u: frozenset(m) for u, m in by.items()} for g, by in members.items()},
                      graph_enum=graph_enum, access=access)

