"""The command that edits text (runbooks, the config file): the ``editor`` setting (file or
``$VENDORTUI_EDITOR``), else ``$VISUAL``, else ``$EDITOR``.

The config's own setting comes before the generic variables on purpose: someone who writes
``editor = "code --wait"`` for vendortui means it even though ``$EDITOR`` names vim for
everything else.
"""

from __future__ import annotations

import os
import shlex

from vendortui.app.config.sources import current
from vendortui.app.errors import KbError


def editor_command(otherwise: str = "") -> list[str]:
    """The editor split like a shell would; one sentence if there is none or it is unreadable
    (``otherwise`` ends the first sentence with what else the user can do)."""
    raw = str(current().value("editor")) or os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not raw:
        raise KbError(
            "Set $EDITOR (or $VISUAL, or editor in the file `vendortui config path` names) "
            f"to edit in your editor{otherwise}."
        )
    try:
        command = shlex.split(raw)
    except ValueError as error:
        raise KbError(f"The editor command {raw!r} cannot be read ({error}).") from None
    if not command:
        raise KbError(f"The editor command {raw!r} names no program.")
    return command
