"""Compose Apollo Federation subgraph SDLs into a supergraph SDL, with Apollo's merge rules.

The output is the supergraph format Apollo's composition writes (join spec v0.3): every type and field with
`@join__*` directives saying which subgraph defines what. `gateway.supergraph` reads it, so a supergraph composed
here and one composed by Apollo's tooling are served the same way. Merge rules, as Apollo's composition has them:

- output field types merge to the most general subgraph type (`ID` in one and `ID!` in another is `ID`; a union
  member in one and the union in another is the union), the subgraph's own type recorded in `@join__field(type:)`;
- arguments and input fields keep only what every subgraph accepts, with the most restrictive type; enums used
  only as inputs keep the values common to all, enums used as outputs all values;
- a field resolved by several subgraphs must be `@shareable` in each (key fields, nested ones too, are);
- `@external`, `@requires`, `@provides`, `@override`, `@inaccessible`, `@interfaceObject`, `@key`
  (several, compound, nested, `resolvable: false`), and federation 1 subgraphs, whose `@external` key fields on
  type extensions are not external;
- `@authenticated` and `@requiresScopes` (merged by DNF conjunction: `gateway.access`), and directives a subgraph
  keeps with `@composeDirective` (their link, definition and applications; clients never see them).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from graphql import GraphQLSyntaxError, parse, print_ast
from graphql.language import ast

from gateway.access import DEFINITIONS, LINKS, OPEN, Access, access_of
from gateway.supergraph import (CLIENT_DIRECTIVES, Supergraph, SupergraphError, field_set, from_supergraph_sdl,
                                inaccessible, named_type_name)

_FEDERATION_TYPES = {"_Service", "_Entity", "_Any", "_FieldSet", "FieldSet"}
_FEDERATION_PREFIXES = ("link__", "federation__", "join__")
_FEDERATION_ROOT_FIELDS = {"_service", "_entities"}
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
_BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}

_PREAMBLE = '''schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)
%s{
%s}

%sdirective @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE

directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA

scalar join__FieldSet

scalar link__Import
%s
enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}
'''


class CompositionError(Exception):
    """The subgraphs do not compose; `problems` lists every conflict found, not only the first."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("supergraph composition failed:\n" + "\n".join(f"  - {p}" for p in self.problems))


@dataclass
class _Field:
    node: ast.FieldDefinitionNode | ast.InputValueDefinitionNode
    external: bool = False
    shareable: bool = False
    hidden: bool = False
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    access: Access = OPEN                               # @authenticated / @requiresScopes here


@dataclass
class _Type:
    """One named type as seen across all subgraphs, before merging."""
    name: str
    kind: str
    description: ast.StringValueNode | None = None
    hidden: bool = False                                # @inaccessible in some subgraph
    client_directives: tuple = ()                       # @specifiedBy, @deprecated, composed: each once
    graphs: dict = field(default_factory=dict)          # subgraph -> [(key text, resolvable)] (ordered)
    interface_object: set = field(default_factory=set)  # subgraphs modelling this interface as an object
    extension: set = field(default_factory=set)         # subgraphs declaring it with `extend` or @extends
    interfaces: dict = field(default_factory=dict)      # interface -> [subgraphs]
    members: dict = field(default_factory=dict)         # member -> [subgraphs]
    values: dict = field(default_factory=dict)          # enum value -> subgraph -> node
    fields: dict = field(default_factory=dict)          # field -> subgraph -> _Field
    access: Access = OPEN                               # every subgraph's @authenticated / @requiresScopes

    def key_fields(self, subgraph: str) -> set[str]:
        return {s.name.value for text, _ in self.graphs.get(subgraph, ())
                for s in field_set(text).selections if isinstance(s, ast.FieldNode)}


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


def _fields_text(directive: ast.DirectiveNode, where: str, problems: list) -> str | None:
    """The `fields:` of @key/@requires/@provides, checked to parse as a selection."""
    text = _argument(directive, "fields")
    try:
        field_set(text.value)
        return " ".join(text.value.split())
    except (GraphQLSyntaxError, AttributeError):
        problems.append(f'{where}: invalid @{directive.name.value}(fields: ...)')
        return None


