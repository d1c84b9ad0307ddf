"""The user's config: ``$XDG_CONFIG_HOME/vendortui/config.toml`` plus environment and flags.

``locate`` says where the file is, ``schema`` lists every setting, ``load`` reads and checks
the file, ``sources`` layers flag > environment > file > default, ``report`` says where
problems go, ``template`` writes the commented first file, ``editor`` picks the editor. Code
that needs a setting asks ``current()`` through the function that already answered that
question before there was a config (``app.paths.default_db_path``,
``app.identity.current_user``, ...), so callers did not change. Nothing here imports Textual
or SQLModel, and this package's ``__init__`` imports nothing at all (``current`` is loaded on
first use), so ``app.config.report`` costs ``--version`` nothing.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not ``typing``'s: importing typing costs a command ~5 ms
if TYPE_CHECKING:
    from vendortui.app.config.sources import Config, Resolved, current

__all__ = ["Config", "Resolved", "current"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from vendortui.app.config import sources

        return getattr(sources, name)
    raise AttributeError(name)
