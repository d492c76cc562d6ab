"""GraphQL over HTTP (the GraphQL-over-HTTP spec): strawberry's view with the request's viewer in
the context, and the answer's media type negotiated from ``Accept``.

With ``Accept: application/graphql-response+json`` a request that never reached execution (a
document that does not parse or validate, variables that cannot be coerced) is answered 400 with
no ``data``, as the spec says; once execution started the answer is 200, errors and all. With
``application/json`` (or no Accept: the spec's legacy default) every answer stays 200.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from graphql import ExecutionResult, GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult as AnswerResult

from marketplace.db import Database
from marketplace.i18n import negotiate
from marketplace.settings import Settings
from schema.context import Context, request_viewer
from schema.public_answers import MAX_KEY_BODY_BYTES, PublicAnswers, StoredAnswer, only_public_fields

GRAPHIQL = Path(__file__).with_name("graphiql")  # index.html, static/ (vendor/ is copied there by scripts/setup.sh)
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
_MEDIA_RANGE = re.compile(r"^\s*([^;\s]+)\s*(.*)$")
_Q = re.compile(r";\s*q\s*=\s*([0-9.]+)")


def negotiate_media_type(accept: str | None) -> str:
    """``application/graphql-response+json`` when the client names it and weighs it at least as
    much as ``application/json``; else ``application/json`` (also for ``*/*`` alone or no Accept,
    as legacy clients send them)."""
    if not accept:
        return JSON
    weights: dict[str, float] = {}
    for item in accept.split(",")[:32]:
        match = _MEDIA_RANGE.match(item)
        if not match:
            continue
        q_match = _Q.search(match.group(2))
        try:
            q = float(q_match.group(1)) if q_match else 1.0
        except ValueError:
            continue
        media = match.group(1).lower()
        weights[media] = max(weights.get(media, 0.0), q)
    preferred = weights.get(GRAPHQL_RESPONSE, 0.0)
    json_weight = weights.get(JSON, max(weights.get("application/*", 0.0), weights.get("*/*", 0.0)))
    return GRAPHQL_RESPONSE if preferred > 0 and preferred >= json_weight else JSON


def never_executed(result: ExecutionResult) -> bool:
    """A document that did not parse or validate, or variables that could not be coerced: no data,
    and no error has a path (an error raised while executing always has one)."""
    return result.data is None and bool(result.errors) and all(not e.path for e in result.errors)


class TirekGraphQL(GraphQL):
    def __init__(self, *args: Any, db: Database, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.db = db
        self.settings = settings
        self.public_answers = PublicAnswers(settings.public_answer_cache_bytes)

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the app's own static files (no CDN: it works offline, and visits stay here)."""
        return HTMLResponse((GRAPHIQL / "index.html").read_text(encoding="utf-8"))

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(db=self.db, settings=self.settings, viewer=request_viewer(request), request=request,
                       response=response, services=request.app.state.services)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return super().decode_json(data)
        except RecursionError as exc:  # [[[[...]]]] nested deeper than Python recurses: refuse, not a 500
            raise json.JSONDecodeError("nested too deeply", data if isinstance(data, str) else "", 0) from exc

    async def run(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(request, WebSocket):
            return await super().run(request, *args, **kwargs)
        request.state.graphql_media_type = negotiate_media_type(request.headers.get("accept"))
        request.state.graphql_status = None
        request.state.public_answer = False
        key = request.state.public_answer_key = await self._public_answer_key(request)
        if key is not None and (stored := self.public_answers.get(key)) is not None:
            return Response(stored.body, headers={"content-type": stored.content_type})
        response = await super().run(request, *args, **kwargs)
        if isinstance(response, Response) and response.media_type == JSON:
            if request.state.graphql_media_type == GRAPHQL_RESPONSE:
                response.headers["content-type"] = f"{GRAPHQL_RESPONSE}; charset=utf-8"
            if request.state.graphql_status is not None:
                response.status_code = request.state.graphql_status
        if key is not None and request.state.public_answer and isinstance(response, Response) \
                and response.status_code == 200 and isinstance(response.body, bytes):
            self.public_answers.put(key, StoredAnswer(bytes(response.body), response.headers["content-type"]))
        return response

    async def _public_answer_key(self, request: Request) -> bytes | None:
        """The key an anonymous POST's answer is kept under (schema/public_answers.py), or None:
        a signed-in request, no search index whose change count is known, a body too long."""
        if not self.public_answers.enabled or request.method != "POST" or "tirek.viewer" in request.scope:
            return None
        index_version = request.app.state.services.index_version
        declared = request.headers.get("content-length")
        if index_version is None or declared is None or not declared.isdigit() or int(declared) > MAX_KEY_BODY_BYTES:
            return None
        version = await index_version()
        if version is None:
            return None
        body = await request.body()
        return PublicAnswers.key(version, request.state.graphql_media_type,
                                 negotiate(request.headers.get("accept-language")).value,
                                 request.headers.get("content-type", ""), body)

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        answer = await super().process_result(request, result)
        if getattr(request.state, "graphql_media_type", JSON) == GRAPHQL_RESPONSE and never_executed(result):
            request.state.graphql_status = 400
            answer.pop("data", None)
        return answer

    async def execute_single(self, request: Any, request_adapter: Any, sub_response: Any, context: Any,
                             root_value: Any, request_data: Any) -> Any:
        # A plain POST of a subscription would run it as a query and fail inside graphql-core
        # (an INTERNAL error); say clearly where subscriptions live instead.
        if _is_subscription(request_data.query, request_data.operation_name, self.settings.max_query_tokens):
            raise HTTPException(400, "Subscriptions are served over a WebSocket at /graphql (graphql-transport-ws).")
        result = await super().execute_single(request=request, request_adapter=request_adapter,
                                              sub_response=sub_response, context=context, root_value=root_value,
                                              request_data=request_data)
        if getattr(request.state, "public_answer_key", None) is not None and isinstance(result, AnswerResult) \
                and not result.errors and context.search_backends <= {"meilisearch"} \
                and only_public_fields(request_data.query, request_data.operation_name, self.settings.max_query_tokens):
            request.state.public_answer = True
        return result


def _is_subscription(query: Any, operation_name: Any, max_tokens: int) -> bool:
    if not isinstance(query, str) or "subscription" not in query:
        return False
    try:
        operation = get_operation_ast(parse(query, max_tokens=max_tokens), operation_name)
    except GraphQLError:
        return False  # the schema answers the syntax error
    return operation is not None and operation.operation == OperationType.SUBSCRIPTION
