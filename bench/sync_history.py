"""A long sync history written straight into a pack, for ``sync_merge.py --history``.

Each simulated sync is what ``vendortui sync`` commits: the real database file after a few
vendor edits (made with SQLite), in a tree with the repository's other files, in a commit
with vendortui's trailers. Only the packing is done here instead of by git: each version is
stored as a delta against the previous one, built from the SQLite pages that changed, with a
full copy every ``DEPTH`` versions (git's default ``pack.depth``), and the pack index is
written alongside. Having git compress and delta-search 2,000 copies of a 23 MB file would
take an hour; this takes a few minutes and yields the same objects.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import struct
import subprocess
import time
import zlib
from pathlib import Path

DEPTH = 50
PAGE = 4096
MAX_COPY = 0xFFFFFF


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _copy(offset: int, size: int) -> bytes:
    op, args = 0x80, bytearray()
    for i in range(4):
        if (offset >> (8 * i)) & 0xFF:
            op |= 1 << i
            args.append((offset >> (8 * i)) & 0xFF)
    for i in range(3):
        if (size >> (8 * i)) & 0xFF:
            op |= 0x10 << i
            args.append((size >> (8 * i)) & 0xFF)
    return bytes([op]) + bytes(args)


def delta(old: bytes, new: bytes) -> bytes:
    """A git delta turning ``old`` into ``new``: copies of equal pages, inserts of the rest."""
    out = bytearray(_varint(len(old)) + _varint(len(new)))
    same_from = -1
    common = min(len(old), len(new))

    def flush_copy(start: int, end: int) -> None:
        while start < end:
            size = min(MAX_COPY, end - start)
            out.extend(_copy(start, size))
            start += size

    pos = 0
    while pos < len(new):
        end = min(pos + PAGE, len(new))
        if end <= common and old[pos:end] == new[pos:end]:
            if same_from < 0:
                same_from = pos
        else:
            if same_from >= 0:
                flush_copy(same_from, pos)
                same_from = -1
            for chunk in range(pos, end, 127):
                piece = new[chunk : min(chunk + 127, end)]
                out.append(len(piece))
                out.extend(piece)
        pos = end
    if same_from >= 0:
        flush_copy(same_from, len(new))
    return bytes(out)


def object_id(kind: str, body: bytes) -> str:
    return hashlib.sha1(f"{kind} {len(body)}\0".encode() + body).hexdigest()


class PackWriter:
    """Writes a version-2 pack and its version-2 index."""

    TYPES = {"commit": 1, "tree": 2, "blob": 3, "ofs_delta": 6}

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh = path.open("wb")
        self.fh.write(b"PACK" + struct.pack(">II", 2, 0))  # count patched at the end
        self.offset = 12
        self.entries: list[tuple[bytes, int, int]] = []  # (sha, crc, offset)

    def _header(self, kind: int, size: int) -> bytes:
        first = (kind << 4) | (size & 0x0F)
        size >>= 4
        out = bytearray()
        while size:
            out.append(first | 0x80)
            first, size = size & 0x7F, size >> 7
        out.append(first)
        return bytes(out)

    def add(self, sha: str, kind: str, body: bytes, *, base_offset: int | None = None) -> int:
        """Store an object (whole, or as a delta ``body`` against the object at
        ``base_offset``); returns its offset."""
        where = self.offset
        raw = bytearray(self._header(self.TYPES[kind], len(body)))
        if kind == "ofs_delta":
            assert base_offset is not None
            rel = where - base_offset
            enc = bytearray([rel & 0x7F])
            rel >>= 7
            while rel:
                rel -= 1
                enc.insert(0, 0x80 | (rel & 0x7F))
                rel >>= 7
            raw.extend(enc)
        raw.extend(zlib.compress(body, 1))
        self.fh.write(raw)
        self.offset += len(raw)
        self.entries.append((bytes.fromhex(sha), zlib.crc32(raw), where))
        return where

    def finish(self) -> Path:
        """Patch the count, write the trailer and the index; returns the pack's final path."""
        self.fh.close()
        data = bytearray(self.path.read_bytes())
        data[8:12] = struct.pack(">I", len(self.entries))
        checksum = hashlib.sha1(data).digest()
        name = self.path.with_name(f"pack-{checksum.hex()}.pack")
        name.write_bytes(bytes(data) + checksum)
        self.path.unlink()
        entries = sorted(self.entries)
        idx = bytearray(b"\377tOc" + struct.pack(">I", 2))
        fanout = [0] * 256
        for sha, _crc, _off in entries:
            fanout[sha[0]] += 1
        total = 0
        for count in fanout:
            total += count
            idx.extend(struct.pack(">I", total))
        for sha, _crc, _off in entries:
            idx.extend(sha)
        for _sha, crc, _off in entries:
            idx.extend(struct.pack(">I", crc))
        for _sha, _crc, off in entries:
            idx.extend(struct.pack(">I", off))
        idx.extend(checksum)
        idx.extend(hashlib.sha1(idx).digest())
        name.with_suffix(".idx").write_bytes(bytes(idx))
        return name


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, timeout=600)
    return done.stdout.decode().strip()


