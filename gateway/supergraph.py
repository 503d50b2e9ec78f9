"""Compose Apollo Federation v2 subgraph SDLs into one client-facing supergraph.

The result carries the client-facing GraphQL schema (what validation, introspection and GraphiQL see)
and the routing metadata the planner needs: which subgraphs resolve each field, entity keys, @requires.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from graphql import GraphQLError, GraphQLSchema, GraphQLSyntaxError, build_ast_schema, parse, print_ast, print_schema
from graphql import is_abstract_type, validate_schema
from graphql.language import ast

_FEDERATION_TYPES = {"_Service", "_Entity", "_Any", "_FieldSet", "FieldSet"}
_FEDERATION_PREFIXES = ("link__", "federation__", "join__")
_FEDERATION_ROOT_FIELDS = {"_service", "_entities"}
_CLIENT_DIRECTIVES = {"deprecated", "specifiedBy", "oneOf"}  # the only applied directives clients may see
_KINDS = {
    ast.ObjectTypeDefinitionNode: "object", ast.ObjectTypeExtensionNode: "object",
    ast.InterfaceTypeDefinitionNode: "interface", ast.InterfaceTypeExtensionNode: "interface",
    ast.UnionTypeDefinitionNode: "union", ast.UnionTypeExtensionNode: "union",
    ast.EnumTypeDefinitionNode: "enum", ast.EnumTypeExtensionNode: "enum",
    ast.InputObjectTypeDefinitionNode: "input", ast.InputObjectTypeExtensionNode: "input",
    ast.ScalarTypeDefinitionNode: "scalar", ast.ScalarTypeExtensionNode: "scalar",
}
_NODES = {"object": ast.ObjectTypeDefinitionNode, "interface": ast.InterfaceTypeDefinitionNode,
          "union": ast.UnionTypeDefinitionNode, "enum": ast.EnumTypeDefinitionNode,
          "input": ast.InputObjectTypeDefinitionNode, "scalar": ast.ScalarTypeDefinitionNode}


class CompositionError(Exception):
    """The subgraphs do not compose; `problems` lists every conflict found, not only the first."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("supergraph composition failed:\n" + "\n".join(f"  - {p}" for p in self.problems))


@dataclass(frozen=True)
class EntityKey:
    fields: str                      # the @key field set as written, e.g. "id" or "id unit { code }"
    selection: ast.SelectionSetNode  # the same, parsed


@dataclass(frozen=True)
class Supergraph:
    schema: GraphQLSchema  # client-facing: no federation machinery, no @inaccessible elements
    sdl: str               # `schema` printed, for committing and diffing
    subgraphs: tuple[str, ...]
    field_owners: Mapping[tuple[str, str], tuple[str, ...]]           # (object type, field) -> resolving subgraphs
    entity_keys: Mapping[str, Mapping[str, tuple[EntityKey, ...]]]    # entity -> subgraph -> resolvable keys
    root_owners: Mapping[tuple[str, str], str]                        # ("Query"|"Mutation", field) -> subgraph
    requires: Mapping[tuple[str, str, str], ast.SelectionSetNode] = field(default_factory=dict)
    possible_types: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)

    def owners(self, type_name: str, field_name: str) -> tuple[str, ...]:
        return self.field_owners.get((type_name, field_name), ())

    def resolves(self, subgraph: str, type_name: str, field_name: str) -> bool:
        """Whether `subgraph` answers the field inside a selection it is already resolving.

        A @requires field cannot: the required fields must be handed to it through `_entities`."""
        return subgraph in self.owners(type_name, field_name) and \
            (type_name, field_name, subgraph) not in self.requires

    def keys(self, type_name: str, subgraph: str) -> tuple[EntityKey, ...]:
        return self.entity_keys.get(type_name, {}).get(subgraph, ())

    def objects_in(self, subgraph: str, type_name: str) -> frozenset[str]:
        """The object types `subgraph` may return where its schema says `type_name` (object or abstract)."""
        if is_abstract_type(self.schema.get_type(type_name)):
            return self.possible_types.get(subgraph, {}).get(type_name, frozenset())
        return frozenset((type_name,))