def _clean(node, canonical, keep: set[str]):
    """Keep only the directives the supergraph carries (a client's, and those composed with @composeDirective),
    and mark @inaccessible arguments."""
    kept = [d for d in node.directives or () if d.name.value in keep]
    if any(canonical(d) == "inaccessible" for d in node.directives or ()):
        kept.append(_directive("inaccessible"))
    changes: dict = {"loc": None, "directives": tuple(kept)}
    if getattr(node, "arguments", None) is not None:
        changes["arguments"] = tuple(_clean(a, canonical, keep) for a in node.arguments)
    return replace(node, **changes)


@dataclass
class _Composed:
    """A custom directive a subgraph asks to keep in the supergraph (`@composeDirective`), with its spec's link."""
    definition: ast.DirectiveDefinitionNode
    url: str | None = None


def _composed_directives(subgraph: str, doc: ast.DocumentNode, canonical, composed: dict, problems: list) -> set:
    """The directive names the subgraph composes, recorded in `composed` with their definitions and links."""
    names, links = [], {}
    for node in doc.definitions:
        if not isinstance(node, (ast.SchemaDefinitionNode, ast.SchemaExtensionNode)):
            continue
        for directive in node.directives or ():
            if canonical(directive) == "composeDirective":
                value = _argument(directive, "name")
                if isinstance(value, ast.StringValueNode):
                    names.append(value.value.lstrip("@"))
            elif directive.name.value == "link":
                url, imports = _argument(directive, "url"), _argument(directive, "import")
                for item in imports.values if isinstance(imports, ast.ListValueNode) else ():
                    if isinstance(item, ast.StringValueNode) and isinstance(url, ast.StringValueNode):
                        links[item.value.lstrip("@")] = url.value
    definitions = {d.name.value: d for d in doc.definitions if isinstance(d, ast.DirectiveDefinitionNode)}
    for name in names:
        if name not in definitions:
            problems.append(f'subgraph "{subgraph}": @composeDirective(name: "@{name}") names no directive it defines')
            continue
        known = composed.setdefault(name, _Composed(replace(definitions[name], loc=None), links.get(name)))
        if print_ast(known.definition) != print_ast(replace(definitions[name], loc=None)):
            problems.append(f'directive "@{name}" is composed with different definitions in different subgraphs')
    return set(names) & set(definitions)


def _first_of_each(directives: Iterable[ast.DirectiveNode]) -> tuple:
    """Directives applied to one element in several subgraphs, each directive once (the first subgraph's)."""
    seen: dict[str, ast.DirectiveNode] = {}
    for d in directives:
        seen.setdefault(d.name.value, d)
    return tuple(seen.values())


