"""R-PUB-1: the open-data download's cache validators. Its content is tested end to end (tests/e2e/test_publicity.py)."""
from __future__ import annotations

from email.utils import format_datetime

from gateway.open_data import ServedSince, _matches, _not_modified_since


def test_R_PUB_1_a_download_is_dated_from_when_its_current_content_began_even_when_it_changes_back():
    served = ServedSince()
    first = served.of(("CITY", None), '"a"')
    assert served.of(("CITY", None), '"a"') == first  # unchanged content keeps its date
    changed = served.of(("CITY", None), '"b"')
    back = served.of(("CITY", None), '"a"')  # a withheld project released again: the content of before
    assert first < changed < back  # strictly later each time, even within one second
    assert not _not_modified_since(format_datetime(changed, usegmt=True), back)


def test_R_PUB_1_forgotten_downloads_are_dated_anew_never_as_older():
    served = ServedSince(size=1)
    first = served.of(("CITY", None), '"a"')
    served.of(("ANHUA", None), '"b"')
    assert served.of(("CITY", None), '"a"') > first


def test_R_PUB_1_if_none_match_lists_and_weak_tags_and_unreadable_dates():
    assert _matches('"x", W/"y"', '"y"') and _matches("*", '"z"') and not _matches('"x"', '"y"')
    served = ServedSince()
    date = served.of((None, None), '"a"')
    assert _not_modified_since(format_datetime(date, usegmt=True), date)
    assert not _not_modified_since("not a date", date)