@dataclass
class _Type:
    """One named type as seen across all subgraphs, before merging."""
    name: str
    kind: str
    description: ast.StringValueNode | None = None
    directives: tuple = ()
    hidden: bool = False  # @inaccessible in some subgraph
    interfaces: dict = field(default_factory=dict)  # ordered sets
    members: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)      # field -> subgraph -> definition node
    hidden_fields: set = field(default_factory=set)
    external: set = field(default_factory=set)      # (field, subgraph)
    shareable: set = field(default_factory=set)     # (field, subgraph)
    overrides: dict = field(default_factory=dict)   # (field, subgraph) -> subgraph the field was taken from
    keys: dict = field(default_factory=dict)        # subgraph -> [(EntityKey, resolvable)]

    def key_fields(self, subgraph: str) -> set[str]:
        return {s.name.value for key, _ in self.keys.get(subgraph, ()) for s in key.selection.selections}


def _federation_names(doc: ast.DocumentNode):
    """Map applied directive names to federation names, honouring @link imports and renames (`as`)."""
    aliases: dict[str, str] = {}
    linked = False
    for node in doc.definitions:
        if not isinstance(node, (ast.SchemaDefinitionNode, ast.SchemaExtensionNode)):
            continue
        for directive in node.directives or ():
            args = {a.name.value: a.value for a in directive.arguments or ()}
            url = args.get("url")
            if directive.name.value != "link" or not isinstance(url, ast.StringValueNode) or \
                    "/federation/" not in url.value:
                continue
            linked = True
            imports = args.get("import")
            for item in imports.values if isinstance(imports, ast.ListValueNode) else ():
                if isinstance(item, ast.StringValueNode):
                    aliases[item.value.lstrip("@")] = item.value.lstrip("@")
                elif isinstance(item, ast.ObjectValueNode):
                    spec = {f.name.value: getattr(f.value, "value", "") for f in item.fields}
                    aliases[spec.get("as", spec.get("name", "")).lstrip("@")] = spec.get("name", "").lstrip("@")

    def canonical(directive: ast.DirectiveNode) -> str | None:
        name = directive.name.value
        if name.startswith("federation__"):
            return name.removeprefix("federation__")
        return aliases.get(name) if linked else name  # federation 1 subgraphs use the bare names

    return canonical, linked


def _argument(directive: ast.DirectiveNode, name: str):
    return next((a.value for a in directive.arguments or () if a.name.value == name), None)


def _field_set(directive: ast.DirectiveNode, where: str, problems: list) -> EntityKey | None:
    """The `fields:` of @key/@requires, parsed; a problem (not a crash) when it is not a selection."""
    text = _argument(directive, "fields")
    try:
        return EntityKey(text.value, parse("{" + text.value + "}").definitions[0].selection_set)
    except (GraphQLSyntaxError, AttributeError):
        problems.append(f'{where}: invalid @{directive.name.value}(fields: ...)')
        return None


def _clean(node, canonical):
    """Strip federation directives and @inaccessible arguments: the client must never see them."""
    kept = tuple(d for d in node.directives or () if d.name.value in _CLIENT_DIRECTIVES)
    changes: dict = {"loc": None, "directives": kept}
    if getattr(node, "arguments", None) is not None:
        changes["arguments"] = tuple(
            _clean(a, canonical) for a in node.arguments
            if not any(canonical(d) == "inaccessible" for d in a.directives or ()))
    return replace(node, **changes)


