"""R-PUB-1 (Art 19) in the approval service, on SQLite: what is published and to whom, the Approval Bureau's
withholding and release (recorded, reversible, refused to everyone else), and the OC4IDS export read from the
service's database as `egov publish oc4ids` reads it."""
from __future__ import annotations

import json

from sqlalchemy import select

from egov.publish_cli import package_text, read_published
from services.approval.adapters.repository import ProjectRepository
from services.approval.domain import publicity
from services.approval.domain.lifecycle import Action, ProjectStatus
from shared.auth import Department, Identity
from tests.support.oc4ids import load, validation_errors
from tests.unit.approval.builders import BUREAU, UNIT, project_at
from tests.unit.approval.test_service import PUBLIC, counts, drafted, run

LIST = """query($filter: PublishedProjectFilter, $first: Int!, $after: String) {
  publishedProjects(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id code name status investment } } } }"""
ONE = "query($id: ID!) { publishedProject(id: $id) { id code name status } }"
WITHHOLD = ("withholdPublication", {"law": "《中华人民共和国政府信息公开条例》第十四条",
                                    "reason": "discloses the layout of the city's emergency network"})


async def approved(approval, name: str, estimate: int = 5_000_000_00, **changes) -> str:
    project_id = await drafted(approval, estimate=estimate, name=name, **changes)
    assert (await run(approval, UNIT, "submitProject", id=project_id))["userErrors"] == []
    assert (await run(approval, BUREAU, "approveProject", id=project_id))["userErrors"] == []
    return project_id


async def public_list(approval, **filter_) -> list[str]:
    answer = await approval.call(PUBLIC, LIST, filter=filter_ or None, first=200, after=None)
    connection = answer["publishedProjects"]
    names = [edge["node"]["name"] for edge in connection["edges"]]
    assert connection["totalCount"] == len(names)
    return names


def test_R_PUB_1_published_means_approved_not_classified_not_withheld():
    assert not publicity.is_published(project_at(ProjectStatus.SUBMITTED))
    assert publicity.is_published(project_at(ProjectStatus.APPROVED))
    assert publicity.is_published(project_at(ProjectStatus.CLOSED))
    assert not publicity.is_published(project_at(ProjectStatus.IN_OPERATION, classified=True))
    withheld = project_at(ProjectStatus.APPROVED).model_copy(update={"withholding": publicity.Withholding(
        law="l", reason="r", withheld_at=project_at(ProjectStatus.APPROVED).updated_at)})
    assert not publicity.is_published(withheld)


def test_R_PUB_1_the_public_view_holds_the_lifecycle_milestones_contract_acceptance_and_operation():
    project = project_at(ProjectStatus.IN_OPERATION)
    view = publicity.published_view(project, [], year=2026)
    assert view.contract.contract_sum == project.contract.contract_sum and view.contract.vendors[0].name
    assert view.operation.om_months == 36 and view.acceptance.completion_acceptance_passed_at == project.accepted_at
    assert set(publicity.PublishedView.model_fields) == {
        "id", "code", "name", "unit_id", "kind", "jurisdiction", "year", "status", "investment", "fund_sources",
        "cross_year", "yearly_plan", "milestones", "contract", "changes", "acceptance", "operation"}


async def test_R_PUB_1_the_public_sees_approved_projects_only_never_classified_withheld_or_unapproved(approval):
    ordinary = await approved(approval, "Ordinary clinic booking")
    await approved(approval, "Major city brain", estimate=30_000_000_00)
    secret = await approved(approval, "Secret command network", declaredClassified=True)
    withheld = await approved(approval, "Withheld emergency network")
    draft = await drafted(approval, name="Draft archive system")
    assert (await run(approval, BUREAU, WITHHOLD[0], id=withheld, **WITHHOLD[1]))["userErrors"] == []

    assert await public_list(approval) == ["Ordinary clinic booking", "Major city brain"]
    for filter_, expected in [({"jurisdiction": "CITY"}, 2), ({"jurisdiction": "ANHUA"}, 0),
                              ({"statuses": ["APPROVED"]}, 2),
                              ({"statuses": ["DRAFT", "SUBMITTED"]}, 0), ({"kinds": ["APPLICATION_SYSTEM_NEW"]}, 2),
                              ({"unit": "city-government"}, 2), ({"nameContains": "network"}, 0),
                              ({"nameContains": "CLINIC"}, 1), ({"nameContains": "%"}, 0), ({"year": 1999}, 0)]:
        assert len(await public_list(approval, **filter_)) == expected, filter_
    # Any signed-in caller sees the same public list: the window is the same for everyone.
    bureau = await approval.call(BUREAU, LIST, filter=None, first=200, after=None)
    assert bureau["publishedProjects"]["totalCount"] == 2

    unknown = await approval.call(PUBLIC, ONE, id="00000000-0000-0000-0000-000000000000")
    for hidden in (secret, withheld, draft):
        assert await approval.call(PUBLIC, ONE, id=hidden) == unknown == {"publishedProject": None}
    shown = await approval.call(PUBLIC, ONE, id=ordinary)
    assert shown["publishedProject"]["name"] == "Ordinary clinic booking"


