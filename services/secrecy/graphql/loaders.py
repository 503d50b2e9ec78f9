"""Per-request DataLoaders. The register loader applies need-to-know (R-SEC-2): a project the caller may not see
is loaded as None, and everything hanging off a project is loaded only through it, so an unrelated unit or the
public gets null or an empty list, never an error that would reveal the project exists."""
from __future__ import annotations

import strawberry
from strawberry.dataloader import DataLoader

from services.secrecy.adapters.repository import SecrecyRepository
from services.secrecy.domain.history import SubjectType
from services.secrecy.domain.classification import RegisterEntry


def visible_entries(info: strawberry.Info) -> DataLoader:
    context = info.context

    async def load(project_ids: list[str]) -> list[RegisterEntry | None]:
        async with context.runtime.reads() as session:
            found = await SecrecyRepository(session).visible_entries(project_ids, context.identity)
        return [found.get(i) for i in project_ids]

    return context.loader("secrecy_register", lambda: DataLoader(load))


async def _visible_ids(info: strawberry.Info, project_ids: list[str]) -> list[str]:
    entries = await visible_entries(info).load_many(project_ids)
    return [entry.project_id for entry in entries if entry is not None]


def _by_project(info: strawberry.Info, name: str, fetch, empty):
    context = info.context

    async def load(project_ids: list[str]):
        visible = await _visible_ids(info, project_ids)
        found = {}
        if visible:
            async with context.runtime.reads() as session:
                found = await fetch(SecrecyRepository(session), visible)
        return [found.get(i, empty) if i in visible else empty for i in project_ids]

    return context.loader(name, lambda: DataLoader(load))


def secrecy_reviews(info: strawberry.Info) -> DataLoader:
    return _by_project(info, "secrecy_reviews", lambda repository, ids: repository.reviews(ids), None)


def pre_use_reviews(info: strawberry.Info) -> DataLoader:
    return _by_project(info, "secrecy_pre_use_reviews", lambda repository, ids: repository.pre_use_reviews(ids), None)


def evaluations(info: strawberry.Info) -> DataLoader:
    return _by_project(info, "secrecy_evaluations", lambda repository, ids: repository.evaluations_of(ids), [])


def project_decisions(info: strawberry.Info) -> DataLoader:
    return _by_project(info, "secrecy_project_decisions",
                       lambda repository, ids: repository.decisions_about(SubjectType.PROJECT, ids), [])


def vendor_decisions(info: strawberry.Info) -> DataLoader:
    """The vendor register is not about projects: whoever may read it may read its history."""
    context = info.context

    async def load(vendor_ids: list[str]):
        async with context.runtime.reads() as session:
            found = await SecrecyRepository(session).decisions_about(SubjectType.VENDOR, vendor_ids)
        return [found.get(i, []) for i in vendor_ids]

    return context.loader("secrecy_vendor_decisions", lambda: DataLoader(load))
