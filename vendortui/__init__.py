"""vendortui: an offline-first terminal dashboard over a knowledge base of a team's vendors.

The repository keeps its layers at the top (``app/``, ``models/``, ``screens/``,
``seed_data/``); ``pyproject.toml`` installs them as ``vendortui.app``, ``vendortui.models``,
``vendortui.screens`` and ``vendortui.seed_data`` so that vendortui never claims common
top-level names such as ``app`` or ``models`` in someone's environment.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``vendortui.__version__`` from the installed metadata, read only when asked for.

    Every import of a vendortui module runs this file, so the metadata lookup (a few ms) is
    kept off that path.
    """
    if name != "__version__":
        raise AttributeError(f"module 'vendortui' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vendortui")
    except PackageNotFoundError:
        return "0+unknown"
