"""The local `$ref`s of a JSON document (an AsyncAPI catalog), and what each points to."""
from __future__ import annotations


def references(node) -> list[str]:
    """Every `$ref` string in the document, depth first."""
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in references(value)]
    return []


def unresolved(document: dict) -> list[str]:
    """The references that are not `#/...` pointers to something inside the document."""
    missing = []
    for pointer in references(document):
        node = document
        try:
            for part in pointer.removeprefix("#/").split("/"):
                node = node[part]
        except (KeyError, TypeError, IndexError):
            node = None
        if not pointer.startswith("#/") or node is None:
            missing.append(pointer)
    return missing
