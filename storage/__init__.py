"""Persistence: SQLModel tables, the engine and session scope, data access and aggregate queries.

The database is the source of truth for everything that must survive a restart.  Every table carries a
``branch_id`` so one deployment can serve several branches and every query can be scoped.  Nothing in
this package knows about Telegram or formats text for people; functions take a keyword-only ``session``
and the caller decides the unit of work (``Database.session()`` commits once at the end).
"""
