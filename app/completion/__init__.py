"""Shell completion: ``vendortui completion bash|zsh|fish`` and the hidden ``__complete``.

``spec.py`` reads the commands and options out of the argparse tree that ``app/cli/parser.py``
builds from the registry (nothing is listed by hand), ``scripts.py`` writes them into a
script for each shell, and ``slugs.py`` answers ``vendortui __complete slugs PREFIX`` on every
tab press: stdlib ``sqlite3`` on a read-only connection, imported before any command module,
so it never pays for SQLModel, Textual or the parser.
"""

COMPLETE_WORD = "__complete"
"""The hidden first word the completion scripts call ``vendortui`` with."""
