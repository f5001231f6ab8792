"""A real PostgreSQL server for the tests: initdb into a temporary folder, started on loopback.

The server binaries come from the machine (Debian's `postgresql` package, which `.ci/run`
installs when they are missing): `initdb` on the PATH or under /usr/lib/postgresql/*/bin. As
root, the server runs as the `postgres` user (PostgreSQL refuses to run as root). Durability is
off (fsync, synchronous commit) unless asked for: the data lives only as long as the test
session, and only the tests that crash the server need a commit to survive it.

Each test gets its own schema (`fresh_schema`), named in the URL's `search_path`, so tests never
see each other's tables and the whole store API runs unchanged.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

SUPERUSER = "newsbot"
DATABASE = "newsbot"
PG_USER_ENV = "NEWSBOT_TEST_PG_USER"  # the user the server runs as when the tests run as root


class PostgresUnavailable(RuntimeError):
    """The machine has no PostgreSQL server binaries, or the server would not start."""


def find_bin_dir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda path: int(path.parent.parent.name) if path.parent.parent.name.isdigit() else 0,
    )
    return versions[-1].parent if versions else None


class PostgresServer:
    """One throwaway server; `start()` returns its base URL, `stop()` removes everything."""

    def __init__(self, bin_dir: Path, *, durable: bool = False) -> None:
        self._bin = bin_dir
        self._durable = durable  # fsync and synchronous commit, for tests that crash the server
        self._root = Path(tempfile.mkdtemp(prefix="newsbot-pg-"))
        self._data = self._root / "data"
        self.port = _free_port()
        self._as_user = os.environ.get(PG_USER_ENV, "postgres") if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        """The superuser's URL of the test database."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    def start(self) -> str:
        """initdb, start, create the database; return `url`."""
        self._root.chmod(0o755)
        self._data.mkdir()
        if self._as_user is not None:
            shutil.chown(self._data, user=self._as_user)
        self._run(
            "initdb", "-D", str(self._data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
            "--locale=C.UTF-8",
        )  # fmt: skip
        log = str(self._data / "server.log")
        self._run(
            "pg_ctl", "-D", str(self._data), "-l", log, "-w", "-t", "30", "-o", self._options(),
            "start",
        )  # fmt: skip
        engine = create_engine(
            f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/postgres",
            isolation_level="AUTOCOMMIT",
        )
        with engine.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {DATABASE}"))
        engine.dispose()
        return self.url

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        if (self._data / "postmaster.pid").exists():
            with suppress(PostgresUnavailable):
                self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self._root, ignore_errors=True)

    def pause(self) -> None:
        """Stop the server abruptly (a crash or a restart begins): connections drop."""
        self._run("pg_ctl", "-D", str(self._data), "-m", "immediate", "-w", "stop")

    def resume(self) -> None:
        """Start the paused server again on the same port."""
        log = str(self._data / "server.log")
        self._run("pg_ctl", "-D", str(self._data), "-l", log, "-w", "-o", self._options(), "start")

    def _options(self) -> str:
        speed = (
            [] if self._durable else ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
        )
        settings = [
            "listen_addresses=127.0.0.1",
            f"unix_socket_directories={self._data}",
            "max_connections=200",
            *speed,
        ]
        return " ".join([f"-p {self.port}", *(f"-c {setting}" for setting in settings)])

    def _run(self, program: str, *args: str) -> None:
        command: Sequence[str] = [str(self._bin / program), *args]
        if self._as_user is not None:
            command = ["runuser", "-u", self._as_user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise PostgresUnavailable(f"{program} failed: {detail[0]}")


@contextmanager
def running_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    """A started server, stopped and removed on exit; skips the test with a sentence saying why
    when this machine has no PostgreSQL binaries or the server will not start."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL server binaries (initdb) not found: install Debian's postgresql "
            "package (.ci/run does) to run the PostgreSQL tests"
        )
    server = PostgresServer(bin_dir, durable=durable)
    try:
        server.start()
    except PostgresUnavailable as error:
        server.stop()
        pytest.skip(f"PostgreSQL could not be started here: {error}")
    try:
        yield server
    finally:
        server.stop()


def fresh_schema(base_url: str) -> tuple[str, str]:
    """Create an empty schema; return (its name, a store URL whose search_path is it)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {name}"))
    engine.dispose()
    return name, f"{base_url}?options={quote(f'-csearch_path={name}')}"


def drop_schema(base_url: str, name: str) -> None:
    """Drop a test's schema and everything in it."""
    engine = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
