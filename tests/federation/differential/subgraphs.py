"""Seven small subgraphs that between them use every Federation v2 feature a gateway must plan and execute.

- projects: Project @key(id) @key(code) (several keys), District @key(city code) (compound), the value type
  Site and the shared root field `notices` (both also in census), the union SearchResult {Project, District}
  (facilities has another SearchResult), the interface Official, an @inaccessible field and the mutations;
- budget: Project fields with @requires (with arguments; of one field with two arguments; through fragments on an interface; on a field that
  itself has a @requires in census; on District.population, which lives in census), @override of
  Project.status, errors on a nullable and on a non-null field (entity and root fields), Contractor by a nested
  key; it does not know p4;
- census: District.population, Project.inflation @requires(district { city }), Project.valuation(currency:)
  (required by budget twice, with different arguments), Site.zoning, Notice.body,
  Inspector.rank, Park.size as a nullable Int (facilities has it non-null on Park, nullable on Library), and a
  mutation that refuses;
- permits: Project known by its code only, Permit.project @provides(name), Contractor @key(licence { authority
  number }) with a null inside the key, Inspector @key(badge) with a null key;
- events: Event, a non-entity; Project and Facility @key(resolvable: false), Facility as an @interfaceObject;
- facilities: the entity interface Facility @key(id) with Park and Library, the union SearchResult {Park, Library};
- maintenance: Facility as an @interfaceObject; it does not know f3, and it knows f9, which facilities (the
  only subgraph that can tell its concrete type) does not.
"""
from __future__ import annotations

import copy

from graphql import GraphQLError

from tests.federation.differential.subgraph import Subgraph

_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [{}])\n\n'


def _sdl(imports: str, body: str) -> str:
    return _LINK.replace("{}", ", ".join(f'"@{i}"' for i in imports.split())) + body.strip() + "\n"


_INITIAL = {
    "projects": {
        "p1": {"id": "p1", "code": "BR-1", "name": "Bridge", "budget": 1000, "status": "draft",
               "district": {"city": "Metro", "code": "C1"}, "site": {"address": "1 River Road"}, "secretRef": "S-1",
               "lead": {"__typename": "Engineer", "name": "Ada", "licence": "ENG-7"}},
        "p2": {"id": "p2", "code": "PK-2", "name": "Park renewal", "budget": 400, "status": "draft",
               "district": {"city": "Metro", "code": "C2"}, "site": {"address": "2 Hill Street"}, "secretRef": "S-2",
               "lead": {"__typename": "Clerk", "name": "Bo", "desk": 3}},
        "p3": {"id": "p3", "code": "LB-3", "name": "Library", "budget": 250, "status": "draft", "district": None,
               "site": {"address": "3 Book Lane"}, "secretRef": None, "lead": None},
        "p4": {"id": "p4", "code": "XX-4", "name": "Unbudgeted", "budget": 10, "status": "draft",
               "district": {"city": "Metro", "code": "C1"}, "site": {"address": "4 Nowhere"}, "secretRef": "S-4",
               "lead": None},
    },
    "log": [],
}
STATE: dict = {}


def reset() -> None:
    """The data as at the start: the same for every operation and for both gateways."""
    STATE.clear()
    STATE.update(copy.deepcopy(_INITIAL))


reset()

DISTRICTS = {("Metro", "C1"): {"name": "Centre", "population": 5000},
             ("Metro", "C2"): {"name": "Hills", "population": 200}}
NOTICES = {"n1": {"title": "Road closed", "author": "Works", "body": "Until Friday"},
           "n2": {"title": "New library", "author": "Culture", "body": None}}
ZONING = {"p1": "industrial", "p2": "green", "p3": "civic", "p4": "none"}
BUDGETS = {"p1": {"status": "approved", "risk": "low"}, "p2": {"status": "review", "risk": "high"},
           "p3": {"status": "approved", "risk": "low"}}  # budget knows no p4
