"""The project dossier (立项材料) and the facts recorded on a project as it goes: value objects, no I/O."""
from __future__ import annotations

from datetime import date
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlanDocumentKind(str, Enum):
    FEASIBILITY_STUDY = "FEASIBILITY_STUDY"  # 可行性研究报告
    CONSTRUCTION_PLAN = "CONSTRUCTION_PLAN"  # 建设方案


class FeasibilityStudy(Value):
    """Art 6, 9: the feasibility study report or construction plan, with construction content and estimate."""

    kind: PlanDocumentKind
    reference: str
    construction_content: str
    investment_estimate: int  # fen


class PreliminaryDesign(Value):
    """Art 8: the preliminary design (初步设计方案)."""

    construction_content: str
    implementation_approach: str
    sharing_plan: str  # 信息资源共享实施方案
    functional_requirements: str
    equipment_selection: str


class SharingClass(str, Enum):
    """R-GEN-3: sharing is the rule, not sharing the exception."""

    UNCONDITIONAL = "UNCONDITIONAL"  # 无条件共享
    CONDITIONAL = "CONDITIONAL"  # 有条件共享
    NOT_SHARED = "NOT_SHARED"  # 不予共享


class DataResource(Value):
    """One entry of the data-resource catalog (数据资源目录)."""

    name: str
    sharing_class: SharingClass
    legal_basis: str | None = None  # required for NOT_SHARED
    sharing_conditions: str | None = None  # for CONDITIONAL
    open_to_specific_enterprises_only: bool = False


class DataSharing(Value):
    """R-GEN-3 (Art 4, 9): the sharing analysis chapter, the catalog, the platform and the feedback channel."""

    analysis_chapter: str  # 数据资源共享分析篇(章)
    catalog: tuple[DataResource, ...]
    joins_sharing_platform: bool
    feedback_channel: str


class InfrastructureKind(str, Enum):
    """R-GEN-2 (Art 4): infrastructure a project may not build for itself without an exemption."""

    MACHINE_ROOM = "MACHINE_ROOM"
    NETWORK = "NETWORK"
    STORAGE = "STORAGE"
    COMPUTE = "COMPUTE"


class InfrastructureRequest(Value):
    kind: InfrastructureKind
    justification: str


class YearlyExpenditure(Value):
    year: int
    amount: int  # fen


class Deliverables(Value):
    """What the project delivers, which decides the test reports it needs (R-ACC-1)."""

    custom_software: bool
    hardware_or_mature_software: bool


class Dossier(Value):
    feasibility_study: FeasibilityStudy | None = None
    preliminary_design: PreliminaryDesign | None = None
    data_sharing: DataSharing | None = None
    infrastructure_requests: tuple[InfrastructureRequest, ...] = ()
    cross_year: bool = False
    yearly_plan: tuple[YearlyExpenditure, ...] = ()  # R-APP-3
    deliverables: Deliverables | None = None


class ReviewAspect(str, Enum):
    """R-REV-1 (Art 10): what the technical review judges."""

    CONSTRUCTION_GOALS = "CONSTRUCTION_GOALS"
    SITE = "SITE"
    FUNCTIONAL_REQUIREMENTS = "FUNCTIONAL_REQUIREMENTS"
    TECHNICAL_APPROACH = "TECHNICAL_APPROACH"
    SHARING_PLAN = "SHARING_PLAN"
    EQUIPMENT_SELECTION = "EQUIPMENT_SELECTION"
    INVESTMENT_ESTIMATE = "INVESTMENT_ESTIMATE"


class ReviewOpinion(Value):
    """The review opinion (审查意见) that ends the technical review."""

    opinion: str
    approved_estimate: int  # fen


class ContractVendor(Value):
    vendor_id: str
    name: str
    scope: str  # QualificationScope of the vendor's part of the work (checked for classified projects)


class Contract(Value):
    contract_id: str
    vendors: tuple[ContractVendor, ...]
    contract_sum: int  # fen
    signed_on: date


class Supervision(Value):
    """R-IMP-4 (Art 14): the supervision company (监理公司) and its project lead."""

    company: str
    company_qualification_number: str  # 信息系统工程监理资质
    lead_name: str
    lead_certificate_number: str  # 信息系统工程监理执业资格证书


