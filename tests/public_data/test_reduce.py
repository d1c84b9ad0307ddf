"""Reducing upstream files: the real files and excerpts reduce, the shipped snapshots are
exactly what the reducer makes of the real files, and hostile variants are refused with the
first offending path."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tests.public_data.conftest import FIXTURES, real_file
from vendortui.app.public_data import reduce, shape
from vendortui.app.public_data.reduce import REDUCERS, UPSTREAM_FILES, detect
from vendortui.app.public_data.snapshot import SHIPPED_DIR, entry_count, read_upstream, shipped
from vendortui.app.public_data.sources import SOURCES

KEPT_FIELDS = {
    "2fa": {"methods", "documentation"},
    "passkeys": {"mfa", "passwordless", "documentation"},
    "sso-tax": {
        "name", "domain", "base_pricing", "sso_pricing", "percent_increase",
        "pricing_sources", "updated_at",
    },
    "atlas": {"name", "domain", "sources", *reduce.ATLAS_FIELDS.values()},
}  # fmt: skip


def _entries(entries: dict[str, Any]) -> list[dict[str, Any]]:
    return list(entries.get("by_domain", {}).values()) or entries["items"]


@pytest.mark.parametrize("key", list(UPSTREAM_FILES))
def test_shipped_snapshot_is_the_reduced_real_file(key: str) -> None:
    """Reproducible: reducing the real upstream file gives exactly the shipped entries."""
    doc = read_upstream(real_file(UPSTREAM_FILES[key]))
    assert detect(doc) == key
    assert REDUCERS[key](doc) == shipped(key).entries


@pytest.mark.parametrize("key", list(UPSTREAM_FILES))
def test_excerpts_reduce_to_the_kept_fields_only(key: str) -> None:
    doc = read_upstream(FIXTURES / UPSTREAM_FILES[key])
    assert detect(doc) == key
    entries = REDUCERS[key](doc)
    assert entry_count(entries) == len(doc)
    for entry in _entries(entries):
        assert set(entry) == KEPT_FIELDS[key]


def test_upstream_free_text_never_reaches_a_snapshot() -> None:
    """Notes, custom method names, vendor notes and pricing remarks are dropped."""
    dropped = []
    for key, name in UPSTREAM_FILES.items():
        doc = read_upstream(FIXTURES / name)
        items = doc.values() if isinstance(doc, dict) else doc
        for item in items:
            for field in ("notes", "vendor_note", "pricing_source_info", "custom-software"):
                if isinstance(item.get(field), str):
                    dropped.append((key, item[field]))
        text = json.dumps(REDUCERS[key](doc))
        for _, note in (d for d in dropped if d[0] == key):
            assert json.dumps(note)[1:-1] not in text
    assert len(dropped) >= 5


def test_shipped_snapshots_fit_100_kb_and_carry_their_licenses() -> None:
    sizes = {key: (SHIPPED_DIR / f"{key}.json.gz").stat().st_size for key in SOURCES}
    assert sum(sizes.values()) < 100 * 1024
    for source in SOURCES.values():
        notice = (Path(reduce.__file__).with_name("notices") / source.notice).read_text()
        assert len(notice) > 500
        assert source.license.split()[0] in source.attribution


def test_known_shapes_of_the_real_data_survive() -> None:
    """Entries without methods mean "no 2FA"; sso.tax's list-valued pricing_source and its
    one missing percent are kept as published."""
    twofa = shipped("2fa").entries["by_domain"]
    assert twofa["2k.com"] == {"methods": [], "documentation": ""}
    assert "u2f" in twofa["github.com"]["methods"]
    prices = {item["name"]: item for item in shipped("sso-tax").entries["items"]}
    assert len(prices["Mailjet"]["pricing_sources"]) == 2
    assert prices["HootSuite"]["percent_increase"] == ""
    assert prices["Airtable"]["percent_increase"] == "500%"


def _set(doc: Any, path: list[Any], value: Any) -> Any:
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


HOSTILE = [
    ("2fa", ["github.com", "methods", 1], 7, '$["github.com"].methods[1]: expected a string'),
    ("2fa", ["github.com", "methods"], "totp", '$["github.com"].methods: expected an array'),
    ("2fa", ["github.com"], [], '$["github.com"]: expected an object'),
    (
        "2fa",
        ["github.com", "methods", 0],
        "<script>",
        '$["github.com"].methods[0]: expected a method name (like totp)',
    ),
    (
        "2fa",
        ["github.com", "documentation"],
        "javascript:alert(1)",
        '$["github.com"].documentation: expected an http(s) URL',
    ),
    (
        "passkeys",
        ["github.com", "mfa"],
        "sometimes",
        '$["github.com"].mfa: expected one of allowed, required',
    ),
    ("sso-tax", [3, "vendor_url"], 12, "$[3].vendor_url: expected a string"),
    ("sso-tax", [3, "name"], None, "$[3].name: expected a string"),
    ("sso-tax", [3, "updated_at"], "last year", "$[3].updated_at: expected a date (YYYY-MM-DD)"),
    (
        "sso-tax",
        [3, "sso_pricing"],
        "x" * 5000,
        "$[3].sso_pricing: expected a string of at most 300 characters",
    ),
    (
        "sso-tax",
        [7, "pricing_source", 1],
        "file:///etc/passwd",
        "$[7].pricing_source[1]: expected an http(s) URL",
    ),
    (
        "atlas",
        [2, "SCIM Provisioning"],
        "MAYBE",
        '$[2]["SCIM Provisioning"]: expected one of TRUE, FALSE, UPGRADE, UNKNOWN',
    ),
    (
        "atlas",
        [2, "Domain"],
        "not a domain",
        "$[2].Domain: expected a domain name (like example.com)",
    ),
    ("atlas", [2], "text", "$[2]: expected an object"),
]


@pytest.mark.parametrize(("key", "where", "value", "message"), HOSTILE)
def test_hostile_values_are_refused_with_the_first_offending_path(
    key: str, where: list[Any], value: Any, message: str
) -> None:
    doc = _set(read_upstream(FIXTURES / UPSTREAM_FILES[key]), where, value)
    with pytest.raises(shape.ShapeError) as refused:
        REDUCERS[key](doc)
    assert str(refused.value) == message


def test_a_hostile_key_is_shown_quoted_and_escaped() -> None:
    doc = {"\x1b[31mevil\u202e.com": {"methods": ["totp"]}}
    with pytest.raises(shape.ShapeError) as refused:
        REDUCERS["2fa"](doc)
    assert "\x1b" not in str(refused.value) and "\u202e" not in str(refused.value)
    assert str(refused.value).startswith('$["\\u001b[31mevil\\u202e.com"]: expected a domain')


def test_the_whole_document_must_have_the_upstream_shape() -> None:
    with pytest.raises(shape.ShapeError, match=r"^\$: expected an object$"):
        REDUCERS["2fa"]([1, 2])
    with pytest.raises(shape.ShapeError, match=r"^\$: expected an array$"):
        REDUCERS["atlas"]({"a": 1})


def test_gzip_snapshot_bytes_do_not_depend_on_the_time(tmp_path: Path) -> None:
    """A rebuild writes the same bytes: gzip carries no time stamp."""
    from vendortui.app.public_data.snapshot import write

    snap = shipped("atlas")
    write(tmp_path / "a.json.gz", snap)
    assert (tmp_path / "a.json.gz").read_bytes() == (SHIPPED_DIR / "atlas.json.gz").read_bytes()
    assert gzip.decompress((tmp_path / "a.json.gz").read_bytes())[:1] == b"{"
