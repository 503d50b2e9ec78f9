"""Turn a client operation into a query plan over the subgraphs, in the manner of Apollo's query planner.

Root fields go to the subgraph owning them (one fetch per subgraph, in parallel for queries; in
document order for mutations). Inside a fetch, a field its subgraph cannot resolve on an entity
becomes a dependent `_entities` fetch to a subgraph that can, keyed by fields the first fetch also
selects under reserved `_gw_` aliases so they never collide with the client's own response keys.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from graphql import (DocumentNode, GraphQLList, GraphQLNonNull, Visitor, get_named_type, get_operation_ast,
                     is_abstract_type, is_composite_type, parse_type, print_ast, visit)
from graphql.language import ast

from gateway.supergraph import Supergraph

RESERVED_PREFIX = "_gw_"  # planner-only response keys start with this (or _gw2_, ... if the client uses it)


class PlanningError(Exception):
    """The operation cannot be split over the subgraphs (e.g. no subgraph can reach a field)."""


@dataclass
class Fetch:
    subgraph: str
    operation: str                    # the GraphQL document sent to the subgraph
    variables: tuple[str, ...] = ()   # client variables forwarded (declared in `operation` as the client did)
    path: tuple[str, ...] = ()        # for `_entities` fetches: where the objects live; "@" = every list item
    representations: Mapping[str, Mapping[str, str]] | None = None  # entity -> field -> response key holding it
    representations_variable: str = "representations"
    root_keys: tuple[str, ...] = ()   # for root fetches: the client response keys this fetch fills
    typename_key: str = RESERVED_PREFIX + "typename"  # where objects at `path` hold their __typename


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
    if isinstance(node, Fetch) and node.path:  # Apollo's notation: an `_entities` fetch flattened into a path
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


@dataclass
class _Group:
    """A fetch under construction: one subgraph, one response path."""
    subgraph: str
    path: tuple[str, ...] = ()
    selections: dict[str, list] = field(default_factory=dict)  # "" for a root fetch, else entity type name
    representation: dict[str, dict[str, str]] = field(default_factory=dict)
    variables: set[str] = field(default_factory=set)
    children: list["_Group"] = field(default_factory=list)
    root_keys: list[str] = field(default_factory=list)


def _name(value: str) -> ast.NameNode:
    return ast.NameNode(value=value)


def _field(name: str, alias: str | None = None, selection_set=None, arguments=()) -> ast.FieldNode:
    return ast.FieldNode(name=_name(name), alias=_name(alias) if alias and alias != name else None,
                         arguments=tuple(arguments), directives=(), selection_set=selection_set)


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
        key = print_ast(selection) if isinstance(selection, ast.FieldNode) and selection.alias and \
            selection.alias.value.startswith(prefix) else id(selection)
        if key not in seen:
            seen.add(key)
            out.append(selection)
    return tuple(out)


class _Planner:
    def __init__(self, supergraph: Supergraph, document: DocumentNode, variables: Mapping[str, Any]):
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, ast.FragmentDefinitionNode)}
        self.prefix = _free_prefix(document)
        self.typename = f"{self.prefix}typename"

    # -- the client's selections, as the executor would see them --------------------------------------------
    def included(self, node) -> bool:
        """@skip/@include are evaluated here, with the request's variables, so subgraphs never see them."""
        for directive in node.directives or ():
            if directive.name.value in ("skip", "include"):
                value = next(a.value for a in directive.arguments if a.name.value == "if")
                condition = self.variables.get(value.name.value) if isinstance(value, ast.VariableNode) \
                    else value.value
                if (directive.name.value == "skip") == bool(condition):
                    return False
        return True

    def applies(self, condition: ast.NamedTypeNode | None, runtime: str) -> bool:
        if condition is None or condition.name.value == runtime:
            return True
        abstract = self.schema.get_type(condition.name.value)
        return is_abstract_type(abstract) and any(t.name == runtime for t in self.schema.get_possible_types(abstract))

    def collect(self, selection_sets: Iterable[ast.SelectionSetNode], runtime: str) -> dict[str, list[ast.FieldNode]]:
        """Fields by response key for an object of type `runtime`, fragments inlined."""
        fields: dict[str, list[ast.FieldNode]] = {}

        def visit(selection_set, seen: frozenset):
            for selection in selection_set.selections:
                if not self.included(selection):
                    continue
                if isinstance(selection, ast.FieldNode):
                    fields.setdefault((selection.alias or selection.name).value, []).append(selection)
                elif isinstance(selection, ast.InlineFragmentNode):
                    if self.applies(selection.type_condition, runtime):
                        visit(selection.selection_set, seen)
                else:
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment and name not in seen and self.applies(fragment.type_condition, runtime):
                        visit(fragment.selection_set, seen | {name})

        for selection_set in selection_sets:
            if selection_set is not None:
                visit(selection_set, frozenset())
        return fields

    # -- splitting over subgraphs ------------------------------------------------------------------------------
    def field(self, group: _Group, parent: str, key: str, nodes: list[ast.FieldNode], path: tuple) -> ast.FieldNode:
        """The client's field as `group` sends it: alias and arguments kept, sub-selection planned."""
        node = nodes[0]
        definition = self.schema.get_type(parent).fields[node.name.value]
        for argument in node.arguments or ():
            group.variables.update(_variables_in(argument.value))
        selection_set = None
        if is_composite_type(get_named_type(definition.type)):
            output, lists = definition.type, 0
            while isinstance(output, (GraphQLList, GraphQLNonNull)):
                lists += isinstance(output, GraphQLList)
                output = output.of_type
            sub_path = path + (key,) + ("@",) * lists
            selections = self.composite(group, output, [n.selection_set for n in nodes], sub_path)
            selection_set = ast.SelectionSetNode(selections=_dedupe(selections, self.prefix))
        return _field(node.name.value, key, selection_set, node.arguments or ())

    def composite(self, group: _Group, output, selection_sets, path: tuple) -> list:
        if not is_abstract_type(output):
            return self.select(group, output.name, self.collect(selection_sets, output.name), path) \
                or [_field("__typename", self.typename)]  # everything was @skip-ped: a selection may not be empty
        selections = [_field("__typename", self.typename)]  # the executor needs the runtime type of abstract values
        for runtime in sorted(self.supergraph.objects_in(group.subgraph, output.name)):
            if self.schema.get_type(runtime) is None:
                continue  # @inaccessible: the client cannot select anything on it
            inner = self.select(group, runtime, self.collect(selection_sets, runtime), path)
            if inner:
                selections.append(ast.InlineFragmentNode(
                    type_condition=ast.NamedTypeNode(name=_name(runtime)), directives=(),
                    selection_set=ast.SelectionSetNode(selections=_dedupe(inner, self.prefix))))
        return selections

    def select(self, group: _Group, parent: str, fields: Mapping[str, list], path: tuple) -> list:
        selections: list = []
        for key, nodes in fields.items():
            name = nodes[0].name.value
            if name == "__typename":
                selections.append(_field(name, key))
            elif self.supergraph.resolves(group.subgraph, parent, name):
                selections.append(self.field(group, parent, key, nodes, path))
            else:
                selections.extend(self.dependent(group, parent, key, nodes, path))
        return selections

    def dependent(self, group: _Group, parent: str, key: str, nodes: list, path: tuple) -> list:
        """Plan `parent.<field>` in another subgraph through `_entities`; return what `group` must select for it."""
        name, supergraph = nodes[0].name.value, self.supergraph
        existing = {child.subgraph: child for child in group.children if child.path == path}
        targets = sorted((s for s in supergraph.owners(parent, name) if supergraph.keys(parent, s)),
                         key=lambda s: s not in existing)  # prefer joining an `_entities` call already planned
        for target, entity_key in ((t, k) for t in targets for k in supergraph.keys(parent, t)):
            # the representation: the key, plus what the field @requires; `group` must be able to select all of it
            needed = {s.name.value: (f"{self.prefix}key_{s.name.value}", s) for s in entity_key.selection.selections}
            required = supergraph.requires.get((parent, name, target))
            for s in required.selections if required else ():
                needed.setdefault(s.name.value, (f"{self.prefix}req_{s.name.value}", s))
            if all(supergraph.resolves(group.subgraph, parent, f) for f in needed):
                break
        else:
            raise PlanningError(f'cannot plan "{parent}.{name}" below subgraph "{group.subgraph}": no subgraph '
                                f'resolving it has a @key (and @requires fields) that "{group.subgraph}" can select')
        child = existing.get(target)
        if child is None:
            child = _Group(target, path)
            group.children.append(child)
        child.representation.setdefault(parent, {}).update({f: alias for f, (alias, _) in needed.items()})
        child.selections.setdefault(parent, []).append(self.field(child, parent, key, nodes, path))
        return [_field("__typename", self.typename),
                *(_field(f, alias, s.selection_set) for f, (alias, s) in needed.items())]


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


