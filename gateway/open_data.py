"""`GET /open-data/oc4ids.json`: the published projects (R-PUB-1) as an OC4IDS project package, for anyone.

Read through the public's own query (`publishedProjects`, no token, whoever asks), so the download holds exactly
what the public may see. `?jurisdiction=` and `?year=` filter as the query does.

Caching: the `ETag` is a digest of the projects' content, so it changes exactly when the package's content does.
`Last-Modified` (and the package's `publishedDate`) is when this gateway began serving that content for those
filters: a withheld project leaving the package changes the content and so moves the date forward, which no
timestamp of the projects that remain would do. A client's `If-None-Match` is answered before its
`If-Modified-Since` (RFC 9110).
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import FastAPI, Request
from fastapi.responses import Response

from shared.auth import PUBLIC
from shared.graphql_over_http import BAD_REQUEST, error_response
from shared.jurisdictions import JURISDICTIONS
from shared.open_data import oc4ids
from shared.open_data.published import PublishedQueryError, published_projects

REMEMBERED = 256  # downloads (combinations of filters) whose content and its date are kept


class ServedSince:
    """Since when each download (one per combination of filters, the newest REMEMBERED of them) has served its
    current content. Content that changes, even back to an earlier state, is dated anew; a download forgotten (or a
    gateway restarted) is dated anew too: a client then fetches once more, and never misses a change."""

    def __init__(self, size: int = REMEMBERED):
        self.size = size
        self.current: OrderedDict[tuple, tuple[str, datetime]] = OrderedDict()
        self.latest: datetime | None = None

    def of(self, download: tuple, digest: str) -> datetime:
        known = self.current.get(download)
        if known is None or known[0] != digest:
            # Strictly after every date given before (HTTP dates count whole seconds): a client holding the
            # previous content's date must never be told the new content is not newer.
            now = datetime.now(timezone.utc).replace(microsecond=0)
            self.latest = max(now, self.latest + timedelta(seconds=1)) if self.latest else now
            known = self.current[download] = (digest, self.latest)
        self.current.move_to_end(download)
        while len(self.current) > self.size:
            self.current.popitem(last=False)
        return known[1]


def _matches(if_none_match: str, etag: str) -> bool:
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags


def _not_modified_since(header: str, last_modified: datetime) -> bool:
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored (RFC 9110 13.1.3)
    if since.tzinfo is None:
        since = since.replace(tzinfo=timezone.utc)
    return last_modified <= since


def add_open_data_routes(app: FastAPI, gateway) -> None:
    served = ServedSince()

    @app.get("/open-data/oc4ids.json")
    async def oc4ids_package(request: Request, jurisdiction: str | None = None, year: str | None = None):
        if jurisdiction is not None and jurisdiction not in JURISDICTIONS:
            return error_response(f"jurisdiction is one of {', '.join(JURISDICTIONS)}", BAD_REQUEST, 400)
        if year is not None and not (year.isascii() and year.isdigit() and len(year) == 4):
            return error_response("year is a four-digit year", BAD_REQUEST, 400)
        year_value = int(year) if year is not None else None
        if gateway.supergraph is None:
            return error_response("the gateway is still composing the supergraph", "NOT_READY", 503)

        async def execute(query: str, variables: dict) -> dict:
            return await gateway.run({"query": query, "variables": variables}, None, PUBLIC)

        try:
            found = await published_projects(execute, jurisdiction=jurisdiction, year=year_value)
        except PublishedQueryError as exc:
            return error_response(f"the published projects could not be read: {exc}", "BAD_GATEWAY", 502)
        if not found:  # an OC4IDS package holds at least one project
            return error_response("no published project matches", "NOT_FOUND", 404)
        projects = [oc4ids.project(p) for p in found]
        etag = '"' + hashlib.sha256(oc4ids.dumps(projects).encode()).hexdigest()[:40] + '"'
        last_modified = served.of((jurisdiction, year_value), etag)
        headers = {"etag": etag, "last-modified": format_datetime(last_modified, usegmt=True),
                   "cache-control": "public, no-cache"}
        if_none_match = request.headers.get("if-none-match")
        if if_none_match is not None:
            if _matches(if_none_match, etag):
                return Response(status_code=304, headers=headers)
        elif (since := request.headers.get("if-modified-since")) and _not_modified_since(since, last_modified):
            return Response(status_code=304, headers=headers)
        body = oc4ids.dumps(oc4ids.package(projects, published_date=last_modified))
        return Response(body, media_type="application/json", headers=headers)