def _read(subgraph: str, sdl: str, types: dict, composed: dict, problems: list) -> None:
    try:
        doc = parse(sdl)
    except GraphQLSyntaxError as exc:
        problems.append(f'subgraph "{subgraph}": invalid SDL: {exc.message}')
        return
    canonical, federation2 = _federation_names(doc)
    keep = CLIENT_DIRECTIVES | _composed_directives(subgraph, doc, canonical, composed, problems)
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
        applied = [(canonical(d), d) for d in node.directives or ()]
        names = {name for name, _ in applied}
        interface_object = "interfaceObject" in names
        if interface_object:
            kind = "interface"
        t = types.setdefault(node.name.value, _Type(node.name.value, kind))
        if t.kind != kind:
            if {t.kind, kind} == {"object", "interface"} and (interface_object or t.interface_object):
                t.kind = "interface"  # an @interfaceObject seen before the real interface
            else:
                problems.append(f'type "{t.name}" is an {t.kind} type elsewhere but an {kind} type in subgraph '
                                f'"{subgraph}"')
                continue
        if interface_object:
            t.interface_object.add(subgraph)
        t.description = t.description or getattr(node, "description", None)
        t.client_directives = _first_of_each((*t.client_directives,
                                              *(d for d in node.directives or () if d.name.value in keep)))
        t.hidden |= "inaccessible" in names
        t.access = t.access.both(access_of(node.directives, canonical))
        graph_keys = t.graphs.setdefault(subgraph, [])
        extension = "extends" in names or "Extension" in type(node).__name__
        if extension:
            t.extension.add(subgraph)
        type_shareable = not federation2 or "shareable" in names
        type_external = "external" in names
        for name, directive in applied:
            if name == "key" and (text := _fields_text(directive, f'subgraph "{subgraph}", type "{t.name}"',
                                                       problems)):
                resolvable = _argument(directive, "resolvable")  # resolvable: false = a reference-only stub
                graph_keys.append((text, not isinstance(resolvable, ast.BooleanValueNode) or resolvable.value))
        for interface in getattr(node, "interfaces", None) or ():
            t.interfaces.setdefault(interface.name.value, []).append(subgraph)
        for member in getattr(node, "types", None) or ():
            t.members.setdefault(member.name.value, []).append(subgraph)
        for value in getattr(node, "values", None) or ():
            t.values.setdefault(value.name.value, {})[subgraph] = _clean(value, canonical, keep)
        key_fields = t.key_fields(subgraph)
        for f in getattr(node, "fields", None) or ():
            name = f.name.value
            if t.name == "Query" and name in _FEDERATION_ROOT_FIELDS:
                continue
            applied_f = [(canonical(d), d) for d in f.directives or ()]
            fnames = {n for n, _ in applied_f}
            external = "external" in fnames or type_external
            if external and name in key_fields and (extension or not federation2):
                external = False  # a key field of an extension is "external" only in name (Apollo's fake external)
            entry = _Field(_clean(f, canonical, keep), external=external,
                           shareable="shareable" in fnames or type_shareable, hidden="inaccessible" in fnames,
                           access=access_of(f.directives, canonical))
            for n, directive in applied_f:
                where = f'subgraph "{subgraph}", "{t.name}.{name}"'
                if n == "requires":
                    entry.requires = _fields_text(directive, where, problems)
                elif n == "provides":
                    entry.provides = _fields_text(directive, where, problems)
                elif n == "override":
                    entry.override = _argument(directive, "from").value
            t.fields.setdefault(name, {})[subgraph] = entry


def _directive(name: str, **arguments) -> ast.DirectiveNode:
    def value(v):
        if isinstance(v, bool):
            return ast.BooleanValueNode(value=v)
        if isinstance(v, ast.Node):
            return v
        return ast.StringValueNode(value=v)
    return ast.DirectiveNode(name=ast.NameNode(value=name), arguments=tuple(
        ast.ArgumentNode(name=ast.NameNode(value=k), value=value(v)) for k, v in arguments.items() if v is not None))


def _marked(directives, hidden: bool) -> tuple:
    """The client directives of a merged element, with @inaccessible once if any subgraph hides it."""
    kept = tuple(d for d in directives or () if d.name.value != "inaccessible")
    return kept + ((_directive("inaccessible"),) if hidden else ())


def _graph(value: str) -> ast.EnumValueNode:
    return ast.EnumValueNode(value=value)


def _graph_names(subgraphs: Iterable[str]) -> dict[str, str]:
    """join__Graph enum values, as Apollo makes them: upper case, non-alphanumerics as underscores, unique."""
    names: dict[str, str] = {}
    for subgraph in subgraphs:
        base = "".join(c if c.isalnum() else "_" for c in subgraph.upper())
        if not base or base[0].isdigit():
            base = "_" + base
        name, n = base, 1
        while name in names.values():
            n += 1
            name = f"{base}_{n}"
        names[subgraph] = name
    return names


