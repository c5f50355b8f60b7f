"""Persistence: the tables, every query, the engine and its sessions, and the migrations.

Errors (in `daks.store.errors`): `NotFound` for an id that does not exist,
`Conflict` for a write that contradicts what is stored (an unknown town in a registry file,
a zone with fewer than three members).
"""