INFLATION = {"Metro": 1.5}
PERMITS = [  # PM-2: a null inside a nested key; PM-3: an inspector whose key is null
    {"number": "PM-1", "kind": "build", "project": "BR-1", "contractor": ("City", "77"),
     "inspector": {"badge": "B-1", "name": "Ines"}},
    {"number": "PM-2", "kind": "demolish", "project": "BR-1", "contractor": ("City", None), "inspector": None},
    {"number": "PM-3", "kind": "plant", "project": "PK-2", "contractor": None,
     "inspector": {"badge": None, "name": "Trainee"}},
    {"number": "PM-4", "kind": "survey", "project": None, "contractor": ("State", "12"),
     "inspector": {"badge": "B-2", "name": "Olga"}},
]
RANKS = {"B-1": "senior", "B-2": "junior"}
COMPANIES = {("City", "77"): "Stonemasons", ("City", None): "Unlicensed Ltd", ("State", "12"): "Surveyors"}
RATINGS = {("City", "77"): 4, ("State", "12"): 5}
FACILITIES = {"f1": {"__typename": "Park", "id": "f1", "name": "Riverside", "acres": 12, "size": 120},
              "f2": {"__typename": "Library", "id": "f2", "name": "Central", "books": 5000, "size": None},
              "f3": {"__typename": "Park", "id": "f3", "name": "Hilltop", "acres": 3, "size": 30}}
INSPECTIONS = {"f1": "2024-05-01", "f2": None, "f9": "2020-01-01"}  # no f3; f9: unknown to facilities
EVENTS = [{"title": "Opening", "project": {"id": "p1"}, "venue": {"id": "f1"}},
          {"title": "Reading", "project": {"id": "p9"}, "venue": {"id": "f2"}},  # p9: a project nobody knows
          {"title": "Cancelled", "project": None, "venue": None}]


def _project(id: str | None = None, code: str | None = None) -> dict | None:
    return next((p for p in STATE["projects"].values() if p["id"] == id or p["code"] == code), None)


def _district(city: str, code: str) -> dict | None:
    found = DISTRICTS.get((city, code))
    return found and {"__typename": "District", "city": city, "code": code, "name": found["name"]}


def _stamp(label: str) -> str:
    STATE["log"].append(label)
    return f"{label}#{len(STATE['log'])}"


def _rename(id: str, name: str) -> dict | None:
    project = _project(id)
    if project is not None:
        project["name"] = name
    return project


# The value types projects and budget both define (@shareable), as each subgraph's own SDL repeats them.
OFFICIALS = '''
interface Official {
  name: String!
}

type Engineer implements Official @shareable {
  name: String!
  licence: String!
}

type Clerk implements Official @shareable {
  name: String!
  desk: Int!
}
'''


projects = Subgraph("projects", _sdl("key shareable inaccessible", '''
type Query {
  project(id: ID!): Project
  projects: [Project!]!
  projectByCode(code: String!): Project
  search(text: String!): [SearchResult!]!
  notices: [Notice!]! @shareable
}

type Mutation {
  renameProject(id: ID!, name: String!): Project
  stamp(label: String!): String!
}

type Project @key(fields: "id") @key(fields: "code") {
  id: ID!
  code: String!
  name: String! @shareable
  budget: Int!
  status: String!
  district: District
  site: Site! @shareable
  secretRef: String @inaccessible
  lead: Official
}

type District @key(fields: "city code") {
  city: String!
  code: String!
  name: String!
}

type Site @shareable {
  address: String!
}

''' + OFFICIALS + '''
union SearchResult = Project | District

type Notice @key(fields: "id") {
  id: ID!
  title: String! @shareable
  author: String
}
'''), roots={
    "Query.project": lambda _, id: _project(id),
    "Query.projects": lambda _: list(STATE["projects"].values()),
    "Query.projectByCode": lambda _, code: _project(code=code),
    "Query.search": lambda _, text: [{"__typename": "Project", **p} for p in STATE["projects"].values()
                                     if text in p["name"]] + [d for d in (_district(*k) for k in DISTRICTS)
                                                              if text in d["name"]],
    "Query.notices": lambda _: [{"id": i, **n} for i, n in NOTICES.items()],
    "Mutation.renameProject": lambda _, id, name: _rename(id, name),
    "Mutation.stamp": lambda _, label: _stamp(label),
}, fields={
    "Project.district": lambda p: p["district"] and _district(p["district"]["city"], p["district"]["code"]),
}, entities={
    "Project": lambda r: _project(r.get("id"), r.get("code")),
    "District": lambda r: _district(r["city"], r["code"]),
    "Notice": lambda r: {"id": r["id"], **NOTICES[r["id"]]} if r["id"] in NOTICES else None,
})


RATES = {"USD": 1, "EUR": 2}


