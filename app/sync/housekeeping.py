"""Keeping a clone's object store compact without the user running anything.

Every sync commit stores the whole database file as one zlib-compressed loose object (about
a quarter of the file); consecutive versions differ in a few pages, so in a pack they shrink
to small deltas (measured: 21 versions of a 23 MB file, 128 MB loose, 5.3 MB packed).
git's own ``gc --auto`` waits for about 6,700 loose objects (some 2,000 syncs, gigabytes
here), so sync packs them itself once they pass ``LOOSE_LIMIT``: the ``.git`` folder stays
within the packed history plus that limit, and the cost of one repack (a delta per new
version, the existing deltas reused) is spread over the syncs that made them.
"""

from __future__ import annotations

from vendortui.app.errors import KbError
from vendortui.app.sync.repo import NETWORK_TIMEOUT, Repo

LOOSE_LIMIT = 32 << 20
"""Bytes of loose objects that start a repack (about six syncs of a 10,000-vendor file)."""


def loose_bytes(repo: Repo) -> int:
    """Disk space taken by loose objects (``git count-objects``, a directory scan)."""
    for line in repo.out("count-objects", "-v").splitlines():
        key, _, value = line.partition(":")
        if key == "size":
            return int(value) * 1024
    return 0


def compact(repo: Repo) -> bool:
    """Pack the loose objects into the one pack once they pass ``LOOSE_LIMIT``; True if so.

    Best effort: a repack that fails or times out leaves the objects as they were (git
    writes the new pack before deleting anything), and the next sync tries again.
    """
    if loose_bytes(repo) < LOOSE_LIMIT:
        return False
    try:
        done = repo.run("repack", "-a", "-d", "-q", check=False, timeout=NETWORK_TIMEOUT)
    except KbError:
        return False
    return done.returncode == 0
