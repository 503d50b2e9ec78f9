"""Each response leaves in one write: what the server writes in one turn of the event loop goes out at once."""
import asyncio
import socket
import threading

import httpx
import uvicorn
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from shared.http_server import CoalescingHttpToolsProtocol, _TurnBufferedTransport


class RecordingTransport:
    def __init__(self):
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_extra_info(self, name, default=None):
        return ("127.0.0.1", 1) if name == "peername" else default


async def test_writes_in_one_turn_go_out_as_one_and_later_ones_after():
    real = RecordingTransport()
    transport = _TurnBufferedTransport(real, asyncio.get_running_loop())
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(b"{}")
    assert real.writes == []
    await asyncio.sleep(0)
    assert real.writes == [b"HTTP/1.1 200 OK\r\n\r\n{}"]
    transport.write(b"data: 1\n\n")
    await asyncio.sleep(0)
    assert real.writes[-1] == b"data: 1\n\n"
    assert transport.get_extra_info("peername") == ("127.0.0.1", 1)  # the rest is the transport's own


async def test_close_sends_what_is_pending_first_and_abort_drops_it():
    real = RecordingTransport()
    transport = _TurnBufferedTransport(real, asyncio.get_running_loop())
    transport.write(b"last words")
    transport.close()
    assert real.writes == [b"last words"] and real.closed
    other = RecordingTransport()
    transport = _TurnBufferedTransport(other, asyncio.get_running_loop())
    transport.write(b"never sent")
    transport.abort()
    await asyncio.sleep(0)
    assert other.writes == [] and other.aborted


def test_uvicorn_serves_plain_and_streamed_responses_through_it():
    app = FastAPI()

    @app.post("/graphql")
    async def answer(payload: dict):
        return {"data": payload}

    @app.get("/events")
    async def events():
        async def stream():
            for n in range(3):
                yield f"data: {n}\n\n"
                await asyncio.sleep(0.01)
        return StreamingResponse(stream(), media_type="text/event-stream")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, http=CoalescingHttpToolsProtocol,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(200):
            if server.started:
                break
            threading.Event().wait(0.02)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for n in range(3):  # one kept-alive connection, several responses
                assert client.post("/graphql", json={"n": n}).json() == {"data": {"n": n}}
            with client.stream("GET", "/events") as response:
                assert "".join(response.iter_text()) == "data: 0\n\ndata: 1\n\ndata: 2\n\n"
    finally:
        server.should_exit = True
        thread.join(10)
