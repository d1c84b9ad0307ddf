"""Telling a team-server URL from a file path, and showing a URL without its password.

Imported on every start, so it imports nothing heavy: no psycopg, no SQLAlchemy.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")

Location = Path | str
"""A knowledge base: a SQLite file (``Path``) or a PostgreSQL URL (``str``)."""


def is_server_url(value: str | os.PathLike[str]) -> bool:
    """True for ``postgresql://...`` (and its aliases), false for anything that is a path."""
    return isinstance(value, str) and value.lower().startswith(SCHEMES)


def location(value: str | os.PathLike[str]) -> Location:
    """A URL stays text (``Path`` would fold its ``//``); anything else is a file path."""
    if isinstance(value, str) and is_server_url(value):
        return value
    return Path(value).expanduser()


def redact(url: str) -> str:
    """``url`` with any password replaced by ``***``: the only form of a URL ever shown."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def sqlalchemy_url(url: str) -> str:
    """The same URL with SQLAlchemy's driver name (``postgresql+psycopg://``)."""
    scheme, rest = url.split("://", 1)
    return f"postgresql+psycopg://{rest}" if "+" not in scheme else url


def libpq_url(url: str) -> str:
    """The same URL as libpq (psycopg.connect) reads it (``postgresql://``)."""
    return "postgresql://" + url.split("://", 1)[1]


def secrets_of(url: str) -> list[str]:
    """The password in ``url`` (if any, as written and decoded), to scrub from any text that
    might echo it."""
    password = urlsplit(url).password
    return sorted({password, unquote(password)}, key=len, reverse=True) if password else []


def keyring_ref(url: str) -> str:
    """The OS keyring entry holding the password for ``url``: ``postgresql://user@host:port/db``
    with libpq's defaults filled in (``PGUSER``/login name, ``PGHOST``/localhost, ``PGPORT``/
    5432, ``PGDATABASE``/the user), so ``--db`` spelt with or without them finds one entry."""
    parts = urlsplit(url)
    user = _user(url)
    host = parts.hostname or os.environ.get("PGHOST") or "localhost"
    port = parts.port or os.environ.get("PGPORT") or 5432
    database = unquote(parts.path.lstrip("/")) or os.environ.get("PGDATABASE") or user
    return f"postgresql://{user}@{host}:{port}/{database}"


def with_password(url: str, password: str) -> str:
    """``url`` with ``password`` in it (percent-encoded), as if the user had typed it there:
    every later connection uses it, and ``redact``/``secrets_of`` already hide it."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    user = quote(_user(url), safe="")
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}"))


def _user(url: str) -> str:
    """The role libpq logs in as for ``url``: the URL's, else ``PGUSER``, else the login name."""
    return unquote(urlsplit(url).username or "") or os.environ.get("PGUSER") or getpass.getuser()
