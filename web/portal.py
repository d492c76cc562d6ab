"""The portal: what every page shares (templates in three languages, the operations, the
visitor, forms with their CSRF check and their errors), and its routes.

A page is an ``async def page(portal, request) -> Response`` in ``web/pages/``; it runs named
operations (``portal.run``) and renders a template (``portal.render``). See web/README.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Collection
from urllib.parse import urlencode

import strawberry
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from marketplace.accounts.models import Language
from marketplace.db import Database
from marketplace.i18n import Catalogues, format_date, format_datetime, format_money, format_number, language_name
from marketplace.i18n import locale_tag
from marketplace.settings import Settings
from schema.context import Context
from schema.services import Services
from web import labels
from web.assets import Assets
from web.operations import Outcome, load_operations
from web.visitor import Visitor, csrf_matches, keep_browser, visitor_for

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
LANGUAGES = (Language.KK, Language.RU, Language.EN)
# The portal's own pages send no request to any other host and run only their own script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def page_of(connection: dict[str, Any] | None) -> tuple[list[dict[str, Any]], str | None, int]:
    """A connection's (nodes, the cursor of the next page or None, how many in all)."""
    connection = connection or {}
    info = connection.get("pageInfo") or {}
    return (list(connection.get("nodes") or []), info.get("endCursor") if info.get("hasNextPage") else None,
            int(connection.get("totalCount") or 0))


