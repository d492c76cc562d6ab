"""An organisation signs itself up in a browser, JavaScript on and off: from the sign-in page, the
form sent empty (every field's problem at once, the summary focused), then filled in with its
names in three languages (each input marked with its lang); the representative is signed in
and waits on the work home, told the organisation awaits verification; an administrator
verifies it and the wait is over. axe and the page checks on every page."""

from __future__ import annotations

import random

from marketplace.identifiers import make_bin


async def test_an_organisation_signs_up_and_waits_for_verification(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    v = await visit(server, language="en")
    page = v.page
    await v.go("/sign-in")
    await v.click(page.locator("main a[href='/provider/sign-up']"))
    await v.check("sign up", lang="en")
    for code in ("ru", "kk", "en"):
        assert await page.locator(f"#name-{code}").get_attribute("lang") == code

    await v.click("main form button[type=submit]")
    assert await v.summary_focused()
    links = await v.summary_links()
    assert {"#bin", "#name-ru", "#name-kk", "#phone", "#email", "#regions", "#kinds"} <= set(links), links
    await v.check("sign up, failed", lang="en")

    bin_ = make_bin(2024, 5, random.randint(1000, 9999))
    await page.fill("#bin", bin_)
    await page.fill("#name-ru", 'ТОО "Ашық Жол"')
    await page.fill("#name-kk", '"Ашық Жол" ЖШС')
    await page.fill("#name-en", "Ashyq Zhol LLP")
    await page.fill("#phone", "+7 701 555 77 88")
    await page.fill("#email", "office@ashyq-zhol.kz")
    await v.tab_to("#regions")
    await page.keyboard.press("Space")
    await page.locator("label[for=kinds]").click()
    await page.locator("label[for=accessibility]").click()
    await page.fill("#representative-name", "Нұрлан Сәрсенов")
    username = f"ashyq{random.randint(1000, 9999)}"
    await page.fill("#account-username", username)
    await page.fill("#account-password", "a-long-password-2026")
    await v.click("main form button[type=submit]")
    assert v.path == "/" and "done=registered" in page.url, page.url
    await v.check("work home", lang="ru")  # the new account speaks the language it was made in
    assert await page.locator("main [data-verification=PENDING]").count() == 1

    # The administrator verifies it: the wait is over.
    pending = server.graphql("{ providers(verificationStatus: PENDING, first: 100) { nodes { id bin } } }",
                             login="admin")["providers"]["nodes"]
    provider_id = next(p["id"] for p in pending if p["bin"] == bin_)
    done = server.graphql('mutation($p: ID!) { verifyProvider(providerId: $p, status: VERIFIED) { errors { code } } }',
                          {"p": provider_id}, login="admin")["verifyProvider"]
    assert done["errors"] == []
    await v.go("/")
    await v.check("work home", lang="ru")
    assert await page.locator("main [data-verification]").count() == 0
