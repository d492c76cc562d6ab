"""The granted-service path over HTTP, end to end: a recipient applies for an individual assistant,
the region's officer approves, the entitlement appears, a provider is ordered, hours are logged and
confirmed, the claim is paid; the recipient is notified at each step, once live over the websocket
subscription (graphql-transport-ws)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import anyio
import pytest
from starlette.testclient import TestClient

from marketplace import clock
from marketplace.accounts.models import Sex
from marketplace.db import Database
from marketplace.identifiers import make_iin
from tirek.app import create_app
from schema.core.ids import to_global_id
from tests.factories import GrantWorld
from schema.services import Services

ERR = "errors { field code message }"
FORM = """query { applicationForm(kind: INDIVIDUAL_ASSISTANT) {
  eligible refusal { code message } provenFacts { code label value source } requiredAttachments notToUpload
  termWorkingDays dueDateIfSubmittedToday } }"""
SUBMIT = f"""mutation($kind: ApplicationKind!, $details: ApplicationDetailsInput, $attachments: [AttachmentInput!]) {{
  submitApplication(kind: $kind, details: $details, attachments: $attachments) {{
    application {{ id status dueDate termWorkingDays isOverdue provenFacts {{ code }} }} {ERR} }} }}"""
QUEUE = "{ applications(first: 10) { edges { node { id status isOverdue isDueSoon workingDaysLeft person { iin } } } } }"
APPROVE = f"""mutation($id: ID!) {{ approveApplication(applicationId: $id) {{
  application {{ id status entitlement {{ id quantity dailyLimit balance classifierItem {{ code }} }} }} {ERR} }} }}"""
REJECT = f"""mutation($id: ID!, $reason: String!) {{ rejectApplication(applicationId: $id, reason: $reason) {{
  application {{ status reason }} {ERR} }} }}"""
MY_ENTITLEMENTS = "{ myEntitlements { id quantity reserved consumed balance dailyLimit } }"
PLACE = f"""mutation($l: ID!, $e: ID!, $k: String!) {{
  placeOrder(listingId: $l, entitlementId: $e, quantity: "16", idempotencyKey: $k) {{ order {{ id status }} {ERR} }} }}"""
ACCEPT = f"mutation($id: ID!) {{ acceptOrder(orderId: $id) {{ order {{ status }} {ERR} }} }}"
LOG = f"""mutation($id: ID!, $iin: String!, $d: Date!) {{
  logServiceHours(orderId: $id, workerIin: $iin, workerName: "Сәуле Ахметова", serviceDate: $d,
                  startTime: "09:00:00", endTime: "13:00:00") {{ serviceLogs {{ id hours status }} {ERR} }} }}"""
CONFIRM_HOURS = f"""mutation($ids: [ID!]!) {{ confirmServiceHours(serviceLogIds: $ids) {{
  serviceLogs {{ status }} {ERR} }} }}"""
CLAIM = f"""mutation($input: SubmitClaimInput!) {{ submitClaim(input: $input) {{
  claim {{ id status amountClaimed }} {ERR} }} }}"""
APPROVE_CLAIM = f"mutation($id: ID!) {{ approveClaim(claimId: $id) {{ claim {{ status }} {ERR} }} }}"
PAY = f"""mutation($id: ID!) {{ markClaimPaid(claimId: $id, idempotencyKey: "pay-1") {{ claim {{ status }} {ERR} }} }}"""
NOTIFICATIONS = """query($unread: Boolean) { unreadNotificationCount
  notifications(unreadOnly: $unread, first: 50) { edges { node { id kind title body subjectId isRead } } } }"""
MARK = f"""mutation($ids: [ID!], $all: Boolean) {{ markNotificationsRead(ids: $ids, all: $all) {{
  updatedCount unreadCount {ERR} }} }}"""
LIVE = "subscription($after: ID) { notifications(after: $after) { id kind title body subjectId } }"


class Live:
    """A graphql-transport-ws client on Starlette's TestClient (the app runs in its own thread and loop)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws

    def send(self, message: dict[str, Any]) -> None:
        self.ws.send_json(message)

    def receive(self, timeout: float = 15) -> dict[str, Any]:
        async def get() -> Any:
            with anyio.fail_after(timeout):
                return await self.ws._send_rx.receive()

        message = self.ws.portal.call(get)
        assert message["type"] == "websocket.send", message
        return json.loads(message["text"])


@pytest.fixture
def live_client(db, settings):  # type: ignore[no-untyped-def]
    # TestClient runs the app on a loop of its own: it gets an engine of its own too.
    app = create_app(settings=settings, db=Database(db.url), services=Services(notification_poll_interval=0.2))
    with TestClient(app) as client:
        yield client


