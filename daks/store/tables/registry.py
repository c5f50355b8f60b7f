"""Towns (publishers) and their places: measuring locations, zones and shops.

Locations, zones and shops share one table because readings can be about any of them (a
footfall counter's street, a zone's spending, a shop's entries) and IRIs are minted for all
three the same way; `kind` tells them apart and `zone_member` lists a zone's locations.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel


class Town(SQLModel, table=True):
    __tablename__ = "town"

    id: str = Field(primary_key=True, max_length=64)
    name: str
    nis_code: str | None = Field(default=None, max_length=5)
    province: str | None = None
    timezone: str = "Europe/Brussels"
    inhabitants: int | None = None
    shops_total: int | None = None
    shops_central: int | None = None
    horeca: int | None = None
    data_bought: str = ""  # ";"-separated kinds of data the town buys, as in daks-towns.csv
    licence: str | None = None  # IRI of the licence its open data is published under
    attribution: str | None = None
    synthetic: bool = False  # demo data that is made up, labelled as such wherever shown


class Place(SQLModel, table=True):
    __tablename__ = "place"
    __table_args__ = (Index("ix_place_town_kind", "town_id", "kind"),)

    id: str = Field(primary_key=True, max_length=128)
    town_id: str = Field(foreign_key="town.id", max_length=64)
    kind: str = Field(max_length=16)  # location | zone | shop
    name: str
    category: str | None = Field(default=None, max_length=16)  # street | square | road | area
    zone_id: str | None = Field(default=None, foreign_key="place.id", max_length=128)
    street_id: str | None = Field(default=None, foreign_key="place.id", max_length=128)
    lat: float | None = None
    lon: float | None = None
    geometry_wkt: str | None = None  # zones: their polygon; points are lat/lon
    vendor_ids: str = "{}"  # JSON object: vendor -> identifier or list of identifiers
    synthetic: bool = False
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))


class ZoneMember(SQLModel, table=True):
    __tablename__ = "zone_member"

    zone_id: str = Field(foreign_key="place.id", primary_key=True, max_length=128)
    location_id: str = Field(foreign_key="place.id", primary_key=True, max_length=128)
