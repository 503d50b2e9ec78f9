"""The approval subgraph's inputs: mirrors of the domain's value objects, amounts in Fen."""
from __future__ import annotations

import strawberry

from services.approval.domain import dossier as d
from services.approval.domain import model
from services.approval.graphql.types import ProjectKindEnum, ProjectStatusEnum, mirror
from shared.graphql import Fen

FundShareInput = mirror(model.FundShare, money=("amount",), as_input=True)
FeasibilityStudyInput = mirror(d.FeasibilityStudy, money=("investment_estimate",), as_input=True)
PreliminaryDesignInput = mirror(d.PreliminaryDesign, as_input=True)
DataResourceInput = mirror(d.DataResource, as_input=True)
DataSharingInput = mirror(d.DataSharing, as_input=True)
InfrastructureRequestInput = mirror(d.InfrastructureRequest, as_input=True)
YearlyExpenditureInput = mirror(d.YearlyExpenditure, money=("amount",), as_input=True)
DeliverablesInput = mirror(d.Deliverables, as_input=True)
ContractVendorInput = mirror(d.ContractVendor, as_input=True)
ContractInput = mirror(d.Contract, money=("contract_sum",), as_input=True)
SupervisionInput = mirror(d.Supervision, as_input=True)
TestReportInput = mirror(d.TestReport, as_input=True)
SubmittedDocumentInput = mirror(d.SubmittedDocument, as_input=True)
PerformanceTargetInput = mirror(d.PerformanceTarget, as_input=True)


@strawberry.input(description="A new project's basic facts; the dossier is built on the draft.")
class CreateProjectInput:
    name: str
    kind: ProjectKindEnum
    investment_estimate: Fen
    fund_sources: list[FundShareInput]
    jurisdiction: str = "CITY"
    declared_classified: bool = False
    city_decided: bool = strawberry.field(default=False, description="Decided by the city government (市委、市政府).")


@strawberry.input(description="The parts of the dossier to set; a part left out stays as it is.")
class DossierInput:
    feasibility_study: FeasibilityStudyInput | None = None
    preliminary_design: PreliminaryDesignInput | None = None
    data_sharing: DataSharingInput | None = None
    infrastructure_requests: list[InfrastructureRequestInput] | None = None
    cross_year: bool | None = None
    yearly_plan: list[YearlyExpenditureInput] | None = None
    deliverables: DeliverablesInput | None = None


@strawberry.input
class OperationInput:
    om_months: int = strawberry.field(description="R-OPS-1: the agreed O&M period in months, at least 36 (3 years).")
    operating_organisation: str
    om_annual_funding: Fen


@strawberry.input(description="Filters for lists; every filter given must match.")
class ProjectFilterInput:
    statuses: list[ProjectStatusEnum] | None = None
    unit: str | None = strawberry.field(default=None, description="This unit's and its subordinate units' projects.")
    jurisdiction: str | None = None
    year: int | None = strawberry.field(default=None, description="The budget year the project was drafted in.")
    kinds: list[ProjectKindEnum] | None = None
    min_investment: Fen | None = None
    max_investment: Fen | None = None
    classified: bool | None = None

