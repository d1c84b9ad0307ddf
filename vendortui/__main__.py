"""``python -m vendortui ARGS`` is ``vendortui ARGS``; the git drivers run it this way."""

import sys

from vendortui.app.cli import main

sys.exit(main(sys.argv[1:]))
