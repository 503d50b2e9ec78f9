"""A clerk at the console: signs in as a department, opens screens, and fills the forms the console builds from the
API's mutations (each field found by its argument path, as `data-field`), reading the outcome the form reports."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

TIMEOUT = 20_000


class Clerk:
    def __init__(self, browser: Browser, base: str, artifacts: Path, department: str, unit: str):
        self.base, self.artifacts = base, artifacts
        self.context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN",
                                           timezone_id="America/New_York")  # dates must still show in Asia/Shanghai
        self.page: Page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(f"{base}/console/#/signin")
        self.page.get_by_test_id(f"sign-in-{department}-{unit}").click()
        expect(self.page.get_by_test_id("identity")).to_be_visible()

    def screen(self, route: str, ready: str) -> Page:
        self.page.goto(f"{self.base}/console/#/{route}")
        expect(self.page.get_by_test_id(ready).first).to_be_visible()
        return self.page

    def project(self, project_id: str) -> Page:
        return self.screen(f"projects/{project_id}", "project-page")

    def shot(self, name: str) -> None:
        self.page.wait_for_timeout(400)  # charts finish their animation
        self.page.screenshot(path=str(self.artifacts / f"{name}.png"), full_page=True)

    def new_project(self) -> None:
        self.screen("projects", "projects").get_by_test_id("new-project").click()
        expect(self.page.locator('form[data-action="createProject"]')).to_be_visible()
        self.page.wait_for_timeout(500)  # the drawer slides in

    def form(self, mutation: str) -> Locator:
        form = self.page.locator(f'form[data-action="{mutation}"]')
        if not form.is_visible():
            self.page.get_by_test_id(f"open-{mutation}").click()
        expect(form).to_be_visible()
        return form

    def act(self, mutation: str, fields: dict | None = None, *, rows: dict | None = None, expect_outcome="done") -> Locator:
        try:
            return self._act(mutation, fields, rows, expect_outcome)
        except Exception:
            self.page.screenshot(path=str(self.artifacts / f"failed-{mutation}.png"), full_page=True)
            raise

    # Fill `fields` (argument path -> value; amounts in yuan) after adding list rows (`rows`: list path -> count),
    # run the mutation and wait for its outcome.
    def _act(self, mutation: str, fields: dict | None, rows: dict | None, expect_outcome: str) -> Locator:
        form = self.form(mutation)
        for path, count in (rows or {}).items():
            for index in range(count):
                row = form.locator(f'[data-field^="{path}.{index}."]')
                if not row.count():
                    form.get_by_test_id(f"add-{path.split('.')[-1]}").click()
                    expect(row.first).to_be_attached()  # rendered before the next row is asked for
        for path, value in (fields or {}).items():
            fill(form, path, value)
        before = form.get_attribute("data-outcome")
        form.get_by_test_id(f"run-{mutation}").click()
        outcome = self._outcome(form, before)
        assert outcome == expect_outcome, (mutation, outcome, form.inner_text()[:2000])
        return form

    def _outcome(self, form: Locator, before: str | None) -> str:
        """What the form reports after the run: done, refused or error; a form that closed itself was done
        (creating a project leads to its page; a lifecycle step the project has left is no longer offered)."""
        for _ in range(TIMEOUT // 100):
            outcomes = form.evaluate_all("forms => forms.map(f => f.getAttribute('data-outcome'))")  # no waiting
            if not outcomes:
                return "done"
            if outcomes[0] != before:
                return outcomes[0].split(":")[0]
            self.page.wait_for_timeout(100)
        raise AssertionError(f"no outcome within {TIMEOUT} ms")

    def close(self) -> None:
        assert not self.errors, self.errors
        self.context.close()


def fill(form: Locator, path: str, value) -> None:
    item = form.locator(f'[data-field="{path}"]')
    if item.locator(".ant-switch").count():
        switch = item.locator(".ant-switch")
        if (switch.get_attribute("aria-checked") == "true") != bool(value):
            switch.click()
    elif item.locator(".ant-picker").count():
        box = item.locator("input")
        box.click()
        box.fill(value)
        box.press("Enter")
    elif item.locator(".ant-select").count():
        for one in value if isinstance(value, list) else [value]:
            item.locator(".ant-select").click()
            item.locator("input").fill(one)
            item.page.wait_for_timeout(100)
            item.locator("input").press("Enter")
        if isinstance(value, list):  # a multiple choice stays open: close it (Escape would close a drawer too)
            item.locator("input").blur()
    else:
        item.locator("input, textarea").first.fill(str(value))


def project_id_from(page: Page) -> str:
    match = re.search(r"#/projects/([^/?]+)", page.url)
    assert match, page.url
    return match.group(1)


def walk(base: str, steps) -> str:
    """Set-up through the API, not the screens: `steps(walk)` drives tests/e2e's `Walk` (every department with a
    development token of its own, through the gateway) and the project's id is returned. The walk runs on an event
    loop of its own in another thread, because Playwright's sync API keeps one running in this thread."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from tests.e2e.lifecycle import Walk
    from tests.e2e.slice import GatewayClient

    tokens: dict[tuple, str] = {}

    def mint(department: str, unit: str, parent_units=()) -> str:
        key = (department, unit, tuple(parent_units))
        if key not in tokens:
            answer = httpx.post(f"{base}/dev/sign-in", json={"department": department, "unit": unit,
                                                              "parentUnits": list(parent_units)}, timeout=30)
            tokens[key] = answer.json()["token"]
        return tokens[key]

    async def main() -> str:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            one = Walk(GatewayClient(client, mint))
            await steps(one)
            return one.id

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def submitted_project(base: str, name: str, estimate: int = 3_000_000_00) -> str:
    """A project with a complete dossier, submitted for approval (R-APP-1), drafted by the unit the screens use."""
    from tests.e2e.slice import UNIT, complete_dossier

    async def steps(one) -> None:
        await one.create(estimate, name=name)
        await one.dossier(complete_dossier(estimate))
        await one.do(UNIT, "submitProject", "id: $id")

    return walk(base, steps)


def project_past_initial_acceptance(base: str, name: str, estimate: int = 3_000_000_00) -> str:
    """A project approved, reviewed, budgeted, contracted, in the approved construction plan, built, tested and
    through the unit's initial acceptance (R-ACC-3): ready to apply for completion acceptance."""
    from tests.e2e.slice import APPROVAL_BUREAU, UNIT, complete_dossier

    async def steps(one) -> None:
        await one.create(estimate, name=name)
        await one.dossier(complete_dossier(estimate))
        await one.do(UNIT, "submitProject", "id: $id")
        await one.do(APPROVAL_BUREAU, "approveProject", "id: $id")
        await one.technical_review(estimate)
        budget = await one.budget_review(estimate)
        await one.until(lambda s: s["status"] == "BUDGET_REVIEW_PASSED")
        await one.targets()
        await one.contract(budget)
        await one.into_approved_plan(budget)
        await one.do(UNIT, "startConstruction", "id: $id")
        await one.test_reports(["CUSTOM_SOFTWARE"])
        await one.do(UNIT, "passInitialAcceptance", "id: $id, reportReference: $reference", {"reference": "初验纪要"})

    return walk(base, steps)
