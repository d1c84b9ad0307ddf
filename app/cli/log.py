"""The command line's log: a file in the user state folder, and stderr with ``--verbose``.

Without ``-v`` only failures are written (the file is created on the first one, so a normal run
touches no file); with ``-v`` each command's words, duration and exit code are written too and
shown on stderr. Only command words are logged, never argument values: a value can be a
secret (``conflicts resolve --value``) or personal data.
"""

from __future__ import annotations

import logging
import logging.handlers
from io import TextIOWrapper
from pathlib import Path

LOGGER = "vendortui"
MAX_BYTES = 1_000_000
KEEP = 2


def log_path() -> Path:
    """``vendortui.log`` in the user log folder (``$XDG_STATE_HOME/vendortui/log`` on Linux)."""
    from platformdirs import user_log_path

    return user_log_path("vendortui", appauthor=False) / "vendortui.log"


class _FolderMakingHandler(logging.handlers.RotatingFileHandler):
    """Creates the log folder when the first record arrives, not at every start."""

    def _open(self) -> TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


def configure(verbose: bool) -> logging.Logger:
    """Attach the file (and, verbose, stderr) handlers to the ``vendortui`` logger."""
    logger = logging.getLogger(LOGGER)
    logger.handlers.clear()
    logger.propagate = False
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    to_file = _FolderMakingHandler(log_path(), maxBytes=MAX_BYTES, backupCount=KEEP, delay=True)
    to_file.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    logger.addHandler(to_file)
    if verbose:
        to_stderr = logging.StreamHandler()
        to_stderr.setFormatter(logging.Formatter("vendortui: %(message)s"))
        logger.addHandler(to_stderr)
    return logger
