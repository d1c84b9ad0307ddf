"""Which vendor a record stands for: by id, else slug, else website domain.

Matching is what makes an import safe to run twice: the second run finds every vendor the
first one added and changes nothing. A slug the file does not give is derived from the name
as ``add_vendor`` would, and only matches a vendor whose name looks the same
(``models.rules.look_alike_key``), so a row never updates an unrelated vendor that happens to
own that slug. The website domain is the last resort, for rows that give neither id nor slug
(a vendor renamed in a spreadsheet): a row that names its slug is that slug's vendor or a new
one, never another vendor that shares its domain (Jira and Confluence).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from vendortui.app.interchange.records import VENDOR_FIELDS
from vendortui.models.rules import look_alike_key


def domain(website: str) -> str:
    """The host of a website without ``www.``, lower-case; ``""`` if there is none."""
    try:
        host = urlparse(website.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


@dataclass
class Known:
    """What the knowledge base holds that an import compares against (one read snapshot)."""

    vendors: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Live vendors: id -> the record fields as stored."""
    every_vendor_id: set[str] = field(default_factory=set)
    """Ids of live and deleted vendors (a deleted id cannot be reused)."""
    by_slug: dict[str, str] = field(default_factory=dict)
    by_domain: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    look_alikes: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    people: dict[str, str] = field(default_factory=dict)
    """Live people by lower-case e-mail (the oldest when two share one)."""
    roles: dict[tuple[str, str], list[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    """(vendor id, kind) -> [(role id, lower-case e-mail)] for people with an e-mail."""
    categories: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    """vendor id -> data category name -> row id."""

    @classmethod
    def read(cls, conn: sqlite3.Connection) -> Known:
        """Everything matching and planning need, in one snapshot."""
        known = cls()
        columns = list(VENDOR_FIELDS.values())
        for row in conn.execute(f"SELECT {', '.join(columns)}, deleted_at FROM vendor"):
            vendor = dict(zip(columns, row, strict=False))
            known.every_vendor_id.add(vendor["id"])
            if row[-1] is None:
                known.add_vendor(vendor)
        for email, person_id in conn.execute(
            "SELECT email, id FROM person WHERE deleted_at IS NULL AND email <> ''"
            " ORDER BY created_at DESC, id DESC"
        ):
            known.people[email.lower()] = person_id
        for role_id, vendor_id, kind, email in conn.execute(
            "SELECT r.id, r.vendor_id, r.kind, p.email FROM role r JOIN person p"
            " ON p.id = r.person_id WHERE r.deleted_at IS NULL AND p.deleted_at IS NULL"
            " AND p.email <> '' AND r.kind IN ('lead', 'backup') ORDER BY r.created_at, r.id"
        ):
            known.roles[(vendor_id, kind)].append((role_id, email.lower()))
        for category_id, vendor_id, name in conn.execute(
            "SELECT id, vendor_id, name FROM data_category WHERE deleted_at IS NULL"
        ):
            known.categories[vendor_id].setdefault(name, category_id)
        return known

    def add_vendor(self, vendor: dict[str, Any], key: str | None = None) -> None:
        """Index a live vendor (also one the plan adds, so a later row can match it);
        ``key`` is its name's look-alike key when the caller has it."""
        self.vendors[vendor["id"]] = vendor
        self.every_vendor_id.add(vendor["id"])
        self.by_slug[vendor["slug"]] = vendor["id"]
        if host := domain(vendor.get("website") or ""):
            self.by_domain[host].append(vendor["id"])
        key = look_alike_key(vendor["name"]) if key is None else key
        self.look_alikes[key].append((vendor["name"], vendor["slug"]))

    def match(
        self, vendor_id: str, slug: str, explicit_slug: bool, name_key: str, website: str
    ) -> tuple[str | None, str]:
        """(id of the live vendor the record stands for or None, a reason when ambiguous)."""
        if vendor_id:
            return (vendor_id if vendor_id in self.vendors else None), ""
        found = self.by_slug.get(slug) if slug else None
        if found and (explicit_slug or look_alike_key(self.vendors[found]["name"]) == name_key):
            return found, ""
        host = "" if explicit_slug else domain(website)
        if host and host in self.by_domain:
            ids = self.by_domain[host]
            if len(ids) == 1:
                return ids[0], ""
            return None, (
                f"its website domain {host} belongs to {len(ids)} vendors; add the id or slug "
                "column to say which"
            )
        return None, ""
