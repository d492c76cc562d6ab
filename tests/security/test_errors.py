"""Unexpected exceptions: masked in every answer (GraphQL and the plain HTTP routes), with an
error id a person can quote; the stack is logged under that id. The exceptions thrown here
carry SQL, file paths, driver names and secrets in their messages, as real ones do: none of
it may reach the answer (``leaks.LEAKS``, also grepped over every answer by
``conftest.grep_every_answer``).

Defences: ``schema.core.errors.MaskUnexpectedErrors`` / ``should_mask_error`` (GraphQL),
``schema.app.GuardMiddleware._unexpected`` (``/receipts``, the token check, anything else).
"""

from __future__ import annotations

import errno
import logging
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import ProgrammingError

from tests.graphql_client import GraphQLClient
from tests.security.hostile import STATS
from tests.security.leaks import leak_in
from tests.security.scene import PDF, Scene, gid

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

SECRET_SQL = "SELECT password_hash FROM accounts WHERE username = 'admin'"
SECRET_PATH = "/srv/tirek/marketplace/claims/receipts.py"


def nasty(kind: str) -> BaseException:
    """An exception as a real failure would raise it: its text full of what must not leak."""
    if kind == "sql":
        return ProgrammingError(SECRET_SQL, {"username": "admin"},
                                Exception(f'relation "accounts" does not exist at {SECRET_PATH}, line 42'))
    if kind == "path":
        return FileNotFoundError(errno.ENOENT, "No such file or directory", "/var/lib/tirek/receipts/" + "ab" * 32)
    if kind == "disk":
        return OSError(errno.ENOSPC, "No space left on device", "/var/lib/tirek/receipts/.tmp")
    if kind == "bug":
        return KeyError(f"secret-key-{'x' * 16} at {SECRET_PATH}")
    raise AssertionError(kind)


KINDS = ["sql", "path", "disk", "bug"]


