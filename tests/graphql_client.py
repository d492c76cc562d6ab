"""A small GraphQL-over-HTTP client for tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import TEST_PASSWORD

LOGIN = """
mutation Login($u: String!, $p: String!) {
  login(username: $u, password: $p) { token expiresAt role errors { field code message } }
}
"""


class GraphQLClient:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> httpx.Response:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    async def execute(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        """Post and return the JSON body, asserting the HTTP layer answered 200."""
        response = await self.post(query, variables, token)
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        """Post and return ``data``, asserting there were no GraphQL errors."""
        body = await self.execute(query, variables, token)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    async def login(self, username: str, password: str = TEST_PASSWORD) -> str:
        payload = (await self.data(LOGIN, {"u": username, "p": password}))["login"]
        assert payload["errors"] == [], payload["errors"]
        return payload["token"]

    async def logins(self, world: Any, *names: str) -> list[str]:
        """The tokens of a tests/factories.py world's ``<name>_account``s, each signed in (``login``), in order."""
        return [await self.login(getattr(world, f"{name}_account").username) for name in names]
