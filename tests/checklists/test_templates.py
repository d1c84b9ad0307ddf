"""Template files: the shipped ones parse; a broken one is refused with file, line and reason,
and never stops the rest of the knowledge base from opening."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.checklists.conftest import SHIPPED, SMALL, write
from tests.core.cli_process import run_cli as vendortui
from vendortui.app.checklists.templates import (
    KINDS,
    TemplateError,
    parse_template,
    read_template_file,
    shipped_catalog,
    shipped_dir,
)
from vendortui.app.errors import KbError
from vendortui.app.kb import KnowledgeBase


def test_every_shipped_template_parses_and_is_named_after_its_file() -> None:
    catalog = shipped_catalog()
    assert catalog.errors == []
    assert sorted(catalog.templates) == sorted(SHIPPED)
    assert {t.kind for t in catalog.templates.values()} == set(KINDS)
    for key, template in catalog.templates.items():
        assert (shipped_dir() / f"{key}.yaml").exists()
        assert template.version >= 1 and template.item_count > 0
    rollout = catalog.templates["rollout"]
    assert [s.key for s in rollout.stages] == ["staging", "canary", "wider", "full"]
    assert all(not t.stages for k, t in catalog.templates.items() if k != "rollout")


def test_a_small_template_parses_with_defaults() -> None:
    template = parse_template(SMALL, "tiny-rollout.yaml", expected_key="tiny-rollout")
    items = {item.key: item for _, item in template.items()}
    assert items["lead-named"].required and items["lead-named"].needs == ""
    assert items["signed-off"].needs == "note"
    assert items["staging-checked"].needs == "evidence"
    assert items["staging-extra"].required is False
    assert [s.key for s in template.stages] == ["staging", "full"]


def _error(text: str, name: str = "tiny-rollout") -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        parse_template(text, f"{name}.yaml", expected_key=name)
    return caught.value


def test_a_syntax_error_names_the_file_and_line() -> None:
    broken = SMALL.replace("    title: Prepare\n", "    title: Prepare\n   items: [\n")
    error = _error(broken)
    assert error.where == "tiny-rollout.yaml"
    assert error.line == 9
    assert str(error).startswith("tiny-rollout.yaml, line 9: YAML syntax error")


def test_a_duplicate_item_key_names_both_lines() -> None:
    error = _error(SMALL.replace("key: full-checked", "key: lead-named"))
    assert error.line == 29
    assert "item key 'lead-named' is used twice (first on line 10)" in str(error)


def test_an_unknown_field_is_refused_with_its_line() -> None:
    error = _error(
        SMALL.replace("        needs: evidence\n", "        needs: evidence\n        owner: bob\n")
    )
    assert error.line == 22
    assert "unknown field 'owner' in an item" in error.reason
    assert "(allowed: key, text, help, required, needs)" in error.reason


@pytest.mark.parametrize(
    ("change", "line", "reason"),
    [
        (("version: 1", "version: one"), 2, "'version' must be a whole number"),
        (("kind: rollout", "kind: launch"), 4, "kind 'launch' is not one of"),
        (("key: tiny-rollout", "key: other"), 1, "must equal the file name 'tiny-rollout'"),
        (("key: prepare", "key: Prepare Stage"), 7, "must be lower-case letters, digits"),
        (("needs: note", "needs: photo"), 14, "needs 'photo' must be note or evidence"),
        (("required: false", "required: sometimes"), 24, "'required' in an item must be true"),
        (("title: Tiny rollout\n", "title: Tiny rollout\ntitle: Again\n"), 4, "appears twice"),
        (("        text: A lead is named\n", ""), 10, "an item needs a 'text'"),
        (("    title: Prepare\n", ""), 7, "a section needs a 'title'"),
    ],
)
def test_each_kind_of_mistake_is_one_sentence_with_a_line(
    change: tuple[str, str], line: int, reason: str
) -> None:
    error = _error(SMALL.replace(*change, 1))
    assert error.line == line, str(error)
    assert reason in str(error)
    assert "\n" not in str(error) and "Traceback" not in str(error)


def test_stage_is_only_allowed_in_a_rollout() -> None:
    error = _error(SMALL.replace("kind: rollout", "kind: sunset"))
    assert error.line == 17 and "'stage' is only allowed in a rollout template" in str(error)


def test_empty_lists_files_and_documents_are_refused() -> None:
    assert "the file is empty" in str(_error(""))
    assert "the file is empty" in str(_error("# only a comment\n"))
    assert "must be a non-empty list" in str(_error(SMALL.split("sections:")[0] + "sections: []\n"))
    assert "must be a mapping" in str(_error("- just\n- a list\n"))
    assert "YAML syntax error" in str(_error(SMALL + "---\nkey: second\n"))


def test_unreadable_files_are_refused_readably(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="no such file"):
        read_template_file(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("key: latin\ntitle: caf\xe9\n".encode("latin-1"))
    with pytest.raises(TemplateError, match="not UTF-8"):
        read_template_file(latin)


def test_a_broken_file_leaves_the_rest_of_the_catalog_usable(tmp_path: Path) -> None:
    write(tmp_path / "tiny-rollout.yaml", SMALL)
    write(
        tmp_path / "broken.yaml",
        SMALL.replace("tiny-rollout", "broken").replace("  - key: full\n", "  - key: staging\n"),
    )
    catalog = shipped_catalog(tmp_path)
    assert list(catalog.templates) == ["tiny-rollout"]
    [error] = catalog.errors
    assert str(error) == (
        f"{tmp_path / 'broken.yaml'}, line 25: section key 'staging' is used twice "
        "(first on line 15)."
    )
    with pytest.raises(KbError, match=r"The checklist template 'broken' is broken: .*line 25"):
        catalog.get("broken")
    with pytest.raises(KbError, match="no checklist template called 'nope'"):
        catalog.get("nope")


def test_a_broken_team_template_in_the_knowledge_base_does_not_stop_it_opening(
    kb: KnowledgeBase, vendor_id: str
) -> None:
    """A teammate's sync can bring any text; the shipped templates and the due list still work."""
    conn = sqlite3.connect(kb.path)
    conn.execute(
        "INSERT INTO checklist_template (id, created_at, updated_at, updated_by, key, version,"
        " title, source) VALUES ('t1', '2026-01-01 00:00:00.000000', '2026-01-01 00:00:00.000000',"
        " 'x', 'team-review', 1, 'Team review', 'key: team-review\nversion: [1\n')"
    )
    conn.commit()
    conn.close()
    catalog = kb.checklists.catalog(refresh=True)
    assert sorted(catalog.templates) == sorted(SHIPPED)
    assert [str(e) for e in catalog.errors] == [
        "knowledge-base template 'team-review', line 2: YAML syntax error while parsing a "
        "flow sequence: did not find expected ',' or ']'."
    ]
    kb.checklists.start_run(vendor_id, "rollout")
    assert kb.attention() is not None
    result = vendortui("checklist", "templates", "--db", str(kb.path))
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == len(SHIPPED)
    assert "warning: knowledge-base template 'team-review', line 2" in result.stderr
