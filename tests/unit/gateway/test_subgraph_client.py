"""The gateway's client to the subgraphs carries nothing from one caller's request to another's."""
from __future__ import annotations

import httpx

from gateway.subgraph_calls import subgraph_client


async def test_a_cookie_a_subgraph_sets_is_never_sent_with_a_later_request():
    seen: list[str | None] = []

    def subgraph(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        return httpx.Response(200, json={"data": {}}, headers={"set-cookie": "session=caller-a; Path=/"})

    async with subgraph_client(transport=httpx.MockTransport(subgraph)) as client:
        for _ in range(2):
            await client.post("http://approval.test/graphql", content=b'{"query": "{ __typename }"}')
        assert len(client.cookies) == 0
    assert seen == [None, None]


async def test_the_network_calls_keep_no_cookie_either_and_answer_the_json():
    from aiohttp import web

    from gateway.subgraph_calls import AiohttpCalls

    seen: list[str | None] = []

    async def subgraph(request: web.Request) -> web.Response:
        seen.append(request.headers.get("cookie"))
        assert await request.json() == {"query": "{ __typename }"}
        response = web.json_response({"data": {"__typename": "Query"}})
        response.set_cookie("session", "caller-a")
        return response

    app = web.Application()
    app.router.add_post("/graphql", subgraph)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    calls = AiohttpCalls(timeout=5)
    try:
        for _ in range(2):
            answer = await calls.post(f"http://localhost:{port}/graphql", b'{"query": "{ __typename }"}',
                                      {"content-type": "application/json"})
            assert answer == {"data": {"__typename": "Query"}}
    finally:
        await calls.aclose()
        await runner.cleanup()
    assert seen == [None, None]
