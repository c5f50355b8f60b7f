"""All configuration in one place, read from `DAKS_*` environment variables (or a `.env`).

Only the shells (`api`, `cli`) read it; the core takes plain values.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DAKS_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"), description="where the embedded SQLite file and exports live"
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; empty means SQLite in the data directory"
    )
    base_url: str = Field(
        default="http://localhost:8000", description="public base of every minted IRI"
    )
    redis_url: str | None = Field(default=None, description="rate-limit storage shared by workers")
    default_timezone: str = "Europe/Brussels"

    # Rate limits (the `limits` notation: "120/minute", "10/second;1000/hour"), per key for
    # keyed calls and per client address for anonymous ones.
    rate_limit_public: str = Field(default="120/minute", description="per client address")
    rate_limit_retailer: str = Field(default="600/minute", description="per retailer key")
    rate_limit_internal: str = Field(default="1200/minute", description="per internal key")
    rate_limit_prefix: str = Field(
        default="daks", description="namespace of the counters in the shared storage"
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="addresses or networks whose X-Forwarded-For is believed (JSON list)",
    )
    max_request_bytes: int = Field(default=64 * 1024, description="largest request body")
    max_upload_bytes: int = Field(
        default=64 * 1024 * 1024, description="largest vendor file uploaded to the internal tier"
    )
    # The town map is drawn from the places' coordinates alone; tiles are an optional backdrop.
    map_tile_url: str | None = Field(
        default=None,
        description="tile URL template behind the town map, e.g. https://tiles.example/{z}/{x}/{y}.png",
    )
    map_tile_attribution: str = Field(default="", description="credit line shown under the tiles")

    @field_validator("map_tile_url")
    @classmethod
    def _tile_template(cls, value: str | None) -> str | None:
        """Empty is off; else an http(s) URL with {z}, {x} and {y}, nothing a page could
        mistake for markup, as it goes into the pages' security policy."""
        if not value:
            return None
        if not re.fullmatch(r"https?://[^/\s\"'<>;,]+/[^\s\"'<>;,]*", value) or not all(
            p in value for p in ("{z}", "{x}", "{y}")
        ):
            raise ValueError("must be an http(s) URL with {z}, {x} and {y}")
        return value

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'daks.sqlite').as_posix()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
