"""The dead-letter commands of the `egov` CLI, against the broker (AMQP_URL, BUS_PREFIX):

    egov dead-letters list [QUEUE]                # what each service (and agency-feed-relay, approval-webhooks)
                                                  # gave up on: id, type, subject, reason, deaths
    egov dead-letters replay QUEUE ID|--all       # publish it (them) to the domain exchange again
"""
from __future__ import annotations

import asyncio
import sys

from shared.settings import Settings


def queues() -> list[str]:
    """Whose dead letters there are: each service's queue, the agency feeds' relay (services/approval/feeds) and the
    webhooks' (services/approval/webhook_dispatcher.py)."""
    from egov.registry import SERVICES
    from services.approval.feeds.relay import RELAY_QUEUE
    from services.approval.webhook_dispatcher import CONSUMER as WEBHOOK_QUEUE

    return [*SERVICES, RELAY_QUEUE, WEBHOOK_QUEUE]


def _settings(command: str, services: list[str]) -> Settings:
    unknown = set(services) - set(queues())
    if unknown:
        sys.exit(f"egov dead-letters {command}: unknown queue {', '.join(sorted(unknown))}; "
                 f"choose from {', '.join(queues())}")
    settings = Settings()
    if not settings.amqp_url:
        sys.exit(f"egov dead-letters {command}: dead letters live on RabbitMQ; set AMQP_URL (and BUS_PREFIX)")
    return settings


def cmd_list(args) -> None:
    from shared.bus.dead_letters import list_dead_letters

    services = [args.service] if args.service else queues()
    settings = _settings("list", services)
    letters = asyncio.run(list_dead_letters(settings.amqp_url, settings.bus_prefix, services))
    for letter in letters:
        print(letter.line())
    if not letters:
        print("no dead letters")


def cmd_replay(args) -> None:
    from shared.bus.dead_letters import replay

    if bool(args.event_id) == args.all:
        sys.exit("egov dead-letters replay: name one event id, or --all")
    settings = _settings("replay", [args.service])
    sent = asyncio.run(replay(settings.amqp_url, settings.bus_prefix, args.service,
                              None if args.all else {args.event_id}))
    for letter in sent:
        print(f"replayed {letter.line()}")
    if not sent and not args.all:
        sys.exit(f"egov dead-letters replay: {args.service} has no dead letter with id {args.event_id}")
    if not sent:
        print("no dead letters")


def add_dead_letter_commands(commands) -> None:
    dead = commands.add_parser("dead-letters", help="messages a service gave up on (RabbitMQ): list and replay")
    dead_commands = dead.add_subparsers(dest="dead_letters_command", required=True)
    listing = dead_commands.add_parser("list", help="dead-lettered events: id, type, subject, reason, deaths")
    listing.add_argument("service", nargs="?", metavar="SERVICE", help="one service, agency-feed-relay or approval-webhooks (default: all)")
    listing.set_defaults(func=cmd_list)
    again = dead_commands.add_parser("replay", help="publish a dead letter (or all of a service's) again")
    again.add_argument("service", metavar="SERVICE")
    again.add_argument("event_id", nargs="?", metavar="ID", help="the id `egov dead-letters list` shows")
    again.add_argument("--all", action="store_true", help="every dead letter of the service")
    again.set_defaults(func=cmd_replay)
