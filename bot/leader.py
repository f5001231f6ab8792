"""Which `newsbot serve` instance runs the scheduled digests: one leader per store at a time.

PostgreSQL: the leader holds a session-level advisory lock (`pg_try_advisory_lock`) on a
connection of its own, kept open while it leads. When the process dies or its connection drops,
the server releases the lock and the next instance that asks gets it: that is the fail-over.
SQLite: an exclusive `flock` on a file beside the database (`<store>.leader`), which the kernel
releases when the process dies.

Leadership only avoids doing the digests' work twice; exactly-once posting does not depend on it
(the delivery ledger refuses a second claim), so a short overlap while a leader is cut off is
harmless. Contract: `acquire` and `held` never raise for a database that is down, they answer
False (and log once why); `release` is idempotent. The methods block: call them in a thread.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import Final

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

LEADER_LOCK_KEY: Final = 0x6E657773_6C656164  # "newslead"
log = logging.getLogger(__name__)


class Leadership:
    """The leader lock of one store; `acquire()` until it answers True, then `held()` now and
    then, `release()` on the way out."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._file: int | None = None

    @property
    def is_leader(self) -> bool:
        """Whether this instance holds the lock (as far as it last knew)."""
        return self._connection is not None or self._file is not None

    def acquire(self) -> bool:
        """Take the lock if nobody holds it; True when this instance leads (now or already)."""
        if self.is_leader:
            return self.held()
        if self._engine.dialect.name == "postgresql":
            return self._acquire_postgres()
        return self._acquire_file()

    def held(self) -> bool:
        """Whether the lock is still ours: on PostgreSQL the lock's connection still answers
        (when it does not, the server has released the lock and leadership is given up)."""
        if self._connection is None:
            return self._file is not None
        try:
            self._connection.execute(text("SELECT 1"))
        except DBAPIError as error:
            log.warning("lost the leader lock: the database connection failed (%s)", _first(error))
            self._drop_connection()
            return False
        return True

    def release(self) -> None:
        """Give the lock up (graceful shutdown); a no-op when not leading."""
        if self._connection is not None:
            try:
                unlock = text("SELECT pg_advisory_unlock(:key)")
                self._connection.execute(unlock, {"key": LEADER_LOCK_KEY})
            except DBAPIError:
                pass  # the server drops a session's locks with its connection anyway
            self._drop_connection()
        if self._file is not None:
            os.close(self._file)  # closing the descriptor releases the flock
            self._file = None

    def anyone_leads(self) -> bool | None:
        """Whether some instance holds the lock now (this one included); None when the store
        cannot be asked. For `newsbot health`."""
        if self.is_leader:
            return True
        if self._engine.dialect.name == "postgresql":
            query = text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND classid = :high AND objid = :low AND objsubid = 1"
            )
            key = {"high": LEADER_LOCK_KEY >> 32, "low": LEADER_LOCK_KEY & 0xFFFFFFFF}
            try:
                with self._engine.connect() as connection:
                    return bool(connection.execute(query, key).scalar())
            except DBAPIError:
                return None
        if not self._acquire_file():
            return True
        self.release()
        return False

    def _acquire_postgres(self) -> bool:
        try:
            connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            query = text("SELECT pg_try_advisory_lock(:key)")
            got = bool(connection.execute(query, {"key": LEADER_LOCK_KEY}).scalar())
        except DBAPIError as error:
            log.warning("cannot ask for the leader lock: %s", _first(error))
            return False
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def _acquire_file(self) -> bool:
        database = self._engine.url.database
        if not database:
            return True  # an in-memory store belongs to this process alone
        path = Path(database).with_name(Path(database).name + ".leader")
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            log.warning("cannot open the leader lock file %s: %s", path, error.strerror)
            return False
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(handle)
            return False
        self._file = handle
        return True

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except DBAPIError:
                connection.invalidate()


def _first(error: DBAPIError) -> str:
    """The first line of the driver's message."""
    lines = str(error.orig).strip().splitlines() if error.orig is not None else []
    return lines[0].rstrip(".") if lines else "database error"
