"""Turn a client operation into a query plan over the subgraphs, in the manner of Apollo's query planner.

A plan is a set of fetches, each to one subgraph: root fetches (a root field, or a part of one, as a subgraph
serves it) and `_entities` fetches that complete objects found at a path of the response. Each fetch depends on
the fetches that deliver what its representations need: the entity's key, and the fields a `@requires` asks for,
which may themselves come from other subgraphs. Where a field cannot be reached from the subgraph resolving its
parent, the planner moves to another subgraph through the parent's keys (an entity hop, also through a third
subgraph when only it can supply the key), and where the parent is not an entity it goes back up to the nearest
level that is (a shared root field, a non-entity type spread over subgraphs). `@provides` makes external fields
resolvable below the providing field, and `@interfaceObject` subgraphs are reached with the interface's name
as the representation's `__typename`, the concrete type being asked of a subgraph that knows it.

Planner-only fields use reserved response keys (`_gw_` or, if the client uses that, `_gw2_`...), so they never
collide with the client's own keys; the executor reads them to build representations and to know runtime types.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from graphql import (DocumentNode, GraphQLList, GraphQLNonNull, Visitor, get_named_type, get_operation_ast,
                     is_abstract_type, is_composite_type, is_interface_type, parse_type, print_ast, visit)
from graphql.language import ast

from gateway.supergraph import Supergraph

RESERVED_PREFIX = "_gw_"


class PlanningError(Exception):
    """The operation cannot be split over the subgraphs (e.g. no subgraph can reach a field)."""


@dataclass(frozen=True)
class Representation:
    """How an object found at a fetch's path becomes one `_entities` representation."""
    typename: str                     # the representation's __typename (an interface for @interfaceObject)
    fields: Mapping[str, str]         # field of the representation -> response key holding it in the data
    keys: frozenset[str]              # the key fields: an object lacking one of them is not sent


@dataclass
class Fetch:
    subgraph: str
    operation: str                    # the GraphQL document sent to the subgraph
    variables: tuple[str, ...] = ()   # client variables forwarded (declared in `operation` as the client did)
    path: tuple[str, ...] = ()        # for `_entities` fetches: where the objects live; "@" = every list item
    representations: Mapping[str, Representation] | None = None  # runtime type in the data -> representation
    representations_variable: str = "representations"
    root_keys: tuple[str, ...] = ()   # for root fetches: the client response keys this fetch fills
    typename_key: str = RESERVED_PREFIX + "typename"  # where objects at `path` hold their __typename
    renamed: bool = False             # some response keys are aliased `<prefix><n>__<key>`: rename them to <key>


@dataclass
class Sequence:
    nodes: list["PlanNode"]


@dataclass
class Parallel:
    nodes: list["PlanNode"]


PlanNode = Union[Fetch, Sequence, Parallel]


@dataclass
class QueryPlan:
    kind: str                # "query" | "mutation"
    node: PlanNode | None    # None when the gateway answers alone (introspection, __typename)
    typename_key: str = RESERVED_PREFIX + "typename"  # response key holding the runtime type of planned objects

    def fetches(self) -> list[Fetch]:
        def walk(node):
            return [node] if isinstance(node, Fetch) else [f for n in node.nodes for f in walk(n)]
        return walk(self.node) if self.node else []

    def describe(self) -> str:
        lines = ["QueryPlan {"]
        if self.node:
            _describe(self.node, 1, lines)
        return "\n".join(lines + ["}"])

    __str__ = describe


