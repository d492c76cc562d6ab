"""A person at the browser: a page that refuses requests to other hosts, and the checks every
page of every journey passes (axe-core with the WCAG 2.2 AA tags, ``<html lang>``, a unique
title, the skip link first in the tab order, focus visible, no sideways scroll at 320 px)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.web.conftest import AXE, PortalServer

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_axe_source: list[str] = []

FOCUS_VISIBLE = """el => {
  const s = getComputedStyle(el);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
}"""


# What sticks out past the right edge: the innermost elements, and text that overflows its box
# (a long word), named by its parent.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth + 0.5, found = [];
  const out = el => el.getBoundingClientRect().right > width;
  for (const el of document.querySelectorAll('body *')) {
    if (out(el) && ![...el.children].some(out)) found.push(el.outerHTML.slice(0, 100));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  while (walker.nextNode()) {
    range.selectNodeContents(walker.currentNode);
    if (range.getBoundingClientRect().right > width) {
      found.push('text in ' + walker.currentNode.parentElement.outerHTML.slice(0, 100));
    }
  }
  return found.slice(0, 4);
}"""


# Text cut off by a box that hides its overflow (a fixed-height or nowrap box at large text): an
# element with overflow other than visible, whose content is wider or taller than its box, and
# which holds text of its own (not a scrolling table wrapper: none of ours scroll).
CLIPPED_TEXT = """() => {
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const s = getComputedStyle(el);
    if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
    if (el.classList.contains('govuk-visually-hidden') || s.position === 'absolute' && el.clientWidth <= 1) continue;
    if (!el.innerText || !el.innerText.trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
      found.push(el.outerHTML.slice(0, 100));
    }
  }
  return found.slice(0, 4);
}"""


def axe_source() -> str:
    if not _axe_source:
        if not AXE.exists():
            raise AssertionError(f"{AXE} is missing: bash scripts/setup.sh installs the portal's npm packages")
        _axe_source.append(AXE.read_text(encoding="utf-8"))
    return _axe_source[0]


