"""An ASGI app served by uvicorn on a free loopback port, in a thread of this process, for one test's duration."""
from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import httpx
import uvicorn


@contextlib.contextmanager
def serve(app, *, ready_path: str = "/readyz", timeout: float = 60) -> Iterator[str]:
    """Serves `app` (its lifespan included) and yields its base URL once `ready_path` answers 200.

    The socket is bound and listening before uvicorn starts, so the readiness request simply waits in the backlog
    until the app has started: no polling. If the server dies, the socket is closed and the request fails at once.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning", timeout_graceful_shutdown=10))

    def run() -> None:
        try:
            server.run(sockets=[sock])
        finally:
            sock.close()

    thread = threading.Thread(target=run, name=f"uvicorn {base_url}", daemon=True)
    thread.start()
    try:
        response = httpx.get(base_url + ready_path, timeout=timeout)
        assert response.status_code == 200, f"{base_url}{ready_path} answered {response.status_code}: {response.text}"
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        assert not thread.is_alive(), f"the server at {base_url} did not stop"