class _Merger:
    def __init__(self, types: dict[str, _Type], graphs: dict[str, str], problems: list, enforce_shareable: bool):
        self.types = types
        self.graphs = graphs
        self.problems = problems
        self.enforce_shareable = enforce_shareable
        self.input_types = self._used_as_input()
        self.secured: set[str] = set()  # the authorization specs used: their definitions join the supergraph
        self._references: dict[str, set] = {}  # subgraph -> (type, field) its keys, requires and provides select

    def _used_as_input(self) -> set[str]:
        used = set()
        for t in self.types.values():
            for defs in t.fields.values():
                for entry in defs.values():
                    nodes = [entry.node] if t.kind == "input" else list(getattr(entry.node, "arguments", ()) or ())
                    used.update(named_type_name(n.type) for n in nodes)
        return used

    # -- output types: the most general; inputs: the most restrictive ------------------------------------------
    def subtype(self, sub: str, sup: str) -> bool:
        if sub == sup:
            return True
        t = self.types.get(sup)
        return bool(t) and (sub in t.members or (t.kind == "interface" and sup in self.types.get(sub, _Type(
            sub, "")).interfaces))

    def general(self, label: str, nodes: dict[str, ast.TypeNode], output: bool) -> ast.TypeNode | None:
        """The supergraph's type of a field defined with `nodes` (subgraph -> type), or None on a conflict."""
        merged = None
        for node in nodes.values():
            merged = node if merged is None else self._pair(merged, node, output)
            if merged is None:
                self.problems.append(f'"{label}" has conflicting types: ' + ", ".join(
                    f'{print_ast(n)} in "{s}"' for s, n in nodes.items()))
                return None
        return merged

    def _pair(self, a: ast.TypeNode, b: ast.TypeNode, output: bool) -> ast.TypeNode | None:
        a_nn, b_nn = isinstance(a, ast.NonNullTypeNode), isinstance(b, ast.NonNullTypeNode)
        if a_nn or b_nn:
            inner = self._pair(a.type if a_nn else a, b.type if b_nn else b, output)
            if inner is None:
                return None
            keep = (a_nn and b_nn) if output else (a_nn or b_nn)
            return ast.NonNullTypeNode(type=inner) if keep else inner
        if isinstance(a, ast.ListTypeNode) and isinstance(b, ast.ListTypeNode):
            inner = self._pair(a.type, b.type, output)
            return None if inner is None else ast.ListTypeNode(type=inner)
        if isinstance(a, ast.NamedTypeNode) and isinstance(b, ast.NamedTypeNode):
            if a.name.value == b.name.value:
                return a
            if output and self.subtype(a.name.value, b.name.value):
                return b
            if output and self.subtype(b.name.value, a.name.value):
                return a
        return None

    # -- fields ----------------------------------------------------------------------------------------------
    def shareable_by_key(self, t: _Type) -> set[str]:
        """Fields of `t` that some key selects below another type (nested key fields are shareable)."""
        found: set[str] = set()
        for owner in self.types.values():
            for subgraph, keys in owner.graphs.items():
                for text, _ in keys:
                    self._walk_key(owner.name, field_set(text), t.name, found)
        return found

    def _walk_key(self, type_name: str, selection: ast.SelectionSetNode, target: str, found: set) -> None:
        t = self.types.get(type_name)
        for s in selection.selections:
            if not isinstance(s, ast.FieldNode) or t is None or s.name.value not in t.fields:
                continue
            if s.selection_set:
                inner = named_type_name(next(iter(t.fields[s.name.value].values())).node.type)
                if inner == target:
                    found.update(x.name.value for x in s.selection_set.selections if isinstance(x, ast.FieldNode))
                self._walk_key(inner, s.selection_set, target, found)

    def fields(self, t: _Type) -> list:
        merged = []
        nested_key = self.shareable_by_key(t)
        for name, defs in t.fields.items():
            label = f"{t.name}.{name}"
            first = next(iter(defs.values()))
            if set(defs) == {""}:  # through an @interfaceObject only: a bare @join__field, no subgraph
                merged.append(replace(first.node, directives=(_directive("join__field"),)))
                continue
            as_key = {s for s in defs if name in t.key_fields(s)}
            for e in defs.values():  # @override(from:) a subgraph that does not exist: no effect
                if e.override and e.override not in self.graphs:
                    e.override = None
            overridden = {e.override for s, e in defs.items() if e.override and e.override != s and
                          e.override in defs}
            resolving = [s for s, e in defs.items() if not e.external and s not in overridden]
            if t.kind == "object" or t.interface_object:
                if not resolving and t.kind == "object":
                    self.problems.append(f'"{label}" is @external in every subgraph defining it: no subgraph '
                                         f'resolves it')
                    continue
                sharing = [s for s in resolving if s not in as_key and name not in nested_key]
                unshared = [s for s in sharing if not defs[s].shareable]
                if self.enforce_shareable and len(sharing) > 1 and unshared and t.kind == "object":
                    self.problems.append(f'"{label}" is resolved by subgraphs {", ".join(sharing)} but is not '
                                         f'marked @shareable in {", ".join(unshared)}')
            output = t.kind != "input"
            type_node = self.general(label, {s: e.node.type for s, e in defs.items()}, output)
            if type_node is None:
                continue
            access = OPEN
            for e in defs.values():
                access = access.both(e.access)
            applied = _first_of_each(d for e in defs.values() for d in e.node.directives or ())
            directives = [*_marked(applied, any(e.hidden for e in defs.values())),
                          *self.join_fields(t, name, defs, type_node, overridden), *access.directives()]
            self.secured |= access.specs
            changes: dict = {"type": type_node, "directives": tuple(directives),
                             # As Apollo's merge: an @external definition's description does not count.
                             "description": next((e.node.description for e in defs.values()
                                                  if e.node.description and not (output and e.external)), None)}
            if output:
                changes["arguments"] = self.inputs(label, {s: e.node.arguments or () for s, e in defs.items()})
            elif len(defs) < len(t.graphs):
                required = [s for s, e in defs.items() if isinstance(e.node.type, ast.NonNullTypeNode)
                            and e.node.default_value is None]
                if required:
                    self.problems.append(f'"{label}" is required in subgraph "{required[0]}" but missing in others')
                continue
            merged.append(replace(first.node, **changes))
        return merged

    def join_fields(self, t: _Type, name: str, defs: dict, type_node, overridden: set) -> list:
        plain = (set(defs) == set(t.graphs) and not t.interface_object and all(
            not e.external and not e.requires and not e.provides and not e.override and
            print_ast(e.node.type) == print_ast(type_node) for e in defs.values()) and not overridden)
        if plain:
            return []
        out = []
        typed = any(print_ast(e.node.type) != print_ast(type_node) for e in defs.values())
        for subgraph, e in defs.items():
            used = subgraph in overridden and not e.external
            if used and not self.referenced(subgraph, t, name):
                continue  # taken by @override and used by nothing there: gone from that subgraph, as in Apollo's
            out.append(_directive(
                "join__field", graph=_graph(self.graphs[subgraph]), requires=e.requires, provides=e.provides,
                type=print_ast(e.node.type) if typed else None,
                external=True if e.external else None, override=e.override,
                usedOverridden=True if used else None))
        return out

    def referenced(self, subgraph: str, t: _Type, name: str) -> bool:
        """Does `subgraph` need its own `t.name` field even when another subgraph overrides it: a key, a
        @requires or a @provides there selects it, or an interface it implements there has it?"""
        if subgraph not in self._references:
            found: set = set()
            for owner in self.types.values():
                for text, _ in owner.graphs.get(subgraph, ()):
                    self._walk(owner.name, field_set(text), found)
                for defs in owner.fields.values():
                    entry = defs.get(subgraph)
                    if entry is not None and entry.requires:
                        self._walk(owner.name, field_set(entry.requires), found)
                    if entry is not None and entry.provides:
                        self._walk(named_type_name(entry.node.type), field_set(entry.provides), found)
            self._references[subgraph] = found
        if (t.name, name) in self._references[subgraph]:
            return True
        return any(subgraph in graphs and subgraph in self.types[i].fields.get(name, {})
                   for i, graphs in t.interfaces.items() if i in self.types)

    def _walk(self, type_name: str, selection: ast.SelectionSetNode, found: set) -> None:
        for s in selection.selections:
            if isinstance(s, ast.FieldNode):
                found.add((type_name, s.name.value))
                t = self.types.get(type_name)
                if s.selection_set and t and s.name.value in t.fields:
                    inner = named_type_name(next(iter(t.fields[s.name.value].values())).node.type)
                    self._walk(inner, s.selection_set, found)
            elif isinstance(s, ast.InlineFragmentNode):
                self._walk(s.type_condition.name.value if s.type_condition else type_name, s.selection_set, found)

    def inputs(self, label: str, per_subgraph: Mapping[str, Iterable]) -> tuple:
        """Arguments: only those every subgraph accepts, with the most restrictive type."""
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
                    self.problems.append(f'"{label}({name}:)" is required in subgraph "{required[0]}" but '
                                         f'missing in others')
                continue
            type_node = self.general(f"{label}({name}:)", {s: d.type for s, d in defs.items()}, False)
            if type_node is None:
                continue
            nodes = list(defs.values())
            directives = _marked(nodes[0].directives, any(inaccessible(n) for n in nodes))
            merged.append(replace(nodes[0], type=type_node, directives=directives,
                                  description=next((n.description for n in nodes if n.description), None)))
        return tuple(merged)

    # -- types -------------------------------------------------------------------------------------------------
    def join_types(self, t: _Type) -> list:
        out = []
        for subgraph, keys in t.graphs.items():
            common = {"graph": _graph(self.graphs[subgraph]),
                      "extension": True if subgraph in t.extension and t.kind != "interface" else None}
            interface_object = True if subgraph in t.interface_object else None
            if not keys:
                out.append(_directive("join__type", **common, isInterfaceObject=interface_object))
            for text, resolvable in keys:
                out.append(_directive("join__type", **common, key=text,
                                      resolvable=None if resolvable else False, isInterfaceObject=interface_object))
        return out

    def definition(self, t: _Type):
        directives = ([_directive("inaccessible")] if t.hidden else []) + self.join_types(t) + \
            list(t.client_directives) + t.access.directives()
        self.secured |= t.access.specs
        parts: dict = {}
        if t.kind in ("object", "interface"):
            for interface, subgraphs in t.interfaces.items():
                directives += [_directive("join__implements", graph=_graph(self.graphs[s]), interface=interface)
                               for s in subgraphs]
            parts = {"fields": tuple(self.fields(t)),
                     "interfaces": tuple(ast.NamedTypeNode(name=ast.NameNode(value=i)) for i in t.interfaces)}
        elif t.kind == "input":
            parts = {"fields": tuple(self.fields(t))}
        elif t.kind == "union":
            directives += [_directive("join__unionMember", graph=_graph(self.graphs[s]), member=m)
                           for m, subgraphs in t.members.items() for s in subgraphs]
            parts = {"types": tuple(ast.NamedTypeNode(name=ast.NameNode(value=m)) for m in t.members)}
        elif t.kind == "enum":
            parts = {"values": tuple(self.enum_values(t))}
        return _NODES[t.kind](name=ast.NameNode(value=t.name), description=t.description,
                              directives=tuple(directives), **parts)

    def enum_values(self, t: _Type) -> list:
        as_input = t.name in self.input_types
        as_output = any(named_type_name(e.node.type) == t.name for o in self.types.values() if o.kind != "input"
                        for defs in o.fields.values() for e in defs.values())
        out = []
        for name, defs in t.values.items():
            if as_input and not as_output and len(defs) < len(t.graphs):
                continue  # input-only enums keep the values every subgraph accepts
            hidden = any(inaccessible(n) for n in defs.values())
            if as_input and as_output and len(defs) < len(t.graphs) and not hidden:
                self.problems.append(f'enum "{t.name}" is used as input and output but value "{name}" is not '
                                     f'defined in every subgraph')
                continue
            node = next(iter(defs.values()))
            directives = _marked(node.directives, hidden) + \
                tuple(_directive("join__enumValue", graph=_graph(self.graphs[s])) for s in defs)
            out.append(replace(node, directives=directives))
        return out


