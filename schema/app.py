"""The HTTP guard rails around every route: body limits, the bearer token's viewer, security headers,
the client behind trusted proxies, plain-text refusals as JSON (the app is put together in ``tirek.app``)."""

from __future__ import annotations

import ipaddress
import json
import logging
import uuid
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from marketplace.accounts.services import viewer_from_token
from marketplace.db import Database
from marketplace.errors import DomainError, ErrorCode
from marketplace.i18n import negotiate, translate
from marketplace.records.irp_import import MAX_FILE_BYTES as MAX_IRP_FILE_BYTES
from marketplace.settings import Settings
from schema.admission import AnonymousLane, LaneFull
from schema.core.errors import RETRY_MESSAGE, database_unavailable

log = logging.getLogger("tirek.app")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


def _bearer(headers: Any) -> str | None:
    value = headers.get("authorization") or ""
    scheme, _, token = value.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(entries: list[str]) -> list[Network]:
    """``TIREK_TRUSTED_PROXIES`` read as networks (a bare address is a network of one)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"TIREK_TRUSTED_PROXIES: {entry!r} is not an address or a network") from exc
    return networks


def _is_trusted(host: str | None, networks: list[Network]) -> bool:
    try:
        address = ipaddress.ip_address((host or "").strip().strip("[]"))
    except ValueError:
        return False
    return any(address in network for network in networks)


def forwarded_client(peer: str | None, forwarded_for: str, networks: list[Network]) -> str | None:
    """The client's address behind trusted reverse proxies, or None to keep the connecting one.

    Only a trusted proxy's X-Forwarded-For is read, and from the right: each proxy appends the
    address it was reached from, so the rightmost hop that is not a trusted proxy is the client;
    whatever a client wrote itself stands further left and is ignored."""
    if not networks or not _is_trusted(peer, networks):
        return None
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else None


class GuardMiddleware:
    """Refuses oversized bodies, resolves the bearer token to a viewer, adds security headers,
    reads the client's address behind trusted proxies, answers every plain-text refusal as JSON
    with a code, and masks unexpected exceptions of the plain HTTP routes (an error id in the
    answer, the stack in the log under it)."""

    def __init__(self, app: ASGIApp, db: Database, settings: Settings) -> None:
        self.app = app
        self.db = db
        self.settings = settings
        self.trusted_proxies = trusted_networks(settings.trusted_proxies)
        self.anonymous = AnonymousLane(settings.anonymous_concurrency, settings.anonymous_queue)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.trusted_proxies:
            forwarded = ", ".join(v.decode("latin-1") for k, v in scope["headers"] if k.lower() == b"x-forwarded-for")
            client = forwarded_client((scope.get("client") or (None, 0))[0], forwarded, self.trusted_proxies)
            if client is not None:
                scope["client"] = (client[:64], 0)
        limit = self.settings.max_body_bytes
        if scope["path"] == "/receipts":
            limit = self.settings.max_receipt_bytes + 64 * 1024  # the file and its multipart envelope
        elif scope["path"] in ("/imports/irp", "/officer/imports"):  # the API's and the portal's upload
            limit = MAX_IRP_FILE_BYTES + 64 * 1024  # spooled to disk as it arrives, never held in memory
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._error(scope, receive, send, 413, "BODY_TOO_LARGE", f"The request body is over {limit} bytes.")
            return
        token = _bearer(headers)
        if token is not None:
            try:
                async with self.db.reader() as conn:
                    scope["tirek.viewer"] = await viewer_from_token(conn, self.settings, token)
            except DomainError as exc:
                language = negotiate(headers.get("accept-language"))
                await self._error(scope, receive, send, 401, exc.code.value, translate(exc, language))
                return
            except Exception as exc:  # noqa: BLE001 - answered (and logged) by _unexpected
                await self._unexpected(scope, receive, send, exc)
                return

        received = 0

        async def limited_receive() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge()
            return message

        started = False
        plain_refusal: dict[str, Any] | None = None  # a text/plain 4xx being turned into JSON
        plain_body = b""

        async def send_with_headers(message: Any) -> None:
            nonlocal started, plain_refusal, plain_body
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if message["status"] >= 400 and content_type.startswith(b"text/plain"):
                    plain_refusal = {**message, "headers": headers}
                    return
                message["headers"] = headers + SECURITY_HEADERS
            elif message["type"] == "http.response.body" and plain_refusal is not None:
                plain_body += message.get("body", b"")
                if message.get("more_body"):
                    return
                message = {"type": "http.response.body", "body": _json_refusal(plain_refusal, plain_body)}
                await send(plain_refusal)
            await send(message)

        try:
            if scope["path"] != "/graphql":
                await self.app(scope, limited_receive, send_with_headers)
            else:
                admitted = self.anonymous.signed_in() if "tirek.viewer" in scope else self.anonymous.place()
                async with admitted:
                    await self.app(scope, limited_receive, send_with_headers)
        except LaneFull:
            busy = DomainError(ErrorCode.RETRYABLE, "The service is busy just now; try again in a moment.")
            await self._error(scope, receive, send, 503, busy.code.value,
                              translate(busy, negotiate(headers.get("accept-language"))), retry_after=1)
        except _BodyTooLarge:
            await self._error(scope, receive, send, 413, "BODY_TOO_LARGE", f"The request body is over {limit} bytes.")
        except Exception as exc:
            if started:  # the answer is on its way: nothing better can be said now
                raise
            await self._unexpected(scope, receive, send, exc)

    async def _unexpected(self, scope: Scope, receive: Receive, send: Send, exc: Exception) -> None:
        """An exception nobody handled (a receipt file gone, a bug): 503 RETRYABLE when the
        database is out of reach, else 500 with an error id only; the stack goes to the log."""
        if database_unavailable(exc):
            log.warning("database unavailable on %s %s: %s", scope.get("method"), scope.get("path"), exc)
            await self._error(scope, receive, send, 503, "RETRYABLE", RETRY_MESSAGE, retry_after=2)
            return
        error_id = uuid.uuid4().hex[:12]
        log.error("unexpected error %s on %s %s", error_id, scope.get("method"), scope.get("path"), exc_info=exc)
        await self._error(scope, receive, send, 500, "INTERNAL", "Unexpected error.", error_id=error_id)

    async def _error(self, scope: Scope, receive: Receive, send: Send, status: int, code: str, message: str,
                     retry_after: int | None = None, error_id: str | None = None) -> None:
        extensions = {"code": code} if error_id is None else {"code": code, "errorId": error_id}
        body = {"errors": [{"message": message, "extensions": extensions}]}
        headers = {k.decode(): v.decode() for k, v in SECURITY_HEADERS}
        if retry_after is not None:
            headers["retry-after"] = str(retry_after)
        await JSONResponse(body, status_code=status, headers=headers)(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


_HTTP_CODES = {401: "UNAUTHENTICATED", 403: "FORBIDDEN", 404: "NOT_FOUND", 413: "BODY_TOO_LARGE"}


def _json_refusal(start: dict[str, Any], text: bytes) -> bytes:
    """A refusal some layer wrote as plain text (Starlette: a malformed multipart body, an unknown path
    or method; strawberry's view: a body that is not JSON, batching, a subscription over POST) as the
    JSON ``errors`` list every other refusal has, with a code. Rewrites ``start``'s headers to match."""
    code = _HTTP_CODES.get(start["status"], "INVALID")
    message = text.decode("utf-8", "replace").strip() or "The request was refused."
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    kept = [(k, v) for k, v in start["headers"] if k.lower() not in (b"content-type", b"content-length")]
    start["headers"] = [*kept, (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                        *SECURITY_HEADERS]
    return body
