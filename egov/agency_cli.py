"""The agency-feed commands of the `egov` CLI, against RabbitMQ's management API (RABBITMQ_MANAGEMENT_URL,
RABBITMQ_MANAGEMENT_USER, RABBITMQ_MANAGEMENT_PASSWORD; AMQP_URL names the vhost, BUS_PREFIX the names):

    egov agency grant --agency NAME --events 'approval.project.*,finance.payment.*' [--jurisdiction J]
    egov agency revoke --agency NAME
    egov agency list

A pattern's `*` at the end stands for the rest of the event type (docs/agency-feeds.md).
"""
from __future__ import annotations

import asyncio
import sys

from shared.settings import Settings


def _access(command: str):
    from services.approval.feeds.access import AgencyAccess

    settings = Settings()
    if not settings.amqp_url:
        sys.exit(f"egov agency {command}: agency feeds live on RabbitMQ; set AMQP_URL (and BUS_PREFIX)")
    return settings, AgencyAccess.from_settings(settings)


async def _run(access, work):
    from services.approval.feeds.access import ManagementError

    try:
        return await work
    except ManagementError as exc:
        sys.exit(f"egov agency: {exc}")
    finally:
        await access.close()


def cmd_grant(args) -> None:
    from services.approval.feeds.grants import Grant, GrantError, agency_queue, agency_user, parse_patterns

    try:
        grant = Grant(agency=args.agency, patterns=parse_patterns(args.events), jurisdiction=args.jurisdiction)
    except GrantError as exc:
        sys.exit(f"egov agency grant: {exc}")
    settings, access = _access("grant")
    password = asyncio.run(_run(access, access.grant(grant)))
    where = f" in {grant.jurisdiction}" if grant.jurisdiction else ""
    print(f"""agency {grant.agency} may read {', '.join(grant.patterns)}{where}
  user:     {agency_user(settings.bus_prefix, grant.agency)}
  password: {password}   (shown once; grant again to replace it)
  queue:    {agency_queue(settings.bus_prefix, grant.agency)}   (read only; consume it, declare nothing)""")


def cmd_revoke(args) -> None:
    _settings, access = _access("revoke")
    if not asyncio.run(_run(access, access.revoke(args.agency))):
        sys.exit(f"egov agency revoke: no agency {args.agency}")
    print(f"agency {args.agency}: user, queue and bindings deleted")


def cmd_list(_args) -> None:
    _settings, access = _access("list")
    feeds = asyncio.run(_run(access, access.list()))
    for feed in feeds:
        print(f"{feed.agency}\t{feed.messages} waiting\t{', '.join(feed.bindings) or '(no bindings)'}")
    if not feeds:
        print("no agencies")


def add_agency_commands(commands) -> None:
    agency = commands.add_parser("agency", help="other agencies' feeds of our events (RabbitMQ): grant, revoke, list")
    agency_commands = agency.add_subparsers(dest="agency_command", required=True)
    grant = agency_commands.add_parser("grant", help="give an agency its own user and queue of the events it may read")
    grant.add_argument("--agency", required=True, help="lower-case letters, digits, '-'")
    grant.add_argument("--events", required=True,
                       help="comma-separated event types or patterns, e.g. 'approval.project.*,finance.payment.*'")
    grant.add_argument("--jurisdiction", help="only projects of this jurisdiction (e.g. HESHAN)")
    grant.set_defaults(func=cmd_grant)
    revoke = agency_commands.add_parser("revoke", help="delete an agency's user, queue and bindings")
    revoke.add_argument("--agency", required=True)
    revoke.set_defaults(func=cmd_revoke)
    listing = agency_commands.add_parser("list", help="agencies, the events they read, their queue depth")
    listing.set_defaults(func=cmd_list)
