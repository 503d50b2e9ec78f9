"""The published projects as an Open Contracting for Infrastructure Data Standard (OC4IDS 0.9.5) project package.

Input: projects as the public query `publishedProjects` answers them (shared/open_data/published.py). Every field
the public sees goes to its OC4IDS place; docs/open-data.md lists what is filled, what stays empty, and why.
Amounts are integer fen turned into exact `Decimal` yuan (never a float) and written as JSON numbers by `dumps`.
"""
from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from shared.clock import CHINA

VERSION = "0.9"  # major.minor of OC4IDS 0.9.5, as the package's `version` wants it
# A project's OC4IDS id: this prefix and the project's stable id (the federation key), so it never changes between
# exports. (The Open Contracting Partnership registers `oc4ids-xxxxxx` prefixes; the city has none yet.)
PROJECT_ID_PREFIX = "oc4ids-yiyang-"
PACKAGE_URI = "https://egov.yiyang.gov.cn/open-data/oc4ids.json"
PUBLISHER = {"name": "益阳市行政审批服务局 Yiyang Administrative Approval Service Bureau"}
CURRENCY = "CNY"
PROJECT_CODE_SCHEME = "CN-YIYANG-PROJECT-CODE"  # 项目编号, jurisdiction-year-number
KIND_SCHEME = "CN-YIYANG-PROJECT-KIND"  # R-GEN-1's kinds (Art 2)

STATUS = {  # our lifecycle -> OC4IDS projectStatus (closed codelist)
    "APPROVED": "preparation", "TECHNICAL_REVIEW_PASSED": "preparation", "BUDGET_REVIEW_PASSED": "preparation",
    "CONTRACT_SIGNED": "implementation", "UNDER_CONSTRUCTION": "implementation",
    "INITIAL_ACCEPTANCE_PASSED": "implementation", "COMPLETION_ACCEPTANCE_REQUESTED": "implementation",
    "ACCEPTED": "completion", "IN_OPERATION": "maintenance", "CLOSED": "decommissioned",
}
TYPE_BY_SUFFIX = {"_NEW": "construction", "_EXPANSION": "expansion", "_RENOVATION": "rehabilitation"}
SECTOR = ["communications"]  # every project of the measures is ICT (新型智慧城市和电子政务)
FUND_SOURCE = {"FISCAL": "财政资金 fiscal funds", "HIGHER_LEVEL_SPECIAL": "上级专项资金 higher-level special funds",
               "FINANCING": "融资资金 financing", "SELF_RAISED": "自筹资金 self-raised funds"}
# milestone kind -> (title, OC4IDS milestoneType, milestoneCode or None)
MILESTONES = {
    "SUBMITTED": ("立项申请 Submitted for approval", "approval", None),
    "APPROVED": ("立项审批 Project approved", "approval", "projectApproval"),
    "TECHNICAL_REVIEW_PASSED": ("技术评审 Technical review passed", "assessment", None),
    "BUDGET_REVIEW_PASSED": ("预算评审 Budget review passed", "financing", None),
    "CONTRACT_SIGNED": ("合同签订 Contract signed", "approval", None),
    "CONSTRUCTION_STARTED": ("开工 Construction started", "delivery", "commencement"),
    "INITIAL_ACCEPTANCE_PASSED": ("初步验收 Initial acceptance passed", "assessment", None),
    "COMPLETION_ACCEPTANCE_REFUSED": ("竣工验收未通过 Completion acceptance refused", "assessment", None),
    "COMPLETION_ACCEPTANCE_PASSED": ("竣工验收 Completion acceptance passed", "assessment", "completion"),
    "OPERATION_STARTED": ("正式运行 Formal operation started", "delivery", "commissioning"),
    "CLOSED": ("项目关闭 Project closed", "reporting", None),
}
BUILT = {"ACCEPTED", "IN_OPERATION", "CLOSED"}