def _describe(node: PlanNode, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    if isinstance(node, Fetch) and node.representations is not None:  # Apollo's notation for `_entities` fetches
        lines.append(f'{pad}Flatten(path: "{".".join(node.path)}") {{')
        _describe(Fetch(node.subgraph, node.operation), depth + 1, lines)
    elif isinstance(node, Fetch):
        lines.append(f'{pad}Fetch(service: "{node.subgraph}") {{')
        lines.extend(f"{pad}  {line}" for line in node.operation.splitlines())
    else:
        lines.append(f"{pad}{type(node).__name__} {{")
        for child in node.nodes:
            _describe(child, depth + 1, lines)
    lines.append(f"{pad}}},")


class _NoRoute(Exception):
    """No subgraph can be reached for a field from here; the caller may try from a level further up."""


@dataclass(eq=False)
class _Group:
    """A fetch under construction: one subgraph, one response path."""
    subgraph: str
    path: tuple[str, ...] = ()
    root: "_Group | None" = None     # the root fetch this one descends from (mutations run root by root)
    selections: dict[str, list] = field(default_factory=dict)  # "" for a root fetch, else representation type
    representation: dict[str, Representation] = field(default_factory=dict)
    variables: set[str] = field(default_factory=set)
    deps: set["_Group"] = field(default_factory=set)
    root_keys: list[str] = field(default_factory=list)
    renamed: bool = False            # some response keys are aliased (`_Planner.sent_key`)

    def after(self, other: "_Group") -> bool:
        """Whether this group (transitively) waits for `other`."""
        seen, todo = set(), list(self.deps)
        while todo:
            group = todo.pop()
            if group is other:
                return True
            if id(group) not in seen:
                seen.add(id(group))
                todo.extend(group.deps)
        return False


def _name(value: str) -> ast.NameNode:
    return ast.NameNode(value=value)


def _field(name: str, alias: str | None = None, selection_set=None, arguments=()) -> ast.FieldNode:
    return ast.FieldNode(name=_name(name), alias=_name(alias) if alias and alias != name else None,
                         arguments=tuple(arguments), directives=(), selection_set=selection_set)


def _fragment(type_name: str, selections) -> ast.InlineFragmentNode:
    return ast.InlineFragmentNode(type_condition=ast.NamedTypeNode(name=_name(type_name)), directives=(),
                                  selection_set=ast.SelectionSetNode(selections=tuple(selections)))


def _variables_in(value: ast.ValueNode) -> Iterable[str]:
    if isinstance(value, ast.VariableNode):
        yield value.name.value
    elif isinstance(value, ast.ListValueNode):
        for item in value.values:
            yield from _variables_in(item)
    elif isinstance(value, ast.ObjectValueNode):
        for item in value.fields:
            yield from _variables_in(item.value)


def _dedupe(selections: Iterable, prefix: str) -> tuple:
    """Reserved fields are added once per dependent field; send each only once."""
    seen, out = set(), []
    for selection in selections:
        key = print_ast(selection) if isinstance(selection, ast.FieldNode) and (
            (selection.alias and selection.alias.value.startswith(prefix)) or selection.name.value == "__typename"
        ) else id(selection)
        if key not in seen:
            seen.add(key)
            out.append(selection)
    return tuple(out)


def _signature(node: ast.FieldNode) -> str:
    """A field's name and arguments: two needs with the same signature share one reserved response key."""
    return node.name.value + "".join(sorted(print_ast(a) for a in node.arguments or ()))


def included(node, variables: Mapping[str, Any]) -> bool:
    """Whether a selection of a validated document stays in, by its @skip/@include and the (coerced) variables."""
    for directive in node.directives or ():
        if directive.name.value in ("skip", "include"):
            value = next(a.value for a in directive.arguments if a.name.value == "if")
            condition = variables.get(value.name.value) if isinstance(value, ast.VariableNode) else value.value
            if (directive.name.value == "skip") == bool(condition):
                return False
    return True


class _Planner:
    def __init__(self, supergraph: Supergraph, document: DocumentNode, variables: Mapping[str, Any]):
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.full = supergraph.full
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, ast.FragmentDefinitionNode)}
        self.prefix = _free_prefix(document)
        self.typename = f"{self.prefix}typename"
        self.groups: list[_Group] = []
        self.need_keys: dict[str, str] = {}     # need signature -> reserved response key
        self.collectors: list[set] = []        # groups touched while planning a need (they must run first)
        self.in_progress: set = set()          # (type, field, subgraph) hops being planned: cycles are refused
        self.shapes: dict[tuple, str] = {}      # (group, path, response key) -> the first field's type there
        self.aliases: dict[tuple, str] = {}     # (group, path, response key, type) -> alias of a conflicting field

    # -- the client's selections, as the executor would see them --------------------------------------------
    def included(self, node) -> bool:
        """@skip/@include are evaluated here, with the request's variables, so subgraphs never see them."""
        return included(node, self.variables)

    def applies(self, condition: ast.NamedTypeNode | None, runtime: str) -> bool:
        if condition is None or condition.name.value == runtime:
            return True
        abstract = self.full.get_type(condition.name.value)
        if not is_abstract_type(abstract):
            return False
        possible = {t.name for t in self.full.get_possible_types(abstract)}
        if runtime in possible:
            return True
        runtime_type = self.full.get_type(runtime)  # an @interfaceObject: covered if all its implementations are
        return is_abstract_type(runtime_type) and possible >= {t.name for t in
                                                               self.full.get_possible_types(runtime_type)}

    def collect(self, selection_sets: Iterable[ast.SelectionSetNode], runtime: str) -> dict[str, list[ast.FieldNode]]:
        """Fields by response key for an object of type `runtime`, fragments inlined."""
        fields: dict[str, list[ast.FieldNode]] = {}

        def walk(selection_set, seen: frozenset):
            for selection in selection_set.selections:
                if not self.included(selection):
                    continue
                if isinstance(selection, ast.FieldNode):
                    fields.setdefault((selection.alias or selection.name).value, []).append(selection)
                elif isinstance(selection, ast.InlineFragmentNode):
                    if self.applies(selection.type_condition, runtime):
                        walk(selection.selection_set, seen)
                else:
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment and name not in seen and self.applies(fragment.type_condition, runtime):
                        walk(fragment.selection_set, seen | {name})

        for selection_set in selection_sets:
            if selection_set is not None:
                walk(selection_set, frozenset())
        return fields

    # -- where a field can be resolved ---------------------------------------------------------------------
    def local(self, subgraph: str, view: str, name: str, provided: ast.SelectionSetNode | None) -> bool:
        """Whether `subgraph`, resolving an object it sees as `view`, answers `name` in the same selection."""
        f = self.supergraph.field_in(subgraph, view, name)
        if f is None:
            return False
        if f.resolvable and f.requires is None:
            return True
        return f.external and _provided(provided, name) is not None

    def coverage(self, subgraph: str, view: str, fields: Mapping[str, list], provided=None, depth: int = 0) -> int:
        """How many of the selected fields `subgraph` answers itself, following the fields it answers."""
        total = 0
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename" or not self.local(subgraph, view, name, provided):
                continue
            total += 1
            definition = self.full.get_type(view).fields[name]
            inner = self.supergraph.type_in(subgraph, view, name)
            if depth < 8 and is_composite_type(get_named_type(definition.type)) and self.full.get_type(inner) \
                    and not is_abstract_type(self.full.get_type(inner)):
                total += self.coverage(subgraph, inner, self.collect([n.selection_set for n in nodes], inner),
                                       _provided(provided, name), depth + 1)
        return total

    # -- splitting over subgraphs ------------------------------------------------------------------------------
    def new_group(self, subgraph: str, path: tuple, root: _Group | None) -> _Group:
        group = _Group(subgraph, path, root)
        self.groups.append(group)
        return group

    def field(self, group: _Group, view: str, key: str, nodes: list[ast.FieldNode], path: tuple,
              provided: ast.SelectionSetNode | None) -> tuple[ast.FieldNode, list | None]:
        """The client's field as `group` sends it (alias and arguments kept, sub-selection planned), and what of
        its sub-selection `group` could not reach (to be asked of another subgraph), if anything."""
        node = nodes[0]
        definition = self.full.get_type(view).fields[node.name.value]
        for argument in node.arguments or ():
            group.variables.update(_variables_in(argument.value))
        output, lists = definition.type, 0
        while isinstance(output, (GraphQLList, GraphQLNonNull)):
            lists += isinstance(output, GraphQLList)
            output = output.of_type
        sent_key = self.sent_key(group, view, key, node.name.value, path)
        if not is_composite_type(output):
            return _field(node.name.value, sent_key, None, node.arguments or ()), None
        f = self.supergraph.field_in(group.subgraph, view, node.name.value)
        inner_provided = _provided(provided, node.name.value)
        if f is not None and f.provides is not None:
            inner_provided = _merge_provided(inner_provided, f.provides)
        sub_path = path + (key,) + ("@",) * lists
        graph_type = self.supergraph.type_in(group.subgraph, view, node.name.value)
        selections, leftover = self.composite(group, output, graph_type, [n.selection_set for n in nodes],
                                              sub_path, inner_provided)
        sent = _field(node.name.value, sent_key, ast.SelectionSetNode(selections=_dedupe(selections, self.prefix)),
                      node.arguments or ())
        if not leftover:
            return sent, None
        rest = _field(node.name.value, key, ast.SelectionSetNode(selections=tuple(leftover)), node.arguments or ())
        return sent, [rest]

    def sent_key(self, group: _Group, view: str, key: str, name: str, path: tuple) -> str:
        """The response key `group` asks for: the client's, unless a field under the same key at the same place
        (in a fragment on another type) has another type in this subgraph, e.g. `Int!` on one type and `Int` on
        the other: the subgraph would refuse such a selection, so this one gets an alias the executor renames back
        (`<prefix><n>__<key>`: no field name starts with a digit, so it never collides with a planner key)."""
        f = self.supergraph.field_in(group.subgraph, view, name)
        shape = f.type if f is not None and f.type else str(self.full.get_type(view).fields[name].type)
        first = self.shapes.setdefault((id(group), path, key), shape)
        if first == shape:
            return key
        group.renamed = True
        return self.aliases.setdefault((id(group), path, key, shape), f"{self.prefix}{len(self.aliases) + 1}__{key}")

    def composite(self, group: _Group, output, graph_type: str, selection_sets, path: tuple,
                  provided) -> tuple[list, list]:
        """Selections of a composite value in `group`, and the leftover (as selections) it cannot reach."""
        subgraph = group.subgraph
        if self.supergraph.is_interface_object(subgraph, graph_type):
            return self.interface_object(group, graph_type, selection_sets, path, provided)
        if not is_abstract_type(output):
            selections, leftover = self.select(group, output.name, self.collect(selection_sets, output.name), path,
                                               provided)
            return selections or [_field("__typename", self.typename)], _as_selections(leftover)
        selections: list = [_field("__typename", self.typename)]  # the executor needs the runtime type
        leftovers: list = []
        on_every_type = self.collect(selection_sets, output.name)
        if is_interface_type(output) and not self.supergraph.runtime_types(output.name):
            # An interface nothing implements (only @interfaceObject subgraphs add to it): its own fields only.
            inner, leftover = self.select(group, output.name, on_every_type, path, provided)
            return selections + inner, _as_selections(leftover)
        for runtime in sorted(self.supergraph.objects_in(subgraph, graph_type)):
            if self.schema.get_type(runtime) is None:
                continue  # @inaccessible: the client cannot select anything on it
            inner, leftover = self.select(group, runtime, self.collect(selection_sets, runtime), path, provided)
            if inner:
                selections.append(_fragment(runtime, _dedupe(inner, self.prefix)))
            if unreachable := [k for k in leftover if k in on_every_type]:
                # A field asked of every object of the abstract type that this subgraph cannot give for some of them
                # (nor any subgraph reached from here): another root fetch could not tell which object is which.
                raise PlanningError(f'"{output.name}.{on_every_type[unreachable[0]][0].name.value}" cannot be '
                                    f'resolved for "{runtime}" objects from subgraph "{subgraph}"')
            if leftover:
                leftovers.append(_fragment(runtime, _as_selections(leftover)))
        return selections, leftovers

    def interface_object(self, group: _Group, interface: str, selection_sets, path: tuple,
                         provided) -> tuple[list, list]:
        """A value `group`'s subgraph knows only as an @interfaceObject: it answers the interface's own fields; the
        concrete type, and fields of concrete types, come from a subgraph that has the real interface."""
        interface_fields = self.collect(selection_sets, interface)
        selections, leftover = self.select(group, interface, interface_fields, path, provided)
        if not self.supergraph.runtime_types(interface):
            return selections + [_field("__typename", self.typename)], _as_selections(leftover)  # no concrete type
        resolver, needs = self.type_resolver(group, interface, path)
        selections.extend(needs)
        for runtime in sorted(self.supergraph.objects_in(resolver.subgraph, interface)):
            if self.schema.get_type(runtime) is None:
                continue
            runtime_fields = {k: v for k, v in self.collect(selection_sets, runtime).items()
                              if k not in interface_fields or len(v) > len(interface_fields[k])}
            inner, rest = self.select(resolver, runtime, runtime_fields, path, None)
            if rest:
                raise PlanningError(f'cannot reach {", ".join(rest)} on "{runtime}"')
            if inner:
                resolver.selections[interface].append(_fragment(runtime, _dedupe(inner, self.prefix)))
        return selections + [_field("__typename", self.typename)], _as_selections(leftover)

    def type_resolver(self, group: _Group, interface: str, path: tuple) -> tuple[_Group, list]:
        """The `_entities` fetch that asks a subgraph with the real interface for the concrete `__typename`."""
        for subgraph, type_in in self.supergraph.types.get(interface, {}).items():
            if type_in.interface_object:
                continue
            for key in self.supergraph.keys(interface, subgraph):
                if all(self.local(group.subgraph, interface, s.name.value, None) for s in key.selection.selections):
                    needs = self.need_selections(group, interface, key.selection, path)
                    fields = self.representation_fields(key, None)
                    target = self.target(group, subgraph, path, (), fields)
                    self.represent(target, interface, interface, key, fields)
                    selections = target.selections.setdefault(interface, [])
                    if not any(isinstance(s, ast.FieldNode) and s.alias and s.alias.value == self.typename
                               for s in selections):
                        selections.append(_field("__typename", self.typename))
                    return target, needs
        raise PlanningError(f'no subgraph can tell the concrete type of "{interface}" objects from '
                            f'"{group.subgraph}"')

    def select(self, group: _Group, view: str, fields: Mapping[str, list], path: tuple,
               provided=None) -> tuple[list, dict]:
        """Plan `fields` of an object `group`'s subgraph sees as `view`. Returns what `group` selects here, and the
        fields (by response key) that no subgraph can be reached for from here."""
        selections: list = []
        pending: dict[str, list] = {}
        excluded: dict[str, str] = {}
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                selections.append(_field(name, key))
            elif self.local(group.subgraph, view, name, provided):
                sent, rest = self.field(group, view, key, nodes, path, provided)
                selections.append(sent)
                if rest:
                    pending[key], excluded[key] = rest, group.subgraph
            else:
                pending[key] = nodes
        leftover: dict[str, list] = {}
        for key, nodes in pending.items():
            try:
                selections.extend(self.hop(group, view, key, nodes, path, provided, excluded.get(key)))
            except _NoRoute:
                leftover[key] = nodes
        return selections, leftover

    def candidates(self, view: str, name: str, excluded: str | None):
        """(subgraph, representation type, key, requires) for every way to resolve `view.name` via `_entities`."""
        supergraph = self.supergraph
        ways = []
        views = [view, *(i for i in supergraph.interfaces_of(view) if i in supergraph.types)]
        for through in views:
            for subgraph, f in supergraph.fields.get((through, name), {}).items():
                if not f.resolvable or subgraph == excluded:
                    continue
                if through != view and not supergraph.is_interface_object(subgraph, through):
                    continue
                for key in supergraph.keys(through, subgraph):
                    ways.append((subgraph, through, key, f.requires))
        return ways

    def hop(self, group: _Group, view: str, key: str, nodes: list, path: tuple, provided,
            excluded: str | None) -> list:
        """Plan `view.<field>` in another subgraph through `_entities`; return what `group` selects for it."""
        name = nodes[0].name.value
        ways = self.candidates(view, name, excluded)
        if not ways:
            raise _NoRoute(name)
        existing = {g.subgraph for g in self.groups if g.path == path and group in g.deps}

        def cost(way):
            subgraph, through, entity_key, requires = way
            needs = [s.name.value for s in entity_key.selection.selections]
            needs += [s.name.value for s in (requires.selections if requires else ()) if isinstance(s, ast.FieldNode)]
            missing = sum(not self.local(group.subgraph, view, n, provided) for n in needs)
            inner = self.supergraph.type_in(subgraph, through, name)
            fields = self.collect([n.selection_set for n in nodes], inner) if nodes[0].selection_set else {}
            return (missing, requires is not None and missing > 0, subgraph not in existing,
                    -self.coverage(subgraph, inner, fields))

        last_error: Exception | None = None
        for way in sorted(ways, key=cost):
            subgraph, through, entity_key, requires = way
            marker = (view, name, subgraph)
            if marker in self.in_progress:
                continue
            self.in_progress.add(marker)
            self.collectors.append(set())
            try:
                needs = self.need_selections(group, view, entity_key.selection, path, provided)
                if requires is not None:
                    needs += self.need_selections(group, view, requires, path, provided)
            except (_NoRoute, PlanningError) as error:
                last_error = error
                continue
            finally:
                delivering = self.collectors.pop()
                self.in_progress.discard(marker)
            fields = self.representation_fields(entity_key, requires)
            target = self.target(group, subgraph, path, delivering, fields)
            self.represent(target, view, through, entity_key, fields)
            sent, rest = self.field(target, through, key, nodes, path, None)
            target.selections.setdefault(through, []).append(sent)
            for collector in self.collectors:
                collector.add(target)
            if rest:
                return needs + self.hop(group, view, key, rest, path, provided, subgraph)
            return needs
        if isinstance(last_error, PlanningError):
            raise last_error
        raise _NoRoute(name)

    def need_selections(self, group: _Group, view: str, selection: ast.SelectionSetNode, path: tuple,
                        provided=None) -> list:
        """Select a key or requirement in `group` under reserved response keys (hopping for parts it lacks)."""
        fields: dict[str, list] = {}
        for s in selection.selections:
            if isinstance(s, ast.FieldNode):
                alias = self.need_key(s)
                fields[alias] = [_field(s.name.value, alias, s.selection_set, s.arguments or ())]
        selections, leftover = self.select(group, view, fields, path, provided)
        if leftover:
            raise _NoRoute(", ".join(leftover))
        return [_field("__typename", self.typename), *selections]

    def need_key(self, node: ast.FieldNode) -> str:
        signature = _signature(node)
        if signature not in self.need_keys:
            base = f"{self.prefix}{node.name.value}"
            taken = set(self.need_keys.values())
            self.need_keys[signature] = base if base not in taken else f"{base}_{len(taken)}"
        return self.need_keys[signature]

    def representation_fields(self, entity_key, requires) -> dict[str, str]:
        """Representation field -> the reserved response key holding it, for a key and a requirement."""
        return {s.name.value: self.need_key(s) for part in (entity_key.selection, requires)
                for s in (part.selections if part else ()) if isinstance(s, ast.FieldNode)}

    def target(self, group: _Group, subgraph: str, path: tuple, delivering: set, fields: Mapping[str, str]) -> _Group:
        """The `_entities` group for `subgraph` at `path` after `group`, reused where that makes no cycle and its
        representations hold the same values under the same names (two requirements of `price(currency: "USD")`
        and `price(currency: "EUR")` both send a `price`: they need fetches of their own)."""
        for candidate in self.groups:
            if candidate.subgraph == subgraph and candidate.path == path and group in candidate.deps and \
                    candidate is not group and not any(d is candidate or d.after(candidate) for d in delivering) \
                    and not any(r.fields.get(name, held) != held for r in candidate.representation.values()
                                for name, held in fields.items()):
                candidate.deps.update(d for d in delivering if d is not candidate)
                return candidate
        target = self.new_group(subgraph, path, group.root or group)
        target.deps.add(group)
        target.deps.update(delivering)
        return target

    def represent(self, target: _Group, view: str, through: str, entity_key, fields: Mapping[str, str]) -> None:
        keys = frozenset(s.name.value for s in entity_key.selection.selections)
        runtimes = {view} | set(self.supergraph.runtime_types(view))
        for runtime in runtimes:
            old = target.representation.get(runtime)
            merged = {**(old.fields if old else {}), **fields}
            target.representation[runtime] = Representation(through, merged, (old.keys if old else frozenset()) | keys)


