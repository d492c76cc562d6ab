"""Receipt files: what is accepted, how it is stored, who may read it."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from marketplace.accounts.access import Viewer
from marketplace.accounts.models import Role
from marketplace.claims import receipts
from marketplace.claims.models import Receipt
from marketplace.errors import DomainError, ErrorCode
from tests import factories as f
from tests.claims.conftest import JPEG, PDF, PNG


async def store(db, viewer, person_id, settings, *, data=PDF, content_type="application/pdf",  # type: ignore[no-untyped-def]
                filename="receipt.pdf"):
    async with db.transaction() as s:
        return await receipts.store_receipt(
            s, viewer, person_id=person_id, filename=filename, content_type=content_type, data=data, settings=settings
        )


async def count(db) -> int:  # type: ignore[no-untyped-def]
    async with db.session() as s:
        return int((await s.execute(select(func.count()).select_from(Receipt))).scalar_one())


@pytest.mark.parametrize(("data", "ctype"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"),
                                             (JPEG, "image/JPEG; charset=binary")])
async def test_accepted_types_are_stored_under_a_random_name_with_their_hash(  # type: ignore[no-untyped-def]
    db, world, claim_settings, data, ctype
):
    r = await store(db, world.viewer("recipient_a"), world.recipient_a.id, claim_settings, data=data,
                    content_type=ctype, filename="../../etc/passwd Чек №5.pdf")
    assert r.sha256 == hashlib.sha256(data).hexdigest() and r.size_bytes == len(data)
    assert r.original_name == "passwd Чек №5.pdf"
    files = list(claim_settings.receipts_dir.iterdir())
    assert [p.name for p in files] == [r.storage_name]
    assert len(r.storage_name) == 64 and "passwd" not in r.storage_name
    assert files[0].read_bytes() == data
    assert files[0].stat().st_mode & 0o077 == 0


async def test_refused_files(db, world, claim_settings):  # type: ignore[no-untyped-def]
    viewer, pid = world.viewer("recipient_a"), world.recipient_a.id
    cases = [
        (b"", "application/pdf", "file"),  # empty
        (b"%PDF-" + b"x" * claim_settings.max_receipt_bytes, "application/pdf", "file"),  # too big
        (b"GIF89a......", "image/gif", "contentType"),  # wrong type
        (b"<html>", "text/html", "contentType"),
        (PDF, None, "contentType"),
        (PNG, "application/pdf", "file"),  # magic does not match the declared type
        (b"MZ\x90\x00 an exe", "image/jpeg", "file"),
        (PDF, "image/png", "file"),
    ]
    for data, ctype, field in cases:
        with pytest.raises(DomainError) as err:
            await store(db, viewer, pid, claim_settings, data=data, content_type=ctype)
        assert err.value.code == ErrorCode.FILE_REJECTED and err.value.field == field, (ctype, data[:8])
    assert await count(db) == 0
    assert not claim_settings.receipts_dir.exists() or not any(claim_settings.receipts_dir.iterdir())


async def test_exactly_the_maximum_size_is_accepted(db, world, claim_settings):  # type: ignore[no-untyped-def]
    data = b"%PDF-" + b"x" * (claim_settings.max_receipt_bytes - 5)
    r = await store(db, world.viewer("recipient_a"), world.recipient_a.id, claim_settings, data=data)
    assert r.size_bytes == claim_settings.max_receipt_bytes


async def test_only_a_recipient_uploads_for_themself_or_a_represented_person(db, world, claim_settings):  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as err:
        await store(db, world.viewer("recipient_a"), world.recipient_b.id, claim_settings)
    assert err.value.code == ErrorCode.NOT_FOUND
    for name in ("provider_a", "officer_a", "admin"):
        with pytest.raises(DomainError) as err:
            await store(db, world.viewer(name), world.recipient_a.id, claim_settings)
        assert err.value.code == ErrorCode.FORBIDDEN
    async with db.transaction() as s:
        child = await f.person(s, world.region_a, legal_representative_id=world.recipient_a.id)
    parent = f.viewer_of(world.recipient_a_account, frozenset({child.id}))
    r = await store(db, parent, child.id, claim_settings)
    assert r.person_id == child.id and r.uploaded_by_account_id == world.recipient_a_account.id


async def test_a_rolled_back_upload_leaves_no_file(db, world, claim_settings):  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError):
        async with db.transaction() as s:
            await receipts.store_receipt(s, world.viewer("recipient_a"), person_id=world.recipient_a.id,
                                         filename="r.pdf", content_type="application/pdf", data=PDF,
                                         settings=claim_settings)
            assert len(list(claim_settings.receipts_dir.iterdir())) == 1
            raise RuntimeError("something later in the request failed")
    assert list(claim_settings.receipts_dir.iterdir()) == []
    assert await count(db) == 0


async def test_who_may_read_a_receipt(db, world, claim_settings):  # type: ignore[no-untyped-def]
    r = await store(db, world.viewer("recipient_a"), world.recipient_a.id, claim_settings, data=PNG,
                    content_type="image/png")
    async with db.transaction() as s:
        child = await f.person(s, world.region_a, legal_representative_id=world.recipient_a.id)
        r_child = await receipts.store_receipt(
            s, f.viewer_of(world.recipient_a_account, frozenset({child.id})), person_id=child.id,
            filename="c.pdf", content_type="application/pdf", data=PDF, settings=claim_settings)
        officer_a2 = f.viewer_of(await f.account(s, Role.LOCAL_BODY, region_id=world.region_a.id))
    allowed = [world.viewer("recipient_a"), world.viewer("officer_a"), officer_a2, world.viewer("admin")]
    for viewer in allowed:
        async with db.session() as s:
            got, data = await receipts.open_receipt(s, viewer, r.id, settings=claim_settings)
        assert got.id == r.id and data == PNG
    # the representative reads the child's receipt
    async with db.session() as s:
        _, data = await receipts.open_receipt(
            s, f.viewer_of(world.recipient_a_account, frozenset({child.id})), r_child.id, settings=claim_settings)
    assert data == PDF
    denied = [world.viewer("recipient_b"), world.viewer("officer_b"), world.viewer("provider_a"),
              world.viewer("provider_b")]
    for viewer in denied:
        async with db.session() as s:
            with pytest.raises(DomainError) as err:
                await receipts.open_receipt(s, viewer, r.id, settings=claim_settings)
            assert err.value.code == ErrorCode.NOT_FOUND, viewer.role
            with pytest.raises(DomainError) as missing:
                await receipts.open_receipt(s, viewer, 999999, settings=claim_settings)
            assert missing.value.message == err.value.message
    async with db.session() as s:
        with pytest.raises(DomainError) as err:
            await receipts.open_receipt(s, Viewer.anonymous(), r.id, settings=claim_settings)
        assert err.value.code == ErrorCode.UNAUTHENTICATED


async def test_a_tampered_file_is_not_served(db, world, claim_settings):  # type: ignore[no-untyped-def]
    r = await store(db, world.viewer("recipient_a"), world.recipient_a.id, claim_settings)
    (claim_settings.receipts_dir / r.storage_name).write_bytes(b"%PDF-forged")
    async with db.session() as s:
        with pytest.raises(RuntimeError):
            await receipts.open_receipt(s, world.viewer("admin"), r.id, settings=claim_settings)
