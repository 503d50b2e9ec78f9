"""The `egov` command line: run everything embedded, serve one service, migrate, mint tokens, print the event catalog."""
from __future__ import annotations

import argparse
import asyncio
import ctypes
import errno
import json
import socket
import subprocess
import sys
from pathlib import Path

from egov.agency_cli import add_agency_commands
from egov.audit_cli import add_audit_commands
from egov.dead_letters_cli import add_dead_letter_commands
from egov.outbox_cli import add_outbox_commands
from egov.publish_cli import add_publish_commands
from egov.trail_cli import add_trail_commands
from egov.webhook_cli import add_webhook_commands
from shared.auth import AuthError, Department, development_keys, mint_token
from shared.settings import GatewaySettings, Settings

DEFAULT_PORTS = {"gateway": 8000, "approval": 8001, "finance": 8002, "audit": 8003, "secrecy": 8004}


def _uvicorn(app, host: str, port: int, listening: socket.socket | None = None, *, access_log: bool = False) -> None:
    import uvicorn

    from shared.http_server import CoalescingHttpToolsProtocol

    # No permessage-deflate on WebSockets: a zlib context per connection costs the gateway ~100 KiB of memory and a
    # compression per frame per subscriber, for subscription frames of a few hundred bytes (Node's `ws` server leaves
    # it off by default for the same reason). No access log unless ACCESS_LOG: a line per request is about 5% of
    # the gateway's CPU, and the metrics count requests by operation and outcome.
    config = uvicorn.Config(app, host=host, port=port, log_level="info", ws_per_message_deflate=False,
                            access_log=access_log, http=CoalescingHttpToolsProtocol)
    server = uvicorn.Server(config)
    server.run(sockets=[listening] if listening else None)
    if not server.started:
        sys.exit(3)  # uvicorn's own exit status for a server that did not start


def _take_port(command: str, host: str, port: int) -> socket.socket:
    """Bind the address before saying where the system answers, and hand the socket to uvicorn: a port already in
    use is then a clear refusal naming --port, not an announcement followed by uvicorn's error."""
    listening = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: restart over TIME_WAIT
    try:
        listening.bind((host, port))
    except OSError as exc:
        listening.close()
        taken = " (is egov already running there?)" if exc.errno == errno.EADDRINUSE else ""
        sys.exit(f"egov {command}: cannot listen on {host}:{port}: {exc.strerror or exc}{taken}; choose another "
                 f"port with --port, e.g. `egov {command} --port {port + 1}` (or another address with --host)")
    listening.set_inheritable(True)
    return listening


def cmd_run(args) -> None:
    from egov.embedded import EmbeddedSystem
    from gateway.console import console_dir, is_built
    from shared.telemetry import setup_logging, setup_telemetry

    listening = _take_port("run", args.host, args.port)
    settings = GatewaySettings()
    setup_logging(json_logs=settings.log_json)
    setup_telemetry("egov-embedded", console=settings.otel_console)
    system = EmbeddedSystem(settings, freeze_heap=True)
    token = mint_token(system.settings, department=Department.APPROVAL_BUREAU, unit="yiyang-approval-bureau")
    base = f"http://{args.host}:{args.port}"
    services = f"  each service directly:  {base}/services/<approval|finance|audit|secrecy>/graphql\n" \
        if system.settings.expose_subgraphs else ""
    console = console_dir(system.settings.console_dir)
    console_line = f"  Open the console:  {base}/console/   (pick a department and unit to sign in)" if is_built(console) \
        else f"  The web console is not built ({console}): scripts/build-console.sh (Node.js 20.19+)"
    # The token is printed here, never put in a URL: URLs end up in access logs and browser history.
    print(f"""
egov is running embedded (SQLite files under {system.settings.data_dir.resolve()}, in-process bus).

{console_line}

  GraphiQL:  {base}/graphql   (signed in as the console is; or as the Approval Bureau with this in its Headers tab)
    {{"Authorization": "Bearer {token}"}}
{services}
Mint a token for another department:  egov token --department CONSTRUCTION_UNIT --unit city-health-commission
""", flush=True)
    _uvicorn(system.app, args.host, args.port, listening, access_log=settings.access_log)


