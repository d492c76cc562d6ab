"""Cache headers for /assets: a file asked for by its current fingerprint (the address the pages
write) is kept for a year, immutable; any other request for it (no fingerprint, an old one)
gets the ETag and no-cache, and a 304 when the browser's copy is current. No browser needed:
the app is called in-process."""

from __future__ import annotations

import os
import re
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from web.assets import ASK_EACH_TIME, FOREVER, Assets

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"


def client_for(directory: Path) -> tuple[TestClient, Assets]:
    assets = Assets(directory)
    return TestClient(Starlette(routes=[Mount("/assets", app=assets)])), assets


def test_a_fingerprinted_file_is_kept_for_a_year_and_a_changed_file_gets_another_address(tmp_path: Path) -> None:
    (tmp_path / "build").mkdir()
    css = tmp_path / "build" / "site.css"
    css.write_text("body { color: #0b0c0c }")
    client, assets = client_for(tmp_path)

    url = assets.fingerprints.url("build/site.css")
    assert re.fullmatch(r"/assets/build/site\.css\?v=[0-9a-f]{16}", url), url
    first = client.get(url)
    assert first.status_code == 200 and first.text == "body { color: #0b0c0c }"
    assert first.headers["cache-control"] == FOREVER == "public, max-age=31536000, immutable"

    # The file changes (a new build): a new address; the old one is no longer kept for a year.
    css.write_text("body { color: #000 }")
    os.utime(css, ns=(css.stat().st_atime_ns, css.stat().st_mtime_ns + 1_000_000))
    assert assets.fingerprints.url("build/site.css") != url
    stale = client.get(url)
    assert stale.text == "body { color: #000 }" and stale.headers["cache-control"] == ASK_EACH_TIME


def test_a_plain_address_is_revalidated_with_its_etag(tmp_path: Path) -> None:
    (tmp_path / "tirek.js").write_text("export {};")
    client, _ = client_for(tmp_path)
    plain = client.get("/assets/tirek.js")
    assert plain.status_code == 200
    assert plain.headers["cache-control"] == "no-cache"
    etag = plain.headers["etag"]
    again = client.get("/assets/tirek.js", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["cache-control"] == "no-cache" and again.headers["etag"] == etag
    wrong = client.get("/assets/tirek.js?v=0123456789abcdef")
    assert wrong.status_code == 200 and wrong.headers["cache-control"] == "no-cache"
    assert client.get("/assets/missing.js").status_code == 404


def test_the_pages_name_their_files_by_fingerprint() -> None:
    """The portal's base template writes fingerprinted addresses for its CSS and script, and the
    real files answer them with the year-long header."""
    client, assets = client_for(STATIC)
    for name in ("build/tirek.css", "tirek.js", "favicon.svg"):
        if not (STATIC / name).exists():
            continue  # build/ is made by scripts/setup.sh
        url = assets.fingerprints.url(name)
        assert "?v=" in url
        assert client.get(url).headers["cache-control"] == FOREVER
    base = (STATIC.parent / "templates" / "base.html").read_text(encoding="utf-8")
    for name in ("build/tirek.css", "tirek.js", "favicon.svg"):
        assert f"asset_url('{name}')" in base
    assert '"/assets/' not in base