async def test_R_PUB_1_pages_follow_the_cursor_and_a_foreign_cursor_is_a_bad_input(approval):
    for name in ("A one", "B two", "C three"):
        await approved(approval, name)
    seen, after = [], None
    while True:
        page = (await approval.call(PUBLIC, LIST, filter=None, first=2, after=after))["publishedProjects"]
        assert page["totalCount"] == 3
        seen += [edge["node"]["name"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["A one", "B two", "C three"]
    refused = await approval.call(PUBLIC, LIST, filter=None, first=2, after="!!not a cursor")
    assert refused["errors"][0]["code"] == "BAD_USER_INPUT"


async def test_R_PUB_1_withholding_is_recorded_with_law_and_reason_and_release_brings_it_back(approval):
    project_id = await approved(approval, "Bridge sensor network")
    assert await public_list(approval) == ["Bridge sensor network"]
    assert (await run(approval, BUREAU, WITHHOLD[0], id=project_id, **WITHHOLD[1]))["userErrors"] == []
    assert await public_list(approval) == []
    again = await run(approval, BUREAU, WITHHOLD[0], id=project_id, **WITHHOLD[1])
    assert [e["code"] for e in again["userErrors"]] == ["R-PUB-1"]  # already withheld
    released = await run(approval, BUREAU, "releasePublication", id=project_id, reason="the network was retired")
    assert released["userErrors"] == []
    assert await public_list(approval) == ["Bridge sensor network"]
    async with approval.runtime.sessions() as session:
        lines = await ProjectRepository(session).history_of(project_id)
        events = (await session.execute(select(approval.runtime.outbox.c.type))).scalars().all()
    assert [(line.action, line.department) for line in lines[-2:]] == [(Action.WITHHOLD_PUBLICATION.value, "APPROVAL_BUREAU"),
                                                   (Action.RELEASE_PUBLICATION.value, "APPROVAL_BUREAU")]
    assert lines[-2].reasons == (WITHHOLD[1]["reason"],) and WITHHOLD[1]["law"] in lines[-2].detail
    assert {"approval.publication.withheld.v1", "approval.publication.released.v1"} <= set(events)


async def test_R_PUB_1_withholding_needs_the_law_and_a_reason_and_a_refusal_writes_nothing(approval):
    project_id = await approved(approval, "Tax data exchange")
    before = await counts(approval, project_id)
    refused = await run(approval, BUREAU, "withholdPublication", id=project_id, law=" ", reason="")
    assert {(e["code"], tuple(e["field"])) for e in refused["userErrors"]} == {("R-PUB-1", ("law",)),
                                                                              ("R-PUB-1", ("reason",))}
    not_withheld = await run(approval, BUREAU, "releasePublication", id=project_id, reason="r")
    assert [e["code"] for e in not_withheld["userErrors"]] == ["R-PUB-1"]
    assert await counts(approval, project_id) == before


async def test_R_PUB_1_only_the_approval_bureau_withholds_or_releases(approval):
    project_id = await approved(approval, "Street lighting control")
    for department in Department:
        if department is Department.APPROVAL_BUREAU:
            continue
        caller = PUBLIC if department is Department.PUBLIC else Identity(department, unit="city-government")
        for mutation, arguments in (WITHHOLD, ("releasePublication", {"reason": "r"})):
            refused = await run(approval, caller, mutation, id=project_id, **arguments)
            assert refused["errors"][0]["code"] in {"FORBIDDEN", "UNAUTHENTICATED"}, (department, refused)
    assert await public_list(approval) == ["Street lighting control"]


async def test_R_PUB_1_the_oc4ids_export_of_the_database_validates_and_holds_only_published_projects(approval):
    ordinary = await approved(approval, "Ordinary clinic booking", estimate=5_000_000_12)
    major = await approved(approval, "Major city brain", estimate=20_000_000_00)
    secret = await approved(approval, "Secret command network", declaredClassified=True)
    withheld = await approved(approval, "Withheld emergency network")
    await run(approval, BUREAU, WITHHOLD[0], id=withheld, **WITHHOLD[1])
    found = await read_published(approval.runtime.database_url, jurisdiction=None, year=None)
    text = package_text(found)
    package = load(text)
    assert validation_errors(package) == []
    assert [p["id"] for p in package["projects"]] == [f"oc4ids-yiyang-{ordinary}", f"oc4ids-yiyang-{major}"]
    assert str(package["projects"][0]["budget"]["amount"]["amount"]) == "5000000.12"  # exact, from integer fen
    for hidden in (secret, withheld, "Secret command", "Withheld emergency"):
        assert hidden not in text
    assert json.loads(text)  # plain JSON for any reader
    assert await read_published(approval.runtime.database_url, jurisdiction="ANHUA", year=None) == []
