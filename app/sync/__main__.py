"""``python -m app.sync ARGS`` is ``vendortui ARGS``: the entry git runs for the drivers.

Git runs the merge and textconv drivers through ``sh``; registering the absolute path of the
interpreter with ``-m`` avoids shims and PATH lookups (about half the start-up cost).
"""

import sys

from app.cli import main

sys.exit(main(sys.argv[1:]))
