"""The ``vendortui`` command line: argparse sub-commands registered by small modules.

Each ``*_commands.py`` module registers its commands with ``@command("words", help, options)``
(``app/cli/registry.py``); ``app/cli/parser.py`` builds the nested sub-commands from them.
Nothing here imports Textual or SQLModel: a command imports what it uses when it runs, so
headless commands stay fast.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vendortui.app.cli.registry import COMMANDS, command

__all__ = ["COMMANDS", "command", "main"]


def __getattr__(name: str) -> Any:
    """``command`` and ``COMMANDS`` from ``registry``, imported on first use: a shell's tab
    press (``__complete``) is answered without argparse and dataclasses."""
    if name in ("COMMANDS", "command"):
        from vendortui.app.cli import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_commands() -> None:
    """Import the modules whose ``@command`` decorators fill the registry."""
    from vendortui.app.cli import (  # noqa: F401 (imported for their registrations)
        calendar_commands,
        checklist_commands,
        completion_commands,
        config_commands,
        interchange_commands,
        kb_commands,
        migrate_commands,
        probe_commands,
        public_commands,
        report_commands,
        sync_commands,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``vendortui`` script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from vendortui.app.completion import COMPLETE_WORD

    if argv[:1] == [COMPLETE_WORD]:
        # A shell's tab press: answered before logging, the parser or any command loads.
        from vendortui.app.completion.slugs import complete

        return complete(argv[1:])
    verbose = any(arg in ("-v", "--verbose") for arg in argv)
    from vendortui.app.cli import log

    logger = log.configure(verbose)
    try:
        import vendortui
        from vendortui.app.cli.parser import build, parse, print_group_help
        from vendortui.app.errors import KbError

        load_commands()
        root = build(vendortui.__version__)
    except Exception as exc:
        logger.exception("vendortui could not start")
        print(
            f"vendortui: could not start ({type(exc).__name__} while loading its modules; the "
            f"installation looks broken: reinstall it). Nothing was read or written. Details: "
            f"{log.log_path()}",
            file=sys.stderr,
        )
        return 3
    from vendortui.app.config.report import check_file, report_to

    report_to(lambda problem: print(f"vendortui: {problem}", file=sys.stderr))
    cmd, args = parse(root, argv)
    check_file()
    name = " ".join(("vendortui", *cmd.words)) if cmd else args._parser.prog
    started = time.perf_counter()
    logger.debug("%s: started", name)
    try:
        code = cmd.run(args) if cmd else print_group_help(args)
    except KbError as exc:
        logger.debug("%s: refused", name, exc_info=True)
        print(f"vendortui: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        print("vendortui: interrupted.", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        code = 0
    except ImportError as exc:
        logger.exception("%s: failed", name)
        print(
            f"vendortui: `{name}` could not load the module {exc.name or '?'}; the installation "
            f"looks incomplete: reinstall vendortui. Details: {log.log_path()}",
            file=sys.stderr,
        )
        code = 3
    except Exception as exc:
        logger.exception("%s: failed", name)
        print(
            f"vendortui: `{name}` failed unexpectedly ({type(exc).__name__}); a change it was "
            "making was rolled back, changes it had finished stay saved. Please report it with "
            f"the details from {log.log_path()}",
            file=sys.stderr,
        )
        code = 3
    logger.debug("%s: exit %d after %.0f ms", name, code, (time.perf_counter() - started) * 1000)
    return code