def _per_capita(project: dict, rounding: int) -> float | None:
    population = (project.get("district") or {}).get("population")
    return round(project["budget"] / population, rounding) if population else None


def _lead_badge(project: dict) -> str | None:
    lead = project.get("lead")
    if lead is None:
        return None
    return f"{lead['name']} ({lead.get('licence', 'no licence')})"


def _risk(project: dict) -> str:
    if project["id"] == "p2":
        raise GraphQLError("risk model unavailable for p2")
    return BUDGETS[project["id"]]["risk"]


def _offline(what: str):
    raise GraphQLError(f"the {what} is offline")


def _audit_note(project: dict) -> str:
    if project["id"] == "p2":
        raise GraphQLError("audit notes for p2 are sealed")
    return f"audited {project['id']}"


budget = Subgraph("budget", _sdl("key external requires override shareable", '''
type Query {
  forecast: Int
  ledger: String!
}

type Project @key(fields: "id") {
  id: ID!
  budget: Int! @external
  district: District @external
  lead: Official @external
  secretRef: String @external
  inflation: Float @external
  status: String! @override(from: "projects")
  perCapita(rounding: Int = 2): Float @requires(fields: "budget district { population }")
  leadBadge: String @requires(fields: "lead { name ... on Engineer { licence } }")
  auditTag: String @requires(fields: "secretRef")
  adjustedBudget: Int @requires(fields: "budget inflation")
  valuation(currency: String!): Int @external
  valuationNote: String @requires(fields: """valuation(currency: "USD")""")
  valuationNoteEUR: String @requires(fields: """valuation(currency: "EUR")""")
  riskLevel: String!
  auditNote: String
}

type District @key(fields: "city code") {
  city: String!
  code: String!
  population: Int @external
}

''' + OFFICIALS + '''
type Contractor @key(fields: "licence { authority number }") {
  licence: Licence!
  rating: Int
}

type Licence @shareable {
  authority: String!
  number: String
}
'''), roots={"Query.forecast": lambda _: _offline("forecast"), "Query.ledger": lambda _: _offline("ledger")}, entities={
    "Project": lambda r: {"id": r["id"], "status": BUDGETS[r["id"]]["status"]} if r["id"] in BUDGETS else None,
    "Contractor": lambda r: {"rating": RATINGS.get((r["licence"]["authority"], r["licence"]["number"]))},
}, fields={
    "Project.perCapita": lambda p, rounding: _per_capita(p, rounding),
    "Project.leadBadge": lambda p: _lead_badge(p),
    "Project.auditTag": lambda p: p["secretRef"] and f"tag-{p['secretRef']}",
    "Project.adjustedBudget": lambda p: None if p.get("inflation") is None else int(p["budget"] * p["inflation"]),
    "Project.valuationNote": lambda p: f"worth {p['valuation']} USD",
    "Project.valuationNoteEUR": lambda p: f"worth {p['valuation']} EUR",
    "Project.riskLevel": lambda p: _risk(p),
    "Project.auditNote": lambda p: _audit_note(p),
})

census = Subgraph("census", _sdl("key external requires shareable", '''
type Query {
  notices: [Notice!]! @shareable
}

type Mutation {
  tally(label: String!): String!
  refuse(label: String!): String
}

type Inspector @key(fields: "badge") {
  badge: String
  rank: String
}

type District @key(fields: "city code") {
  city: String!
  code: String!
  population: Int
}

type Project @key(fields: "id") {
  id: ID!
  district: District @external
  inflation: Float @requires(fields: "district { city }")
  site: Site! @shareable
  valuation(currency: String!): Int
}

type Site @shareable {
  address: String!
  zoning: String!
}

type Notice @key(fields: "id") {
  id: ID!
  title: String! @shareable
  body: String
}

type Park @key(fields: "id") {
  id: ID!
  size: Int @shareable
}
'''), roots={
    "Query.notices": lambda _: [{"id": i, "title": n["title"], "body": n["body"]} for i, n in NOTICES.items()],
    "Mutation.tally": lambda _, label: _stamp(label),
    "Mutation.refuse": lambda _, label: _offline(f"register for {label}"),
}, entities={
    "Inspector": lambda r: {"rank": RANKS[r["badge"]]} if r["badge"] in RANKS else None,
    "District": lambda r: {"population": DISTRICTS[(r["city"], r["code"])]["population"]}
    if (r["city"], r["code"]) in DISTRICTS else None,
    "Project": lambda r: {"site": {"address": _project(r["id"])["site"]["address"], "zoning": ZONING[r["id"]]}}
    if _project(r["id"]) else None,
    "Notice": lambda r: {"id": r["id"], "title": NOTICES[r["id"]]["title"], "body": NOTICES[r["id"]]["body"]},
    "Park": lambda r: {"size": FACILITIES[r["id"]]["size"]} if r["id"] in FACILITIES else None,
}, fields={
    "Project.inflation": lambda p: p.get("district") and INFLATION.get(p["district"]["city"]),
    "Project.valuation": lambda p, currency: 1000 * int(p["id"].lstrip("p")) * RATES[currency],
})


