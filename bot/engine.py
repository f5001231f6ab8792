"""Database engines for store URLs: SQLite files (WAL, foreign keys, busy timeout) and PostgreSQL.

Writes are serialised on both. SQLite does it itself (`BEGIN IMMEDIATE` takes the one write lock
up front). On PostgreSQL every write transaction first takes one transaction-level advisory lock,
so the stores' read-then-write steps (is this article new? which story does it join?) stay correct
with several newsbot instances on one database, exactly as with several processes on one SQLite
file; readers never wait (MVCC). Work that locks only its own rows (claiming due sources with
`FOR UPDATE SKIP LOCKED`) opens a `row_locked_transaction` instead, which skips the advisory lock,
so instances claim sources side by side.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
)

from bot.errors import StoreError

BUSY_TIMEOUT_MS = 5000
# The advisory lock every PostgreSQL write transaction takes ("newsbot" as a 64-bit number).
WRITE_LOCK_KEY = 0x6E657773626F74
POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
STORE_URL_HINT = "use a SQLite file path or a postgresql://user@host/database URL"
_WRITE_OPTION = "newsbot_write"


def open_engine(url: str) -> Engine:
    """An Engine for a SQLite path or `sqlite:///` URL, or a `postgresql://` URL; raise
    `StoreError` for anything else."""
    scheme = _scheme(url)
    if scheme in POSTGRES_SCHEMES:
        return postgres_engine(url)
    if scheme and not scheme.startswith("sqlite"):
        raise StoreError(f"store URLs starting {scheme}:// are not supported; {STORE_URL_HINT}")
    return sqlite_engine(_sqlite_path(url) if scheme else Path(url).expanduser())


def postgres_engine(url: str) -> Engine:
    """An Engine on a PostgreSQL database through psycopg 3 (`postgres://` and `postgresql://`
    URLs are read as `postgresql+psycopg://`); connections are checked before use, so a restarted
    server costs one reconnect, not an error."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"the store URL is malformed; {STORE_URL_HINT}") from None
    if not parsed.database:
        raise StoreError("the PostgreSQL store URL names no database, as in postgresql://host/news")
    try:
        return create_engine(
            parsed.set(drivername="postgresql+psycopg"),
            pool_pre_ping=True,
            connect_args={"connect_timeout": 10, "application_name": "newsbot"},
        )
    except NoSuchModuleError:  # pragma: no cover - psycopg is a dependency
        raise StoreError("PostgreSQL stores need the psycopg package; reinstall newsbot") from None


def dialect_insert(connection: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT of the connection's database that can take ON CONFLICT clauses."""
    name = connection.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise StoreError(f"the {name} database is not supported; use SQLite or PostgreSQL")


def insert_ignoring(
    connection: Connection, table: Table, *, keys: Sequence[str] | None = None
) -> postgresql.Insert | sqlite.Insert:
    """INSERT ... ON CONFLICT DO NOTHING: the primary key (or the unique `keys`) decides."""
    return dialect_insert(connection, table).on_conflict_do_nothing(index_elements=keys)


def is_postgres_url(url: str) -> bool:
    """Whether `open_engine` reads this store path or URL as a PostgreSQL database."""
    return _scheme(url) in POSTGRES_SCHEMES


def _scheme(url: str) -> str:
    """The URL's scheme, lower case; "" for a plain file path."""
    return url.split("://", 1)[0].lower() if "://" in url else ""


def is_postgres(engine: Engine | Connection) -> bool:
    """Whether `engine` (or a connection) talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"


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
    """A transaction that takes the write lock at its start (SQLite BEGIN IMMEDIATE, the
    PostgreSQL advisory lock).

    Taking the lock up front makes concurrent writers wait (SQLite: up to `busy_timeout`) instead
    of failing or deciding on a stale read.
    """
    with engine.connect() as connection:
        connection.execution_options(**{_WRITE_OPTION: True})
        with connection.begin():
            if is_postgres(connection):
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY}
                )
            yield connection


@contextmanager
def row_locked_transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction that relies on row locks alone on PostgreSQL (no advisory lock), for
    claims made with `FOR UPDATE SKIP LOCKED`; on SQLite the same as `write_transaction`."""
    if not is_postgres(engine):
        with write_transaction(engine) as connection:
            yield connection
        return
    with engine.connect() as connection, connection.begin():
        yield connection


@contextmanager
def reading(engine: Engine, what: str) -> Iterator[Connection]:
    """A read transaction; a database failure becomes "the store cannot {what}: ..."."""
    try:
        with engine.connect() as connection, connection.begin():
            yield connection
    except DatabaseError as error:
        raise store_error(what, error) from None


@contextmanager
def writing(engine: Engine, what: str, *, row_locks_only: bool = False) -> Iterator[Connection]:
    """`write_transaction` (or `row_locked_transaction` with `row_locks_only`) with the same
    one-sentence `StoreError` as `reading`."""
    opening = row_locked_transaction if row_locks_only else write_transaction
    try:
        with opening(engine) as connection:
            yield connection
    except DatabaseError as error:
        raise store_error(what, error) from None


def store_error(what: str, error: DatabaseError) -> StoreError:
    """The StoreError "the store cannot {what}: {reason}"; transient when the database was
    unreachable or the connection broke (OperationalError: a restart, a timeout; not a
    constraint or a bug)."""
    failure = StoreError(f"the store cannot {what}: {database_reason(error)}")
    failure.transient = isinstance(error, OperationalError | InterfaceError)
    return failure


def database_reason(error: DatabaseError) -> str:
    """The driver's own message of a database error (its first line: psycopg adds context and
    never the password), without its trailing full stop."""
    if error.orig is None:
        return "database error"
    lines = str(error.orig).strip().splitlines() or ["database error"]
    return lines[0].rstrip(".")


def _sqlite_path(url: str) -> Path:
    try:
        database = make_url(url).database
    except ArgumentError:
        raise StoreError(f"the store URL is malformed; {STORE_URL_HINT}") from None
    if not database or database == ":memory:":
        raise StoreError(f"the store URL names no file; {STORE_URL_HINT}")
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
        # With WAL, NORMAL syncs at checkpoints instead of every commit: a crash of newsbot
        # loses nothing committed, a power cut can lose the last commits but never corrupts the
        # file (SQLite's documented trade-off). FULL cost about 0.5 ms per commit at ingest.
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def _on_begin(connection: Connection) -> None:  # SQLite only
    immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
