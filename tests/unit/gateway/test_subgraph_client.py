"""The gateway's client to the subgraphs carries nothing from one caller's request to another's."""
from __future__ import annotations

import httpx

from gateway.app import subgraph_client


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
