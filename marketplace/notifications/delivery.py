"""Getting a notification to its account once the transaction that made it has committed.

Two ways out, both fed only AFTER COMMIT (``services._after_commit``), never
from inside a transaction:

* ``bus``: an in-process pub/sub keyed by account id that wakes the GraphQL
  subscriptions of this process at once. It carries no data, only "account N
  has news": the subscriber then reads the notifications table, which is the
  source of truth. Several API processes behind a load balancer each have their
  own bus, so subscribers also poll the table (see ``services.live_notifications``);
  the bus only cuts the latency for changes made in the same process.
* delivery adapters: e-mail, SMS and the like. ``DeliveryAdapter`` is the
  interface; ``LoggingAdapter`` (the default) writes each message to the log;
  ``EmailAdapter`` and ``SmsAdapter`` are the bases a real gateway implements
  (``send_email`` / ``send_sms``). ``configure_adapters`` replaces the list,
  e.g. at process start-up or in a test. Delivery is best effort: a failing
  adapter is logged and never affects the transaction, which is already
  committed; the in-app notification row stays either way.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from marketplace.accounts.models import Language

log = logging.getLogger("tirek.notifications")


@dataclass(frozen=True)
class OutgoingMessage:
    """One notification on its way to one account, with the contacts known for it."""

    notification_id: int
    account_id: int
    kind: str
    language: Language
    title: str
    body: str
    email: str | None = None
    phone: str | None = None


class DeliveryAdapter(abc.ABC):
    """Sends a committed notification somewhere outside the portal."""

    name: str = "adapter"

    @abc.abstractmethod
    async def send(self, message: OutgoingMessage) -> None: ...


class LoggingAdapter(DeliveryAdapter):
    """The default: the message goes to the log (``tirek.notifications``), nowhere else."""

    name = "log"

    async def send(self, message: OutgoingMessage) -> None:
        log.info(
            "notification %s to account %s [%s, %s]: %s",
            message.notification_id, message.account_id, message.kind, message.language.value, message.title,
        )


class EmailAdapter(DeliveryAdapter):
    """Base of an e-mail gateway: messages without an address are skipped."""

    name = "email"

    async def send(self, message: OutgoingMessage) -> None:
        if message.email:
            await self.send_email(message.email, message.title, message.body, message)

    @abc.abstractmethod
    async def send_email(self, to: str, subject: str, text: str, message: OutgoingMessage) -> None: ...


class SmsAdapter(DeliveryAdapter):
    """Base of an SMS gateway: messages without a phone number are skipped; the text is the title."""

    name = "sms"

    async def send(self, message: OutgoingMessage) -> None:
        if message.phone:
            await self.send_sms(message.phone, message.title, message)

    @abc.abstractmethod
    async def send_sms(self, to: str, text: str, message: OutgoingMessage) -> None: ...


_adapters: list[DeliveryAdapter] = [LoggingAdapter()]
_tasks: set[asyncio.Task[None]] = set()


def configure_adapters(adapters: Iterable[DeliveryAdapter]) -> list[DeliveryAdapter]:
    """Replace the delivery adapters; returns the previous list (to restore it later)."""
    global _adapters
    previous, _adapters = _adapters, list(adapters)
    return previous


def adapters() -> list[DeliveryAdapter]:
    return list(_adapters)


async def _send_all(message: OutgoingMessage, targets: list[DeliveryAdapter]) -> None:
    for adapter in targets:
        try:
            await adapter.send(message)
        except Exception:
            log.exception("delivery of notification %s via %s failed", message.notification_id, adapter.name)


def dispatch(messages: list[OutgoingMessage]) -> None:
    """Hand committed messages to the adapters in the background of the running event loop."""
    if not messages:
        return
    targets = list(_adapters)
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop (a synchronous script): nothing can be awaited here
        log.warning("no event loop: %d notification(s) not sent to adapters", len(messages))
        return
    for message in messages:
        task = loop.create_task(_send_all(message, targets))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)


async def drain() -> None:
    """Wait for the deliveries in flight (tests, and a clean shutdown)."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


# -- the in-process bus -----------------------------------------------------------------------
class _Waiter:
    """A subscriber's doorbell: set from any thread, awaited on the subscriber's loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.event = asyncio.Event()

    def ring(self) -> None:
        try:
            self.loop.call_soon_threadsafe(self.event.set)
        except RuntimeError:  # the subscriber's loop is closed
            pass

    async def wait(self, timeout: float) -> bool:
        """True when rung, False on timeout; clears the bell either way."""
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
            return True
        except TimeoutError:
            return False
        finally:
            self.event.clear()


class NotificationBus:
    """Account id -> the waiters of this process's live subscriptions (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[int, set[_Waiter]] = defaultdict(set)

    @contextlib.contextmanager
    def subscribe(self, account_id: int) -> Iterator[_Waiter]:
        waiter = _Waiter(asyncio.get_running_loop())
        with self._lock:
            self._waiters[account_id].add(waiter)
        try:
            yield waiter
        finally:
            with self._lock:
                waiters = self._waiters.get(account_id)
                if waiters is not None:
                    waiters.discard(waiter)
                    if not waiters:
                        del self._waiters[account_id]

    def publish(self, account_ids: Iterable[int]) -> None:
        with self._lock:
            waiters = [w for a in set(account_ids) for w in self._waiters.get(a, ())]
        for waiter in waiters:
            waiter.ring()

    def subscriber_count(self, account_id: int) -> int:
        with self._lock:
            return len(self._waiters.get(account_id, ()))


bus = NotificationBus()
