"""Loading untrusted YAML: plain data only, and refused early when it is not.

PyYAML's safe loader still expands aliases (a "billion laughs" file of a few hundred bytes
fills memory) and answers an unknown tag with a traceback-shaped message. So the event stream
is read first, with libyaml when present, and the file is refused at the first anchor or
alias, the first tag that is not one of YAML's plain types, or nesting deeper than
``MAX_DEPTH``; only then is it composed, one document at a time, keeping each one's line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from vendortui.app.errors import KbError

MAX_DEPTH = 32
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")
}
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_events(text: str, file: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise KbError(
                f"{file} line {line} uses a YAML anchor or alias (&name, *name), which "
                "vendortui does not accept; write each value out in full."
            )
        tag = getattr(event, "tag", None)
        if tag and tag not in _PLAIN_TAGS and tag != "!":
            raise KbError(
                f"{file} line {line} has the YAML tag {str(tag)[:60]!r}; vendortui reads only "
                "plain text, numbers, lists and maps, so remove the tag."
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise KbError(f"{file} line {line} nests deeper than {MAX_DEPTH} levels.")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def documents(text: str, file: str) -> Iterator[tuple[int, Any]]:
    """(line, value) of each document of a multi-document YAML text."""
    try:
        _check_events(text, file)
        constructor = yaml.constructor.SafeConstructor()
        for node in yaml.compose_all(text, Loader=_Loader):
            if node is not None:
                yield node.start_mark.line + 1, constructor.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" line {mark.line + 1}" if mark else ""
        raise KbError(f"{file}{line} is not valid YAML ({exc.problem}).") from None
    except yaml.YAMLError as exc:
        raise KbError(f"{file} is not valid YAML ({str(exc)[:120]}).") from None
