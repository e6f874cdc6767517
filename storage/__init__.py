"""Durable state: SQLAlchemy 2 async models, repositories and Alembic migrations.

The database is the source of truth for everything durable (DESIGN.md decision 1).
Repositories never commit: the caller owns the transaction (`async with sessions.begin()`).
"""
