"""Reading every published project through the public query (`publishedProjects`), page by page.

The same document runs at the gateway (as the public: no token) and in `egov publish oc4ids` (against the approval
service's schema and database): both see exactly what the public sees, and nothing else.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable

PAGE = 200
PUBLISHED_PROJECTS = """
query OpenDataPublishedProjects($filter: PublishedProjectFilter, $first: Int!, $after: String) {
  publishedProjects(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id code name unitId kind jurisdiction year status investment crossYear
      fundSources { source amount }
      yearlyPlan { year amount }
      milestones { kind at }
      contract { contractId contractSum signedOn vendors { vendorId name } }
      changes { changeId plan status reasons decidedAt }
      acceptance { initialAcceptancePassedAt completionAcceptancePassedAt refusals { kind at } refusalReasons }
      operation { omMonths operatingOrganisation omAnnualFunding startedOn }
    } }
  }
}"""

Execute = Callable[[str, dict], Awaitable[dict]]


class PublishedQueryError(Exception):
    """The public query answered with errors."""


async def published_projects(execute: Execute, *, jurisdiction: str | None = None,
                             year: int | None = None) -> list[dict]:
    """Every published project matching the filters, in project-code order, as the public query answers them."""
    filter_ = {key: value for key, value in (("jurisdiction", jurisdiction), ("year", year)) if value is not None}
    found: list[dict] = []
    after = None
    while True:
        answer = await execute(PUBLISHED_PROJECTS, {"filter": filter_ or None, "first": PAGE, "after": after})
        if answer.get("errors") or not answer.get("data"):
            raise PublishedQueryError("; ".join(e.get("message", "?") for e in answer.get("errors") or ())
                                      or "no data")
        page = answer["data"]["publishedProjects"]
        found += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]