def simulate(
    clone: Path, remotes: list[Path], syncs: int, *, edits: int = 5, trailers: str = ""
) -> float:
    """Append ``syncs`` commits of the clone's database (``edits`` vendors changed in each)
    to its branch, as one pack shared with the bare ``remotes``; returns the seconds taken.

    The clone's file ends as the last simulated version, committed and clean.
    """
    start = time.perf_counter()
    db = clone / "knowledge.db"
    head = _git(clone, "rev-parse", "HEAD")
    others = [
        line.split(None, 3)
        for line in _git(clone, "ls-tree", "HEAD").splitlines()
        if not line.endswith("\tknowledge.db")
    ]
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    ids = [row[0] for row in conn.execute("SELECT id FROM vendor")]
    rng = random.Random(7)
    writer = PackWriter(clone / ".git/objects/pack/tmp-history.pack")
    previous = db.read_bytes()
    base_offset, depth = None, DEPTH
    stamp = int(time.time()) - syncs * 60
    for n in range(syncs):
        conn.execute("BEGIN")
        for vid in rng.sample(ids, edits):
            conn.execute(
                "UPDATE vendor SET description = ?, updated_at = ?, updated_by = ? WHERE id = ?",
                (f"edit {n}", time.strftime("%Y-%m-%d %H:%M:%S.000000"), "sim@example.com", vid),
            )
        conn.execute("COMMIT")
        data = db.read_bytes()
        blob = object_id("blob", data)
        if depth >= DEPTH or base_offset is None:
            base_offset, depth = writer.add(blob, "blob", data), 0
        else:
            base_offset = writer.add(
                blob, "ofs_delta", delta(previous, data), base_offset=base_offset
            )
            depth += 1
        previous = data
        entries = [(name, mode, sha) for mode, _kind, sha, name in others]
        entries.append(("knowledge.db", "100644", blob))
        tree_body = b"".join(
            f"{mode} {name}\0".encode() + bytes.fromhex(sha) for name, mode, sha in sorted(entries)
        )
        tree = object_id("tree", tree_body)
        writer.add(tree, "tree", tree_body)
        when = f"{stamp + 60 * n} +0000"
        commit_body = (
            f"tree {tree}\nparent {head}\nauthor sim <sim@example.com> {when}\n"
            f"committer sim <sim@example.com> {when}\n\nvendortui: {edits} vendors\n\n{trailers}"
        ).encode()
        head = object_id("commit", commit_body)
        writer.add(head, "commit", commit_body)
    conn.close()
    pack = writer.finish()
    for remote in remotes:
        for suffix in (".pack", ".idx"):
            target = remote / "objects/pack" / pack.with_suffix(suffix).name
            target.write_bytes(pack.with_suffix(suffix).read_bytes())
        _git(remote, "update-ref", "refs/heads/main", head)
    _git(clone, "update-ref", "refs/heads/main", head)
    _git(clone, "update-ref", "refs/remotes/origin/main", head)
    _git(clone, "reset", "-q")
    return time.perf_counter() - start
