"""Backstage: one catalog entity per vendor, read back from a multi-document YAML file."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.interchange.conftest import refused_cleanly, reimport_changes_nothing
from vendortui.app.kb import KnowledgeBase


def export_catalog(cli, db: Path, target: Path) -> list[dict]:
    assert cli("export", "--db", str(db), "--output", str(target)).code == 0
    return list(yaml.safe_load_all(target.read_text(encoding="utf-8")))


def test_entities_carry_the_vendor_and_a_round_trip_matches_it(
    demo_kb: KnowledgeBase, empty_db: Path, tmp_path: Path, cli
) -> None:
    entities = export_catalog(cli, demo_kb.path, tmp_path / "catalog.yaml")
    assert len(entities) == 15
    okta = next(e for e in entities if e["metadata"]["name"] == "okta")
    assert okta["apiVersion"] == "backstage.io/v1alpha1" and okta["kind"] == "Resource"
    assert okta["spec"]["type"] == "saas-vendor"
    card = demo_kb.card(demo_kb.find_vendor_id("okta"))
    lead = card.holders("lead")[0]
    assert okta["spec"]["owner"] == (lead.person.team or lead.role.team).lower().replace(" ", "-")
    annotations = okta["metadata"]["annotations"]
    assert annotations["vendortui.dev/id"] == card.vendor.id
    assert annotations["vendortui.dev/status"] == card.vendor.status
    assert annotations["vendortui.dev/sso-protocol"] == card.vendor.sso_protocol
    assert annotations["vendortui.dev/webauthn-enforced"] in ("yes", "no")
    assert all(isinstance(v, str) for v in annotations.values())

    assert cli("import", str(tmp_path / "catalog.yaml"), "--db", str(empty_db)).code == 0
    again = export_catalog(cli, empty_db, tmp_path / "again.yaml")

    def without_owner(entity: dict) -> dict:
        return {**entity, "spec": {**entity["spec"], "owner": None}}

    assert [without_owner(e) for e in again] == [without_owner(e) for e in entities]
    # A new lead takes the owner as team (a person first met as someone's backup has none).
    owners = [
        (a["spec"]["owner"], e["spec"]["owner"]) for a, e in zip(again, entities, strict=True)
    ]
    assert all(got in (want, "unknown") for got, want in owners)
    assert sum(got == want != "unknown" for got, want in owners) >= 10
    reimport_changes_nothing(cli, tmp_path / "catalog.yaml", empty_db)


def test_other_kinds_are_skipped_and_changes_listed(
    demo_kb: KnowledgeBase, tmp_path: Path, cli
) -> None:
    catalog = tmp_path / "catalog.yml"
    catalog.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\n"
        "spec: {type: service, owner: web-team}\n"
        "---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: okta\n"
        "  title: Okta\n  annotations:\n    vendortui.dev/status: retired\n"
        "    backstage.io/techdocs-ref: dir:.\n"
        "spec: {type: saas-vendor, owner: it}\n",
        encoding="utf-8",
    )
    dry = cli("import", str(catalog), "--db", str(demo_kb.path), "--dry-run")
    assert dry.code == 0, dry.out
    assert "Okta (okta) status: 'production' -> 'retired'" in dry.out
    assert "1 entities that are not vendors skipped" in dry.out


def test_unknown_vendortui_annotation_names_the_entity(kb: KnowledgeBase, tmp_path, cli) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "---\nkind: Resource\nmetadata:\n  name: acme\n  annotations:\n"
        "    vendortui.dev/colour: blue\nspec: {type: saas-vendor}\n",
        encoding="utf-8",
    )
    result = cli("import", str(catalog), "--db", str(kb.path))
    refused_cleanly(result, f"{catalog}:2", "vendortui.dev/colour")


def test_owner_with_a_hidden_character_is_refused(kb: KnowledgeBase, tmp_path, cli) -> None:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "---\nkind: Resource\nmetadata:\n  name: acme\n  annotations:\n"
        '    vendortui.dev/lead: a@example.com\nspec: {type: saas-vendor, owner: "ops\\u202e"}\n',
        encoding="utf-8",
    )
    refused_cleanly(cli("import", str(catalog), "--db", str(kb.path)), "owner", "U+202E")
