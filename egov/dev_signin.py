"""Development sign-in for the console: the embedded default mints tokens for a department and unit a person picks.

Only in the development setting (ENVIRONMENT=development, the embedded system's own key pair): anywhere else the
endpoint refuses, and a person pastes a token the real issuer gave them. The token goes back in the response body,
which the console keeps in session storage: never in a URL, which would end up in access logs and history.
"""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.auth import AuthError, Department, mint_token
from shared.settings import Settings

log = logging.getLogger(__name__)
PATH = "/dev/sign-in"
TTL = 8 * 3600

# Who a person may sign in as while trying the system: each department with the unit the README's session uses,
# and construction units with their parent units (a unit sees its subordinate units' projects).
IDENTITIES = [
    {"department": "CONSTRUCTION_UNIT", "unit": "city-health-commission", "parentUnits": ["city-government"],
     "label": "市卫生健康委员会"},
    {"department": "CONSTRUCTION_UNIT", "unit": "city-education-bureau", "parentUnits": ["city-government"],
     "label": "市教育局"},
    {"department": "BIG_DATA_CENTER", "unit": "yiyang-big-data-center", "parentUnits": [],
     "label": "市智慧城市和大数据中心"},
    {"department": "APPROVAL_BUREAU", "unit": "yiyang-approval-bureau", "parentUnits": [], "label": "市行政审批服务局"},
    {"department": "FINANCE_BUREAU", "unit": "yiyang-finance-bureau", "parentUnits": [], "label": "市财政局"},
    {"department": "AUDIT_BUREAU", "unit": "yiyang-audit-bureau", "parentUnits": [], "label": "市审计局"},
    {"department": "SECRECY_BUREAU", "unit": "yiyang-secrecy-bureau", "parentUnits": [], "label": "市国家保密局"},
    {"department": "LEADING_GROUP", "unit": "smart-city-leading-group", "parentUnits": [],
     "label": "市新型智慧城市建设领导小组"},
    {"department": "CITY_GOVERNMENT", "unit": "yiyang-city-government", "parentUnits": [], "label": "市人民政府"},
    {"department": "SUPERVISORY_COMMISSION", "unit": "yiyang-supervisory-commission", "parentUnits": [],
     "label": "市监察委员会"},
]


def development_sign_in_allowed(settings: Settings) -> bool:
    return settings.environment == "development" and settings.jwt_private_key_file is not None


def _refused() -> JSONResponse:
    return JSONResponse({"available": False, "error": "development sign-in is off: paste a token from your issuer"},
                        status_code=403)


def add_development_sign_in(app: FastAPI, settings: Settings) -> None:
    @app.get(PATH, include_in_schema=False)
    async def identities():
        if not development_sign_in_allowed(settings):
            return _refused()
        return {"available": True, "identities": IDENTITIES}

    @app.post(PATH, include_in_schema=False)
    async def sign_in(request: Request):
        if not development_sign_in_allowed(settings):
            log.info("development sign-in refused: not the development setting")
            return _refused()
        try:
            body = await request.json()
            department = Department(body["department"])
            unit = body.get("unit") or None
            parents = [str(p) for p in body.get("parentUnits") or []]
            if department is Department.PUBLIC:
                raise ValueError("the public signs in with no token")
            token = mint_token(settings, department=department, unit=unit, parent_units=parents, ttl_seconds=TTL)
        except (ValueError, KeyError, TypeError, AuthError) as exc:
            return JSONResponse({"error": f"bad request: {exc}"}, status_code=400)
        return JSONResponse({"token": token, "expiresIn": TTL}, headers={"cache-control": "no-store"})