class ChangeStatus(str, Enum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    UNAUTHORIZED = "UNAUTHORIZED"  # made without approval (擅自变更): blocks completion acceptance


class Change(Value):
    """R-IMP-3 (Art 13): a change to the approved content."""

    change_id: str
    plan: str
    status: ChangeStatus
    reasons: tuple[str, ...] = ()


class TestReportKind(str, Enum):
    CUSTOM_SOFTWARE = "CUSTOM_SOFTWARE"  # 定制开发软件第三方检测 (R-ACC-1)
    HARDWARE_OR_MATURE_SOFTWARE = "HARDWARE_OR_MATURE_SOFTWARE"  # 测评报告或说明书 (R-ACC-1)
    SOURCE_CODE = "SOURCE_CODE"  # R-ACC-2, major projects
    DATABASE_SYSTEM = "DATABASE_SYSTEM"  # R-ACC-2
    NETWORK_SECURITY_AND_SECRECY = "NETWORK_SECURITY_AND_SECRECY"  # R-ACC-2


class TestReport(Value):
    kind: TestReportKind
    tester: str
    tester_qualification: str | None = None  # required for third-party testing
    report_number: str
    issued_on: date
    is_manual: bool = False  # a product manual instead of a test report (hardware and mature software only)


class AcceptanceDocument(str, Enum):
    """R-ACC-4 (Art 16): what a completion-acceptance application carries."""

    APPROVAL_DOCUMENTS = "APPROVAL_DOCUMENTS"  # 批准建设文件
    IMPLEMENTATION_PLAN = "IMPLEMENTATION_PLAN"  # 实施方案
    COMPLETION_REPORT = "COMPLETION_REPORT"  # 竣工报告
    SUPERVISION_REPORT = "SUPERVISION_REPORT"  # 监理报告
    TRIAL_OPERATION_AND_INITIAL_ACCEPTANCE_REPORT = "TRIAL_OPERATION_AND_INITIAL_ACCEPTANCE_REPORT"
    USER_TRAINING_REPORT = "USER_TRAINING_REPORT"  # 用户受训报告
    NETWORK_AND_SYSTEM_TEST_REPORTS = "NETWORK_AND_SYSTEM_TEST_REPORTS"  # 网络及软硬件测试报告
    SECURITY_ANALYSIS_REPORT = "SECURITY_ANALYSIS_REPORT"  # 安全分析报告
    OTHER = "OTHER"


class SubmittedDocument(Value):
    kind: AcceptanceDocument
    reference: str


class Operation(Value):
    """R-OPS-1 (Art 17): the O&M arrangements of a project in formal operation."""

    om_months: int = Field(ge=0, le=1200)  # "不少于3年": 2 years 11 months must be expressible, and refused
    operating_organisation: str
    om_annual_funding: int  # fen
    started_on: date

    @model_validator(mode="before")
    @classmethod
    def _from_whole_years(cls, data):
        """Records written before the period was kept in months say `om_years`."""
        if isinstance(data, dict) and "om_years" in data and "om_months" not in data:
            data = {**{k: v for k, v in data.items() if k != "om_years"}, "om_months": data["om_years"] * 12}
        return data


class PerformanceTarget(Value):
    """R-PER-1 (Art 18): a performance target (绩效目标), set while the budget is detailed."""

    indicator: str
    target: str


class ProgressReport(Value):
    """R-PER-1: tracking a target during construction (绩效运行跟踪监控)."""

    indicator: str
    actual: str
    reported_on: date


class Rectification(str, Enum):
    NOT_NEEDED = "NOT_NEEDED"
    ORDERED = "ORDERED"  # 督促整改
    REPORTED = "REPORTED"  # the unit says it rectified; the bureau has not confirmed
    DONE = "DONE"


class PerformanceCycle(Value):
    """R-PER-2: one year's self-evaluation (自评), the experts' review and any rectification (整改)."""

    year: int
    self_evaluation: str  # the self-evaluation report's reference
    claims_targets_met: bool
    targets_met: bool | None = None  # the experts' finding; None until reviewed
    expert_opinion: str | None = None
    rectification: Rectification | None = None
    rectification_report: str | None = None


class PerformanceReview(Value):
    year: int
    targets_met: bool
    opinion: str
