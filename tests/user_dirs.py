"""The XDG base folders of one test (the shared ``user_dirs`` fixture in ``tests/conftest.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class UserDirs(NamedTuple):
    """The XDG base folders a test runs with, all inside its own ``tmp_path``."""

    data: Path
    """``XDG_DATA_HOME``: the default knowledge base, offline copies, public-data datasets."""
    config: Path
    """``XDG_CONFIG_HOME``: ``vendortui/config.toml``."""
    state: Path
    """``XDG_STATE_HOME``: ``vendortui/log/vendortui.log``."""
    cache: Path
    """``XDG_CACHE_HOME``: nothing of ours today; isolated so no library writes there either."""