def _build(group: _Group, kind: str, operation: ast.OperationDefinitionNode, counter: list[int],
           prefix: str) -> PlanNode:
    counter[0] += 1  # subgraph operations are named as Apollo does, so subgraph logs show where they came from
    client = operation.name.value if operation.name else "Anonymous"
    label = re.sub(r"\W", "_", f"{client}__{group.subgraph}__{counter[0]}")
    declared = [d for d in operation.variable_definitions or () if d.variable.name.value in group.variables]
    forwarded = tuple(d.variable.name.value for d in declared)
    if group.path == ():
        fetch = Fetch(group.subgraph, _operation(kind, label, declared, group.selections[""], prefix), forwarded,
                      root_keys=tuple(group.root_keys), typename_key=f"{prefix}typename")
    else:
        taken = {d.variable.name.value for d in operation.variable_definitions or ()}
        variable = next(v for n in range(len(taken) + 1) if (v := "_" * n + "representations") not in taken)
        representations = ast.VariableDefinitionNode(variable=ast.VariableNode(name=_name(variable)),
                                                     type=parse_type("[_Any!]!"), directives=())
        entities = _field("_entities", None, ast.SelectionSetNode(selections=tuple(
            ast.InlineFragmentNode(type_condition=ast.NamedTypeNode(name=_name(t)), directives=(),
                                   selection_set=ast.SelectionSetNode(selections=_dedupe(s, prefix)))
            for t, s in group.selections.items())),
            [ast.ArgumentNode(name=_name("representations"), value=ast.VariableNode(name=_name(variable)))])
        fetch = Fetch(group.subgraph, _operation("query", label, [representations, *declared], [entities], prefix),
                      forwarded, path=group.path, representations=group.representation,
                      representations_variable=variable, typename_key=f"{prefix}typename")
    children = [_build(child, kind, operation, counter, prefix) for child in group.children]
    if not children:
        return fetch
    if len(children) == 1:  # a single dependent chain reads best as one flat sequence
        return Sequence([fetch, *(children[0].nodes if isinstance(children[0], Sequence) else children)])
    return Sequence([fetch, Parallel(children)])


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
    groups: list[_Group] = []
    for key, nodes in planner.collect([operation.selection_set], root.name).items():
        name = nodes[0].name.value
        if name.startswith("__"):
            continue  # __typename, __schema, __type: the gateway answers these from its own schema
        owner = supergraph.root_owners.get((root.name, name))
        if owner is None:
            raise PlanningError(f'no subgraph resolves "{root.name}.{name}"')
        if kind == "mutation":  # strictly in document order; only neighbours may share a fetch
            group = groups[-1] if groups and groups[-1].subgraph == owner else None
        else:
            group = next((g for g in groups if g.subgraph == owner), None)
        if group is None:
            group = _Group(owner)
            groups.append(group)
        group.root_keys.append(key)
        group.selections.setdefault("", []).append(planner.field(group, root.name, key, nodes, ()))
    counter = [0]
    built = [_build(g, kind, operation, counter, planner.prefix) for g in groups]
    node = (built[0] if len(built) == 1 else (Sequence if kind == "mutation" else Parallel)(built)) if built else None
    return QueryPlan(kind, node, planner.typename)
