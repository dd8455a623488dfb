"""Storage layer: SQLAlchemy 2 Core tables, Alembic migrations and the repositories.

This is the only place SQL lives. The same code path serves SQLite (embedded default, via
aiosqlite) and PostgreSQL (production, via psycopg). Repositories take an open connection that
belongs to a unit of work, so several writes share one transaction; none of them commits.
"""