def yuan(fen: int) -> Decimal:
    """Integer fen as exact yuan with two decimals: 2500000012 -> Decimal('25000000.12')."""
    return Decimal(int(fen)).scaleb(-2)


def value(fen: int) -> dict:
    return {"amount": yuan(fen), "currency": CURRENCY}


def _day_start(day: str) -> str:
    return datetime.combine(date.fromisoformat(day), time(0), tzinfo=CHINA).isoformat()


def _year_period(first: int, last: int) -> dict:
    start = datetime(first, 1, 1, tzinfo=CHINA)
    end = datetime(last, 12, 31, 23, 59, 59, tzinfo=CHINA)
    return {"startDate": start.isoformat(), "endDate": end.isoformat(), "durationInDays": (end - start).days + 1}


def _instant(text: str) -> str:
    return datetime.fromisoformat(text).isoformat()


def _add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has none (31 January + 1 month: 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def project_id(published_id: str) -> str:
    return PROJECT_ID_PREFIX + published_id


def _budget(p: dict) -> dict:
    budget: dict = {"amount": value(p["investment"])}
    submitted = [m["at"] for m in p["milestones"] if m["kind"] == "SUBMITTED"]
    approved = [m["at"] for m in p["milestones"] if m["kind"] == "APPROVED"]
    if submitted:
        budget["requestDate"] = _instant(submitted[-1])
    if approved:
        budget["approvalDate"] = _instant(approved[-1])
    breakdowns = []
    if p["fundSources"]:
        breakdowns.append({"id": "fund-sources", "description": "资金来源 Fund sources (Article 3)",
                           "budgetBreakdown": [{"id": s["source"], "description": FUND_SOURCE.get(s["source"],
                                                                                                  s["source"]),
                                                "amount": value(s["amount"])} for s in p["fundSources"]]})
    if p["yearlyPlan"]:
        breakdowns.append({"id": "yearly-plan", "description": "分年度支出计划 Yearly expenditure plan (R-APP-3)",
                           "budgetBreakdown": [{"id": str(y["year"]), "amount": value(y["amount"]),
                                                "period": _year_period(y["year"], y["year"])}
                                               for y in p["yearlyPlan"]]})
    if breakdowns:
        budget["budgetBreakdowns"] = breakdowns
    return budget


def _milestones(p: dict) -> list[dict]:
    out, counts = [], {}
    for m in p["milestones"]:
        counts[m["kind"]] = counts.get(m["kind"], 0) + 1
        title, kind, code = MILESTONES[m["kind"]]
        entry = {"id": f"{m['kind']}-{counts[m['kind']]}", "title": title, "type": kind}
        if code:
            entry["code"] = code
        if m["kind"] == "COMPLETION_ACCEPTANCE_REFUSED":
            entry.update(status="notMet", dateModified=_instant(m["at"]))
        else:
            entry.update(status="met", dateMet=_instant(m["at"]))
        out.append(entry)
    return out


def _modifications(p: dict) -> list[dict]:
    """R-IMP-3: approved change plans, and changes made without approval; a rejected plan changed nothing."""
    out = []
    for c in p["changes"]:
        if c["status"] not in ("APPROVED", "UNAUTHORIZED"):
            continue
        entry = {"id": c["changeId"], "type": "scope",
                 "description": c["plan"] if c["status"] == "APPROVED" else f"未经批准的变更 made without approval: "
                                                                            f"{c['plan']}"}
        if c["decidedAt"]:
            entry["date"] = _instant(c["decidedAt"])
        out.append(entry)
    return out


def _contracting_processes(p: dict) -> list[dict]:
    contract = p["contract"]
    if contract is None:
        return []
    summary = {
        "externalReference": contract["contractId"],
        "title": f"{p['name']}: {contract['contractId']}",
        "status": "closed" if p["status"] in BUILT else "active",
        "suppliers": [{"id": v["vendorId"], "name": v["name"]} for v in contract["vendors"]],
        "contractValue": value(contract["contractSum"]),
        "milestones": [{"id": "contract-signed", "title": MILESTONES["CONTRACT_SIGNED"][0], "type": "approval",
                        "status": "met", "dateMet": _day_start(contract["signedOn"])}],
    }
    modifications = _modifications(p)
    if modifications:
        summary["modifications"] = modifications
    return [{"id": contract["contractId"], "summary": summary}]


def _parties(p: dict) -> list[dict]:
    parties = [{"id": p["unitId"], "name": p["unitId"], "roles": ["publicAuthority", "buyer"]}]
    for vendor in (p["contract"] or {}).get("vendors", []):
        parties.append({"id": vendor["vendorId"], "name": vendor["name"], "roles": ["supplier"]})
    return parties


def project(p: dict) -> dict:
    """One published project in OC4IDS."""
    out: dict = {
        "id": project_id(p["id"]),
        "language": "zh",
        "identifiers": [{"id": p["code"], "scheme": PROJECT_CODE_SCHEME}],
        "title": p["name"],
        "publicAuthority": {"id": p["unitId"], "name": p["unitId"]},
        "parties": _parties(p),
        "status": STATUS[p["status"]],
        "sector": list(SECTOR),
        "additionalClassifications": [{"scheme": KIND_SCHEME, "id": p["kind"]}],
        "budget": _budget(p),
    }
    if p["milestones"]:
        out["updated"] = max(_instant(m["at"]) for m in p["milestones"])
        out["milestones"] = _milestones(p)
    kind_type = next((t for suffix, t in TYPE_BY_SUFFIX.items() if p["kind"].endswith(suffix)), None)
    if kind_type:
        out["type"] = kind_type
    if p["yearlyPlan"]:
        years = [y["year"] for y in p["yearlyPlan"]]
        out["period"] = _year_period(min(years), max(years))
    processes = _contracting_processes(p)
    if processes:
        out["contractingProcesses"] = processes
    accepted = (p["acceptance"] or {}).get("completionAcceptancePassedAt")
    if accepted:
        out["completion"] = {"endDate": _instant(accepted)}
    operation = p["operation"]
    if operation:
        start = date.fromisoformat(operation["startedOn"])
        end = _add_months(start, operation["omMonths"]) - timedelta(days=1)
        out["maintenancePeriod"] = {"startDate": _day_start(start.isoformat()),
                                    "endDate": datetime.combine(end, time(23, 59, 59), tzinfo=CHINA).isoformat(),
                                    "durationInDays": (end - start).days + 1}
    return out


def package(projects: list[dict], *, published_date: datetime, uri: str = PACKAGE_URI) -> dict:
    """The project package of the published projects (already in OC4IDS form: see `project`)."""
    return {"uri": uri, "version": VERSION, "publishedDate": published_date.isoformat(), "publisher": dict(PUBLISHER),
            "projects": projects}


def dumps(document, *, indent: int | None = None) -> str:
    """JSON with Decimal amounts written exactly as numbers (json.dumps would refuse them, float() would round)."""
    def encode(item, depth: int) -> str:
        if isinstance(item, Decimal):
            return format(item, "f")
        if isinstance(item, dict):
            parts = [f"{json.dumps(k, ensure_ascii=False)}: {encode(v, depth + 1)}" for k, v in item.items()]
            return _wrap("{", "}", parts, depth)
        if isinstance(item, (list, tuple)):
            return _wrap("[", "]", [encode(v, depth + 1) for v in item], depth)
        return json.dumps(item, ensure_ascii=False)

    def _wrap(opening: str, closing: str, parts: list[str], depth: int) -> str:
        if not parts:
            return opening + closing
        if indent is None:
            return opening + ", ".join(parts) + closing
        inner, outer = "\n" + " " * (indent * (depth + 1)), "\n" + " " * (indent * depth)
        return opening + inner + ("," + inner).join(parts) + outer + closing

    return encode(document, 0)