async def test_apply_approve_order_log_confirm_pay_with_notifications(api, gw: GrantWorld, live_client, day_is_over) -> None:  # type: ignore[no-untyped-def]
    recipient = await api.login(gw.accounts["eligible"].username)
    officer = await api.login(gw.accounts["officer_a"].username)
    other_officer = await api.login(gw.accounts["officer_b"].username)
    provider = await api.login(gw.accounts["provider"].username)

    # 1. The form, filled from the records (the recipient reads Kazakh).
    form = (await api.data(FORM, token=recipient))["applicationForm"]
    assert form["eligible"] and form["refusal"] is None and form["requiredAttachments"] == []
    facts = {f["code"]: f for f in form["provenFacts"]}
    assert set(facts) == {"IDENTITY", "RESIDENCE", "DISABILITY", "IRP", "MOBILITY", "CARER_ALLOWANCE"}
    assert facts["IDENTITY"]["label"] == "Жеке басын куәландыратын құжат" and gw.eligible.iin in facts["IDENTITY"]["value"]
    assert facts["DISABILITY"]["value"].startswith("I топ")
    assert "IDENTITY_DOCUMENT" in form["notToUpload"] and form["termWorkingDays"] == 10

    # 2. Uploading what the records hold is refused; a plain application is registered.
    refused = (await api.data(SUBMIT, {"kind": "INDIVIDUAL_ASSISTANT",
                                       "attachments": [{"kind": "DISABILITY_CERTIFICATE"}]}, token=recipient))
    assert refused["submitApplication"]["errors"][0]["field"] == "attachments.0.kind"
    submitted = (await api.data(SUBMIT, {"kind": "INDIVIDUAL_ASSISTANT", "details": {"note": "Жұмысқа бару"}},
                                token=recipient))["submitApplication"]
    assert submitted["errors"] == []
    application = submitted["application"]
    assert application["status"] == "SUBMITTED" and application["dueDate"] == form["dueDateIfSubmittedToday"]
    not_eligible = await api.login(gw.accounts["walks"].username)
    refusal = (await api.data(SUBMIT, {"kind": "INDIVIDUAL_ASSISTANT"}, token=not_eligible))["submitApplication"]
    # The account speaks Russian (the default): so does the refusal ("difficulty moving" in its words).
    assert refusal["errors"][0]["code"] == "NOT_ELIGIBLE" and "затруднениями в передвижении" in refusal["errors"][0]["message"]

    feed = (await api.data(NOTIFICATIONS, token=recipient))["notifications"]["edges"]
    assert [e["node"]["kind"] for e in feed] == ["application.submitted"]
    last_seen = feed[0]["node"]["id"]

    # 3. The recipient listens live over the websocket from here on.
    with live_client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        live = Live(ws)
        live.send({"type": "connection_init", "payload": {"authorization": f"Bearer {recipient}"}})
        assert live.receive()["type"] == "connection_ack"
        live.send({"id": "n1", "type": "subscribe", "payload": {"query": LIVE, "variables": {"after": last_seen}}})

        # 4. The officer's queue, a foreign officer's refusal, the approval.
        queue = (await api.data(QUEUE, token=officer))["applications"]["edges"]
        assert [e["node"]["id"] for e in queue] == [application["id"]]
        assert queue[0]["node"]["isOverdue"] is False and queue[0]["node"]["person"]["iin"] == gw.eligible.iin
        foreign = (await api.data(APPROVE, {"id": application["id"]}, token=other_officer))["approveApplication"]
        assert foreign["errors"][0]["code"] == "NOT_FOUND"
        approved = (await api.data(APPROVE, {"id": application["id"]}, token=officer))["approveApplication"]
        assert approved["errors"] == [], approved
        entitlement = approved["application"]["entitlement"]
        assert approved["application"]["status"] == "APPROVED" and entitlement["dailyLimit"] == "8.00"
        assert entitlement["classifierItem"]["code"] == gw.assistant.code
        twice = (await api.data(APPROVE, {"id": application["id"]}, token=officer))["approveApplication"]
        assert twice["errors"][0]["code"] == "ALREADY_DECIDED"

        # ...and the recipient hears of it live, in Kazakh.
        message = live.receive()
        assert message["type"] == "next" and message["id"] == "n1", message
        pushed = message["payload"]["data"]["notifications"]
        assert pushed["kind"] == "application.approved"
        assert pushed["title"] == f"№{gw_pk(application['id'])} өтініш мақұлданды"
        assert pushed["subjectId"] == application["id"]
        live.send({"id": "n1", "type": "complete"})

    # 5. The entitlement appears with its balance.
    lines = (await api.data(MY_ENTITLEMENTS, token=recipient))["myEntitlements"]
    [line] = [x for x in lines if x["id"] == entitlement["id"]]
    assert line["balance"] == entitlement["quantity"] and line["dailyLimit"] == "8.00"

    # 6. A provider is ordered, accepts, logs hours; the recipient confirms them.
    order = (await api.data(PLACE, {"l": to_global_id("Listing", gw.assistant_listing.id), "e": entitlement["id"],
                                    "k": "assistant-1"}, token=recipient))["placeOrder"]
    assert order["errors"] == [], order
    order_id = order["order"]["id"]
    assert (await api.data(ACCEPT, {"id": order_id}, token=provider))["acceptOrder"]["errors"] == []
    worker = make_iin(dt.date(1991, 3, 2), Sex.F.value, 55)
    logged = (await api.data(LOG, {"id": order_id, "iin": worker, "d": clock.today().isoformat()},
                             token=provider))["logServiceHours"]
    assert logged["errors"] == [] and logged["serviceLogs"][0]["hours"] == "4.00"
    confirmed = (await api.data(CONFIRM_HOURS, {"ids": [logged["serviceLogs"][0]["id"]]}, token=recipient))
    assert confirmed["confirmServiceHours"]["serviceLogs"][0]["status"] == "CONFIRMED"

    # 7. The provider claims the confirmed hours; the officer approves and pays.
    claim = (await api.data(CLAIM, {"input": {"claimFor": "SERVICE_HOURS", "orderId": order_id,
                                              "idempotencyKey": "claim-1"}}, token=provider))["submitClaim"]
    assert claim["errors"] == [] and claim["claim"]["amountClaimed"] == "8000.00"
    assert (await api.data(APPROVE_CLAIM, {"id": claim["claim"]["id"]}, token=officer))["approveClaim"]["errors"] == []
    paid = (await api.data(PAY, {"id": claim["claim"]["id"]}, token=officer))["markClaimPaid"]
    assert paid["claim"]["status"] == "PAID"

    # 8. The recipient was told at each step that others took.
    body = await api.data(NOTIFICATIONS, token=recipient)
    feed = [e["node"] for e in body["notifications"]["edges"]]
    assert [n["kind"] for n in reversed(feed)] == [
        "application.submitted", "application.approved", "order.accepted", "service_log.logged",
        "claim.submitted.person", "claim.paid.person",
    ]
    assert body["unreadNotificationCount"] == 6
    assert feed[0]["title"] == "Мемлекет сіздің қызметіңізді төледі" and feed[0]["subjectId"] == claim["claim"]["id"]

    # 9. Nobody marks another's notifications; the recipient marks theirs.
    foreign = (await api.data(MARK, {"ids": [feed[0]["id"]]}, token=provider))["markNotificationsRead"]
    assert foreign["errors"][0]["code"] == "NOT_FOUND" and foreign["updatedCount"] == 0
    one = (await api.data(MARK, {"ids": [feed[0]["id"]]}, token=recipient))["markNotificationsRead"]
    assert one["updatedCount"] == 1 and one["unreadCount"] == 5
    rest = (await api.data(MARK, {"all": True}, token=recipient))["markNotificationsRead"]
    assert rest["updatedCount"] == 5 and rest["unreadCount"] == 0
    assert (await api.data(NOTIFICATIONS, {"unread": True}, token=recipient))["notifications"]["edges"] == []


def gw_pk(global_id: str) -> int:
    from schema.core.ids import parse_global_id

    return parse_global_id(global_id)[1]


async def test_the_subscription_needs_a_valid_token(api, gw: GrantWorld, live_client) -> None:  # type: ignore[no-untyped-def]
    with live_client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        live = Live(ws)
        live.send({"type": "connection_init", "payload": {}})
        assert live.receive()["type"] == "connection_ack"
        live.send({"id": "a", "type": "subscribe", "payload": {"query": LIVE}})
        answer = live.receive()
        assert answer["id"] == "a", answer
        errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    with live_client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        live = Live(ws)
        live.send({"type": "connection_init", "payload": {"authorization": "Bearer not-a-token"}})
        assert live.receive()["type"] == "connection_ack"
        live.send({"id": "b", "type": "subscribe", "payload": {"query": LIVE}})
        answer = live.receive()
        errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
        assert errors[0]["extensions"]["code"] in {"TOKEN_INVALID", "TOKEN_EXPIRED"}
