"""An agency's webhook endpoint, as its developer would write it (docs/webhooks.md): it verifies every signature
with the standardwebhooks library, answers 500 to the first `failures` attempts of each event, and applies each
event id once (it remembers the ids it has processed)."""
from __future__ import annotations

from dataclasses import dataclass, field

from standardwebhooks import Webhook, WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route


@dataclass
class Receiver:
    secret: str | None = None
    failures: int = 0  # per event id
    verify: bool = True
    attempts: list[dict] = field(default_factory=list)  # every request: id, verified, status answered
    applied: list[dict] = field(default_factory=list)  # each event id's body, once
    bad_signatures: int = 0

    def app(self) -> Starlette:
        async def hook(request: Request):
            body = await request.body()
            headers = dict(request.headers)
            event_id = headers.get("webhook-id")
            if self.verify:
                try:
                    payload = Webhook(self.secret).verify(body, headers)
                except WebhookVerificationError:
                    self.bad_signatures += 1
                    self.attempts.append({"id": event_id, "verified": False, "status": 400})
                    return PlainTextResponse("bad signature", status_code=400)
            else:
                payload = None
            earlier = sum(1 for a in self.attempts if a["id"] == event_id)
            status = 500 if earlier < self.failures else 200
            self.attempts.append({"id": event_id, "verified": self.verify, "status": status, "headers": headers})
            if status == 200 and event_id not in {a["webhook_id"] for a in self.applied}:
                self.applied.append({"webhook_id": event_id, "body": payload})
            return JSONResponse({"ok": status == 200}, status_code=status)

        async def ready(_request: Request):
            return PlainTextResponse("ok")

        return Starlette(routes=[Route("/hook", hook, methods=["POST"]), Route("/readyz", ready)])
