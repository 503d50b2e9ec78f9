"""Jurisdictions (Article 3): the city, and the districts/counties that follow the measures by reference."""
from __future__ import annotations

JURISDICTIONS: dict[str, str] = {
    "CITY": "益阳市本级",
    "ZIYANG": "资阳区",
    "HESHAN": "赫山区",
    "NANXIAN": "南县",
    "TAOJIANG": "桃江县",
    "ANHUA": "安化县",
    "YUANJIANG": "沅江市",
    "GAOXIN": "益阳高新区",
    "DATONGHU": "大通湖区",
}
