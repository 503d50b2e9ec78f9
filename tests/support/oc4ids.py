"""Validating an OC4IDS export against the vendored OC4IDS 0.9.5 schemas (tests/fixtures/oc4ids), offline: the
package schema's `$ref` to the project schema's URL is resolved from the local copy."""
from __future__ import annotations

import csv
import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "oc4ids"


@cache
def package_validator() -> Draft4Validator:
    package = json.loads((FIXTURES / "project-package-schema.json").read_text(encoding="utf-8"))
    project = json.loads((FIXTURES / "project-schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resources(
        [(schema["id"], Resource.from_contents(schema, default_specification=DRAFT4)) for schema in (package, project)])
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def load(text: str) -> dict:
    """An exported package, amounts read as exact Decimals (a float would hide a rounding error)."""
    return json.loads(text, parse_float=Decimal)


def validation_errors(package: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in package_validator().iter_errors(package)]


@cache
def codelist(name: str) -> frozenset[str]:
    with (FIXTURES / "codelists" / f"{name}.csv").open(encoding="utf-8") as handle:
        return frozenset(row["Code"] for row in csv.DictReader(handle))