def cmd_serve(args) -> None:
    from shared.telemetry import setup_logging, setup_telemetry

    settings = GatewaySettings() if args.service == "gateway" else Settings()
    setup_logging(json_logs=settings.log_json)
    setup_telemetry(f"egov-{args.service}", console=settings.otel_console)
    port = args.port or DEFAULT_PORTS[args.service]
    if args.service == "gateway":
        from gateway.app import create_gateway_app
        from gateway.persisted import PersistedDocuments

        if args.subgraphs or args.supergraph:
            settings = settings.model_copy(update={
                "subgraphs_file": Path(args.subgraphs) if args.subgraphs else None,
                "supergraph_file": Path(args.supergraph) if args.supergraph else None})
        if args.trusted_documents:
            settings = settings.model_copy(update={"trusted_documents_file": Path(args.trusted_documents)})
        if args.trusted_documents_only:
            settings = settings.model_copy(update={"trusted_documents_only": True})
        try:
            if args.subgraphs:
                settings.subgraph_urls()
            PersistedDocuments.from_settings(settings)
        except (OSError, ValueError) as exc:
            sys.exit(f"egov serve gateway: {exc}")
        _uvicorn(create_gateway_app(settings, freeze_heap=True), args.host, port, access_log=settings.access_log)
        return
    if args.subgraphs or args.supergraph or args.trusted_documents:
        sys.exit("egov serve: --subgraphs, --supergraph and --trusted-documents are for the gateway")
    from egov.registry import SERVICES
    from shared.service import ServiceRuntime, create_service_app

    if settings.embedded and settings.environment != "test":
        print("note: AMQP_URL is not set; this service uses an in-process bus and will not see other services' "
              "events", file=sys.stderr)
    # Migrated by a child process, so the server never loads Alembic (about 11 MB of every service's memory).
    migrated = subprocess.run([sys.executable, "-m", "egov.cli", "migrate", args.service])
    if migrated.returncode != 0:
        sys.exit(f"egov serve {args.service}: the database could not be migrated (see above)")
    _fewer_malloc_arenas()
    runtime = ServiceRuntime(SERVICES[args.service], settings.for_service(args.service))
    _uvicorn(create_service_app(runtime, migrate_on_start=False, freeze_heap=True), args.host, port,
             access_log=settings.access_log)


def _fewer_malloc_arenas() -> None:
    """glibc gives each thread that allocates its own malloc arena, and a service runs two busy threads (requests,
    and the relay and consumers on the events loop), each arena keeping its own freed memory. Two arenas serve them;
    set before the events thread starts. Harmless where the C library is not glibc."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def cmd_graph_check(args) -> None:
    """Ask the running gateway whether a subgraph's new SDL composes and which recent operations it breaks."""
    import httpx

    try:
        sdl = Path(args.schema).read_text(encoding="utf-8")
    except OSError as exc:
        sys.exit(f"egov graph check: {exc}")
    headers = {"authorization": f"Bearer {args.token}"} if args.token else {}
    try:
        response = httpx.post(args.gateway.rstrip("/") + "/graph/check", headers=headers, timeout=60,
                              json={"name": args.name, "sdl": sdl, "url": args.url})
        report = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        sys.exit(f"egov graph check: the gateway at {args.gateway} did not answer: {exc}")
    if response.status_code != 200:
        sys.exit(f"egov graph check: {report}")
    if not report["composes"]:
        print(f'"{args.name}" does not compose with the running graph:')
        for problem in report["problems"]:
            print(f"  - {problem}")
    for broken in report["brokenOperations"]:
        print("it would break this operation clients sent recently:\n" + broken["operation"].strip())
        for problem in broken["problems"]:
            print(f"  - {problem}")
    if report["composes"] and not report["brokenOperations"]:
        print(f'"{args.name}" composes with the running graph and breaks none of the operations sent recently')
    sys.exit(0 if report["composes"] and not report["brokenOperations"] else 1)


def cmd_migrate(args) -> None:
    from egov.registry import SERVICES, chosen
    from shared.db import create_engine
    from shared.migrations import current_revision, upgrade

    settings = Settings()
    services = chosen(args.services, "egov migrate")

    async def migrate_all() -> None:
        for name in services:
            engine = create_engine(settings.database_url_for(name))
            try:
                await upgrade(SERVICES[name].migrations, engine)
                print(f"{name}: at revision {await current_revision(engine)}")
            finally:
                await engine.dispose()

    asyncio.run(migrate_all())


