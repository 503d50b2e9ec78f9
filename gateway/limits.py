"""Validation rules that refuse abusive operations before any subgraph is called: depth, aliases, cost.

Introspection (`__schema`, `__type`, `__typename`) is exempt from depth and cost, so GraphiQL's own
introspection query always passes; real data fields are what these limits protect.
"""
from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from graphql import GraphQLError, ValidationRule, get_named_type, get_nullable_type, is_list_type
from graphql.language import BREAK, Visitor, ast, visit
from graphql.utilities import value_from_ast_untyped

DEFAULT_MAX_DEPTH = 12
DEFAULT_MAX_ALIASES = 30
DEFAULT_MAX_COST = 5000
DEFAULT_LIST_SIZE = 10
PAGE_ARGUMENTS = ("first", "last", "limit")

# The request's raw variables, so the cost rule can read `first: $n`; `gateway.execution.execute` sets it
# around validation (graphql-core's ValidationContext has no place for variables).
request_variables: ContextVar[Mapping[str, Any] | None] = ContextVar("request_variables", default=None)


def _fold(rule: ValidationRule, selection_set, parent, on_field, combine, memo: dict):
    """Fold `on_field` over a selection set, fragments expanded.

    Each fragment is measured once (`memo`): a fragment spread twice inside one spread twice... would
    otherwise make the check itself exponential. A fragment's measure does not depend on where it is
    spread, as its fields are read on its own type condition."""
    schema, results = rule.context.schema, []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, ast.FieldNode):
            results.append(on_field(selection, parent))
        elif isinstance(selection, ast.InlineFragmentNode):
            condition = selection.type_condition
            inner = schema.get_type(condition.name.value) if condition else parent
            results.append(_fold(rule, selection.selection_set, inner, on_field, combine, memo))
        else:
            name = selection.name.value
            if name not in memo:
                memo[name] = 0  # a cycle measures as nothing; NoFragmentCyclesRule reports it
                fragment = rule.context.get_fragment(name)
                if fragment is not None:
                    inner = schema.get_type(fragment.type_condition.name.value)
                    memo[name] = _fold(rule, fragment.selection_set, inner, on_field, combine, memo)
            results.append(memo[name])
    return combine(results)


def _deepest(values) -> int:
    return max(values, default=0)


def _is_introspection(field: ast.FieldNode) -> bool:
    return field.name.value.startswith("__")


def _error(code: str, message: str, node: ast.Node) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": code})


def max_depth_rule(limit: int = DEFAULT_MAX_DEPTH) -> type[ValidationRule]:
    """Refuse operations nesting fields deeper than `limit` (root fields are depth 1)."""

    class MaxDepthRule(ValidationRule):
        def enter_operation_definition(self, node: ast.OperationDefinitionNode, *_):
            memo: dict = {}

            def depth(field: ast.FieldNode, parent) -> int:
                if _is_introspection(field):
                    return 0
                return 1 + _fold(self, field.selection_set, None, depth, _deepest, memo)

            measured = _fold(self, node.selection_set, None, depth, _deepest, memo)
            if measured > limit:
                self.report_error(_error("DEPTH_LIMIT_EXCEEDED",
                                         f"Query depth {measured} exceeds the maximum depth of {limit}.", node))

    return MaxDepthRule


def max_aliases_rule(limit: int = DEFAULT_MAX_ALIASES) -> type[ValidationRule]:
    """Refuse operations using more than `limit` aliases, counting each fragment at every spread of it."""

    class MaxAliasesRule(ValidationRule):
        def enter_operation_definition(self, node: ast.OperationDefinitionNode, *_):
            memo: dict = {}

            def count(field: ast.FieldNode, parent) -> int:
                return bool(field.alias) + _fold(self, field.selection_set, None, count, sum, memo)

            measured = _fold(self, node.selection_set, None, count, sum, memo)
            if measured > limit:
                self.report_error(_error("ALIAS_LIMIT_EXCEEDED",
                                         f"Query uses {measured} aliases; the maximum is {limit}.", node))

    return MaxAliasesRule


def max_cost_rule(limit: int = DEFAULT_MAX_COST, default_list_size: int = DEFAULT_LIST_SIZE,
                  variables: Mapping[str, Any] | None = None) -> type[ValidationRule]:
    """Refuse operations whose static cost exceeds `limit`.

    Each field costs 1; a list field multiplies the cost of its children by its `first`/`last`/`limit`
    argument (a literal or a variable's value) or by `default_list_size` when it has none.
    """

    class MaxCostRule(ValidationRule):
        @staticmethod
        def reads_variables(document: ast.DocumentNode) -> bool:
            """Whether the verdict depends on the request's variables (`first: $n`), so it is not cached
            with the document (`gateway.operations`)."""
            return variables is None and _pages_by_variable(document)

        def enter_operation_definition(self, node: ast.OperationDefinitionNode, *_):
            values = dict(variables if variables is not None else request_variables.get() or {})
            for definition in node.variable_definitions or ():  # declared defaults count when not sent
                name = definition.variable.name.value
                if name not in values and definition.default_value is not None:
                    values[name] = value_from_ast_untyped(definition.default_value)
            schema = self.context.schema
            root = schema.get_root_type(node.operation)

            def size(field: ast.FieldNode) -> int:
                for argument in field.arguments or ():
                    if argument.name.value in PAGE_ARGUMENTS:
                        value = value_from_ast_untyped(argument.value, values)
                        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                            return value
                return default_list_size

            memo: dict = {}

            def cost(field: ast.FieldNode, parent) -> int:
                if _is_introspection(field):
                    return 0
                definition = getattr(parent, "fields", {}).get(field.name.value)
                if definition is None:  # unknown field: FieldsOnCorrectTypeRule reports it
                    return 1
                children = _fold(self, field.selection_set, get_named_type(definition.type), cost, sum, memo)
                return 1 + (size(field) if is_list_type(get_nullable_type(definition.type)) else 1) * children

            measured = _fold(self, node.selection_set, root, cost, sum, memo) if root else 0
            if measured > limit:
                self.report_error(_error("COST_LIMIT_EXCEEDED",
                                         f"Query cost {measured} exceeds the maximum cost of {limit}.", node))

    return MaxCostRule


def _pages_by_variable(document: ast.DocumentNode) -> bool:
    found = False

    class Pages(Visitor):
        def enter_argument(self, node: ast.ArgumentNode, *_):
            nonlocal found
            if node.name.value in PAGE_ARGUMENTS and isinstance(node.value, ast.VariableNode):
                found = True
                return BREAK
            return None

    visit(document, Pages())
    return found


def default_limit_rules() -> list[type[ValidationRule]]:
    return [max_depth_rule(), max_aliases_rule(), max_cost_rule()]
