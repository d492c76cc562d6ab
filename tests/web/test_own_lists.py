"""A person's own lists (claims, trips, applications: ``Portal.own_list``): signed out, sign in
first; signed in, the first page; a cursor that is not one (an old or hand-edited address) gives
the first page too, not an empty list or an error page."""

from __future__ import annotations

import re

import httpx

from tests.web.conftest import signed_in_client

LISTS = ["/claims", "/trips", "/applications"]
BAD_CURSORS = ["garbage", "WyIyMDI2LTAxLTAxIiwgInRvbyBtYW55Il0", "x" * 300]
APPLY = "mutation { submitApplication(kind: INDIVIDUAL_ASSISTANT) { application { id } errors { code message } } }"


def cases(html: str, base: str) -> list[str]:
    return [c for c in re.findall(rf'<a class="govuk-link" href="{base}/([A-Za-z0-9_=-]+)"', html) if c != "new"]


def test_own_lists_page_from_the_start_on_a_bad_cursor(fresh_portal) -> None:  # type: ignore[no-untyped-def]
    applied = fresh_portal.graphql(APPLY, login="recipient")["submitApplication"]
    assert applied["errors"] == [], applied
    with httpx.Client(base_url=fresh_portal.url, follow_redirects=False, timeout=30) as anonymous:
        for path in LISTS:
            away = anonymous.get(path, params={"after": "garbage"})
            assert away.status_code == 303 and away.headers["location"].startswith("/sign-in?next="), path
    with signed_in_client(fresh_portal) as http:
        shown = {path: cases(http.get(path).text, path) for path in LISTS}
        assert shown["/applications"] == [applied["application"]["id"]], shown
        for path in LISTS:
            for after in BAD_CURSORS:
                again = http.get(path, params={"after": after})
                assert again.status_code == 200, (path, after, again.status_code)
                assert cases(again.text, path) == shown[path], (path, after)
