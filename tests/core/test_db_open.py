"""Opening files: new, valid, and every kind of bad file (which must stay byte-for-byte intact)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from vendortui.app.db import Database
from vendortui.app.dbfile import known_revisions
from vendortui.app.errors import KbError, ReadOnlyError
from vendortui.app.kb import KnowledgeBase


def _digest(path: Path) -> bytes:
    return path.read_bytes()


def test_new_file_is_created_migrated_and_uses_safe_pragmas(tmp_path: Path) -> None:
    """Where its folders are vendortui's to make (``init``, the default location)."""
    path = tmp_path / "sub" / "new.db"
    db = Database.open(path, create_folder=True)
    with db.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert revision == known_revisions()[-1]
    assert sorted(p.name for p in path.parent.iterdir()) == ["new.db"]


@pytest.mark.parametrize(
    "content",
    [b"hello, this is a text file\n" * 10, b"PK\x03\x04" + b"\x00" * 200],
    ids=["text", "zip"],
)
def test_not_sqlite_is_refused_and_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(KbError, match="is not a SQLite database"):
        Database.open(path)
    assert path.read_bytes() == content


def test_truncated_file_is_refused_and_untouched(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.add_vendor("Datadog")
    whole = kb.path.read_bytes()
    cut = tmp_path / "cut.db"
    cut.write_bytes(whole[: len(whole) // 2])
    before = _digest(cut)
    with pytest.raises(KbError, match="truncated"):
        Database.open(cut)
    assert _digest(cut) == before


def test_damaged_file_is_refused_and_untouched(kb: KnowledgeBase, tmp_path: Path) -> None:
    kb.add_vendor("Datadog")
    data = bytearray(kb.path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    bad = tmp_path / "bad.db"
    bad.write_bytes(bytes(data))
    with pytest.raises(KbError, match="damaged"):
        Database.open(bad)
    assert bad.read_bytes() == bytes(data)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_is_refused_and_untouched(kb: KnowledgeBase) -> None:
    before = kb.path.read_bytes()
    kb.path.chmod(0o444)
    with pytest.raises(KbError, match="read-only"):
        Database.open(kb.path)
    assert kb.path.read_bytes() == before


def test_read_only_file_is_refused_even_for_root(kb: KnowledgeBase, monkeypatch) -> None:
    """As root, os.access lies about nothing but chmod is ignored: fake the answer the OS gives
    a normal user, to check the message path and that nothing is written."""
    before = kb.path.read_bytes()
    real_access = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda p, mode: False if Path(p) == kb.path and mode & os.W_OK else real_access(p, mode),
    )
    with pytest.raises(KbError, match="read-only for you"):
        Database.open(kb.path)
    assert kb.path.read_bytes() == before


def test_sqlite_file_from_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(KbError, match="not a vendortui knowledge base"):
        Database.open(path)
    assert path.read_bytes() == before


def test_newer_schema_opens_read_only_and_is_never_written(kb: KnowledgeBase) -> None:
    kb.add_vendor("Datadog")
    with sqlite3.connect(kb.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = kb.path.read_bytes()
    newer = KnowledgeBase.open(kb.path)
    assert newer.readonly
    assert "newer vendortui" in newer.db.notice
    assert [row.name for row in newer.vendor_rows()] == ["Datadog"]
    with pytest.raises(ReadOnlyError, match="read-only"):
        newer.add_vendor("PagerDuty")
    assert kb.path.read_bytes() == before


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KbError, match="is a folder"):
        Database.open(tmp_path)


def test_missing_file_for_reading_says_how_to_create_one(tmp_path: Path) -> None:
    path = tmp_path / "nope.db"
    with pytest.raises(KbError, match="vendortui demo"):
        Database.open(path, for_writing=False)
    assert not path.exists()


def test_write_after_file_replaced_lands_in_the_new_file(kb: KnowledgeBase, tmp_path: Path) -> None:
    """What sync does: rename another file over the live one while this process has it open."""
    kb.add_vendor("Before")
    replacement = tmp_path / "replacement.db"
    replacement.write_bytes(kb.path.read_bytes())
    os.replace(replacement, kb.path)
    kb.add_vendor("After")
    names = {row.name for row in KnowledgeBase.open(kb.path).vendor_rows()}
    assert names == {"Before", "After"}


def test_writer_waiting_on_a_sync_lock_reopens_the_replaced_file(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    """The sync race: a writer opens the file and waits for the lock that sync holds while it
    renames a merged file into place. The write must land in the new file, not the orphan."""
    import threading
    import time

    kb.add_vendor("Before")
    merged = tmp_path / "merged.db"
    merged.write_bytes(kb.path.read_bytes())
    sync_lock = sqlite3.connect(kb.path, isolation_level=None)
    sync_lock.execute("BEGIN EXCLUSIVE")
    from vendortui.models import Person

    writer = threading.Thread(target=kb.create, args=(Person,), kwargs={"name": "During"})
    old_inode = kb.path.stat().st_ino
    writer.start()
    deadline = time.monotonic() + 60
    while _descriptors_on(old_inode) < 2:  # the sync's connection and the writer's
        assert writer.is_alive(), "the writer must wait for the sync's lock, not fail"
        assert time.monotonic() < deadline, "the writer never opened the file"
        time.sleep(0.001)  # a poll interval while waiting for the condition, not a wait
    os.replace(merged, kb.path)
    sync_lock.execute("ROLLBACK")
    sync_lock.close()
    writer.join(timeout=10)
    assert not writer.is_alive()
    with KnowledgeBase.open(kb.path).db.read() as conn:
        people = [row[0] for row in conn.execute("SELECT name FROM person")]
    assert people == ["During"]


def _descriptors_on(inode: int) -> int:
    """How many of this process's descriptors are open on the file with ``inode``."""
    count = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            count += os.stat(fd).st_ino == inode
        except OSError:
            continue
    return count


def test_file_damaged_while_open_gives_a_sentence_on_read_and_write(
    kb: KnowledgeBase,
) -> None:
    from vendortui.models import Vendor

    vendor = kb.add_vendor("Acme")
    for n in range(30):
        kb.add_vendor(f"Filler {n}", description="x" * 2000)
    data = bytearray(kb.path.read_bytes())
    data[8192:] = b"\xee" * (len(data) - 8192)
    kb.path.write_bytes(bytes(data))
    with pytest.raises(KbError, match="is damaged"):
        kb.vendor_rows()
    with pytest.raises(KbError, match="is damaged"):
        kb.update(Vendor, vendor.id, name="Acme 2")
    assert kb.path.read_bytes() == bytes(data), "nothing was written to the damaged file"
