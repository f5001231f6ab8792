"""Database engines for store URLs: SQLite files now (WAL, foreign keys, busy timeout)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError

from bot.errors import StoreError

BUSY_TIMEOUT_MS = 5000
_WRITE_OPTION = "newsbot_write"


def open_engine(url: str) -> Engine:
    """An Engine for a SQLite path or `sqlite:///` URL; raise `StoreError` for anything else."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme.startswith("postgres"):
        raise StoreError(
            "PostgreSQL support arrives later; use a SQLite file path for --db or NEWSBOT_DB"
        )
    if scheme and not scheme.startswith("sqlite"):
        raise StoreError(f"store URLs starting {scheme}:// are not supported; use a SQLite path")
    return sqlite_engine(_sqlite_path(url) if scheme else Path(url).expanduser())


def sqlite_engine(path: Path) -> Engine:
    """An Engine on the SQLite file `path` (its folder is created), with our connection setup."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"cannot create the folder for the store {path}: {error.strerror}"
        ) from None
    engine = create_engine(URL.create("sqlite", database=str(path)))
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that takes the write lock at its start (SQLite BEGIN IMMEDIATE).

    Taking the lock up front makes concurrent writers wait for `busy_timeout` instead of failing
    when a read snapshot turns out to be stale.
    """
    with engine.connect() as connection:
        connection.execution_options(**{_WRITE_OPTION: True})
        with connection.begin():
            yield connection


@contextmanager
def reading(engine: Engine, what: str) -> Iterator[Connection]:
    """A read transaction; a database failure becomes "the store cannot {what}: ..."."""
    try:
        with engine.connect() as connection, connection.begin():
            yield connection
    except DatabaseError as error:
        raise StoreError(f"the store cannot {what}: {database_reason(error)}") from None


@contextmanager
def writing(engine: Engine, what: str) -> Iterator[Connection]:
    """`write_transaction` with the same one-sentence `StoreError` as `reading`."""
    try:
        with write_transaction(engine) as connection:
            yield connection
    except DatabaseError as error:
        raise StoreError(f"the store cannot {what}: {database_reason(error)}") from None


def database_reason(error: DatabaseError) -> str:
    """The driver's own message of a database error, without its trailing full stop."""
    return str(error.orig).rstrip(".") if error.orig is not None else "database error"


def _sqlite_path(url: str) -> Path:
    try:
        database = make_url(url).database
    except ArgumentError:
        raise StoreError("the store URL is malformed; use a SQLite file path") from None
    if not database or database == ":memory:":
        raise StoreError("the store URL names no file; use a SQLite file path")
    return Path(database).expanduser()


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _on_begin): the sqlite3 module's legacy mode would
    # run DDL outside the transaction, which breaks transactional migrations.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _on_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
