"""Loading and saving the secrecy register, its review cases and the decision history: the only place that knows
these tables' shape. Updates are optimistic: a row changed by somebody else since it was read is not overwritten."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.secrecy.adapters.orm import classifications, evaluations, pre_use_reviews, secrecy_reviews, trail
from services.secrecy.domain.authority import RULES
from services.secrecy.domain.history import Decision, SubjectType
from services.secrecy.domain.classification import CLASSIFIED_STATUSES, ClassificationStatus, RegisterEntry, SecrecyLevel
from services.secrecy.domain.pre_use import Evaluation, EvaluationConclusion, PreUseReview, PreUseStatus
from services.secrecy.domain.review import SecrecyReview, SecrecyReviewStatus
from shared.auth import Identity
from shared.clock import as_utc
from shared.db import upsert
from shared.trail import Decision as TrailDecision
from shared.trail import TrailEntry
from shared.trail_store import DecisionTrail
from shared.visibility import json_array_holds, project_visible_sql


class ConcurrentUpdate(Exception):
    """Somebody else changed the row between our read and our write."""


def _utc(value):
    return as_utc(value) if value is not None else None


def entry_from_row(row) -> RegisterEntry:
    return RegisterEntry(
        project_id=row["project_id"], code=row["code"], unit_id=row["unit_id"], unit_path=tuple(row["unit_path"]),
        declared_classified=row["declared_classified"], declared_at=as_utc(row["declared_at"]),
        status=ClassificationStatus(row["status"]), level=SecrecyLevel(row["level"]) if row["level"] else None,
        decided_at=_utc(row["decided_at"]), approved_at=_utc(row["approved_at"]),
        accepted_at=_utc(row["accepted_at"]), version=row["version"])


def review_from_row(row) -> SecrecyReview:
    return SecrecyReview(id=row["id"], project_id=row["project_id"], status=SecrecyReviewStatus(row["status"]),
                         opened_at=as_utc(row["opened_at"]), decided_at=_utc(row["decided_at"]),
                         opinion=row["opinion"], reasons=tuple(row["reasons"]), version=row["version"])


def pre_use_from_row(row) -> PreUseReview:
    return PreUseReview(id=row["id"], project_id=row["project_id"], status=PreUseStatus(row["status"]),
                        opened_at=as_utc(row["opened_at"]), decided_at=_utc(row["decided_at"]),
                        latest_evaluation_id=row["latest_evaluation_id"], reasons=tuple(row["reasons"]),
                        version=row["version"])


def evaluation_from_row(row) -> Evaluation:
    return Evaluation(id=row["id"], project_id=row["project_id"], evaluator=row["evaluator"],
                      report_number=row["report_number"], evaluated_on=row["evaluated_on"],
                      conclusion=EvaluationConclusion(row["conclusion"]), findings=tuple(row["findings"]),
                      recorded_at=as_utc(row["recorded_at"]))


def decision_from_entry(entry: TrailEntry) -> Decision:
    content = entry.decision()
    details = dict(content["details"])
    reasons = tuple(details.pop("reasons", ()))
    return Decision(subject_type=SubjectType(content["subject_type"]), subject_id=content["subject_id"],
                    action=content["action"], at=as_utc(datetime.fromisoformat(content["at"])),
                    department=content["department"], unit=content["unit"], actor=content["actor"], reasons=reasons,
                    details=details, previous_hash=entry.previous_hash, entry_hash=entry.entry_hash)


async def classified_among(session: AsyncSession, project_ids: Sequence[str]) -> set[str]:
    """Which of these projects the register holds as classified (R-SEC-2)."""
    rows = await session.execute(select(classifications.c.project_id).where(
        classifications.c.project_id.in_(list(project_ids)),
        classifications.c.status.in_([status.value for status in CLASSIFIED_STATUSES])))
    return set(rows.scalars())


def _entry_values(entry: RegisterEntry) -> dict:
    return dict(code=entry.code, unit_id=entry.unit_id, unit_path=list(entry.unit_path),
                declared_classified=entry.declared_classified, declared_at=entry.declared_at,
                status=entry.status.value, level=entry.level.value if entry.level else None,
                decided_at=entry.decided_at, approved_at=entry.approved_at, accepted_at=entry.accepted_at)


class SecrecyRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def _checked_update(self, table, key_column, key, version: int, values: dict) -> None:
        result = await self.session.execute(
            update(table).where(key_column == key, table.c.version == version).values(**values))
        if result.rowcount != 1:
            raise ConcurrentUpdate(key)

    # the register
    async def entry(self, project_id: str, *, lock: bool = False) -> RegisterEntry | None:
        """With `lock`, the row stays locked until the transaction ends (a consumer's read-modify-write)."""
        if not lock:
            return (await self.entries([project_id])).get(project_id)
        row = (await self.session.execute(select(classifications).where(
            classifications.c.project_id == project_id).with_for_update())).mappings().first()
        return entry_from_row(row) if row is not None else None

    async def visible_entries(self, project_ids: Sequence[str], identity: Identity) -> dict[str, RegisterEntry]:
        """The register entries of `project_ids` the caller may see (need to know in the WHERE clause): classified
        is the bureau's latest fact (RegisterEntry.classified), the status in CLASSIFIED_STATUSES."""
        classified = classifications.c.status.in_([s.value for s in CLASSIFIED_STATUSES])
        rows = (await self.session.execute(select(classifications).where(
            classifications.c.project_id.in_(list(project_ids)), project_visible_sql(
                identity, classified=classified,
                unit_managed=lambda unit: json_array_holds(classifications.c.unit_path, unit))))).mappings().all()
        return {row["project_id"]: entry_from_row(row) for row in rows}

    async def entries(self, project_ids: Sequence[str]) -> dict[str, RegisterEntry]:
        rows = (await self.session.execute(select(classifications).where(
            classifications.c.project_id.in_(list(project_ids))))).mappings().all()
        return {row["project_id"]: entry_from_row(row) for row in rows}

    async def add_entry(self, entry: RegisterEntry) -> None:
        await self.session.execute(insert(classifications).values(
            project_id=entry.project_id, version=entry.version, **_entry_values(entry)))

    async def add_entry_if_missing(self, entry: RegisterEntry) -> bool:
        """Register the project as `entry` unless it is registered; whether this call registered it. A concurrent
        transaction registering the same project makes this one wait for its outcome instead of failing."""
        added = await self.session.execute(
            upsert(self.session, classifications)
            .values(project_id=entry.project_id, version=entry.version, **_entry_values(entry))
            .on_conflict_do_nothing(index_elements=[classifications.c.project_id])
            .returning(classifications.c.project_id))
        return added.first() is not None

    async def save_entry(self, before: RegisterEntry, after: RegisterEntry) -> None:
        """Write `after` over `before`; a version bump comes from a decision, a consumer's update keeps it."""
        await self._checked_update(classifications, classifications.c.project_id, after.project_id, before.version,
                                   {**_entry_values(after), "version": max(after.version, before.version + 1)})

    async def entries_with_status(self, status: ClassificationStatus, limit: int) -> list[RegisterEntry]:
        rows = (await self.session.execute(
            select(classifications).where(classifications.c.status == status.value)
            .order_by(classifications.c.declared_at).limit(limit))).mappings().all()
        return [entry_from_row(row) for row in rows]

    # secrecy reviews
    async def review(self, project_id: str) -> SecrecyReview | None:
        return (await self.reviews([project_id])).get(project_id)

    async def reviews(self, project_ids: Sequence[str]) -> dict[str, SecrecyReview]:
        rows = (await self.session.execute(select(secrecy_reviews).where(
            secrecy_reviews.c.project_id.in_(list(project_ids))))).mappings().all()
        return {row["project_id"]: review_from_row(row) for row in rows}

    async def reviews_with_status(self, status: SecrecyReviewStatus | None, limit: int) -> list[SecrecyReview]:
        query = select(secrecy_reviews).order_by(secrecy_reviews.c.opened_at).limit(limit)
        if status is not None:
            query = query.where(secrecy_reviews.c.status == status.value)
        return [review_from_row(row) for row in (await self.session.execute(query)).mappings().all()]

    async def add_review(self, review: SecrecyReview) -> None:
        await self.session.execute(insert(secrecy_reviews).values(
            id=review.id, project_id=review.project_id, status=review.status.value, opened_at=review.opened_at,
            decided_at=review.decided_at, opinion=review.opinion, reasons=list(review.reasons),
            version=review.version))

    async def save_review(self, before: SecrecyReview, after: SecrecyReview) -> None:
        await self._checked_update(secrecy_reviews, secrecy_reviews.c.id, after.id, before.version, dict(
            status=after.status.value, decided_at=after.decided_at, opinion=after.opinion,
            reasons=list(after.reasons), version=after.version))

    # reviews before use and their evaluations
    async def pre_use_review(self, project_id: str) -> PreUseReview | None:
        return (await self.pre_use_reviews([project_id])).get(project_id)

    async def pre_use_reviews(self, project_ids: Sequence[str]) -> dict[str, PreUseReview]:
        rows = (await self.session.execute(select(pre_use_reviews).where(
            pre_use_reviews.c.project_id.in_(list(project_ids))))).mappings().all()
        return {row["project_id"]: pre_use_from_row(row) for row in rows}

    async def pre_use_reviews_with_status(self, status: PreUseStatus | None, limit: int) -> list[PreUseReview]:
        query = select(pre_use_reviews).order_by(pre_use_reviews.c.opened_at).limit(limit)
        if status is not None:
            query = query.where(pre_use_reviews.c.status == status.value)
        return [pre_use_from_row(row) for row in (await self.session.execute(query)).mappings().all()]

    async def evaluations_of(self, project_ids: Sequence[str]) -> dict[str, list[Evaluation]]:
        rows = (await self.session.execute(select(evaluations).where(
            evaluations.c.project_id.in_(list(project_ids))).order_by(evaluations.c.recorded_at))).mappings().all()
        found: dict[str, list[Evaluation]] = {i: [] for i in project_ids}
        for row in rows:
            found[row["project_id"]].append(evaluation_from_row(row))
        return found

    async def add_pre_use_review(self, review: PreUseReview) -> None:
        await self.session.execute(insert(pre_use_reviews).values(
            id=review.id, project_id=review.project_id, status=review.status.value, opened_at=review.opened_at,
            decided_at=review.decided_at, latest_evaluation_id=review.latest_evaluation_id,
            reasons=list(review.reasons), version=review.version))

    async def save_pre_use_review(self, before: PreUseReview, after: PreUseReview) -> None:
        await self._checked_update(pre_use_reviews, pre_use_reviews.c.id, after.id, before.version, dict(
            status=after.status.value, decided_at=after.decided_at, latest_evaluation_id=after.latest_evaluation_id,
            reasons=list(after.reasons), version=after.version))

    async def add_evaluation(self, review: PreUseReview, evaluation: Evaluation) -> None:
        await self.session.execute(insert(evaluations).values(
            id=evaluation.id, pre_use_review_id=review.id, project_id=evaluation.project_id,
            evaluator=evaluation.evaluator, report_number=evaluation.report_number,
            evaluated_on=evaluation.evaluated_on, conclusion=evaluation.conclusion.value,
            findings=list(evaluation.findings), recorded_at=evaluation.recorded_at))

    # the decision history
    async def add_decision(self, line: Decision) -> None:
        """Chain the line onto the service's decision trail (R-OVS-1); a classified project's line is withheld
        from readers without need to know (R-SEC-2)."""
        project_id = line.subject_id if line.subject_type is SubjectType.PROJECT else None
        classified = bool(project_id and await classified_among(self.session, [project_id]))
        await DecisionTrail(trail, self.session).append(TrailDecision(
            at=line.at, department=line.department, unit=line.unit, actor=line.actor, action=line.action,
            subject_type=line.subject_type.value, subject_id=line.subject_id, project_id=project_id,
            rule=RULES.get(line.action), reason="; ".join(line.reasons) or None, classified=classified,
            details={**line.details, "reasons": line.reasons}))

    async def decisions_about(self, subject_type: SubjectType, subject_ids: Sequence[str]) -> dict[str, list[Decision]]:
        found = await DecisionTrail(trail, self.session).about(subject_type.value, list(subject_ids))
        return {subject_id: [decision_from_entry(entry) for entry in entries] for subject_id, entries in found.items()}
