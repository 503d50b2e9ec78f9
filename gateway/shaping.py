"""The fast way to shape fetched data into the client's response, for the common case: every value is where the
client's selection expects it, of the type it expects.

graphql-core's executor (`gateway.execution`) is the reference: it answers introspection, reports a null in a
non-null field as the spec says and propagates it. It also resolves every field through several layers of
generic machinery, which for a list of 50 projects costs more than everything else the gateway does. So the
gateway first shapes with `Shaper`, which does the same for data that needs none of that, and gives up (`Bail`) at
the first thing it does not handle: an introspection field, a null where the schema forbids one, a value of the
wrong kind, a type it cannot tell. Then graphql-core shapes the whole response instead, so every answer is the
reference's answer.

A shaper holds, per (selection, runtime type), the fields collected as the spec's CollectFields does (fragments
expanded, @skip/@include applied with the request's values); it is kept with the plan it belongs to, as both
depend on the same variables.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (GraphQLBoolean, GraphQLFloat, GraphQLID, GraphQLInt, GraphQLList, GraphQLNonNull,
                     GraphQLObjectType, GraphQLSchema, GraphQLString, is_abstract_type, is_leaf_type)
from graphql.language import ast

from gateway.planner import included

_INT_MIN, _INT_MAX = -(2 ** 31), 2 ** 31 - 1


class Bail(Exception):
    """The data needs the reference executor (an error to report, introspection, anything unusual)."""


class Shaper:
    def __init__(self, schema: GraphQLSchema, document: ast.DocumentNode, operation: ast.OperationDefinitionNode,
                 variables: Mapping[str, Any], typename_key: str):
        self.schema = schema
        self.operation = operation
        self.variables = variables
        self.typename_key = typename_key
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, ast.FragmentDefinitionNode)}
        self.collected: dict[tuple, list] = {}

    def shape(self, data: Mapping) -> dict:
        """The response's `data`; raises Bail."""
        root = self.schema.get_root_type(self.operation.operation)
        if root is None:
            raise Bail
        return self._object(data, root, (self.operation.selection_set,))

    # -- collecting fields ------------------------------------------------------------------------------------------
    def _fields(self, object_type: GraphQLObjectType, selection_sets: tuple) -> list:
        key = (tuple(map(id, selection_sets)), object_type.name)
        fields = self.collected.get(key)
        if fields is None:
            grouped: dict[str, list[ast.FieldNode]] = {}
            for selection_set in selection_sets:
                self._collect(object_type, selection_set, grouped, set())
            fields = []
            for response_key, nodes in grouped.items():
                name = nodes[0].name.value
                if name == "__typename":
                    fields.append((response_key, None, None))
                    continue
                if name.startswith("__"):
                    raise Bail  # introspection: the reference answers it
                definition = object_type.fields.get(name)
                if definition is None:
                    raise Bail
                subselections = tuple(n.selection_set for n in nodes if n.selection_set is not None)
                fields.append((response_key, definition.type, subselections))
            self.collected[key] = fields
        return fields

    def _collect(self, object_type, selection_set: ast.SelectionSetNode, grouped: dict, visited: set) -> None:
        for selection in selection_set.selections:
            if not included(selection, self.variables):
                continue
            if isinstance(selection, ast.FieldNode):
                grouped.setdefault((selection.alias or selection.name).value, []).append(selection)
            elif isinstance(selection, ast.InlineFragmentNode):
                if self._applies(selection.type_condition, object_type):
                    self._collect(object_type, selection.selection_set, grouped, visited)
            else:
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None or not self._applies(fragment.type_condition, object_type):
                    continue
                visited.add(name)
                self._collect(object_type, fragment.selection_set, grouped, visited)

    def _applies(self, condition: ast.NamedTypeNode | None, object_type: GraphQLObjectType) -> bool:
        if condition is None or condition.name.value == object_type.name:
            return True
        conditional = self.schema.get_type(condition.name.value)
        return conditional is not None and is_abstract_type(conditional) and \
            self.schema.is_sub_type(conditional, object_type)

    # -- completing values ------------------------------------------------------------------------------------------
    def _object(self, value: Any, object_type: GraphQLObjectType, selection_sets: tuple) -> dict:
        if not isinstance(value, Mapping):
            raise Bail
        out = {}
        for response_key, field_type, subselections in self._fields(object_type, selection_sets):
            out[response_key] = object_type.name if field_type is None else \
                self._complete(value.get(response_key), field_type, subselections)
        return out

    def _complete(self, value: Any, field_type, selection_sets: tuple) -> Any:
        if isinstance(field_type, GraphQLNonNull):
            if value is None:
                raise Bail  # the reference reports it and propagates the null
            field_type = field_type.of_type
        elif value is None:
            return None
        if isinstance(field_type, GraphQLList):
            if not isinstance(value, list):
                raise Bail
            item_type = field_type.of_type
            return [self._complete(item, item_type, selection_sets) for item in value]
        if is_leaf_type(field_type):
            return _leaf(value, field_type)
        if is_abstract_type(field_type):
            typename = value.get(self.typename_key) if isinstance(value, Mapping) else None
            runtime = self.schema.get_type(typename) if isinstance(typename, str) else None
            if not isinstance(runtime, GraphQLObjectType) or not self.schema.is_sub_type(field_type, runtime):
                raise Bail
            field_type = runtime
        return self._object(value, field_type, selection_sets)


def _leaf(value: Any, leaf_type) -> Any:
    """The value as graphql-core would serialize it, where that is plain; Bail where the reference must judge."""
    kind = type(value)
    if leaf_type is GraphQLString:
        if kind is str:
            return value
    elif leaf_type is GraphQLID:
        if kind is str:
            return value
        if kind is int:
            return str(value)
    elif leaf_type is GraphQLBoolean:
        if kind is bool:
            return value
    elif leaf_type is GraphQLInt:
        if kind is int and _INT_MIN <= value <= _INT_MAX:
            return value
    elif leaf_type is GraphQLFloat:
        if kind is float or kind is int:
            return float(value)
    else:  # enums and custom scalars: their own serialize
        try:
            serialized = leaf_type.serialize(value)
        except Exception:  # noqa: BLE001 - the reference reports it as an error of the field
            raise Bail from None
        if serialized is not None:
            return serialized
    raise Bail
