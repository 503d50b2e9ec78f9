"""The secrecy subgraph: contributes `classification`, `secrecyReview` and `preUseReview` to the federated
`Project`, and serves the Secrecy Bureau's queues, the vendor-qualification register and its decision trail."""
from __future__ import annotations

from datetime import date

import strawberry

from services.secrecy.adapters import orm
from services.secrecy.adapters.repository import SecrecyRepository, classified_among
from services.secrecy.adapters.vendors import VendorRepository
from services.secrecy.domain.classification import ClassificationStatus
from services.secrecy.graphql import loaders
from services.secrecy.graphql.mutations import Mutation
from services.secrecy.graphql.work import WorkQueue
from services.secrecy.graphql.types import (
    Classification,
    PreUseReview,
    PreUseStatusEnum,
    QualificationScopeEnum,
    SecrecyReview,
    SecrecyReviewStatusEnum,
    VendorQualification,
    VendorQualificationCheck,
    classification_from_domain,
    pre_use_from_domain,
    review_from_domain,
    vendor_from_domain,
)
from services.secrecy.service_layer.vendors import check_vendor_qualification
from shared.auth import Department
from shared.graphql import restricted, subgraph_schema
from shared.trail_graphql import trail_fields

# The vendor register is a register of vendors, not of projects: every signed-in department may read it.
SIGNED_IN = tuple(d for d in Department if d is not Department.PUBLIC)


def _limit(first: int, ceiling: int = 1000) -> int:
    return max(1, min(first, ceiling))


@strawberry.federation.type(keys=["id"])
class Project:
    id: strawberry.ID

    @strawberry.field(description="The project's classification, once it is submitted; null unless you need to "
                                  "know (R-SEC-2).")
    async def classification(self, info: strawberry.Info) -> Classification | None:
        entry = await loaders.visible_entries(info).load(str(self.id))
        return classification_from_domain(entry) if entry else None

    @strawberry.field(description="R-REV-3: the secrecy review of a classified approved project.")
    async def secrecy_review(self, info: strawberry.Info) -> SecrecyReview | None:
        case = await loaders.secrecy_reviews(info).load(str(self.id))
        return review_from_domain(case) if case else None

    @strawberry.field(description="R-ACC-5: the review before use of a classified accepted project.")
    async def pre_use_review(self, info: strawberry.Info) -> PreUseReview | None:
        case = await loaders.pre_use_reviews(info).load(str(self.id))
        return pre_use_from_domain(case) if case else None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> "Project":
        return cls(id=id)


@strawberry.type
class Query:
    @restricted([Department.SECRECY_BUREAU], action="reading the classification queue",
                description="Projects declared classified that await the Secrecy Bureau's confirmation.")
    async def classifications_to_confirm(self, info: strawberry.Info, first: int = 100) -> list[Classification]:
        async with info.context.runtime.reads() as session:
            entries = await SecrecyRepository(session).entries_with_status(ClassificationStatus.DECLARED,
                                                                           _limit(first))
        return [classification_from_domain(entry) for entry in entries]

    @restricted([Department.SECRECY_BUREAU], action="reading the secrecy-review queue",
                description="R-REV-3: the Secrecy Bureau's secrecy-review cases, oldest first.")
    async def secrecy_reviews(self, info: strawberry.Info, status: SecrecyReviewStatusEnum | None = None,
                              first: int = 100) -> list[SecrecyReview]:
        async with info.context.runtime.reads() as session:
            cases = await SecrecyRepository(session).reviews_with_status(status, _limit(first))
        return [review_from_domain(case) for case in cases]

    @restricted([Department.SECRECY_BUREAU], action="reading the pre-use review queue",
                description="R-ACC-5: the Secrecy Bureau's reviews before use, oldest first.")
    async def pre_use_reviews(self, info: strawberry.Info, status: PreUseStatusEnum | None = None,
                              first: int = 100) -> list[PreUseReview]:
        async with info.context.runtime.reads() as session:
            cases = await SecrecyRepository(session).pre_use_reviews_with_status(status, _limit(first))
        return [pre_use_from_domain(case) for case in cases]

    @restricted(SIGNED_IN, action="reading the vendor-qualification register",
                description="R-IMP-2: the register of vendors' classified-integration qualifications, by "
                            "vendor id; pass the last vendor id as `after` for more.")
    async def vendor_qualifications(self, info: strawberry.Info, first: int = 100,
                                    after: strawberry.ID | None = None) -> list[VendorQualification]:
        async with info.context.runtime.reads() as session:
            found = await VendorRepository(session).list(first=_limit(first),
                                                         after=str(after) if after is not None else None)
        return [vendor_from_domain(q) for q in found]

    @restricted(SIGNED_IN, action="checking a vendor's qualification",
                description="R-IMP-2: may the vendor take part in a classified project on this day, for this "
                            "scope? When not, the reason says why.")
    async def vendor_qualification_check(self, info: strawberry.Info, vendor_id: strawberry.ID, on: date,
                                         scope: QualificationScopeEnum) -> VendorQualificationCheck:
        check = await check_vendor_qualification(info.context.runtime.sessions, str(vendor_id), on, scope)
        return VendorQualificationCheck(qualified=check.qualified, reason=check.reason)

    secrecy_trail, secrecy_trail_verification = trail_fields("secrecy", Department.SECRECY_BUREAU, orm.trail,
                                                              classified_among)


def create_schema() -> strawberry.federation.Schema:
    return subgraph_schema(query=Query, mutation=Mutation, types=[Project, WorkQueue])