def _read(subgraph: str, sdl: str, types: dict, requires: dict, possible: dict, problems: list) -> None:
    try:
        doc = parse(sdl)
    except GraphQLSyntaxError as exc:
        problems.append(f'subgraph "{subgraph}": invalid SDL: {exc.message}')
        return
    canonical, federation2 = _federation_names(doc)
    possible[subgraph] = {}
    for node in doc.definitions:
        if isinstance(node, (ast.SchemaDefinitionNode, ast.SchemaExtensionNode)):
            for op in node.operation_types or ():
                expected = op.operation.value.capitalize()
                if op.type.name.value != expected:
                    problems.append(f'subgraph "{subgraph}": root type "{op.type.name.value}" must be named '
                                    f'"{expected}"')
            continue
        kind = _KINDS.get(type(node))
        if kind is None or node.name.value in _FEDERATION_TYPES or node.name.value.startswith(_FEDERATION_PREFIXES):
            continue  # directive definitions and federation machinery are not part of the client API
        t = types.setdefault(node.name.value, _Type(node.name.value, kind))
        if t.kind != kind:
            problems.append(f'type "{t.name}" is an {t.kind} type elsewhere but an {kind} type in subgraph '
                            f'"{subgraph}"')
            continue
        t.description = t.description or getattr(node, "description", None)
        t.directives = t.directives or _clean(node, canonical).directives
        applied = [(canonical(d), d) for d in node.directives or ()]
        t.hidden |= any(name == "inaccessible" for name, _ in applied)
        type_shareable = not federation2 or any(name == "shareable" for name, _ in applied)
        type_external = any(name == "external" for name, _ in applied)
        for name, directive in applied:
            if name == "key" and (key := _field_set(directive, f'subgraph "{subgraph}", type "{t.name}"', problems)):
                resolvable = _argument(directive, "resolvable")  # resolvable: false = a reference-only stub
                t.keys.setdefault(subgraph, []).append(
                    (key, not isinstance(resolvable, ast.BooleanValueNode) or resolvable.value))
        for interface in getattr(node, "interfaces", None) or ():
            t.interfaces[interface.name.value] = None
            possible[subgraph].setdefault(interface.name.value, set()).add(t.name)
        for member in getattr(node, "types", None) or ():
            t.members[member.name.value] = None
            possible[subgraph].setdefault(t.name, set()).add(member.name.value)
        for value in getattr(node, "values", None) or ():
            if any(canonical(d) == "inaccessible" for d in value.directives or ()):
                t.hidden_fields.add(value.name.value)
            t.values.setdefault(value.name.value, _clean(value, canonical))
        for f in getattr(node, "fields", None) or ():
            name = f.name.value
            if t.name == "Query" and name in _FEDERATION_ROOT_FIELDS:
                continue
            t.fields.setdefault(name, {})[subgraph] = _clean(f, canonical)
            applied = [(canonical(d), d) for d in f.directives or ()]
            names = {n for n, _ in applied}
            if "inaccessible" in names:
                t.hidden_fields.add(name)
            if "external" in names or type_external:
                t.external.add((name, subgraph))
            if "shareable" in names or type_shareable:
                t.shareable.add((name, subgraph))
            for n, directive in applied:
                if n == "requires" and (needs := _field_set(directive, f'subgraph "{subgraph}", "{t.name}.{name}"',
                                                            problems)):
                    requires[(t.name, name, subgraph)] = needs.selection
                elif n == "override":
                    t.overrides[(name, subgraph)] = _argument(directive, "from").value


def _same_type(label: str, defs: Mapping[str, ast.Node], problems: list) -> None:
    printed = {s: print_ast(d.type) for s, d in defs.items()}
    if len(set(printed.values())) > 1:
        problems.append(f'"{label}" has conflicting types: ' + ", ".join(f'{t} in "{s}"' for s, t in printed.items()))


def _first(values):
    return next((v for v in values if v), None)


def _merge_inputs(label: str, per_subgraph: Mapping[str, Iterable], problems: list, hidden=frozenset()) -> tuple:
    """Arguments and input fields: only those every subgraph accepts (Apollo's intersection rule)."""
    by_name: dict[str, dict] = {}
    for subgraph, nodes in per_subgraph.items():
        for node in nodes:
            by_name.setdefault(node.name.value, {})[subgraph] = node
    merged = []
    for name, defs in by_name.items():
        if len(defs) < len(per_subgraph):
            required = [s for s, d in defs.items()
                        if isinstance(d.type, ast.NonNullTypeNode) and d.default_value is None]
            if required:
                problems.append(f'"{label}.{name}" is required in subgraph "{required[0]}" but missing in others')
            continue
        _same_type(f"{label}.{name}", defs, problems)
        if name not in hidden:
            nodes = list(defs.values())
            merged.append(replace(nodes[0], description=_first(n.description for n in nodes),
                                  directives=_first(n.directives for n in nodes) or ()))
    return tuple(merged)


