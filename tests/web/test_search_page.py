"""Search as a GET form: the words, the facets as checkboxes with counts, and the filters give
what the API gives for the same filter; a recipient sees "state pays / you pay" on each hit,
an anonymous visitor does not; a listing outside the viewer's sight is a 404 page."""

from __future__ import annotations

import re

import httpx

from tests.web.conftest import DEMO_PASSWORD, csrf

COUNT = '{ searchListings(query: "", filter: { categories: [MOBILITY], deliveryOptions: [HOME_DELIVERY] }) { totalCount } }'


def hits(html: str) -> list[str]:
    return re.findall(r'<h2 class="govuk-heading-s tirek-card__title"><a class="govuk-link" href="/listings/([^"]+)"', html)


def test_filters_and_facets(portal) -> None:  # type: ignore[no-untyped-def]
    total = portal.graphql(COUNT)["searchListings"]["totalCount"]
    assert total > 0
    with httpx.Client(base_url=portal.url, timeout=30, headers={"accept-language": "en"}) as http:
        page = http.get("/search", params=[("category", "MOBILITY"), ("delivery", "HOME_DELIVERY")]).text
        assert f"{total} offers found" in page or f"{total} offer found" in page
        assert 'id="category-MOBILITY" name="category" type="checkbox" value="MOBILITY" checked' in page
        assert 'id="delivery-HOME_DELIVERY" name="delivery" type="checkbox" value="HOME_DELIVERY" checked' in page
        assert re.search(r'for="category-MOBILITY">Mobility \(\d+\)</label>', page)
        assert len(hits(page)) == min(total, 20)
        assert 'data-pays="you"' not in page  # anonymous: no coverage
        if total > 20:  # the next page is a plain link with the same filters
            more = re.search(r'href="(/search\?[^"]*after=[^"]+)">More offers', page).group(1)  # type: ignore[union-attr]
            second = http.get(more.replace("&amp;", "&")).text
            assert set(hits(second)).isdisjoint(hits(page))
        # Nonsense in the form is ignored, not an error page.
        assert http.get("/search", params={"category": "NOPE", "sort": "DROP TABLE", "after": "x"}).status_code == 200
        assert http.get("/listings/TGlzdGluZzo5OTk5OTk").status_code == 404  # Listing:999999
        assert http.get("/listings/nonsense").status_code == 404


def test_a_recipient_sees_what_each_hit_costs_them(portal) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=portal.url, timeout=30) as http:
        form = http.get("/sign-in")
        http.post("/sign-in", data={"csrf_token": csrf(form.text), "username": "recipient",
                                    "password": DEMO_PASSWORD, "next": "/"})
        page = http.get("/search", params={"q": "wheelchair"}).text
        cards = page.count('class="tirek-card"')
        assert cards > 0
        assert page.count('data-pays="state"') == page.count('data-pays="you"') == cards
