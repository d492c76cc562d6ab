"""The accessibility check itself: on a page made to break the rules, axe-core (as every journey
runs it, with JavaScript on and off) reports each broken rule with every node that breaks it.
Without this, a check that ran no rule, or reported only one node of each, would pass every page."""

from __future__ import annotations

from typing import Any

BROKEN = """<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Broken – Tirek</title></head>
<body><main>
  <h1>A page that breaks the rules</h1>
  <img src="/static/none.png"><img src="/static/none-either.png">
  <form><input type="text" name="unnamed"></form>
  <p style="color:#bbb;background:#fff">Pale text on white</p>
  <a href="/somewhere"></a>
</main></body></html>"""


async def test_axe_reports_every_broken_rule_and_node(portal: Any, visit: Any) -> None:
    seen = await visit(portal)

    async def broken(route: Any) -> None:
        await route.fulfill(status=200, content_type="text/html; charset=utf-8", body=BROKEN)

    await seen.page.route(f"{portal.url}/axe-broken", broken)
    await seen.go("/axe-broken")
    result = await seen.axe()
    nodes = {v["id"]: len(v["nodes"]) for v in result["violations"]}
    assert {"image-alt", "label", "color-contrast", "link-name"} <= set(nodes), nodes
    assert nodes["image-alt"] == 2, nodes  # every node, not one of each
