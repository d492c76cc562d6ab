"""The administrator's accounts and regions in a browser, JavaScript on and off, axe and the page
checks on every page: the accounts found by role and by text; an officer's account opened for a
region (refused empty, at the fields), its one-time code shown once (the form sent again shows no
second one), and the officer setting a password with it and signing in; an account disabled after
a page that asks to confirm (one's own refused), and enabled again; regions created (a taken code refused at the
field) and renamed; and every page and form refused to every other role."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import DEMO_PASSWORD
from tests.web.signing import hidden_inputs, sign_in, signed_in

LOGIN = ("mutation($u: String!, $p: String!) { login(username: $u, password: $p) "
         "{ token errors { code } } }")
ACCOUNTS = ("query($t: String) { accounts(text: $t, first: 10) { nodes { id username isActive role "
            "region { code } } } }")
REGIONS = "{ regions { id code nameKk nameRu nameEn } }"


def account(server: Any, username: str) -> dict[str, Any]:
    found = [a for a in server.graphql(ACCOUNTS, {"t": username}, login="admin")["accounts"]["nodes"]
             if a["username"] == username]
    assert len(found) == 1, found
    return found[0]


async def admin_at(visit: Any, server: Any, section: str, kind: str) -> Any:
    """The administrator signed in (in English) and gone to ``section`` by the header's link, that
    page checked as ``kind``: the visit."""
    v = await signed_in(visit, server, "admin", language="en")
    await v.click(f"header a[href='{section}']")
    await v.check(kind, lang="en")
    return v


async def test_admin_opens_an_officer_account_and_the_officer_sets_a_password(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    v = await admin_at(visit, server, "/admin/accounts", "accounts")
    page = v.page
    assert await page.locator("header a[href='/admin/accounts'][aria-current=page]").count() == 1

    # Found by role, then by a part of the login.
    await page.select_option("#role", "LOCAL_BODY")
    await v.click("main form[role=search] button")
    await v.check("accounts of a role", lang="en")
    shown = await page.locator("main [data-account]").evaluate_all("els => els.map(e => e.dataset.account)")
    assert sorted(shown) == ["officer", "officer-almaty"]
    await page.select_option("#role", "")
    await page.fill("#text", "PENDING")
    await v.click("main form[role=search] button")
    await v.check("accounts found", lang="en")
    shown = await page.locator("main [data-account]").evaluate_all("els => els.map(e => e.dataset.account)")
    assert shown == ["provider-pending"]

    # A new officer's account: refused empty, at the fields.
    await v.go("/admin/accounts")
    await v.click("main a[href='/admin/accounts/new']")
    await v.check("new account", lang="en")
    await v.refused("main form button[type=submit]", "#region", "#username", "#display-name")
    await v.check("new account, failed", lang="en")
    regions = {r["code"]: r["id"] for r in server.graphql(REGIONS)["regions"]}
    await page.select_option("#region", regions["ASTANA"])
    await page.fill("#username", "Not a login!")
    await page.fill("#display-name", "Айгерим Серикова")
    await v.click("main form button[type=submit]")
    assert await v.summary_links() == ["#username"]
    assert await page.input_value("#display-name") == "Айгерим Серикова"  # typed input kept
    await page.fill("#username", "a.serikova")
    await page.check("#language")  # Kazakh, the first
    sent = await hidden_inputs(page, "main form[action='/admin/accounts/new']")
    await v.send_by_keyboard("main form button[type=submit]")
    await v.check("password code", lang="en")
    code = await page.locator("main [data-code]").get_attribute("data-code")
    assert code and len(code.replace(" ", "")) == 12
    opened = account(server, "a.serikova")
    assert opened["role"] == "LOCAL_BODY" and opened["region"] == {"code": "ASTANA"}

    # The same form sent again (a reload, a double click) opens nothing more and shows no code.
    again = await v.context.request.post(f"{server.url}/admin/accounts/new", max_redirects=0, form={
        **sent, "role": "LOCAL_BODY", "region": regions["ASTANA"], "username": "a.serikova",
        "display_name": "Айгерим Серикова", "language": "KK"})
    assert again.status == 303 and again.headers["location"] == f"/admin/accounts/{opened['id']}?done=code-shown"
    await v.go(again.headers["location"])
    await v.check("account", lang="en")
    assert await page.locator("main [data-code]").count() == 0

    # The officer sets a password with the code (a wrong one refused at the field), and signs in.
    officer = await visit(server, language="en")
    await officer.go("/sign-in")
    await officer.click("main a[href='/reset-password']")
    await officer.check("set a password", lang="en")
    await officer.page.fill("#code", "1111 2222 3333")
    await officer.page.fill("#new-password", "астана-пароль-2026")
    await officer.refused("main form button[type=submit]", "#code")
    await officer.check("set a password, failed", lang="en")
    await officer.page.fill("#code", code)
    await officer.page.fill("#new-password", "астана-пароль-2026")
    await officer.click("main form button[type=submit]")
    assert "done=1" in officer.page.url
    await officer.check("password set", lang="en")
    await officer.click("main a[href='/sign-in']")
    await officer.page.fill("#username", "a.serikova")
    await officer.page.fill("#password", "астана-пароль-2026")
    await officer.press("Enter")
    assert officer.path == "/"
    assert await officer.page.locator("header a[href='/officer/persons']").count() == 1  # an officer's pages
    used = server.graphql("mutation($c: String!) { resetPassword(code: $c, newPassword: \"once more 2026\") "
                          "{ ok errors { code } } }", {"c": code})
    assert used["resetPassword"]["errors"] == [{"code": "INVALID"}]  # once only


async def test_admin_disables_an_account_after_confirming_but_never_their_own(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    target, admin = account(server, "parent"), account(server, "admin")
    v = await signed_in(visit, server, "admin", language="ru")
    page = v.page
    await v.go("/language/ru?next=/admin/accounts%3Ftext%3Dparent")  # the admin's own language is English
    await v.check("accounts", lang="ru")
    await v.click(page.locator(f"main a[href='/admin/accounts/{target['id']}']"))
    await v.check("account", lang="ru")
    assert await page.locator("main [data-active]").get_attribute("data-active") == "yes"

    # Asked first; "No" keeps it.
    await v.click(f"main a[href='/admin/accounts/{target['id']}/disable']")
    await v.check("disable account", lang="ru")
    await v.click("main a:has-text('Нет, оставить')")
    assert v.path == f"/admin/accounts/{target['id']}"
    assert account(server, "parent")["isActive"] is True
    await v.click(f"main a[href='/admin/accounts/{target['id']}/disable']")
    await v.tab_to("#confirm")
    await v.press("Enter")
    assert "done=disabled" in page.url
    await v.check("account", lang="ru")
    assert await page.locator("main [data-active]").get_attribute("data-active") == "no"
    assert await page.locator("main form[action$='/code']").count() == 0  # no code for a disabled account
    login = server.graphql(LOGIN, {"u": "parent", "p": DEMO_PASSWORD})
    assert login["login"]["errors"] == [{"code": "ACCOUNT_DISABLED"}]
    # Enabled again, by keyboard: it signs in with its own password.
    await v.tab_to("#enable")
    await v.press("Enter")
    assert "done=enabled" in page.url
    await v.check("account", lang="ru")
    assert await page.locator("main [data-active]").get_attribute("data-active") == "yes"
    assert server.graphql(LOGIN, {"u": "parent", "p": DEMO_PASSWORD})["login"]["errors"] == []

    # One's own account: no way offered; sent anyway, refused with the service's reason.
    await v.go(f"/admin/accounts/{admin['id']}")
    await v.check("account", lang="ru")
    assert await page.locator("main [data-own]").count() == 1
    assert await page.locator("main a[href$='/disable']").count() == 0
    await v.go(f"/admin/accounts/{admin['id']}/disable")
    await v.click("#confirm")
    assert await v.summary_focused()
    assert "Нельзя отключить собственную учётную запись" in await page.locator(".govuk-error-summary").inner_text()
    await v.check("disable account, failed", lang="ru")
    assert account(server, "admin")["isActive"] is True


async def test_admin_issues_a_password_code_shown_once(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    target = account(server, "officer-almaty")
    v = await signed_in(visit, server, "admin", language="kk")
    page = v.page
    await v.go(f"/language/kk?next=/admin/accounts/{target['id']}")
    await v.check("account", lang="kk")
    form = f"main form[action='/admin/accounts/{target['id']}/code']"
    sent = await hidden_inputs(page, form)
    await v.click(f"{form} button")
    await v.check("password code", lang="kk")
    code = await page.locator("main [data-code]").get_attribute("data-code")
    # Sent again: no second code (which would void the first), the account's page says why.
    again = await v.context.request.post(f"{server.url}/admin/accounts/{target['id']}/code", max_redirects=0,
                                         form=sent)
    assert again.status == 303 and "done=code-shown" in again.headers["location"]
    done = server.graphql("mutation($c: String!) { resetPassword(code: $c, newPassword: \"almaty-password-1\") "
                          "{ ok errors { code } } }", {"c": code})
    assert done["resetPassword"] == {"ok": True, "errors": []}
    assert server.graphql(LOGIN, {"u": "officer-almaty", "p": "almaty-password-1"})["login"]["errors"] == []


async def test_admin_creates_and_renames_a_region(visit, fresh_portal) -> None:  # type: ignore[no-untyped-def]
    server = fresh_portal
    v = await admin_at(visit, server, "/admin/regions", "regions")
    page = v.page
    assert await page.locator("main [data-region]").count() == 20
    assert await page.locator("#name-kk").get_attribute("lang") == "kk"

    # Refused empty, then with a code that is taken; what was typed stays.
    await v.refused("main form button[type=submit]", "#code", "#name-kk", "#name-ru", "#name-en")
    await v.check("regions, failed", lang="en")
    await page.fill("#code", "astana")
    await page.fill("#name-kk", "Қонаев")
    await page.fill("#name-ru", "Конаев")
    await page.fill("#name-en", "Konaev")
    await v.click("main form button[type=submit]")
    assert await v.summary_links() == ["#code"]
    assert await page.input_value("#name-ru") == "Конаев"
    await page.fill("#code", "KONAEV")
    await v.send_by_keyboard("main form button[type=submit]")
    assert "done=created" in page.url
    await v.check("regions", lang="en")
    assert await page.locator("main [data-region]").count() == 21
    created = {r["code"]: r for r in server.graphql(REGIONS)["regions"]}["KONAEV"]
    assert (created["nameKk"], created["nameRu"], created["nameEn"]) == ("Қонаев", "Конаев", "Konaev")

    # Renamed: a name emptied is refused at its field; the code stays.
    await v.click(page.locator(f"main a[href='/admin/regions/{created['id']}']"))
    await v.check("region", lang="en")
    await page.fill("#name-en", "")
    await v.click("main form button[type=submit]")
    assert await v.summary_links() == ["#name-en"]
    await v.check("region, failed", lang="en")
    await page.fill("#name-en", "Konaev city")
    await v.click("main form button[type=submit]")
    assert "done=renamed" in page.url
    await v.check("region", lang="en")
    assert await page.locator("main h1").get_attribute("data-name") == "Konaev city"
    renamed = {r["code"]: r for r in server.graphql(REGIONS)["regions"]}["KONAEV"]
    assert renamed["nameEn"] == "Konaev city" and renamed["nameKk"] == "Қонаев"


async def test_no_other_role_reaches_the_administrators_pages(visit, portal) -> None:  # type: ignore[no-untyped-def]
    server = portal
    target = account(server, "officer-almaty")
    region = {r["code"]: r["id"] for r in server.graphql(REGIONS)["regions"]}["ALMATY_CITY"]
    item = server.graphql("{ classifier(text: \"TSR-06-001\") { id code } }")["classifier"][0]["id"]
    pages = ["/admin/accounts", "/admin/accounts/new", f"/admin/accounts/{target['id']}",
             f"/admin/accounts/{target['id']}/disable", "/admin/regions", f"/admin/regions/{region}",
             "/admin/classifier", "/admin/classifier/new", f"/admin/classifier/{item}"]
    posts = {"/admin/accounts/new": {"role": "ADMIN", "username": "intruder.admin", "display_name": "Intruder"},
             f"/admin/accounts/{target['id']}/disable": {},
             f"/admin/accounts/{target['id']}/enable": {},
             f"/admin/accounts/{target['id']}/code": {"idempotency_key": "x"},
             "/admin/regions": {"code": "INTRUDER", "name_kk": "X", "name_ru": "X", "name_en": "X"},
             f"/admin/regions/{region}": {"name_kk": "X", "name_ru": "X", "name_en": "X"},
             "/admin/classifier/new": {"code": "TSR-99-666", "name_kk": "X", "name_ru": "X", "name_en": "X",
                                       "kind": "PRODUCT", "unit": "PIECE", "category": "MOBILITY"},
             f"/admin/classifier/{item}/item": {"name_kk": "X", "name_ru": "X", "name_en": "X",
                                               "service_life": "", "yearly_max": "1"},
             f"/admin/classifier/{item}/cap": {"price_cap": "1"}}
    before = (server.graphql(REGIONS)["regions"], account(server, "officer-almaty"),
              server.graphql("{ classifier(text: \"TSR-06-001\") { nameEn priceCap yearlyMax } }"))

    anonymous = await visit(server, language="en")
    for path in pages:
        answer = await anonymous.context.request.get(server.url + path, max_redirects=0)
        assert answer.status == 303 and answer.headers["location"].startswith("/sign-in?next="), path

    for login in ("recipient", "provider", "officer"):
        v = await visit(server, language="en")
        await sign_in(v, login)
        for path in pages:
            answer = await v.context.request.get(server.url + path, max_redirects=0)
            assert answer.status == 404, (login, path, answer.status)
        await v.go(f"/admin/accounts/{target['id']}")
        await v.check("not found")  # in the account's own language
        assert await v.page.locator("header a[href='/admin/accounts']").count() == 0
        token = (await hidden_inputs(v.page, "form[action='/sign-out']"))["csrf_token"]
        for path, form in posts.items():
            answer = await v.context.request.post(server.url + path, max_redirects=0,
                                                  form={**form, "csrf_token": token})
            assert answer.status == 404, (login, path, answer.status)
    after = (server.graphql(REGIONS)["regions"], account(server, "officer-almaty"),
             server.graphql("{ classifier(text: \"TSR-06-001\") { nameEn priceCap yearlyMax } }"))
    assert after == before
    assert [a["username"] for a in server.graphql(ACCOUNTS, {"t": "intruder"}, login="admin")["accounts"]["nodes"]] == []
