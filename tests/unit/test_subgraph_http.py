"""A subgraph's errors over HTTP carry Apollo's `extensions.code` (GraphQL over HTTP, Apollo's error codes): an
unexpected error stays masked and is an INTERNAL_SERVER_ERROR; a variable's bad value is the caller's mistake,
BAD_USER_INPUT with its message, not masked; a refusal keeps its own code."""
from __future__ import annotations

import logging

import httpx
import strawberry
from fastapi import FastAPI

from shared.graphql import Forbidden, subgraph_schema
from shared.subgraph_http import SubgraphRouter


@strawberry.type
class Level:
    @strawberry.field
    def me(self) -> Level:
        return Level()

    @strawberry.field
    def echo(self, times: int) -> int:
        return times


@strawberry.type
class Query:
    @strawberry.field
    def boom(self) -> str | None:
        raise RuntimeError("the database password is hunter2")

    @strawberry.field
    def secret(self) -> str | None:
        raise Forbidden("this is for the Secrecy Bureau")

    @strawberry.field
    def echo(self, times: int) -> int:
        return times

    @strawberry.field
    def me(self) -> Level:
        return Level()


async def ask(body: dict) -> dict:
    app = FastAPI()
    app.include_router(SubgraphRouter(subgraph_schema(query=Query)), prefix="/graphql")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://subgraph") as client:
        return (await client.post("/graphql", json=body)).json()


async def test_an_unexpected_error_is_masked_and_coded_internal():
    answer = await ask({"query": "{ boom }"})
    assert answer["data"] == {"boom": None}
    assert [(e["message"], e["extensions"]["code"]) for e in answer["errors"]] == [
        ("Unexpected error.", "INTERNAL_SERVER_ERROR")]


async def test_a_refusal_keeps_its_code():
    answer = await ask({"query": "{ secret }"})
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_bad_variable_is_bad_user_input_with_its_message():
    answer = await ask({"query": "query($n: Int!) { echo(times: $n) }", "variables": {"n": "many"}})
    assert "data" not in answer
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "many" in error["message"]


async def test_expected_refusals_are_info_and_only_unexpected_errors_are_errors_in_the_log(caplog):
    """Convention 11: a syntax error, a bad variable or FORBIDDEN is one INFO line; ERROR means someone must look."""
    caplog.set_level(logging.INFO)
    for body in ({"query": "{ secret }"}, {"query": "{ nope"}, {"query": "{ nope }"},
                 {"query": "query($n: Int!) { echo(times: $n) }", "variables": {"n": "many"}}):
        await ask(body)
    assert caplog.records and all(r.levelno == logging.INFO and not r.exc_info for r in caplog.records)
    caplog.clear()
    await ask({"query": "{ boom }"})
    assert [r.levelno for r in caplog.records if r.name != "httpx"] == [logging.ERROR]


async def test_a_subgraph_reached_directly_has_limits_of_its_own():
    """A subgraph called without the gateway still refuses unbounded work: a body over its limit (413), thousands of
    aliases, tokens or nesting levels (GRAPHQL_VALIDATION_FAILED or GRAPHQL_PARSE_FAILED), before any resolver runs."""
    from shared.graphql import SUBGRAPH_MAX_ALIASES, SUBGRAPH_MAX_DEPTH, SUBGRAPH_MAX_TOKENS

    app = FastAPI()
    app.include_router(SubgraphRouter(subgraph_schema(query=Query), max_body_bytes=10_000), prefix="/graphql")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://subgraph") as client:
        big = await client.post("/graphql", json={"query": "{ echo(times: 1) }", "pad": "x" * 20_000})
        assert big.status_code == 413 and big.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    aliases = "{ " + " ".join(f"a{n}: echo(times: {n})" for n in range(SUBGRAPH_MAX_ALIASES + 1)) + " }"
    tokens = "{ " + "echo(times: 1) " * (SUBGRAPH_MAX_TOKENS // 5) + "}"
    deep = "{ " + "me { " * (SUBGRAPH_MAX_DEPTH + 1) + "echo(times: 1)" + " }" * (SUBGRAPH_MAX_DEPTH + 1) + " }"
    for query in (aliases, tokens, deep):
        answer = await ask({"query": query})
        assert "data" not in answer and answer["errors"], query[:40]
    assert (await ask({"query": "{ echo(times: 3) }"})) == {"data": {"echo": 3}}