def raising(exc: BaseException) -> Callable[..., Awaitable[Any]]:
    """A stand-in for an async function of the app that fails with ``exc`` whatever it is given."""
    async def fail(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return fail


@pytest.fixture(params=KINDS)
def breaking(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch,
             caplog: pytest.LogCaptureFixture) -> Callable[[Any, str], BaseException]:
    """``breaking(module, name)``: that async function of the app fails with a ``nasty`` exception (of
    each kind in turn, a run each), and errors are captured in the log; it gives the exception."""
    def install(module: Any, name: str) -> BaseException:
        exc = nasty(request.param)
        monkeypatch.setattr(module, name, raising(exc))
        caplog.set_level(logging.ERROR)
        return exc

    return install


def masked(response: httpx.Response, status: int = 200) -> str:
    """Assert ``response`` is a masked unexpected error; return its error id."""
    assert response.status_code == status, response.text[:500]
    assert leak_in(response.text) is None, response.text[:500]
    for secret in ("password_hash", "No such file", "No space", "KeyError", "ProgrammingError"):
        assert secret not in response.text, (secret, response.text[:500])
    [error] = response.json()["errors"]
    assert error["message"] == "Unexpected error.", error
    assert error["extensions"]["code"] == "INTERNAL", error
    error_id = error["extensions"]["errorId"]
    assert isinstance(error_id, str) and len(error_id) == 12
    assert response.headers["x-content-type-options"] == "nosniff"
    STATS["failures masked"] += 1
    return error_id


def logged_with_stack(caplog: pytest.LogCaptureFixture, error_id: str, exc: BaseException) -> None:
    """The log has the error id with the exception's stack, so support can find what happened."""
    records = [r for r in caplog.records if error_id in r.getMessage()]
    assert records, [r.getMessage() for r in caplog.records]
    [record] = records
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert record.exc_info[1] is exc
    text = "".join(traceback.format_exception(*record.exc_info))
    assert "Traceback" in text and str(exc) in text


# -- GraphQL ---------------------------------------------------------------------------------------
async def test_an_unexpected_error_in_a_query_is_masked_and_logged(client: GraphQLClient, scene: Scene,
                                                                   breaking: Any, caplog: pytest.LogCaptureFixture) -> None:
    import schema.accounts.queries as q

    exc = breaking(q, "list_regions")
    for token in (None, await scene.token("admin")):
        error_id = masked(await client.post("{ regions { code name } }", token=token))
        logged_with_stack(caplog, error_id, exc)
    # Two failures, two ids: an id names one event.
    ids = {masked(await client.post("{ regions { code } }")) for _ in range(2)}
    assert len(ids) == 2


async def test_an_unexpected_error_in_a_mutation_is_masked_and_logged(client: GraphQLClient, scene: Scene,
                                                                      breaking: Any, caplog: pytest.LogCaptureFixture) -> None:
    from marketplace.accounts import services

    exc = breaking(services, "change_password")
    response = await client.post("mutation { changePassword(oldPassword: \"a\", newPassword: \"b\") { ok } }",
                                 token=await scene.token("recipient"))
    logged_with_stack(caplog, masked(response), exc)


async def test_the_database_out_of_reach_is_retryable_not_internal(client: GraphQLClient, scene: Scene,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import schema.accounts.queries as q

    # What asyncpg raises when nothing listens (the real restart: test_faults.py).
    down = raising(OSError("Multiple exceptions: [Errno 111] Connect call failed ('10.0.0.5', 5432), "
                           "[Errno 99] Cannot assign requested address"))
    monkeypatch.setattr(q, "list_regions", down)
    response = await client.post("{ regions { code } }")
    assert response.status_code == 200 and leak_in(response.text) is None, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "RETRYABLE" and "10.0.0.5" not in response.text


# -- the plain HTTP routes ----------------------------------------------------------------------
async def upload(client: GraphQLClient, token: str | None, person: str) -> httpx.Response:
    return await client.http.post("/receipts", data={"personId": person},
                                  files={"file": ("r.pdf", PDF, "application/pdf")},
                                  headers={"authorization": f"Bearer {token}"} if token else {})


async def test_an_unexpected_error_in_a_receipt_upload_is_masked_and_logged(client: GraphQLClient, scene: Scene,
                                                                            breaking: Any, caplog: pytest.LogCaptureFixture) -> None:
    import schema.receipts

    exc = breaking(schema.receipts, "store_receipt")
    response = await upload(client, await scene.token("recipient"), gid("Person", scene.sides["a"].person.id))
    logged_with_stack(caplog, masked(response, 500), exc)


async def test_a_lost_or_altered_receipt_file_is_masked_and_logged(client: GraphQLClient, scene: Scene,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """The file under the receipt is gone, or its bytes changed (its SHA-256 no longer matches)."""
    caplog.set_level(logging.ERROR)
    token = await scene.token("recipient")
    response = await upload(client, token, gid("Person", scene.sides["a"].person.id))
    assert response.status_code == 201, response.text
    receipt_id = response.json()["id"]
    [stored] = [p for p in Path(scene.settings.receipts_dir or "").iterdir() if p.is_file()]
    url, auth = f"/receipts/{receipt_id}", {"authorization": f"Bearer {token}"}
    assert (await client.http.get(url, headers=auth)).content == PDF

    stored.write_bytes(PDF.replace(b"obj", b"OBJ"))  # altered on the disk
    error_id = masked(await client.http.get(url, headers=auth), 500)
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    assert "SHA-256" in str(record.exc_info[1])  # type: ignore[index]

    stored.unlink()  # lost
    error_id = masked(await client.http.get(url, headers=auth), 500)
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    assert isinstance(record.exc_info[1], FileNotFoundError)  # type: ignore[index]
    assert str(stored) in "".join(traceback.format_exception(*record.exc_info))  # type: ignore[misc]


async def test_the_database_out_of_reach_on_a_receipt_is_retryable(client: GraphQLClient, scene: Scene,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import schema.receipts

    down = raising(ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed ('10.0.0.5', 5432)"))
    monkeypatch.setattr(schema.receipts, "open_receipt", down)
    response = await client.http.get(f"/receipts/{gid('Receipt', 1)}",
                                     headers={"authorization": f"Bearer {await scene.token('admin')}"})
    assert response.status_code == 503, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "RETRYABLE"
    assert response.headers["retry-after"] == "2" and "10.0.0.5" not in response.text


async def test_an_unexpected_error_reading_a_token_is_masked_and_logged(client: GraphQLClient, scene: Scene,
                                                                        breaking: Any, caplog: pytest.LogCaptureFixture) -> None:
    import schema.app

    exc = breaking(schema.app, "viewer_from_token")
    response = await client.post("{ me { id } }", token=await scene.token("recipient"))
    logged_with_stack(caplog, masked(response, 500), exc)


async def test_ordinary_refusals_are_one_line_of_log(client: GraphQLClient, scene: Scene,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    """NOT_FOUND, UNAUTHENTICATED, a validation error, a syntax error, bad input: one line each, no
    stack trace (strawberry logged 2 KB of traceback for each); an unexpected error keeps its stack
    (the tests above)."""
    token = await scene.token("recipient")
    refusals = [
        ("query($id: ID!) { order(id: $id) { id } }", {"id": gid("Order", 999999)}, token),  # NOT_FOUND
        ("{ orders(first: 1) { edges { node { id } } } }", {}, None),  # UNAUTHENTICATED
        ("{ regions { nope } }", {}, None),  # validation
        ("{ regions { code }", {}, None),  # syntax
        ("query($q: Decimal!) { __typename } ", {"q": "1_0"}, None),  # bad input
    ]
    for query, variables, who in refusals:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            body = await client.execute(query, variables, token=who)
        assert body["errors"][0]["extensions"]["code"], body
        records = [r for r in caplog.records if r.levelno >= logging.INFO and r.name.startswith(("tirek", "strawberry"))]
        assert [r.name for r in records] == ["tirek.refusals"], (query, [(r.name, r.getMessage()) for r in records])
        assert records[0].exc_info is None and "\n" not in records[0].getMessage()