def _add_interface_object_fields(types: dict[str, _Type]) -> None:
    """Fields an @interfaceObject adds to an interface exist on every implementation, resolved through it."""
    for interface in types.values():
        if not interface.interface_object:
            continue
        for t in types.values():
            if t.kind != "object" or interface.name not in t.interfaces:
                continue
            for name, defs in interface.fields.items():
                if name not in t.fields and all(s in interface.interface_object for s in defs):
                    t.fields[name] = {"": _Field(next(iter(defs.values())).node, external=True)}


def compose_sdl(subgraph_sdls: Mapping[str, str], urls: Mapping[str, str] | None = None, *,
                enforce_shareable: bool = True) -> str:
    """The supergraph SDL of the subgraphs, or CompositionError listing every problem."""
    types: dict[str, _Type] = {}
    composed: dict[str, _Composed] = {}
    problems: list[str] = []
    for subgraph in sorted(subgraph_sdls):  # as Apollo does: the merged order does not depend on the list's
        _read(subgraph, subgraph_sdls[subgraph], types, composed, problems)
    types.pop("Subscription", None)  # the executor plans queries and mutations only
    for scalar in _BUILT_IN_SCALARS:
        types.pop(scalar, None)
    if "Query" in types:  # every subgraph has a Query type, if only for `_service`
        for subgraph in subgraph_sdls:
            types["Query"].graphs.setdefault(subgraph, [])
    _add_interface_object_fields(types)
    graphs = _graph_names(sorted(subgraph_sdls))
    merger = _Merger(types, graphs, problems, enforce_shareable)
    definitions = [merger.definition(t) for t in sorted(types.values(), key=lambda t: t.name)]
    if "Query" not in types:
        problems.append("no subgraph defines a Query field")
    if problems:
        raise CompositionError(problems)
    roots = "".join(f"  {op}: {name}\n" for op, name in (("query", "Query"), ("mutation", "Mutation"))
                    if name in types)
    graph_enum = "enum join__Graph {\n" + "".join(
        f'  {graphs[s]} @join__graph(name: "{s}", url: "{(urls or {}).get(s, "")}")\n' for s in sorted(subgraph_sdls)) + "}\n"
    body = "\n\n".join(print_ast(d) for d in definitions)
    specs = sorted(merger.secured)
    links = "".join(f'  @link(url: "{LINKS[spec]}", for: SECURITY)\n' for spec in specs)
    by_url: dict[str, list[str]] = {}
    for name, c in sorted(composed.items()):
        if c.url:
            by_url.setdefault(c.url, []).append(name)
    links += "".join(f'  @link(url: "{url}", import: [{", ".join(f"{chr(34)}@{n}{chr(34)}" for n in names)}])\n'
                     for url, names in by_url.items())
    definitions_before = "".join(DEFINITIONS[spec] + "\n\n" for spec in specs if spec == "authenticated")
    definitions_before += "".join(print_ast(c.definition) + "\n\n" for _, c in sorted(composed.items()))
    after = "".join(DEFINITIONS[spec] + "\n\n" for spec in specs if spec != "authenticated")
    scalars = "\nscalar requiresScopes__Scope\n" if "requiresScopes" in specs else ""
    preamble = _PREAMBLE % (links, roots, definitions_before, scalars)
    return preamble.replace("scalar join__FieldSet", after + "scalar join__FieldSet", 1) + "\n" + graph_enum + \
        "\n" + body + "\n"


def compose(subgraph_sdls: Mapping[str, str], urls: Mapping[str, str] | None = None, *,
            enforce_shareable: bool = True) -> Supergraph:
    """Compose and read back: the Supergraph the gateway serves."""
    sdl = compose_sdl(subgraph_sdls, urls, enforce_shareable=enforce_shareable)
    try:
        return from_supergraph_sdl(sdl)
    except SupergraphError as exc:
        raise CompositionError(exc.problems) from exc