@dataclass
class Visit:
    context: Any
    server: PortalServer
    js: bool
    page: Any = None
    foreign: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # title → the kind of page that had it
    checked: list[str] = field(default_factory=list)

    auditor: Any = None  # with JavaScript off, axe runs on the same HTML in a page that runs script

    @classmethod
    async def open(cls, context: Any, server: PortalServer, js: bool, auditor: Any = None) -> "Visit":
        visit = cls(context=context, server=server, js=js, auditor=auditor)
        own = urlsplit(server.url).netloc

        async def guard(route: Any) -> None:
            if urlsplit(route.request.url).netloc == own:
                await route.continue_()
            else:
                visit.foreign.append(route.request.url)
                await route.abort()

        await context.route("**/*", guard)
        visit.page = await context.new_page()
        return visit

    async def go(self, path: str) -> Any:
        return await self.page.goto(self.server.url + path)

    async def click(self, target: Any) -> None:
        """Click a link or a button (a locator or a selector) and wait for the page it leads to."""
        locator = self.page.locator(target) if isinstance(target, str) else target
        async with self.page.expect_navigation():
            await locator.click()

    async def press(self, key: str) -> None:
        """Press a key that leads to another page (Enter on a link or in a form)."""
        async with self.page.expect_navigation():
            await self.page.keyboard.press(key)

    async def summary_focused(self) -> bool:
        """Whether the error summary has taken focus. ``autofocus`` is applied at the page's next
        rendering step, after the load event a click waits for, so the check waits for it (a
        few seconds at most) instead of reading the focus at one moment."""
        try:
            await self.page.wait_for_function(
                "document.activeElement && document.activeElement.classList.contains('govuk-error-summary')",
                timeout=5000)
        except Exception:  # noqa: BLE001 - a timeout is the answer "no"
            return False
        return True

    async def summary_links(self) -> list[str]:
        """Where the error summary's links lead (the fields it names), in their order."""
        return await self.page.locator(".govuk-error-summary a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))")

    async def refused(self, target: Any, *fields: str) -> None:
        """Send a form by clicking ``target`` and see it refused: the error summary has focus and
        its links lead to ``fields``, in their order."""
        await self.click(target)
        assert await self.summary_focused()
        assert await self.summary_links() == list(fields)

    async def refuse_with_reason(self, button: str, field: str, reason: str, *, failed: str, lang: str,
                                 done: str) -> None:
        """A refusal (reject, decline, send back) needs its reason: sent by ``button`` without one,
        it is refused at ``field`` (that page checked as ``failed``); sent again with ``reason``
        typed in, it is done (``done=`` in the address the page leads to)."""
        await self.refused(button, field)
        await self.check(failed, lang=lang)
        await self.page.fill(field, reason)
        await self.click(button)
        assert f"done={done}" in self.page.url, self.page.url

    async def send_by_keyboard(self, button: str) -> None:
        """Send a form with the keyboard alone: Tab to its ``button`` (focus shown on the way),
        then Enter."""
        await self.tab_to(button)
        await self.press("Enter")

    @property
    def path(self) -> str:
        return urlsplit(self.page.url).path

    async def check(self, kind: str, *, lang: str | None = None) -> None:
        """Everything a page of a journey must pass; ``kind`` names the page (titles must differ
        between kinds)."""
        page = self.page
        assert self.foreign == [], f"requests to other hosts: {self.foreign}"
        if lang is not None:
            assert await page.evaluate("document.documentElement.lang") == lang
        title = await page.title()
        assert title.endswith("– Tirek"), title
        assert self.titles.setdefault(title, kind) == kind, f"{kind} has the title of {self.titles[title]}: {title}"
        # axe-core with the WCAG 2.2 AA rules: no violation at all.
        result = await self.axe()
        violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]]
        assert violations == [], f"axe on {kind} ({page.url}): {violations}"
        # On arrival the first Tab reaches the skip link, and it shows that it has focus; a page
        # that answers a failed submit has focused its error summary instead.
        if await page.locator(".govuk-error-summary[autofocus]").count():
            assert await self.summary_focused(), \
                f"{kind} opened with focus on {await page.evaluate('document.activeElement.outerHTML.slice(0, 80)')}"
        elif await page.evaluate("document.activeElement === document.body"):
            await page.keyboard.press("Tab")
            skip = await page.evaluate_handle("document.activeElement")
            assert await page.evaluate("el => el.classList.contains('govuk-skip-link')", skip), f"first Tab on {kind}"
            assert await page.evaluate(FOCUS_VISIBLE, skip), f"focus not visible on the skip link of {kind}"
            await page.evaluate("document.activeElement.blur()")
        else:
            raise AssertionError(
                f"{kind} opened with focus on {await page.evaluate('document.activeElement.outerHTML.slice(0, 80)')}")
        # 320 px wide (WCAG 1.4.10 reflow): nothing scrolls sideways.
        size = page.viewport_size
        await page.set_viewport_size({"width": 320, "height": 800})
        try:
            overflow = await page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, \
                f"{kind} scrolls sideways by {overflow}px at 320 px: {await page.evaluate(STICKING_OUT)}"
            await self.text_at_200_percent(kind)
        finally:
            await page.set_viewport_size(size)
        self.checked.append(kind)

    async def text_at_200_percent(self, kind: str) -> None:
        """WCAG 1.4.4 at the narrowest: at 320 px wide with the text at 200% (the root font size
        doubled; the styles size text in rem), nothing scrolls sideways and no box cuts its text
        off. The page is put back as it was."""
        page = self.page
        await page.evaluate("document.documentElement.style.fontSize = '200%'")
        try:
            overflow = await page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, \
                f"{kind} scrolls sideways by {overflow}px at 320 px with 200% text: {await page.evaluate(STICKING_OUT)}"
            clipped = await page.evaluate(CLIPPED_TEXT)
            assert clipped == [], f"{kind} cuts text off at 200%: {clipped}"
        finally:
            await page.evaluate("document.documentElement.style.fontSize = ''")

    async def axe(self) -> Any:
        """axe-core's results for the page as the person sees it. A page with JavaScript off
        cannot run axe (its timers never fire), so its HTML is served as is, at its own address
        and with the site's styles but none of its script, to a page that can."""
        page = self.page
        if self.auditor is not None:
            html, url = await page.content(), page.url

            async def serve(route: Any) -> None:
                if route.request.url == url:
                    await route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
                elif route.request.resource_type == "script":
                    await route.abort()
                else:
                    await route.continue_()

            await self.auditor.route("**/*", serve)
            try:
                await self.auditor.goto(url)
            finally:
                await self.auditor.unroute("**/*", serve)
            await self.auditor.set_viewport_size(page.viewport_size)
            page = self.auditor
        await page.evaluate(axe_source())
        # Every violation with all its nodes; passes and the rest with one node each (axe's
        # ``resultTypes``), which halves the run on a long page: nothing here reads them.
        return await page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS)

    async def tab_to(self, selector: str, most: int = 80) -> None:
        """Press Tab until the element matching ``selector`` has focus (keyboard alone), checking
        on the way that every focused element shows its focus."""
        target = self.page.locator(selector)
        for _ in range(most):
            await self.page.keyboard.press("Tab")
            focused = await self.page.evaluate_handle("document.activeElement")
            shown = await self.page.evaluate(FOCUS_VISIBLE, focused)
            assert shown, f"focus not visible on {await self.page.evaluate('el => el.outerHTML.slice(0, 120)', focused)}"
            if await target.evaluate("el => el === document.activeElement"):
                return
        raise AssertionError(f"{selector} not reached by {most} Tabs")