def _provided(provided: ast.SelectionSetNode | None, name: str) -> ast.SelectionSetNode | None:
    """The part of a @provides selection below field `name` (an empty selection for a leaf)."""
    if provided is None:
        return None
    for s in provided.selections:
        if isinstance(s, ast.FieldNode) and s.name.value == name:
            return s.selection_set or ast.SelectionSetNode(selections=())
        if isinstance(s, ast.InlineFragmentNode):
            found = _provided(s.selection_set, name)
            if found is not None:
                return found
    return None


def _merge_provided(a: ast.SelectionSetNode | None, b: ast.SelectionSetNode) -> ast.SelectionSetNode:
    return b if a is None else ast.SelectionSetNode(selections=(*a.selections, *b.selections))


def _as_selections(leftover: Mapping[str, list]) -> list:
    return [node for nodes in leftover.values() for node in nodes]


def _free_prefix(document: DocumentNode) -> str:
    """A prefix no response key of the client's document starts with: planner fields can never collide."""
    keys: set[str] = set()

    class Keys(Visitor):
        def enter_field(self, node, *_):
            keys.add((node.alias or node.name).value)

    visit(document, Keys())
    candidates = (RESERVED_PREFIX if n == 1 else f"_gw{n}_" for n in range(1, len(keys) + 2))
    return next(p for p in candidates if not any(k.startswith(p) for k in keys))