def _permit(row: dict) -> dict:
    project = _project(code=row["project"]) if row["project"] else None
    contractor = row["contractor"]
    return {"number": row["number"], "kind": row["kind"], "inspector": row["inspector"],
            "project": project and {"code": project["code"], "name": project["name"]},
            "contractor": contractor and {"licence": {"authority": contractor[0], "number": contractor[1]},
                                          "company": COMPANIES[contractor]}}


permits = Subgraph("permits", _sdl("key external provides shareable", '''
type Query {
  permits: [Permit!]!
}

type Permit @key(fields: "number") {
  number: String!
  kind: String!
  project: Project @provides(fields: "name")
  contractor: Contractor
  inspector: Inspector
}

type Inspector @key(fields: "badge") {
  badge: String
  name: String!
}

type Project @key(fields: "code") {
  code: String!
  name: String! @external
  permits: [Permit!]!
}

type Contractor @key(fields: "licence { authority number }") {
  licence: Licence!
  company: String!
}

type Licence @shareable {
  authority: String!
  number: String
}
'''), roots={"Query.permits": lambda _: [_permit(row) for row in PERMITS]}, entities={
    "Permit": lambda r: next((_permit(row) for row in PERMITS if row["number"] == r["number"]), None),
    "Project": lambda r: {"code": r["code"]},
    "Contractor": lambda r: {"company": COMPANIES.get((r["licence"]["authority"], r["licence"]["number"]))},
}, fields={
    "Project.permits": lambda p: [_permit(row) for row in PERMITS if row["project"] == p["code"]],
})

events = Subgraph("events", _sdl("key interfaceObject", '''
type Query {
  events: [Event!]!
}

type Event {
  title: String!
  project: Project
  venue: Facility
}

type Project @key(fields: "id", resolvable: false) {
  id: ID!
}

type Facility @key(fields: "id", resolvable: false) @interfaceObject {
  id: ID!
}
'''), roots={"Query.events": lambda _: copy.deepcopy(EVENTS)})

facilities = Subgraph("facilities", _sdl("key shareable", '''
type Query {
  facilities: [Facility!]!
  nearby: [SearchResult!]!
}

interface Facility @key(fields: "id") {
  id: ID!
  name: String!
}

type Park implements Facility @key(fields: "id") {
  id: ID!
  name: String!
  acres: Int
  size: Int! @shareable
}

type Library implements Facility @key(fields: "id") {
  id: ID!
  name: String!
  books: Int
  size: Int
}

union SearchResult = Park | Library
'''), roots={
    "Query.facilities": lambda _: list(FACILITIES.values()),
    "Query.nearby": lambda _: [FACILITIES["f2"], FACILITIES["f1"]],
}, entities={
    "Facility": lambda r: FACILITIES.get(r["id"]),
    "Park": lambda r: FACILITIES.get(r["id"]),
    "Library": lambda r: FACILITIES.get(r["id"]),
})

maintenance = Subgraph("maintenance", _sdl("key interfaceObject", '''
type Query {
  overdue: [Facility!]!
  inspections: [Facility]!
}

type Facility @key(fields: "id") @interfaceObject {
  id: ID!
  lastInspection: String
}
'''), roots={
    "Query.overdue": lambda _: [{"id": i, "lastInspection": INSPECTIONS[i]} for i in ("f1", "f2")],
    "Query.inspections": lambda _: [{"id": i, "lastInspection": d} for i, d in INSPECTIONS.items()]},
    entities={"Facility": lambda r: {"lastInspection": INSPECTIONS[r["id"]]} if r["id"] in INSPECTIONS else None})

SUBGRAPHS = {s.name: s for s in (projects, budget, census, permits, events, facilities, maintenance)}
