"""The one exception type whose message is shown to the user as is.

Every failure a user can cause or meet (a bad file, a newer schema, a missing keyring) is
raised as a ``KbError`` carrying one readable sentence: what is wrong and what to do. The
command line and the TUI print that sentence and never a traceback.
"""


class KbError(Exception):
    """A problem the user can act on; ``str(error)`` is the whole message."""


class ReadOnlyError(KbError):
    """A write was attempted on a knowledge base opened read-only."""