@dataclass
class FormErrors:
    """Payload ``errors { field code message }`` (or the form's own) for a page: the summary at
    the top links each message to its field; each field shows its own message.

    ``fields`` maps an API argument (``quantity``) to the id of the input that holds it; an
    error on an argument the page has no input for, or on none, links to ``fallback``."""

    items: list[dict[str, Any]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    fallback: str | None = None

    def add(self, message: str, field_name: str | None = None, code: str = "INVALID") -> None:
        self.items.append({"field": field_name, "code": code, "message": message})

    def extend(self, errors: list[dict[str, Any]]) -> None:
        self.items.extend(errors)

    def __bool__(self) -> bool:
        return bool(self.items)

    def summary(self) -> list[dict[str, str | None]]:
        seen: set[tuple[str | None, str]] = set()
        links = []
        for item in self.items:
            target = self.fields.get(item.get("field") or "", self.fallback)
            key = (target, item["message"])
            if key not in seen:
                seen.add(key)
                links.append({"href": f"#{target}" if target else None, "message": item["message"]})
        return links

    def for_field(self, input_id: str) -> str | None:
        """The message shown at the input ``input_id`` (the first one that concerns it)."""
        for item in self.items:
            if self.fields.get(item.get("field") or "", self.fallback) == input_id:
                return str(item["message"])
        return None


class CsrfRefused(Exception):
    pass


class Portal:
    def __init__(self, schema: strawberry.Schema, db: Database, settings: Settings, services: Services) -> None:
        self.schema = schema
        self.db = db
        self.settings = settings
        self.services = services
        self.operations = load_operations()
        self.catalogues = Catalogues(HERE / "locale", "web")
        self.assets = Assets(STATIC)
        self.environments = {language: self._environment(language) for language in LANGUAGES}

    # -- templates ---------------------------------------------------------------------
    def _environment(self, language: Language) -> Environment:
        env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_translations(self.catalogues.translations(language), newstyle=True)  # type: ignore[attr-defined]
        env.filters["money"] = lambda amount: Markup('<span class="tirek-money">{}</span>').format(
            format_money(Decimal(str(amount)), language))
        env.filters["number"] = lambda value: format_number(Decimal(str(value)), language)
        env.filters["date"] = lambda value: format_date(_as_date(value), language)
        env.filters["datetime"] = lambda value: format_datetime(_as_datetime(value), language)
        translations = self.catalogues.translations(language)
        for name, words in labels.ALL.items():
            env.globals[name] = {key: translations.gettext(text) for key, text in words.items()}
        env.globals["asset_url"] = self.assets.fingerprints.url
        env.globals["text_language"] = lambda obj, name: shown_language(obj, name, language)
        env.globals.update(language=language, lang=locale_tag(language), languages=LANGUAGES,
                           language_name=language_name, locale_tag=locale_tag, Language=Language)
        return env

    def gettext(self, visitor: Visitor, message: str, **params: Any) -> str:
        return self.catalogues.gettext(visitor.language, message, **params)

    def render(self, request: Request, visitor: Visitor, template: str, status_code: int = 200,
               **context: Any) -> HTMLResponse:
        env = self.environments[visitor.language]
        html = env.get_template(template).render(
            request=request, visitor=visitor, path=request.url.path,
            here=request.url.path + (f"?{request.url.query}" if request.url.query else ""), **context)
        response = HTMLResponse(html, status_code=status_code)
        response.headers["content-security-policy"] = CONTENT_SECURITY_POLICY
        keep_browser(response, visitor, self.settings)
        return response

    def render_form(self, request: Request, visitor: Visitor, template: str, errors: FormErrors | None = None,
                    **context: Any) -> HTMLResponse:
        """A page that holds a form: shown again after a failed send with its ``errors`` (400),
        or after the POST-redirect-GET saying what was done (the address's ``done``)."""
        return self.render(request, visitor, template, errors=errors, done=request.query_params.get("done"),
                           status_code=400 if errors else 200, **context)

    def redirect(self, visitor: Visitor, url: str) -> RedirectResponse:
        """POST-redirect-GET: 303 See Other."""
        response = RedirectResponse(url, status_code=303)
        keep_browser(response, visitor, self.settings)
        return response

    def not_found(self, request: Request, visitor: Visitor) -> HTMLResponse:
        return self.render(request, visitor, "pages/not_found.html", status_code=404)

    def sign_in_first(self, request: Request, visitor: Visitor) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return self.redirect(visitor, "/sign-in?" + urlencode({"next": target}))

    # -- data ----------------------------------------------------------------------------
    async def visitor(self, request: Request) -> Visitor:
        return await visitor_for(request, self.db, self.settings)

    async def run(self, request: Request, visitor: Visitor, name: str, **variables: Any) -> Outcome:
        """Execute the named operation with the visitor's viewer, as the API would over HTTP."""
        context = Context(db=self.db, settings=self.settings, viewer=visitor.viewer, request=request,
                          response=None, services=self.services)
        result = await self.schema.execute(self.operations[name], variable_values=variables,
                                           context_value=context, operation_name=name)
        codes = [str((error.extensions or {}).get("code", "INTERNAL")) for error in result.errors or []]
        return Outcome(data=result.data or {}, codes=codes)

    async def addressed(self, request: Request, visitor: Visitor, name: str, root: str) -> dict[str, Any] | None:
        """The object the page's address names (its ``{id}``), as the named operation reads it
        under ``root``; None when there is none the visitor may see."""
        outcome = await self.run(request, visitor, name, id=request.path_params["id"])
        return outcome.data.get(root) if outcome.ok else None

    async def open_case(self, request: Request, name: str,
                        root: str) -> tuple[Visitor, dict[str, Any] | None, Response | None]:
        """A signed-in person's page of one of their cases (an order, a claim, a trip...): the
        visitor, the case the address names (``addressed``), and the answer to give instead
        (sign in first; not found for a case that is not theirs or not there)."""
        visitor = await self.visitor(request)
        if not visitor.signed_in:
            return visitor, None, self.sign_in_first(request, visitor)
        case = await self.addressed(request, visitor, name, root)
        if case is None:
            return visitor, None, self.not_found(request, visitor)
        return visitor, case, None

    async def run_page(self, request: Request, visitor: Visitor, name: str, root: str,
                       **variables: Any) -> tuple[list[dict[str, Any]], str | None, int]:
        """One page of the connection ``root`` of the named operation, from the address's
        ``after`` cursor (a cursor that is not one gives the first page): its nodes, the cursor
        of the next page or None, and how many there are in all."""
        outcome = await self.run(request, visitor, name, after=request.query_params.get("after") or None, **variables)
        if not outcome.ok:
            outcome = await self.run(request, visitor, name, after=None, **variables)
        return page_of(outcome.data.get(root))

    async def own_list(self, request: Request, name: str, root: str, template: str, items_as: str,
                       **context: Any) -> Response:
        """A signed-in person's own list (their claims, trips, applications): a page of the
        connection ``root`` of the named operation (``run_page``), given to ``template`` as
        ``items_as`` with the next page's ``next_cursor``."""
        visitor = await self.visitor(request)
        if not visitor.signed_in:
            return self.sign_in_first(request, visitor)
        items, next_cursor, _ = await self.run_page(request, visitor, name, root)
        return self.render(request, visitor, template, next_cursor=next_cursor, **{items_as: items}, **context)

    async def submit(self, request: Request, visitor: Visitor, errors: FormErrors, name: str, root: str,
                     done: str, **variables: Any) -> Response | None:
        """A form's mutation, unless the form already failed: the payload's errors join
        ``errors``; a refusal without any (an object not the visitor's) is not found; success
        redirects to ``done`` (POST-redirect-GET). None: show the form again with ``errors``."""
        if errors:
            return None
        outcome = await self.run(request, visitor, name, **variables)
        errors.extend(outcome.payload_errors(root))
        if errors:
            return None
        if not outcome.ok:
            return self.not_found(request, visitor)
        return self.redirect(visitor, done)

    async def make(self, request: Request, visitor: Visitor, errors: FormErrors, name: str, root: str, made: str,
                   **variables: Any) -> dict[str, Any] | None:
        """A form's mutation that makes or saves something (a claim, a trip, a listing): the
        payload's errors join ``errors``; what it made (``made`` in the payload), or None."""
        outcome = await self.run(request, visitor, name, **variables)
        errors.extend(outcome.payload_errors(root))
        return (outcome.data.get(root) or {}).get(made)

    async def posted(self, request: Request) -> tuple[Visitor, FormData, Response | None]:
        """A form a signed-in person posted: the visitor, the form (its CSRF token checked first,
        whoever sent it), and the answer to give instead (sign in first)."""
        visitor = await self.visitor(request)
        form = await self.form(request, visitor)
        return visitor, form, None if visitor.signed_in else self.sign_in_first(request, visitor)

    async def form(self, request: Request, visitor: Visitor) -> FormData:
        """The POSTed form, after its CSRF token was checked (``CsrfRefused`` otherwise)."""
        form = await request.form()
        token = form.get("csrf_token")
        if not csrf_matches(visitor, token if isinstance(token, str) else None):
            raise CsrfRefused()
        return form

    # -- routes --------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        from web.pages import accounts, home, listings, ordering, orders, search
        from web.pages import applications, claims, notifications, representing, settings, trips
        from web.pages import provider_hours, provider_listings, provider_money, provider_orders, provider_signup
        from web.pages import officer_claims, officer_imports, officer_listings, officer_persons, officer_queue
        from web.pages import admin_accounts, admin_classifier, admin_providers, admin_regions, password_reset
        from web.pages import officer_applications, officer_quotes, officer_report
        from web.pages import quotes, service_hours
        from web.pages import provider_profile, provider_quotes, provider_transport

        def page(handler: Any) -> Any:
            async def endpoint(request: Request) -> Response:
                try:
                    return await handler(self, request)
                except CsrfRefused:
                    visitor = await self.visitor(request)
                    return self.render(request, visitor, "pages/csrf.html", status_code=403)
            return endpoint

        return [
            Route("/", page(home.home), methods=["GET"]),
            Route("/sign-in", page(accounts.sign_in_page), methods=["GET"]),
            Route("/sign-in", page(accounts.sign_in), methods=["POST"]),
            Route("/sign-out", page(accounts.sign_out), methods=["POST"]),
            Route("/language/{tag}", page(accounts.switch_language), methods=["GET"]),
            Route("/search", page(search.search), methods=["GET"]),
            Route("/listings/{id}", page(listings.listing), methods=["GET"]),
            Route("/listings/{id}/order", page(ordering.start_order), methods=["POST"]),
            Route("/order/check", page(ordering.check_answers), methods=["GET"]),
            Route("/order/check", page(ordering.place_order), methods=["POST"]),
            Route("/orders", page(orders.my_orders), methods=["GET"]),
            Route("/orders/{id}", page(orders.order_page), methods=["GET"]),
            Route("/orders/{id}/placed", page(orders.placed), methods=["GET"]),
            Route("/orders/{id}/{action:str}", page(orders.order_action), methods=["POST"]),
            Route("/orders/{id}/hours/{log}/{action:str}", page(service_hours.hours_action), methods=["POST"]),
            Route("/listings/{id}/quote", page(quotes.request_quote), methods=["POST"]),
            Route("/quotes", page(quotes.my_quotes), methods=["GET"]),
            Route("/quotes/{id}", page(quotes.quote_page), methods=["GET"]),
            Route("/quotes/{id}/{action:str}", page(quotes.quote_action), methods=["POST"]),
            Route("/claims", page(claims.my_claims), methods=["GET"]),
            Route("/claims/new", page(claims.new_claim), methods=["GET"]),
            Route("/claims/new", page(claims.submit_claim), methods=["POST"]),
            Route("/claims/{id}", page(claims.claim_page), methods=["GET"]),
            Route("/applications", page(applications.my_applications), methods=["GET"]),
            Route("/applications/new/{kind}", page(applications.new_application), methods=["GET"]),
            Route("/applications/new/{kind}", page(applications.answer_application), methods=["POST"]),
            Route("/applications/check", page(applications.check_application), methods=["GET"]),
            Route("/applications/check", page(applications.submit_application), methods=["POST"]),
            Route("/applications/{id}", page(applications.application_page), methods=["GET"]),
            Route("/trips", page(trips.my_trips), methods=["GET"]),
            Route("/trips/new", page(trips.new_trip), methods=["GET"]),
            Route("/trips/new", page(trips.book_trip), methods=["POST"]),
            Route("/trips/{id}", page(trips.trip_page), methods=["GET"]),
            Route("/trips/{id}/{action:str}", page(trips.trip_action), methods=["POST"]),
            Route("/notifications", page(notifications.notifications), methods=["GET"]),
            Route("/notifications/read", page(notifications.mark_read), methods=["POST"]),
            Route("/history/{id}", page(notifications.history), methods=["GET"]),
            Route("/acting-for", page(representing.acting_for_page), methods=["GET"]),
            Route("/acting-for", page(representing.choose_acting_for), methods=["POST"]),
            Route("/settings", page(settings.settings_page), methods=["GET"]),
            Route("/settings/language", page(settings.change_language), methods=["POST"]),
            Route("/settings/password", page(settings.change_password), methods=["POST"]),
            Route("/accessibility", page(settings.accessibility_statement), methods=["GET"]),
            # The provider's work (web/pages/provider_*.py).
            Route("/provider/sign-up", page(provider_signup.sign_up_page), methods=["GET"]),
            Route("/provider/sign-up", page(provider_signup.sign_up), methods=["POST"]),
            Route("/provider/orders", page(provider_orders.incoming_orders), methods=["GET"]),
            Route("/provider/orders/{id}", page(provider_orders.order_page), methods=["GET"]),
            Route("/provider/orders/{id}/hours", page(provider_hours.log_hours), methods=["POST"]),
            Route("/provider/orders/{id}/{action:str}", page(provider_orders.order_action), methods=["POST"]),
            Route("/provider/hours", page(provider_hours.hours_page), methods=["GET"]),
            Route("/provider/money", page(provider_money.money_page), methods=["GET"]),
            Route("/provider/money.csv", page(provider_money.money_csv), methods=["GET"]),
            Route("/provider/money/claim/{id}", page(provider_money.claim_order), methods=["POST"]),
            Route("/provider/listings", page(provider_listings.listings_page), methods=["GET"]),
            Route("/provider/listings/new", page(provider_listings.show_form), methods=["GET"]),
            Route("/provider/listings/new", page(provider_listings.save_form), methods=["POST"]),
            Route("/provider/listings/{id}", page(provider_listings.listing_page), methods=["GET"]),
            Route("/provider/listings/{id}/edit", page(provider_listings.show_form), methods=["GET"]),
            Route("/provider/listings/{id}/edit", page(provider_listings.save_form), methods=["POST"]),
            Route("/provider/listings/{id}/{action:str}", page(provider_listings.listing_action), methods=["POST"]),
            Route("/provider/profile", page(provider_profile.profile_page), methods=["GET"]),
            Route("/provider/profile", page(provider_profile.save_profile), methods=["POST"]),
            Route("/provider/quotes", page(provider_quotes.quotes_page), methods=["GET"]),
            Route("/provider/quotes/{id}", page(provider_quotes.quote_page), methods=["GET"]),
            Route("/provider/quotes/{id}/submit", page(provider_quotes.submit_quote), methods=["POST"]),
            Route("/provider/vehicles", page(provider_transport.vehicles_page), methods=["GET"]),
            Route("/provider/vehicles/new", page(provider_transport.vehicle_form), methods=["GET"]),
            Route("/provider/vehicles/new", page(provider_transport.save_vehicle), methods=["POST"]),
            Route("/provider/vehicles/{id}", page(provider_transport.vehicle_form), methods=["GET"]),
            Route("/provider/vehicles/{id}", page(provider_transport.save_vehicle), methods=["POST"]),
            Route("/provider/trips", page(provider_transport.trips_page), methods=["GET"]),
            Route("/provider/trips/{id}", page(provider_transport.trip_page), methods=["GET"]),
            Route("/provider/trips/{id}/{action:str}", page(provider_transport.trip_action), methods=["POST"]),
            # The officer's work (web/pages/officer_*.py).
            Route("/officer", page(officer_queue.work_queue), methods=["GET"]),
            Route("/officer/claims/{id}", page(officer_claims.claim_page), methods=["GET"]),
            Route("/officer/claims/{id}/{action:str}", page(officer_claims.decide_claim), methods=["POST"]),
            Route("/officer/receipts/{id}", page(officer_claims.receipt), methods=["GET"]),
            Route("/officer/listings/{id}", page(officer_listings.moderation_page), methods=["GET"]),
            Route("/officer/listings/{id}/{action:str}", page(officer_listings.decide_listing), methods=["POST"]),
            Route("/officer/imports", page(officer_imports.imports_page), methods=["GET"]),
            Route("/officer/imports", page(officer_imports.upload_import), methods=["POST"]),
            Route("/officer/imports/report.csv", page(officer_imports.report_csv), methods=["GET"]),
            Route("/officer/persons", page(officer_persons.find_person), methods=["GET"]),
            Route("/officer/persons/{id}", page(officer_persons.person_page), methods=["GET"]),
            Route("/officer/persons/{id}/records", page(officer_persons.register_record), methods=["POST"]),
            Route("/officer/persons/{id}/lines", page(officer_persons.issue_line), methods=["POST"]),
            Route("/officer/applications/{id}", page(officer_applications.application_page), methods=["GET"]),
            Route("/officer/applications/{id}/{action:str}", page(officer_applications.decide_application),
                  methods=["POST"]),
            Route("/officer/quotes/{id}", page(officer_quotes.quote_page), methods=["GET"]),
            Route("/officer/quotes/{id}/{action:str}", page(officer_quotes.decide_quote), methods=["POST"]),
            Route("/officer/report", page(officer_report.report_page), methods=["GET"]),
            Route("/officer/report.csv", page(officer_report.report_csv), methods=["GET"]),
            # The administrator's work (web/pages/admin_*.py).
            Route("/admin/classifier", page(admin_classifier.classifier_page), methods=["GET"]),
            Route("/admin/classifier/new", page(admin_classifier.new_item_page), methods=["GET"]),
            Route("/admin/classifier/new", page(admin_classifier.create_item), methods=["POST"]),
            Route("/admin/classifier/{id}", page(admin_classifier.item_page), methods=["GET"]),
            Route("/admin/classifier/{id}/cap", page(admin_classifier.change_cap), methods=["POST"]),
            Route("/admin/classifier/{id}/item", page(admin_classifier.edit_item), methods=["POST"]),
            Route("/admin/accounts", page(admin_accounts.accounts_page), methods=["GET"]),
            Route("/admin/accounts/new", page(admin_accounts.new_account_page), methods=["GET"]),
            Route("/admin/accounts/new", page(admin_accounts.create_account), methods=["POST"]),
            Route("/admin/accounts/{id}", page(admin_accounts.account_page), methods=["GET"]),
            Route("/admin/accounts/{id}/disable", page(admin_accounts.confirm_disable), methods=["GET"]),
            Route("/admin/accounts/{id}/disable", page(admin_accounts.disable_account), methods=["POST"]),
            Route("/admin/accounts/{id}/enable", page(admin_accounts.enable_account), methods=["POST"]),
            Route("/admin/accounts/{id}/code", page(admin_accounts.issue_code), methods=["POST"]),
            Route("/admin/regions", page(admin_regions.regions_page), methods=["GET"]),
            Route("/admin/regions", page(admin_regions.create_region), methods=["POST"]),
            Route("/admin/regions/{id}", page(admin_regions.region_page), methods=["GET"]),
            Route("/admin/regions/{id}", page(admin_regions.rename_region), methods=["POST"]),
            Route("/reset-password", page(password_reset.reset_page), methods=["GET"]),
            Route("/reset-password", page(password_reset.reset_password), methods=["POST"]),
            Route("/admin/providers", page(admin_providers.providers_page), methods=["GET"]),
            Route("/admin/providers/{id}", page(admin_providers.provider_page), methods=["GET"]),
            Route("/admin/providers/{id}/{action:str}", page(admin_providers.provider_action), methods=["POST"]),
            Mount("/assets", app=self.assets, name="assets"),
        ]


def chosen(request: Request, name: str, choices: Collection[str], default: str | None = None) -> str | None:
    """The address's ``name`` that narrows a list (a status, a role, a category) when it is one of
    ``choices``, else ``default``."""
    value = request.query_params.get(name) or default
    return value if value in choices else default


def parse_quantity(text: str | None) -> Decimal | None:
    """A quantity as typed (``2``, ``1,5``), or None when it is not a number."""
    cleaned = (text or "").strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned or len(cleaned) > 20:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def shown_language(obj: dict[str, Any], name: str, wanted: Language) -> str | None:
    """The language of the text the API shows for ``name`` (``title``) when ``wanted`` is asked:
    its own, or the one it fell back to (ru, then kk, then en; ``schema.core.scalars.localized``)."""
    order = [wanted, Language.RU, Language.KK, Language.EN]
    for language in order:
        if obj.get(f"{name}{language.value.capitalize()}"):
            return locale_tag(language)
    return None


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
