"""Opening the Secrecy Bureau's cases when the register learns something new about a project.

A classified project gets a secrecy review (R-REV-3) once it is approved, and a review before use (R-ACC-5) once it
passed completion acceptance, whichever way the register learned the two facts: from the approval service's events,
or from the bureau confirming the project classified afterwards.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from services.secrecy.adapters.repository import SecrecyRepository
from services.secrecy.domain.classification import RegisterEntry
from services.secrecy.domain.pre_use import needs_pre_use_review, open_pre_use_review
from services.secrecy.domain.review import needs_review, open_review


async def save_entry(repository: SecrecyRepository, before: RegisterEntry | None, after: RegisterEntry) -> None:
    if before is None:
        await repository.add_entry(after)
    elif after != before:
        await repository.save_entry(before, after)


async def open_cases_if_needed(repository: SecrecyRepository, entry: RegisterEntry, *, now: datetime,
                               because_of: str) -> None:
    if needs_review(entry, await repository.review(entry.project_id)):
        review, line = open_review(entry, review_id=str(uuid.uuid4()), now=now, because_of=because_of)
        await repository.add_review(review)
        await repository.add_decision(line)
    if needs_pre_use_review(entry, await repository.pre_use_review(entry.project_id)):
        review, line = open_pre_use_review(entry, review_id=str(uuid.uuid4()), now=now, because_of=because_of)
        await repository.add_pre_use_review(review)
        await repository.add_decision(line)