def _merge_fields(t: _Type, owners: dict, problems: list, enforce_shareable: bool) -> list:
    merged = []
    for name, defs in t.fields.items():
        label = f"{t.name}.{name}"
        _same_type(label, defs, problems)
        as_key = {s for s in defs if name in t.key_fields(s)}
        resolving = [s for s in defs if (name, s) not in t.external or s in as_key]
        for s in list(resolving):  # @override(from:) moves the field: the old subgraph no longer resolves it
            if t.overrides.get((name, s)) in resolving and t.overrides[(name, s)] != s:
                resolving.remove(t.overrides[(name, s)])
        if t.kind == "object":
            if not resolving:
                problems.append(f'"{label}" is @external in every subgraph defining it: no subgraph resolves it')
                continue
            sharing = [s for s in resolving if s not in as_key]
            unshared = [s for s in sharing if (name, s) not in t.shareable]
            if enforce_shareable and len(sharing) > 1 and unshared:
                problems.append(f'"{label}" is resolved by subgraphs {", ".join(sharing)} but is not marked '
                                f'@shareable in {", ".join(unshared)}')
            owners[(t.name, name)] = tuple(resolving)
        if name in t.hidden_fields:
            continue
        nodes = [defs[s] for s in resolving or defs]
        arguments = _merge_inputs(label, {s: defs[s].arguments or () for s in resolving or defs}, problems)
        merged.append(replace(nodes[0], arguments=arguments, description=_first(n.description for n in defs.values()),
                              directives=_first(n.directives for n in defs.values()) or ()))
    return merged


def compose(subgraph_sdls: Mapping[str, str], *, enforce_shareable: bool = True) -> Supergraph:
    """Merge the subgraphs' `_service { sdl }` into a Supergraph, or raise CompositionError listing every problem."""
    types: dict[str, _Type] = {}
    requires: dict = {}
    possible: dict = {}
    problems: list[str] = []
    for subgraph, sdl in subgraph_sdls.items():
        _read(subgraph, sdl, types, requires, possible, problems)
    owners: dict = {}
    definitions = []
    types.pop("Subscription", None)  # the executor plans queries and mutations only
    hidden = {t.name for t in types.values() if t.hidden}

    def named(names):
        return tuple(ast.NamedTypeNode(name=ast.NameNode(value=n)) for n in names if n not in hidden)

    for t in sorted(types.values(), key=lambda t: ({"Query": 0, "Mutation": 1}.get(t.name, 2), t.name)):
        parts: dict = {}
        if t.kind in ("object", "interface"):
            parts = {"fields": tuple(_merge_fields(t, owners, problems, enforce_shareable)),
                     "interfaces": named(t.interfaces)}
        elif t.kind == "input":
            per_subgraph: dict = {}
            for defs in t.fields.values():
                for subgraph, node in defs.items():
                    per_subgraph.setdefault(subgraph, []).append(node)
            parts = {"fields": _merge_inputs(t.name, per_subgraph, problems, t.hidden_fields)}
        elif t.kind == "union":
            parts = {"types": named(t.members)}
        elif t.kind == "enum":
            parts = {"values": tuple(v for n, v in t.values.items() if n not in t.hidden_fields)}
        if t.name in hidden or (t.kind not in ("scalar", "enum") and not next(iter(parts.values()))):
            continue  # @inaccessible, or nothing left to show (e.g. a Mutation made only of hidden fields)
        definitions.append(_NODES[t.kind](name=ast.NameNode(value=t.name), description=t.description,
                                          directives=t.directives, **parts))
    if not any(d.name.value == "Query" for d in definitions):
        problems.append("no subgraph defines a Query field")
    if problems:
        raise CompositionError(problems)
    try:
        schema = build_ast_schema(ast.DocumentNode(definitions=tuple(definitions)))
    except (TypeError, GraphQLError) as exc:
        raise CompositionError([str(exc)]) from exc
    if errors := validate_schema(schema):
        raise CompositionError([e.message for e in errors])
    keys = {t.name: {s: tuple(k for k, ok in ks if ok) for s, ks in t.keys.items() if any(ok for _, ok in ks)}
            for t in types.values() if t.keys}
    return Supergraph(
        schema=schema, sdl=print_schema(schema), subgraphs=tuple(subgraph_sdls),
        field_owners=owners, entity_keys=keys,
        root_owners={k: v[0] for k, v in owners.items() if k[0] in ("Query", "Mutation")},
        requires=requires,
        possible_types={s: {a: frozenset(objs) for a, objs in by.items()} for s, by in possible.items()},
    )
