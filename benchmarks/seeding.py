"""A realistic data set for the benchmarks: projects in every lifecycle state, driven by GraphQL mutations that each
department sends with its own token, so every service holds real rows and its copies of the others' facts.

Why this way. Driving each project through the gateway one walk at a time (`tests/e2e/lifecycle.py`) is ~30
mutations/s here; writing rows by hand would skip the outbox, the events and the consumers that fill finance's,
audit's and secrecy's tables. So the seeding sends the e2e tier's own mutations (its `Walk`), concurrently, straight
to the subgraph that owns each mutation (what the gateway would do after planning: no rule is skipped, each service
checks the token and the law), and moves all projects phase by phase: every project due for a step takes it, then
the stack settles (outboxes published, consumers drained) before the next step needs the events of the last one.
The one year's construction plan (R-PLN-1) takes all the projects that start construction as items of one version.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections import Counter

import httpx
from graphql import parse

from shared.clock import budget_year, china_date, utc_now
from tests.e2e.lifecycle import (
    ALL_DOCUMENTS, CITY_GOVERNMENT, ERRORS, LEADING_GROUP, PLAN_TYPES, SECRECY_BUREAU, Walk,
)
from tests.e2e.slice import APPROVAL_BUREAU, FINANCE_BUREAU, UNIT, GatewayClient, complete_dossier

# The states in lifecycle order, REJECTED beside APPROVED (a rejected project goes no further).
LADDER = ("DRAFT", "SUBMITTED", "APPROVED", "TECHNICAL_REVIEW_PASSED", "BUDGET_REVIEW_PASSED", "CONTRACT_SIGNED",
          "UNDER_CONSTRUCTION", "INITIAL_ACCEPTANCE_PASSED", "COMPLETION_ACCEPTANCE_REQUESTED", "ACCEPTED",
          "IN_OPERATION", "CLOSED")
TARGETS = (*LADDER, "REJECTED")
# Investment estimates in yuan (fen below): small works to projects above the 20M-yuan threshold (R-AUD-1, R-IMP-4).
ESTIMATES_YUAN = (300_000, 800_000, 1_500_000, 4_000_000, 9_000_000, 16_000_000, 20_000_000, 35_000_000)
MAJOR = 20_000_000_00
MAJOR_TESTS = ["CUSTOM_SOFTWARE", "SOURCE_CODE", "DATABASE_SYSTEM", "NETWORK_SECURITY_AND_SECRECY"]
CLASSIFIED_SHARE = 20  # every 20th project meant to stay submitted is declared classified and stays with the Secrecy Bureau


def mutation_owners(schemas: dict[str, str]) -> dict[str, str]:
    """Mutation root field -> the subgraph that declares it, from the committed subgraph SDL."""
    owners = {}
    for service, sdl in schemas.items():
        for definition in parse(sdl).definitions:
            if getattr(definition, "name", None) and definition.name.value == "Mutation":
                owners.update({field.name.value: service for field in definition.fields or ()})
    return owners


class RoutedClient(GatewayClient):
    """Mutations go to the subgraph that owns them, queries (the walks' read-backs) to the gateway."""

    def __init__(self, client: httpx.AsyncClient, mint, owners: dict[str, str], urls: dict[str, str]):
        super().__init__(client, mint)
        self.owners, self.urls = owners, urls
        self.mutations = 0

    async def graphql(self, query: str, variables: dict | None = None, *, as_: dict | None = None,
                      url: str = "/graphql") -> dict:
        text = query.strip()
        if text.startswith("mutation"):
            body = text[text.index("{") + 1:].strip()
            field = body.split("(")[0].split("{")[0].split(":")[-1].strip()
            url = self.urls[self.owners[field]]
            self.mutations += 1
        return await super().graphql(query, variables, as_=as_, url=url)


class Seeder:
    def __init__(self, client: RoutedClient, settle, concurrency: int = 8, seed: int = 7):
        self.client, self.settle, self.concurrency = client, settle, concurrency
        self.rng = random.Random(seed)
        self.walks: list[tuple[Walk, str, int]] = []  # (walk, target state, estimate in fen)
        self.budgets: dict[str, int] = {}
        self.failures: list[str] = []

    def due(self, state: str) -> list[tuple[Walk, str, int]]:
        """The projects whose target lies at or beyond `state` on the ladder (REJECTED ones stop at SUBMITTED)."""
        rank = LADDER.index(state)
        return [w for w in self.walks if w[1] != "REJECTED" and LADDER.index(w[1]) >= rank
                or w[1] == "REJECTED" and rank <= LADDER.index("SUBMITTED")]

    async def each(self, label: str, walks, step) -> None:
        gate = asyncio.Semaphore(self.concurrency)
        started, before = time.perf_counter(), self.client.mutations

        async def one(item):
            async with gate:
                try:
                    await step(*item)
                except Exception as exc:  # noqa: BLE001 - counted and shown; the others go on
                    self.failures.append(f"{label}: {type(exc).__name__}: {str(exc)[:300]}")

        await asyncio.gather(*(one(item) for item in walks))
        await self.settle()
        seconds = time.perf_counter() - started
        print(f"  seed: {label:<34} {len(walks):>5} projects, {self.client.mutations - before:>6} mutations, "
              f"{seconds:6.1f}s (settled)", flush=True)

    async def run(self, projects: int) -> None:
        for index in range(projects):
            target = TARGETS[index % len(TARGETS)]
            walk = Walk(self.client)
            walk.classified = target == "SUBMITTED" and (index // len(TARGETS)) % CLASSIFIED_SHARE == 0
            self.walks.append((walk, target, self.rng.choice(ESTIMATES_YUAN) * 100))
        await self.each("create", self.walks, self._create)
        await self.each("dossier, submit", self.due("SUBMITTED"), self._submit)
        await self.each("confirm classification", [w for w in self.due("SUBMITTED") if w[0].classified],
                        self._classify)
        await self.each("reject", [w for w in self.walks if w[1] == "REJECTED"], self._reject)
        await self.each("approve", self.unclassified("APPROVED"),
                        lambda walk, *_: walk.do(APPROVAL_BUREAU, "approveProject", "id: $id"))
        await self.each("technical review", self.unclassified("TECHNICAL_REVIEW_PASSED"),
                        lambda walk, _, estimate: walk.technical_review(estimate))
        await self.each("budget review (Finance)", self.unclassified("BUDGET_REVIEW_PASSED"), self._budget)
        await self.each("targets, contract", self.unclassified("CONTRACT_SIGNED"), self._contract)
        building = self.unclassified("UNDER_CONSTRUCTION")
        await self.construction_plan([w[0].id for w in building])
        await self.each("supervision, start construction", building, self._start)
        await self.each("tests, initial acceptance", self.unclassified("INITIAL_ACCEPTANCE_PASSED"), self._initial)
        await self.each("apply for completion acceptance", self.unclassified("COMPLETION_ACCEPTANCE_REQUESTED"),
                        lambda walk, *_: walk.do(UNIT, "applyForCompletionAcceptance", "id: $id, documents: $documents",
                                                 {"documents": [{"kind": k, "reference": f"DOC-{k}"}
                                                                for k in ALL_DOCUMENTS]}))
        await self.each("pass completion acceptance", self.unclassified("ACCEPTED"),
                        lambda walk, *_: walk.do(APPROVAL_BUREAU, "passCompletionAcceptance", "id: $id"))
        await self.each("start operation", self.unclassified("IN_OPERATION"), lambda walk, *_: walk.operation())
        await self.each("close", self.unclassified("CLOSED"), self._close)

    def unclassified(self, state: str):
        return [w for w in self.due(state) if not w[0].classified]

    async def _create(self, walk: Walk, target: str, estimate: int) -> None:
        await walk.create(estimate, declaredClassified=walk.classified)
        if walk.id is None:
            raise RuntimeError("createProject returned no project")

    async def _submit(self, walk: Walk, target: str, estimate: int) -> None:
        await walk.dossier(complete_dossier(estimate))
        await walk.do(UNIT, "submitProject", "id: $id")

    async def _classify(self, walk: Walk, *_) -> None:
        await walk.do(SECRECY_BUREAU, "confirmClassification", "projectId: $id, level: $level", {"level": "SECRET"})

    async def _budget(self, walk: Walk, target: str, estimate: int) -> None:
        self.budgets[walk.id] = await walk.budget_review(estimate)

    async def _contract(self, walk: Walk, target: str, estimate: int) -> None:
        await walk.targets()
        await walk.contract(self.budgets[walk.id])

    async def _start(self, walk: Walk, target: str, estimate: int) -> None:
        if estimate >= MAJOR:  # R-IMP-4: a major project builds under a qualified supervisor
            await walk.do(UNIT, "recordSupervision", "id: $id, input: $supervision", {"supervision": {
                "company": "Dongting Supervision Co", "companyQualificationNumber": "JL-A-001",
                "leadName": "Li Wei", "leadCertificateNumber": "ZS-2020-88"}})
        await walk.do(UNIT, "startConstruction", "id: $id")

    async def _initial(self, walk: Walk, target: str, estimate: int) -> None:
        await walk.test_reports(MAJOR_TESTS if estimate >= MAJOR else ["CUSTOM_SOFTWARE"])  # R-ACC-1, R-ACC-2
        await walk.do(UNIT, "passInitialAcceptance", "id: $id, reportReference: $reference", {"reference": "minutes"})

    async def _reject(self, walk: Walk, *_) -> None:
        answer = await walk.gateway.graphql(
            "mutation($id: ID!, $reasons: [String!]!) { r: rejectProject(id: $id, reasons: $reasons) "
            f"{{ {ERRORS} }} }}", {"id": walk.id, "reasons": ["the sharing analysis is too thin"]}, as_=APPROVAL_BUREAU)
        assert "errors" not in answer and not answer["data"]["r"]["userErrors"], answer

    async def _close(self, walk: Walk, *_) -> None:
        """R-OPS-1 may refuse closing a project early: a refusal leaves it in operation, which is still a state."""
        answer = await walk.gateway.graphql(
            "mutation($id: ID!, $reason: String!) { r: closeProject(id: $id, reason: $reason) { userErrors { code } } }",
            {"id": walk.id, "reason": "replaced by the city's new platform"}, as_=APPROVAL_BUREAU)
        assert "errors" not in answer, answer

    async def construction_plan(self, project_ids: list[str]) -> None:
        """R-PLN-1 once for all: the year's plan drafted with every project about to build, submitted, passed by the
        Leading Group and approved by the city government (mutations as in `tests/e2e/lifecycle.put_in_approved_plan`)."""
        if not project_ids:
            return
        started = time.perf_counter()
        await self._plan(APPROVAL_BUREAU, "draftConstructionPlan", {})
        gate = asyncio.Semaphore(self.concurrency)

        async def add(project_id: str) -> None:
            async with gate:
                await self._plan(APPROVAL_BUREAU, "addConstructionPlanItem",
                                 {"projectId": project_id, "plannedAmount": self.budgets[project_id]})

        await asyncio.gather(*(add(p) for p in project_ids))
        await self._plan(APPROVAL_BUREAU, "submitConstructionPlanForReview", {})
        await self._plan(LEADING_GROUP, "passConstructionPlanReview", {})
        await self._plan(CITY_GOVERNMENT, "approveConstructionPlan", {
            "approvedOn": china_date(utc_now()).isoformat(), "documentNumber": "益政函〔2026〕12号"})
        await self.settle()
        print(f"  seed: {'construction plan (R-PLN-1)':<34} {len(project_ids):>5} items, "
              f"{time.perf_counter() - started:6.1f}s", flush=True)

    async def _plan(self, actor: dict, mutation: str, variables: dict) -> None:
        variables = {"jurisdiction": "CITY", "year": budget_year(utc_now()), **variables}
        declared = ", ".join(f"${name}: {PLAN_TYPES[name]}" for name in variables)
        arguments = ", ".join(f"{name}: ${name}" for name in variables)
        answer = await self.client.graphql(f"mutation({declared}) {{ r: {mutation}({arguments}) {{ {ERRORS} }} }}",
                                           variables, as_=actor)
        assert "errors" not in answer and not answer["data"]["r"]["userErrors"], (mutation, answer)

    async def fund_payments(self, project_ids: list[str], year: int) -> None:
        """R-FIN-2 / R-PLN-2: this year's allocation (the whole budget) for each project, then the special-fund
        plan drafted by Finance, co-signed by Finance and the Approval Bureau and approved by the Leading Group."""
        async def allocate(walk_id: str) -> None:
            await self._finance(FINANCE_BUREAU, "setFundAllocation", "input: $input", {"input": {
                "projectId": walk_id, "year": year, "amount": self.budgets[walk_id], "progressNote": "as planned"}},
                {"input": "SetFundAllocationInput!"})

        await self.each("fund allocations", [(p,) for p in project_ids], allocate)
        where, types = {"j": "CITY", "y": year}, {"j": "String!", "y": "Int!"}
        await self._finance(FINANCE_BUREAU, "draftSpecialFundPlan", "jurisdiction: $j, year: $y", where, types)
        for signer in (FINANCE_BUREAU, APPROVAL_BUREAU):
            await self._finance(signer, "signSpecialFundPlan", "jurisdiction: $j, year: $y", where, types)
        await self._finance(LEADING_GROUP, "reviewSpecialFundPlan", "jurisdiction: $j, year: $y, approve: true",
                            where, types)

    async def _finance(self, actor, mutation, arguments, variables, types) -> None:
        declared = ", ".join(f"${name}: {kind}" for name, kind in types.items())
        answer = await self.client.graphql(
            f"mutation({declared}) {{ r: {mutation}({arguments}) {{ userErrors {{ code message }} }} }}",
            variables, as_=actor)
        assert "errors" not in answer and not answer["data"]["r"]["userErrors"], (mutation, answer)

    def in_state(self, state: str) -> list[str]:
        return [w[0].id for w in self.walks if w[1] == state and not w[0].classified and w[0].id]


async def state_counts(connection) -> Counter:
    """What the approval service's table holds, by status (the seeding's result, not its intent)."""
    rows = await connection.fetch("SELECT status, count(*) AS n FROM projects GROUP BY status")
    return Counter({row["status"]: row["n"] for row in rows})
