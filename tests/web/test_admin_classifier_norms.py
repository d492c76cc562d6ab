"""The classifier's norms and caps kept by the administrator in a browser, JavaScript on and off,
axe and the page checks on every page: an item's norms changed (a norm that is no number refused
at its field, an emptied one removed), a new item created (refused empty, at the fields); and a
cap changed, which the listing page shows once it is in effect: at once from today, and from its
day when set ahead (``tirek apply-caps`` on that day, as the server does hourly)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from marketplace.accounts.models import Language
from marketplace.clock import KAZAKHSTAN_TIME
from marketplace.i18n import format_money
from marketplace.settings import PROJECT_ROOT
from tests.web.signing import signed_in

ITEM = """query($t: String!) { classifier(text: $t) { id code priceCap nextPriceCap quarterlyRelease yearlyMax dailyMax
  companionAllowed serviceLifeMonths nameEn kind unit category } }"""
LISTINGS = """{ searchListings(query: "", filter: {classifierCodes: ["TSR-06-001"]}, first: 5) {
  edges { node { listing { id } } } } }"""


def item(server: Any, code: str) -> dict[str, Any]:
    found = [i for i in server.graphql(ITEM, {"t": code})["classifier"] if i["code"] == code]
    assert len(found) == 1, found
    return found[0]


async def state_pays(v: Any, listing_id: str) -> str:
    await v.go(f"/listings/{listing_id}")
    await v.check("listing", lang="en")
    return str(await v.page.locator("main dt:has-text('The state pays up to') + dd").inner_text())


def apply_caps(database: Path, day: dt.date) -> None:
    env = {**os.environ, "TIREK_DEMO": "1", "TIREK_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    done = subprocess.run([str(Path(sys.executable).parent / "tirek"), "apply-caps", "--date", day.isoformat()],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("1 price caps applied"), (done.stdout, done.stderr)


async def test_admin_changes_an_items_norms_and_creates_an_item(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    hygiene = item(server, "TSR-06-001")
    v = await signed_in(visit, server, "admin", language="en", then=f"/admin/classifier/{hygiene['id']}")
    page = v.page
    await v.check("classifier item", lang="en")
    assert await page.input_value("#quarterly-release") != ""  # the form holds the norms as they are
    assert await page.locator("#name-kk").get_attribute("lang") == "kk"

    # A norm that is no number: refused at its field, the rest typed kept.
    await page.fill("#quarterly-release", "300")
    await page.fill("#yearly-max", "many")
    await v.refused("main form[action$='/item'] button", "#yearly-max")
    assert await page.input_value("#quarterly-release") == "300"
    await v.check("classifier item, failed", lang="en")
    # A norm looser than the law allows is the service's to refuse; here a sound one, and one removed.
    await page.fill("#yearly-max", "1200")
    await page.fill("#daily-max", "")
    await page.fill("#service-life", "")
    await page.fill("#name-en", "Absorbent underwear (adult)")
    await v.send_by_keyboard("main form[action$='/item'] button")
    assert "done=item" in page.url
    await v.check("classifier item", lang="en")
    changed = item(server, "TSR-06-001")
    assert (Decimal(changed["quarterlyRelease"]), Decimal(changed["yearlyMax"]), changed["dailyMax"]) == (
        Decimal(300), Decimal(1200), None)
    assert changed["nameEn"] == "Absorbent underwear (adult)" and changed["priceCap"] == hygiene["priceCap"]
    await v.go("/admin/classifier?category=HYGIENE")
    await v.check("classifier", lang="en")
    assert "300 released a quarter" in await page.locator("main [data-item='TSR-06-001']").inner_text()

    # A new item: refused empty at the fields, in the form's order; then created.
    await v.click("main a[href='/admin/classifier/new']")
    await v.check("new classifier item", lang="en")
    await v.refused("main form button[type=submit]", "#code", "#unit", "#category", "#name-kk", "#name-ru", "#name-en")
    await v.check("new classifier item, failed", lang="en")
    await page.fill("#code", "TSR-01-099")
    await page.select_option("#unit", "PIECE")
    await page.select_option("#category", "MOBILITY")
    await page.fill("#new-cap", "185000")
    await page.fill("#name-kk", "Белсенді арба")
    await page.fill("#name-ru", "Кресло-коляска активного типа")
    await page.fill("#name-en", "Active wheelchair")
    await page.fill("#service-life", "48")
    await page.fill("#yearly-max", "1")
    await v.click("main form button[type=submit]")
    assert "done=created" in page.url
    await v.check("classifier item", lang="en")
    made = item(server, "TSR-01-099")
    assert (made["kind"], made["unit"], made["category"], made["priceCap"], made["serviceLifeMonths"]) == (
        "PRODUCT", "PIECE", "MOBILITY", "185000.00", 48)
    assert Decimal(made["yearlyMax"]) == 1 and made["quarterlyRelease"] is None and made["companionAllowed"] is False
    # The same code again: refused at its field.
    await v.go("/admin/classifier/new")
    await page.fill("#code", "tsr-01-099")
    await page.select_option("#unit", "PIECE")
    await page.select_option("#category", "MOBILITY")
    for field, text in (("#name-kk", "Арба"), ("#name-ru", "Коляска"), ("#name-en", "Wheelchair")):
        await page.fill(field, text)
    await v.click("main form button[type=submit]")
    assert await v.summary_links() == ["#code"]
    await v.check("new classifier item, failed", lang="en")


async def test_the_listing_shows_a_new_cap_once_it_is_in_effect(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    hygiene = item(server, "TSR-06-001")
    listing_id = server.graphql(LISTINGS)["searchListings"]["edges"][0]["node"]["listing"]["id"]
    v = await signed_in(visit, server, "admin", language="en")
    page = v.page
    assert await state_pays(v, listing_id) == format_money(Decimal(hygiene["priceCap"]), Language.EN)

    # From today: the listing shows it at once.
    await v.go(f"/admin/classifier/{hygiene['id']}")
    await page.fill("#price-cap", "1400")
    await v.click("main form[action$='/cap'] button")
    assert "done=cap" in page.url
    assert await state_pays(v, listing_id) == format_money(Decimal(1400), Language.EN)

    # Set ahead: the listing keeps the cap in force until that day, then shows the new one.
    ahead = dt.datetime.now(KAZAKHSTAN_TIME).date() + dt.timedelta(days=10)
    await v.go(f"/admin/classifier/{hygiene['id']}")
    await page.fill("#price-cap", "1500")
    await page.fill("#cap-from", ahead.strftime("%d.%m.%Y"))
    await v.click("main form[action$='/cap'] button")
    assert await page.locator("main [data-next-cap]").get_attribute("data-next-cap") == "1500.00"
    assert await state_pays(v, listing_id) == format_money(Decimal(1400), Language.EN)
    apply_caps(server.database, ahead)
    assert await state_pays(v, listing_id) == format_money(Decimal(1500), Language.EN)
    assert item(server, "TSR-06-001")["nextPriceCap"] is None
