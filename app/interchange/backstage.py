"""The Backstage form: each vendor a catalog entity, read back from a catalog file.

``kind: Resource``, ``spec.type: saas-vendor``, ``metadata.name`` the slug, ``title`` the
name, the website as a link, ``spec.owner`` the lead's team (as a slug; ``unknown`` without
one), and every other record column as a ``vendortui.dev/<column>`` annotation (text, as
Backstage wants), the vendor id among them so a round trip matches the same vendor.
Reading skips entities of other kinds (a catalog holds Components, Groups...) and counts them.
Non-ASCII text is written as ``\\u`` escapes, so no control or bidi character reaches a
terminal that shows the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from vendortui.app.interchange.records import COLUMN_NAMES, Record
from vendortui.app.interchange.source import Problem
from vendortui.models.rules import slugify

API_VERSION = "backstage.io/v1alpha1"
PREFIX = "vendortui.dev/"
TYPE = "saas-vendor"
IN_METADATA = ("name", "slug", "website", "description")
ANNOTATED = tuple(name for name in COLUMN_NAMES if name not in IN_METADATA)
_OUTSIDE_ASCII = re.compile(r"[^\x20-\x7e]")


def annotation(column: str) -> str:
    """``risk_tier`` -> ``vendortui.dev/risk-tier``."""
    return PREFIX + column.replace("_", "-")


_COLUMN_OF = {annotation(column): column for column in ANNOTATED}


def entity(record: dict[str, str], owner: str) -> dict[str, Any]:
    """One vendor record as a catalog entity."""
    metadata: dict[str, Any] = {"name": record["slug"], "title": record["name"]}
    if record["description"]:
        metadata["description"] = record["description"]
    if record["website"]:
        metadata["links"] = [{"url": record["website"], "title": "Website"}]
    metadata["annotations"] = {annotation(c): record[c] for c in ANNOTATED if record[c]}
    return {
        "apiVersion": API_VERSION,
        "kind": "Resource",
        "metadata": metadata,
        "spec": {"type": TYPE, "owner": slugify(owner) if owner else "unknown"},
    }


def quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar: JSON's quoting (a subset of YAML's), with
    every character outside printable ASCII as ``\\u``/``\\U`` (YAML, unlike JSON, takes no
    surrogate pairs). ``encode_basestring`` is what ``json.dumps`` runs for a string
    without building an encoder for each of an export's 190,000 values."""
    out = json.encoder.encode_basestring(text)
    if out.isascii() and "\x7f" not in out:
        return out
    return _OUTSIDE_ASCII.sub(_escape, out)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _lines(value: Any, indent: str) -> Iterator[str]:
    """Block-style YAML of maps, lists of maps and text, every text value quoted."""
    for key, item in value.items():
        if isinstance(item, dict):
            yield f"{indent}{key}:"
            yield from _lines(item, indent + "  ")
        elif isinstance(item, list):
            yield f"{indent}{key}:"
            for element in item:
                inner = list(_lines(element, indent + "  "))
                yield f"{indent}- {inner[0].lstrip()}"
                yield from inner[1:]
        else:
            yield f"{indent}{key}: {quoted(item)}"


def write(records: Iterable[dict[str, str]], teams: dict[str, str], out: TextIO) -> int:
    """Write one YAML document per vendor; returns how many.

    Written directly rather than through PyYAML's emitter (1.5 s for 10,000 entities, the
    target is 1 s); the tests read every export back with the safe loader.
    """
    count = 0
    for record in records:
        out.write("---\n" + "\n".join(_lines(entity(record, teams.get(record["id"], "")), "")))
        out.write("\n")
        count += 1
    return count


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _record(doc: dict[str, Any], where: str) -> Record:
    """The record an entity describes; ``ValueError`` says what is wrong with it."""
    metadata = doc.get("metadata")
    if not isinstance(metadata, dict):
        raise ValueError("has no metadata map")
    annotations = metadata.get("annotations") or {}
    if not isinstance(annotations, dict):
        raise ValueError("metadata.annotations is not a map")
    values: dict[str, str] = {}
    for key, value in annotations.items():
        if not str(key).startswith(PREFIX):
            continue
        if key not in _COLUMN_OF:
            raise ValueError(f"has the annotation {str(key)[:60]!r}, which vendortui does not know")
        if isinstance(value, (dict, list)):
            raise ValueError(f"the annotation {key} must be text")
        values[_COLUMN_OF[key]] = _text(value)
    values["slug"] = _text(metadata.get("name"))
    values["name"] = _text(metadata.get("title") or metadata.get("name"))
    values["description"] = _text(metadata.get("description"))
    links = metadata.get("links") or []
    urls = [link.get("url") for link in links if isinstance(link, dict)]
    titled = [
        link.get("url")
        for link in links
        if isinstance(link, dict) and str(link.get("title", "")).lower() == "website"
    ]
    values["website"] = _text((titled or urls or [""])[0])
    spec = doc.get("spec") or {}
    owner = _text(spec.get("owner"))
    return Record(values, where, team="" if owner == "unknown" else owner)


def is_vendor(doc: Any) -> bool:
    """A saas-vendor Resource, whatever else the catalog holds."""
    return (
        isinstance(doc, dict)
        and doc.get("kind") == "Resource"
        and isinstance(doc.get("spec"), dict)
        and doc["spec"].get("type") == TYPE
    )


def read(text: str, file: str) -> tuple[list[Record], list[Problem], int]:
    """The vendor records of a catalog file, the entities that cannot be read, and how many
    entities were skipped as not vendors. The YAML parser loads here, not for an export."""
    from vendortui.app.interchange.safe_yaml import documents

    records: list[Record] = []
    problems: list[Problem] = []
    skipped = 0
    for line, doc in documents(text, file):
        where = f"{file}:{line}"
        if not is_vendor(doc):
            skipped += 1
            continue
        try:
            records.append(_record(doc, where))
        except ValueError as exc:
            problems.append(Problem(where, str(exc)))
    return records, problems, skipped