def cmd_token(args) -> None:
    # Which key signs matters: a system verifying with another pair refuses the token ("Signature verification
    # failed"), so say it on stderr (stdout stays the bare token, for `TOKEN=$(egov token ...)`).
    try:
        settings, created = development_keys(Settings())
        token = mint_token(settings, department=args.department, unit=args.unit, parent_units=args.parent or [],
                           roles=args.role or [], ttl_seconds=args.ttl)
    except AuthError as exc:
        sys.exit(f"egov token: {exc}")
    if created:
        print(f"egov token: no development key pair in {settings.data_dir.resolve()}; made a new one in "
              f"{Path(settings.jwt_private_key_file).parent} (a system already running with other keys refuses "
              "its tokens: restart it, or set DATA_DIR to its data folder)", file=sys.stderr)
    print(f"egov token: signed with {settings.jwt_private_key_file}", file=sys.stderr)
    print(token)


def cmd_asyncapi(args) -> None:
    if args.audience == "agencies":
        from egov.asyncapi_agencies import agency_asyncapi_document as document
    else:
        from egov.asyncapi import asyncapi_document as document

    print(json.dumps(document(), indent=2, ensure_ascii=False))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="egov", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run every service and the gateway in one process (embedded default)")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=DEFAULT_PORTS["gateway"])
    run.set_defaults(func=cmd_run)

    serve = commands.add_parser("serve", help="serve one service (or the gateway) against DATABASE_URL/AMQP_URL")
    serve.add_argument("service", choices=list(DEFAULT_PORTS))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int)
    serve.add_argument("--subgraphs", metavar="FILE",
                       help='gateway: a JSON list of {"name": ..., "url": ...} (also SUBGRAPHS_FILE / SUBGRAPHS)')
    serve.add_argument("--supergraph", metavar="FILE",
                       help="gateway: a supergraph SDL composed by Apollo's tooling (also SUPERGRAPH_FILE)")
    serve.add_argument("--trusted-documents", metavar="FILE",
                       help="gateway: the operations front-ends shipped, sendable by hash: an Apollo persisted-query "
                            "manifest or a {hash: document} map (also TRUSTED_DOCUMENTS_FILE)")
    serve.add_argument("--trusted-documents-only", action="store_true",
                       help="gateway: run only those documents (also TRUSTED_DOCUMENTS_ONLY=true)")
    serve.set_defaults(func=cmd_serve)

    graph = commands.add_parser("graph", help="the federated graph")
    graph_commands = graph.add_subparsers(dest="graph_command", required=True)
    check = graph_commands.add_parser("check", help="would this subgraph SDL compose with the running graph, and "
                                                    "which operations clients sent recently would it break?")
    check.add_argument("--gateway", default="http://127.0.0.1:8000", help="the running gateway")
    check.add_argument("--name", required=True, help="the subgraph's name (new or already in the graph)")
    check.add_argument("--schema", required=True, metavar="FILE", help="the subgraph's new SDL")
    check.add_argument("--url", help="where the subgraph will answer (for a new one)")
    check.add_argument("--token", help="a signed token (any department)")
    check.set_defaults(func=cmd_graph_check)

    migrate = commands.add_parser("migrate", help="upgrade services' databases to their latest migration")
    migrate.add_argument("services", nargs="*", metavar="SERVICE",
                         help="approval, finance, audit or secrecy (default: all four)")
    migrate.set_defaults(func=cmd_migrate)

    token = commands.add_parser("token", help="mint a development token for a department and unit")
    token.add_argument("--department", required=True, choices=[d.value for d in Department if d is not Department.PUBLIC])
    token.add_argument("--unit", help="the caller's unit (required for a construction unit)")
    token.add_argument("--parent", action="append", help="a parent unit, nearest first (repeatable)")
    token.add_argument("--role", action="append", help="a role (repeatable)")
    token.add_argument("--ttl", type=int, default=8 * 3600, help="lifetime in seconds")
    token.set_defaults(func=cmd_token)

    asyncapi = commands.add_parser("asyncapi", help="print the event catalog as an AsyncAPI 3.0 document")
    asyncapi.add_argument("--audience", choices=["internal", "agencies"], default="internal",
                          help="internal: the services' exchange (docs/events.asyncapi.json); agencies: the agency "
                               "feed and the webhooks (docs/agency-events.asyncapi.json)")
    asyncapi.set_defaults(func=cmd_asyncapi)
    add_agency_commands(commands)
    add_audit_commands(commands)
    add_outbox_commands(commands)
    add_dead_letter_commands(commands)
    add_publish_commands(commands)
    add_trail_commands(commands)
    add_webhook_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