def _operation(kind: str, name: str, variable_definitions, selections, prefix: str) -> str:
    return print_ast(ast.OperationDefinitionNode(
        operation=ast.OperationType(kind), name=_name(name), variable_definitions=tuple(variable_definitions),
        directives=(), selection_set=ast.SelectionSetNode(selections=_dedupe(selections, prefix))))


def _build(group: _Group, kind: str, operation: ast.OperationDefinitionNode, number: int, prefix: str) -> Fetch:
    client = operation.name.value if operation.name else "Anonymous"
    label = re.sub(r"\W", "_", f"{client}__{group.subgraph}__{number}")  # as Apollo names subgraph operations
    declared = [d for d in operation.variable_definitions or () if d.variable.name.value in group.variables]
    forwarded = tuple(d.variable.name.value for d in declared)
    if not group.path and not group.representation:
        return Fetch(group.subgraph, _operation(kind, label, declared, group.selections[""], prefix), forwarded,
                     root_keys=tuple(dict.fromkeys(group.root_keys)), typename_key=f"{prefix}typename",
                     renamed=group.renamed)
    taken = {d.variable.name.value for d in operation.variable_definitions or ()}
    variable = next(v for n in range(len(taken) + 1) if (v := "_" * n + "representations") not in taken)
    representations = ast.VariableDefinitionNode(variable=ast.VariableNode(name=_name(variable)),
                                                 type=parse_type("[_Any!]!"), directives=())
    entities = _field("_entities", None, ast.SelectionSetNode(selections=tuple(
        _fragment(t, _dedupe(s, prefix)) for t, s in group.selections.items() if s)),
        [ast.ArgumentNode(name=_name("representations"), value=ast.VariableNode(name=_name(variable)))])
    return Fetch(group.subgraph, _operation("query", label, [representations, *declared], [entities], prefix),
                 forwarded, path=group.path, representations=dict(group.representation),
                 representations_variable=variable, typename_key=f"{prefix}typename", renamed=group.renamed)


