"""Article 5 in the graph: Federation's authorization directives, composed and enforced before planning.

A subgraph declares who may use a field or a type with `@authenticated` (any signed-in caller) or
`@requiresScopes(scopes: [[...], ...])` (any one inner list, all of its scopes). Our scopes are departments: a
caller holds exactly one scope, its token's department. Composition merges the directives as Apollo's does (a
field several subgraphs restrict needs every subgraph's condition: `@requiresScopes` merges by DNF conjunction);
the gateway refuses an operation that selects anything its caller may not use before planning it, with the
`UNAUTHENTICATED` / `FORBIDDEN` errors the services give. The services still check: a subgraph trusts no one.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from graphql import (GraphQLError, GraphQLIncludeDirective, GraphQLSkipDirective, get_named_type, is_object_type,
                     is_interface_type)
from graphql.execution.values import get_directive_values
from graphql.language import ast

from shared.auth import Identity

AUTHENTICATED_URL = "https://specs.apollo.dev/authenticated/v0.1"
REQUIRES_SCOPES_URL = "https://specs.apollo.dev/requiresScopes/v0.1"
DEFINITIONS = {
    "authenticated": "directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM",
    "requiresScopes": "directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | "
                      "OBJECT | INTERFACE | SCALAR | ENUM",
}
LINKS = {"authenticated": AUTHENTICATED_URL, "requiresScopes": REQUIRES_SCOPES_URL}


def _compact(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def dnf_conjunction(values: list[list[list[str]]]) -> list[list[str]]:
    """`@requiresScopes` of several subgraphs, merged as Apollo's composition merges them: every condition must
    hold, written again as "any one of these sets of scopes" (subsumed sets dropped, each set sorted)."""
    if not values:
        return []
    filtered, seen = [], set()
    for value in values:
        normal = sorted((sorted(inner) for inner in value), key=_compact) if value else [[]]
        if _compact(normal) not in seen:
            seen.add(_compact(normal))
            filtered.append(normal)
    result = filtered[0]
    for current in filtered[1:]:
        combined, keys = [], set()
        for left in result:
            for right in current:
                candidate = sorted(left + [s for s in right if s not in left])
                if _compact(candidate) not in keys:
                    keys.add(_compact(candidate))
                    combined.append(candidate)
        result = []
        for candidate in sorted(combined, key=len):
            if not any(set(kept) <= set(candidate) for kept in result):
                result.append(candidate)
    return result


@dataclass(frozen=True)
class Access:
    """Who may use one field or type: any signed-in caller, and/or a holder of one of `scopes`' sets."""
    authenticated: bool = False
    scopes: tuple[tuple[str, ...], ...] | None = None  # None: no scopes needed

    @property
    def open(self) -> bool:
        return not self.authenticated and self.scopes is None

    @property
    def specs(self) -> set[str]:
        """The authorization specs (`authenticated`, `requiresScopes`) that say this."""
        return {name for name, used in (("authenticated", self.authenticated),
                                        ("requiresScopes", self.scopes is not None)) if used}

    def both(self, other: Access) -> Access:
        scopes = [list(map(list, s)) for s in (self.scopes, other.scopes) if s is not None]
        return Access(self.authenticated or other.authenticated,
                      tuple(map(tuple, dnf_conjunction(scopes))) if scopes else None)

    def allows(self, caller: Identity) -> bool:
        if self.open:
            return True
        if caller.is_public:
            return False
        held = {caller.department.value}
        return self.scopes is None or any(set(needed) <= held for needed in self.scopes)

    def directives(self) -> list[ast.DirectiveNode]:
        """The directives that say this in a supergraph."""
        out = []
        if self.authenticated:
            out.append(ast.DirectiveNode(name=ast.NameNode(value="authenticated"), arguments=()))
        if self.scopes is not None:
            value = ast.ListValueNode(values=tuple(ast.ListValueNode(values=tuple(
                ast.StringValueNode(value=s) for s in inner)) for inner in self.scopes))
            out.append(ast.DirectiveNode(name=ast.NameNode(value="requiresScopes"), arguments=(
                ast.ArgumentNode(name=ast.NameNode(value="scopes"), value=value),)))
        return out

    def needed(self) -> str:
        if self.scopes is None:
            return "a signed-in caller"
        return " or ".join(" and ".join(inner) for inner in self.scopes) or "a signed-in caller"


OPEN = Access()


def access_of(directives, named=lambda d: d.name.value) -> Access:
    """The Access that the directives applied to one element say; `named` maps a directive to its spec name."""
    access = OPEN
    for directive in directives or ():
        name = named(directive)
        if name == "authenticated":
            access = access.both(Access(authenticated=True))
        elif name == "requiresScopes":
            value = next((a.value for a in directive.arguments or () if a.name.value == "scopes"), None)
            if isinstance(value, ast.ListValueNode):
                scopes = tuple(tuple(s.value for s in getattr(inner, "values", ()) if isinstance(
                    s, ast.StringValueNode)) for inner in value.values)
                access = access.both(Access(scopes=scopes))
    return access


def refusals(supergraph, document: ast.DocumentNode, operation: ast.OperationDefinitionNode, variables,
             caller: Identity) -> list[GraphQLError]:
    """Every selected field the caller may not use, as a GraphQL error at its response path (none: go ahead).
    `variables` are the coerced variable values (graphql-core's `get_variable_values`).
    Fields left out by `@skip`/`@include` are not selected; fragments are followed."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, ast.FragmentDefinitionNode)}
    schema = supergraph.schema
    errors: list[GraphQLError] = []
    root = schema.get_root_type(operation.operation)

    def included(node) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, variables)
        if skip and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, variables)
        return not (include and include.get("if") is False)

    def walk(selection_set: ast.SelectionSetNode, parent, path: tuple, visited: frozenset) -> None:
        for selection in selection_set.selections:
            if not included(selection):
                continue
            if isinstance(selection, ast.FieldNode):
                name = selection.name.value
                if name.startswith("__") or not (is_object_type(parent) or is_interface_type(parent)):
                    continue
                definition = parent.fields.get(name)
                if definition is None:
                    continue
                key = (selection.alias or selection.name).value
                returned = get_named_type(definition.type)
                access = supergraph.access_of(parent.name, name).both(supergraph.access_of(returned.name))
                if not access.allows(caller):
                    errors.append(_refusal(f"{parent.name}.{name}", access, caller, path + (key,)))
                elif selection.selection_set:
                    walk(selection.selection_set, returned, path + (key,), visited)
            elif isinstance(selection, ast.InlineFragmentNode):
                condition = selection.type_condition
                walk(selection.selection_set, schema.get_type(condition.name.value) if condition else parent, path,
                     visited)
            elif isinstance(selection, ast.FragmentSpreadNode):
                fragment = fragments.get(selection.name.value)
                if fragment is not None and fragment.name.value not in visited:
                    walk(fragment.selection_set, schema.get_type(fragment.type_condition.name.value), path,
                         visited | {fragment.name.value})

    if root is not None:
        access = supergraph.access_of(root.name)
        if not access.allows(caller):
            return [_refusal(root.name, access, caller, ())]
        walk(operation.selection_set, root, (), frozenset())
    return errors


def _refusal(what: str, access: Access, caller: Identity, path: tuple) -> GraphQLError:
    if caller.is_public:
        return GraphQLError(f"{what} needs {access.needed()}: sign in", path=list(path) or None,
                            extensions={"code": "UNAUTHENTICATED"})
    return GraphQLError(f"{what} is for {access.needed()}; you are {caller.department.value}",
                        path=list(path) or None, extensions={"code": "FORBIDDEN"})
