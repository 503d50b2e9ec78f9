"""Every subgraph parses and validates a document once, not on every request (issue 13: the subgraphs' hot path),
keyed by the query text alone: the limits still hold on a cached document, a cached error reaches each caller as
its own copy, and two texts that parse to equal documents are never confused."""
from __future__ import annotations

import strawberry

from shared.auth import Department, Identity
from shared.graphql import LIMIT_RULES, RequestContext, subgraph_schema
from shared.graphql_caches import VALIDATED


@strawberry.type
class Level:
    @strawberry.field
    def me(self) -> Level:
        return Level()

    @strawberry.field
    def n(self) -> int:
        return 1


@strawberry.type
class Query:
    @strawberry.field
    def level(self) -> Level:
        return Level()


SCHEMA = subgraph_schema(query=Query)


async def run(query: str):
    return await SCHEMA.execute(query, context_value=RequestContext(identity=Identity(Department.PUBLIC),
                                                                    runtime=None))


async def test_a_document_is_validated_once_whatever_the_callers():
    query = "{ level { me { n } } }"
    before = VALIDATED.misses
    for _ in range(3):
        result = await run(query)
        assert result.errors is None and result.data == {"level": {"me": {"n": 1}}}
    assert VALIDATED.misses == before + 1


async def test_the_depth_limit_holds_on_a_cached_document():
    deep = "{ level { " + "me { " * 20 + "n" + " }" * 20 + " } }"
    for _ in range(2):
        result = await run(deep)
        assert result.data is None and "exceeds maximum operation depth" in result.errors[0].message
        assert result.errors[0].extensions["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_each_caller_gets_its_own_copy_of_a_cached_error():
    first, second = await run("{ level { nope } }"), await run("{ level { nope } }")
    assert [e.formatted for e in first.errors] == [e.formatted for e in second.errors]
    assert first.errors[0] is not second.errors[0]
    assert first.errors[0].extensions is not second.errors[0].extensions


async def test_texts_that_parse_to_equal_documents_keep_their_own_error_locations():
    # The parsed documents compare equal (same tokens at the same offsets), the lines differ: keyed by the document,
    # the second caller would be told line 1 for its error on line 2.
    one_line, two_lines = "{ level { n nope } }", "{ level { n\nnope } }"
    assert (await run(one_line)).errors[0].locations[0].line == 1
    assert (await run(two_lines)).errors[0].locations[0].line == 2


def test_the_limits_rules_are_built_once_so_that_validations_can_be_cached():
    made = [ext() for ext in SCHEMA.extensions if callable(ext)]
    rules = [tuple(getattr(ext, "validation_rules", ())) for ext in made if getattr(ext, "validation_rules", None)]
    assert rules and all(rule in LIMIT_RULES for group in rules for rule in group)
