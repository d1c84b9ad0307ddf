"""``vendortui __complete slugs [--db PATH] [PREFIX]``: vendor slugs for a shell, on every tab.

``app.cli.main`` hands ``__complete`` here before it loads any command, so a tab press costs
an interpreter start, ``app.paths`` and one indexed query. The file is opened read-only
(``mode=ro``): a missing, locked, damaged or foreign file completes nothing, silently (a tab
press must never print an error into the command line), and is never created or migrated.
Only slugs made of the characters ``slugify`` writes are offered: a planted slug holding a
space, a quote or ``$(...)`` would otherwise be typed into the user's shell.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

from vendortui.app.paths import resolve_db_path

SAFE_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_QUERY = """
SELECT slug FROM vendor WHERE deleted_at IS NULL AND slug >= ? AND slug < ?
ORDER BY slug
"""


def slugs(path: Path, prefix: str) -> list[str]:
    """Live vendor slugs starting with ``prefix``; ``[]`` when the file cannot be read."""
    if not path.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.05)
    except sqlite3.Error:
        return []
    try:
        rows = conn.execute(_QUERY, (prefix, prefix + "\U0010ffff")).fetchall()
    except sqlite3.Error:
        return []
    finally:
        conn.close()
    return [slug for (slug,) in rows if isinstance(slug, str) and SAFE_SLUG.fullmatch(slug)]


def complete(argv: list[str]) -> int:
    """Answer ``__complete slugs [--db PATH] [PREFIX]`` on stdout, one slug a line; exit 0.

    Anything else after ``__complete`` prints nothing: an older or newer completion script
    asking for something this build does not know must not break the user's tab key.
    """
    if argv[:1] != ["slugs"]:
        return 0
    rest = argv[1:]
    explicit = None
    if rest[:1] == ["--db"] and len(rest) >= 2:
        explicit, rest = rest[1], rest[2:]
    prefix = rest[0] if rest else ""
    found = slugs(resolve_db_path(explicit), prefix)
    if found:
        sys.stdout.write("\n".join(found) + "\n")
    return 0
