"""Settings read from the environment, prefixed ``TIREK_``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from marketplace.documents.signing import new_private_key

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TIREK_", env_file=".env", extra="ignore")

    demo: bool = False
    # GraphiQL at GET /graphql (its assets served by the app): on in the demo, off otherwise unless asked for.
    graphiql: bool | None = None
    var_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""
    meili_url: str | None = None
    meili_key: str | None = None
    meili_index: str = "listings"
    secret_key: str | None = None
    token_ttl: int = Field(default=8 * 3600, ge=60, le=30 * 24 * 3600, description="seconds")
    receipts_dir: Path | None = None
    max_receipt_bytes: int = 5 * 1024 * 1024
    max_body_bytes: int = 1024 * 1024
    max_query_depth: int = 12
    max_query_tokens: int = 4000
    max_aliases: int = 30
    max_query_cost: int = 20000
    cors_origins: list[str] = []
    login_attempts_per_minute: int = 10
    # Anonymous GraphQL requests served at once by one API process, and how many more may wait
    # (schema/admission.py): beyond that they are answered 503 at once; signed-in requests never wait.
    anonymous_concurrency: int = Field(default=2, ge=1, le=1000)
    anonymous_queue: int = Field(default=64, ge=0, le=100_000)
    # Bytes of anonymous search answers one API process keeps to send again until the search
    # index changes (schema/public_answers.py); 0: every answer is made afresh.
    public_answer_cache_bytes: int = Field(default=32 * 1024 * 1024, ge=0, le=2**31)
    # Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For is believed when they connect;
    # empty: the header is ignored and the connecting address is the client's (sign-in limits per address).
    trusted_proxies: list[str] = []
    db_pool_size: int = Field(
        default=30, ge=1, le=500,
        description="PostgreSQL connections each API process keeps open (all kept: no overflow); "
                    "processes × this must stay under the server's max_connections",
    )
    # The portal's Ed25519 key that seals result documents (marketplace.documents.signing): the
    # 32-byte private key, base64. The demo makes one in var/document-signing.key.
    document_signing_key: str | None = None
    # Public keys (base64) of earlier signing keys whose documents stay genuine after a rotation.
    document_trusted_keys: list[str] = []
    term_reminder_interval: int = Field(
        default=3600, ge=0, le=24 * 3600,
        description="seconds between reminders of application and claim terms about to be missed; 0: off "
                    "(then run `tirek notify-terms-due` from cron)",
    )

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.var_dir / 'tirek.sqlite3'}"
        if self.receipts_dir is None:
            self.receipts_dir = self.var_dir / "receipts"
        if not self.secret_key:
            if not self.demo:
                raise ValueError("TIREK_SECRET_KEY is required outside demo mode (TIREK_DEMO=1)")
            self.secret_key = "tirek-demo-secret-key-not-for-production"
        if not self.document_signing_key and self.demo:
            self.document_signing_key = _demo_signing_key(self.var_dir / "document-signing.key")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def graphiql_enabled(self) -> bool:
        return self.demo if self.graphiql is None else self.graphiql

    def engine_options(self) -> dict[str, int]:
        """Keyword arguments for ``marketplace.db.Database`` (the pool; SQLite has none to size)."""
        return {} if self.is_sqlite else {"pool_size": self.db_pool_size}


def _demo_signing_key(path: Path) -> str:
    """The demo's document signing key: made once, then read from ``path``."""
    if path.is_file():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_private_key()
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
