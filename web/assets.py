"""The portal's own files at /assets (its CSS, script, icon), with cache headers.

A page names a file with its fingerprint (``asset_url("build/tirek.css")`` →
``/assets/build/tirek.css?v=<first 16 hex of its SHA-256>``): a request that carries the file's
current fingerprint may be kept for a year without asking again (``immutable``), since a
changed file gets another address. Any other request (no fingerprint, an old one, a module a
script imports by its plain name) is answered with the ETag and ``no-cache``: the browser
keeps its copy but asks each time, and gets a 304 while the file is the same.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

FOREVER = "public, max-age=31536000, immutable"
ASK_EACH_TIME = "no-cache"


class Fingerprints:
    """The fingerprint of each file under a folder, computed once per version of the file
    (its size and modification time)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._known: dict[str, tuple[tuple[int, int], str]] = {}

    def of(self, full_path: str | os.PathLike[str], stat: os.stat_result | None = None) -> str:
        key = str(full_path)
        stat = stat or os.stat(key)
        version = (stat.st_size, stat.st_mtime_ns)
        known = self._known.get(key)
        if known is None or known[0] != version:
            digest = hashlib.sha256(Path(key).read_bytes()).hexdigest()[:16]
            known = self._known[key] = (version, digest)
        return known[1]

    def url(self, name: str) -> str:
        """``/assets/<name>?v=<fingerprint>``, or the plain address when the file is missing
        (a tree where the build has not run yet)."""
        path = self.directory / name
        try:
            return f"/assets/{name}?v={self.of(path)}"
        except OSError:
            return f"/assets/{name}"


class Assets(StaticFiles):
    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory, check_dir=False)
        self.fingerprints = Fingerprints(directory)

    def file_response(self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> Response:
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
        current = asked and asked == self.fingerprints.of(full_path, stat_result)
        response = FileResponse(full_path, status_code=status_code, stat_result=stat_result)
        response.headers["cache-control"] = FOREVER if current else ASK_EACH_TIME
        response.headers["x-content-type-options"] = "nosniff"
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response
