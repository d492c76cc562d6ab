"""Signing a demo login in through the sign-in form, for the journeys of the case pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.web.conftest import DEMO_PASSWORD

# The smallest PNG there is (1×1, transparent): a receipt's photo for the upload.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000005000100" "0d0a2db40000000049454e44ae426082")


async def sign_in(v: Any, login: str, then: str | None = None) -> None:
    """Sign ``login`` in (checking the sign-in page on the way), then go to ``then``."""
    page = v.page
    await v.go("/sign-in" + (f"?next={then}" if then else ""))
    await page.fill("#username", login)
    await page.fill("#password", DEMO_PASSWORD)
    await v.press("Enter")


async def signed_in(visit: Any, server: Any, login: str, *, language: str, then: str | None = None) -> Any:
    """A fresh browser (``visit(server, language=...)``) with ``login`` signed in (``sign_in``): the visit,
    arrived at ``then`` when one is given."""
    v = await visit(server, language=language)
    await sign_in(v, login, then=then)
    if then is not None:
        assert v.path == urlsplit(then).path, f"signed in at {v.page.url}, not at {then}"
    return v


def form_values(html_inputs: list[dict[str, str]]) -> dict[str, str]:
    return {i["name"]: i["value"] for i in html_inputs if i.get("name")}


async def hidden_inputs(page: Any, form: str) -> dict[str, str]:
    """The hidden inputs of a form (its CSRF token, its idempotency key)."""
    found = await page.eval_on_selector_all(
        f"{form} input[type=hidden]", "els => els.map(e => ({name: e.name, value: e.value}))")
    return form_values(found)
