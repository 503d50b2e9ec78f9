"""The webhook commands of the `egov` CLI, against the approval service's database (DATABASE_URL or DATA_DIR), as
an operator of the Approval Bureau (docs/webhooks.md):

    egov webhook add URL --types 'finance.payment.*' [--types ...] [--agency NAME] [--jurisdiction J]
    egov webhook list                                   # endpoints, and deliveries by status
    egov webhook replay DELIVERY_ID | egov webhook replay --failed [--webhook ID]
"""
from __future__ import annotations

import asyncio
import sys

from shared.auth import Department, Identity
from shared.settings import Settings

OPERATOR = Identity(Department.APPROVAL_BUREAU, unit="approval-bureau", subject="operator:egov-cli")


async def _with_approval(work):
    from services.approval.app import DEFINITION
    from shared.db import create_engine, create_session_factory
    from shared.migrations import upgrade
    from shared.uow import UnitOfWork

    settings = Settings().for_service("approval")
    engine = create_engine(settings.database_url_for("approval"))
    try:
        await upgrade(DEFINITION.migrations, engine)
        sessions = create_session_factory(engine)
        tables = DEFINITION.metadata.tables
        return await work(sessions, lambda: UnitOfWork(sessions, outbox=tables["outbox"], inbox=tables["inbox"],
                                                       source="approval"), settings)
    finally:
        await engine.dispose()


def _run(command):
    from shared.errors import DomainError

    try:
        return asyncio.run(_with_approval(command))
    except DomainError as refused:
        sys.exit(f"egov webhook: {refused}")


def cmd_add(args) -> None:
    from services.approval import webhook_handlers

    async def add(_sessions, uow, settings):
        return await webhook_handlers.register(uow, OPERATOR, agency=args.agency or args.url, url=args.url,
                                               event_types=args.types, jurisdiction=args.jurisdiction,
                                               environment=settings.environment)

    done = _run(add)
    print(f"webhook {done.registration.id} registered for {done.registration.agency} at {done.registration.url}")
    print(f"secret (shown only now; give it to the agency): {done.secret}")


def cmd_list(_args) -> None:
    from services.approval.adapters.webhooks import WebhookRepository
    from services.approval.domain.webhooks import DeliveryStatus

    async def show(sessions, _uow, _settings):
        async with sessions() as session:
            repository = WebhookRepository(session)
            return (await repository.registrations(),
                    {status: await repository.count(status) for status in DeliveryStatus})

    registrations, counts = _run(show)
    for r in registrations:
        state = "enabled" if r.enabled else f"DISABLED ({r.disabled_reason})"
        print(f"{r.id}\t{r.agency}\t{r.url}\t{','.join(r.event_types)}\t{r.jurisdiction or '-'}\t{state}")
    if not registrations:
        print("no webhooks registered")
    print("deliveries: " + ", ".join(f"{status.value} {count}" for status, count in counts.items()))


def cmd_replay(args) -> None:
    from services.approval import webhook_handlers

    if bool(args.delivery_id) == bool(args.failed):
        sys.exit("egov webhook replay: name a DELIVERY_ID or --failed")

    async def replay(_sessions, uow, _settings):
        return await webhook_handlers.replay(uow, OPERATOR, delivery_id=args.delivery_id,
                                             registration_id=args.webhook)

    print(f"{_run(replay)} deliveries back in line; the approval service's dispatcher sends them next")


def add_webhook_commands(commands) -> None:
    webhook = commands.add_parser("webhook", help="signed webhooks to agencies: register, list, replay")
    webhook_commands = webhook.add_subparsers(dest="webhook_command", required=True)
    add = webhook_commands.add_parser("add", help="register an agency's endpoint (prints its secret once)")
    add.add_argument("url", metavar="URL")
    add.add_argument("--types", action="append", required=True, help="an event type or glob (repeatable)")
    add.add_argument("--agency", help="the receiving agency's name (default: the URL)")
    add.add_argument("--jurisdiction", help="only events of this jurisdiction's projects")
    add.set_defaults(func=cmd_add)
    listing = webhook_commands.add_parser("list", help="the endpoints, and the deliveries by status")
    listing.set_defaults(func=cmd_list)
    replay = webhook_commands.add_parser("replay", help="send a delivery, or every failed one, again")
    replay.add_argument("delivery_id", nargs="?", metavar="DELIVERY_ID")
    replay.add_argument("--failed", action="store_true", help="every FAILED delivery")
    replay.add_argument("--webhook", help="with --failed: only this endpoint's")
    replay.set_defaults(func=cmd_replay)
