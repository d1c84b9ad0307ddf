"""Where config problems go: the command line prints them on stderr, once each.

Its own module, importing nothing, so ``main`` can set the reporter before any command runs
without ``--version`` paying for the schema and the TOML parser.
"""

from __future__ import annotations

from collections.abc import Callable

_reporter: list[Callable[[str], object]] = []
_reported: set[str] = set()


def report_to(reporter: Callable[[str], object] | None) -> None:
    """Send each problem to ``reporter`` once per process, when it is first found."""
    _reporter[:] = [reporter] if reporter is not None else []


def report(problems: list[str]) -> None:
    """Pass the problems not reported yet to the reporter, if one is set."""
    for problem in problems:
        if _reporter and problem not in _reported:
            _reported.add(problem)
            _reporter[0](problem)


def check_file() -> None:
    """Read the config file now, if there is one, so its problems are said even by a command
    that needs none of its settings (``vendortui vendors --db kb.db``)."""
    from vendortui.app.config.locate import config_path

    if config_path().exists():
        from vendortui.app.config.sources import current

        current()
