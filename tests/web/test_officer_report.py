"""The region's report in a browser, JavaScript on and off: five bar charts drawn as SVG on the
server, each an image with its title and description and followed by its figures as a table; the
period chosen with a GET form (a date that is not one refused at its field, a period that ends
before it starts at "to"); the CSV has the API's figures for the same period. Another role finds
no report page."""

from __future__ import annotations

import csv
import io

from tests.web.signing import sign_in

REPORT = """query($r: ID!, $from: Date!, $to: Date!) { regionReport(regionId: $r, from: $from, to: $to) {
  spendTotal ordersByStatus { status count stateShare } spendByMonth { month amount }
  claimsByStatus { status count } terms { subject kept missed open } } }"""


async def test_officer_reads_the_regions_report(visit, portal) -> None:  # type: ignore[no-untyped-def]
    v = await visit(portal, language="ru")
    page = v.page
    await sign_in(v, "officer", then="/officer/report")
    assert v.path == "/officer/report"
    await v.check("report", lang="ru")
    charts = page.locator("main svg[role=img]")
    assert await charts.count() == 5
    for n in range(5):
        chart = charts.nth(n)
        labelled = (await chart.get_attribute("aria-labelledby") or "").split()
        assert len(labelled) == 2 and await chart.locator("title").count() == 1 and await chart.locator("desc").count() == 1
        # The figures follow the chart as a table, one row per bar.
        table = page.locator(f"main table[data-table='{await chart.locator('..').get_attribute('data-chart')}']")
        assert await table.count() == 1
        bars = await chart.locator("text.tirek-chart__label").count()
        assert await table.locator("tbody th[scope=row]").count() == bars

    # A date that is not one, said at its field, what was typed kept.
    await page.fill("#report-from", "31.02.2026")
    await v.click("main form[action='/officer/report'] button")
    assert await v.summary_focused()
    assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#report-from"
    assert await page.locator("#report-from").input_value() == "31.02.2026"
    await v.check("report, failed", lang="ru")
    # A period that ends before it starts: at "to".
    await page.fill("#report-from", "01.06.2026")
    await page.fill("#report-to", "01.01.2026")
    await v.click("main form[action='/officer/report'] button")
    assert await page.locator(".govuk-error-summary a").get_attribute("href") == "#report-to"
    # A real period, by keyboard alone.
    await v.tab_to("#report-from")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("01.01.2026")
    await v.tab_to("#report-to")
    await page.keyboard.press("Control+A")
    await page.keyboard.type("02.12.2026")
    await v.press("Enter")
    assert await page.locator("main [data-period]").get_attribute("data-period") == "2026-01-01/2026-12-02"
    await v.check("report", lang="ru")
    assert await page.locator("main [data-chart=spend-month] text.tirek-chart__label").count() == 12

    # The CSV: the API's figures for the same period.
    href = await page.locator("main a[data-csv]").get_attribute("href")
    answer = await v.context.request.get(portal.url + href)
    assert answer.status == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO((await answer.body()).decode("utf-8-sig"))))
    assert rows[0] == ["section", "key", "label", "count", "amount"]
    assert rows[1][:3] == ["period", "2026-01-01", "2026-12-02"]
    region = portal.graphql("{ me { region { id } } }", login="officer")["me"]["region"]["id"]
    figures = portal.graphql(REPORT, {"r": region, "from": "2026-01-01", "to": "2026-12-02"},
                             login="officer")["regionReport"]
    # The demo's past year (marketplace/demo/history.py) gives the charts something to draw.
    assert float(figures["spendTotal"]) > 0 and any(c["status"] == "PAID" for c in figures["claimsByStatus"])
    assert await page.locator("main [data-chart=spend-month] rect.tirek-chart__bar").count() >= 4
    assert [(r[1], int(r[3]), r[4]) for r in rows if r[0] == "orders"] == [
        (o["status"], o["count"], o["stateShare"]) for o in figures["ordersByStatus"]]
    assert [(r[1], r[4]) for r in rows if r[0] == "spend_by_month"] == [
        (m["month"][:7], m["amount"]) for m in figures["spendByMonth"]]
    assert [r[4] for r in rows if r[0] == "spend_total"] == [figures["spendTotal"]]
    assert [(r[1], int(r[3])) for r in rows if r[0] == "claims"] == [
        (c["status"], c["count"]) for c in figures["claimsByStatus"]]
    assert [(r[1], int(r[3])) for r in rows if r[0] == "terms_kept"] == [
        (t["subject"], t["kept"]) for t in figures["terms"]]

    # Nobody else finds the report page.
    for login in ("recipient", "provider"):
        other = await visit(portal, language="ru")
        await sign_in(other, login)
        for path in ("/officer/report", "/officer/report.csv"):
            assert (await other.page.goto(portal.url + path)).status == 404, (login, path)