def _stages(groups: list[_Group]) -> list[list[_Group]]:
    """Groups by stage: each after every group it depends on (a stage runs in parallel, stages in order)."""
    level: dict[int, int] = {}

    def depth(group: _Group, trail: frozenset = frozenset()) -> int:
        if id(group) not in level:
            if id(group) in trail:
                raise PlanningError("the plan's fetches depend on each other in a cycle")
            level[id(group)] = 1 + max((depth(d, trail | {id(group)}) for d in group.deps), default=-1)
        return level[id(group)]

    stages: list[list[_Group]] = []
    for group in groups:
        n = depth(group)
        stages.extend([] for _ in range(n + 1 - len(stages)))
        stages[n].append(group)
    return [s for s in stages if s]


def _node(stages: list[list[Fetch]]) -> PlanNode | None:
    nodes = [s[0] if len(s) == 1 else Parallel(list(s)) for s in stages]
    return None if not nodes else nodes[0] if len(nodes) == 1 else Sequence(nodes)


def plan(supergraph: Supergraph, document: DocumentNode, operation_name: str | None = None,
         variables: Mapping[str, Any] | None = None) -> QueryPlan:
    """Plan a validated operation. `variables` (coerced) decide @skip/@include; omit them if none are used."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        raise PlanningError(f'unknown operation "{operation_name}"' if operation_name else
                            "no single operation to run")
    kind = operation.operation.value
    root = {"query": supergraph.schema.query_type, "mutation": supergraph.schema.mutation_type}.get(kind)
    if root is None:
        raise PlanningError(f"the gateway does not run {kind} operations")
    planner = _Planner(supergraph, document, variables or {})
    roots: list[_Group] = []
    for key, nodes in planner.collect([operation.selection_set], root.name).items():
        name = nodes[0].name.value
        if name.startswith("__"):
            continue  # __typename, __schema, __type: the gateway answers these from its own schema
        _plan_root(planner, kind, root.name, key, nodes, roots)
    built: dict[int, Fetch] = {}
    number = 0
    for group in planner.groups:
        number += 1
        built[id(group)] = _build(group, kind, operation, number, planner.prefix)
    if kind == "mutation":  # root by root, in document order, each with the fetches that complete it
        parts = []
        for root_group in roots:
            family = [g for g in planner.groups if g is root_group or g.root is root_group]
            parts.append(_node([[built[id(g)] for g in stage] for stage in _stages(family)]))
        node = parts[0] if len(parts) == 1 else Sequence(parts) if parts else None
    else:
        node = _node([[built[id(g)] for g in stage] for stage in _stages(planner.groups)])
    return QueryPlan(kind, node, planner.typename)


def _plan_root(planner: _Planner, kind: str, root: str, key: str, nodes: list, roots: list[_Group]) -> None:
    supergraph = planner.supergraph
    name = nodes[0].name.value
    owners = list(supergraph.owners(root, name))
    if not owners:
        raise PlanningError(f'no subgraph resolves "{root}.{name}"')
    tried: set[str] = set()
    while nodes:
        def rank(subgraph: str):  # the subgraph answering most of the selection itself, then one already asked
            inner = supergraph.type_in(subgraph, root, name)
            fields = planner.collect([n.selection_set for n in nodes], inner) if nodes[0].selection_set else {}
            return -planner.coverage(subgraph, inner, fields), not any(g.subgraph == subgraph for g in roots)
        choices = sorted((s for s in owners if s not in tried), key=rank)
        if not choices:
            raise PlanningError(f'no subgraph can answer all of "{root}.{name}"')
        owner = choices[0]
        tried.add(owner)
        if kind == "mutation":  # strictly in document order; only neighbours may share a fetch
            group = roots[-1] if roots and roots[-1].subgraph == owner else None
        else:
            group = next((g for g in roots if g.subgraph == owner), None)
        if group is None:
            group = planner.new_group(owner, (), None)
            roots.append(group)
        group.root_keys.append(key)
        sent, rest = planner.field(group, root, key, nodes, (), None)
        group.selections.setdefault("", []).append(sent)
        if rest and kind == "mutation":
            raise PlanningError(f'"{root}.{name}" cannot be completed by the subgraph that runs it')
        nodes = rest or []
