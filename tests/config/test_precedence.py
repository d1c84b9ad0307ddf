"""flag > environment > file > default, for every setting in the schema, and each setting
reaching the code that used it before there was a config."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.config.conftest import WriteConfig
from vendortui.app.config import current
from vendortui.app.config.editor import editor_command
from vendortui.app.config.locate import config_path
from vendortui.app.config.schema import SETTINGS, Setting
from vendortui.app.config.template import toml_value
from vendortui.app.identity import current_user
from vendortui.app.kb import KnowledgeBase
from vendortui.app.paths import default_db_path, resolve_db_path

SAMPLES: dict[str, tuple[object, object, object]] = {
    "knowledge_base": ("/file/kb.db", "/env/kb.db", "/flag/kb.db"),
    "theme": ("nord", "gruvbox", "dracula"),
    "editor": ("nano", "vim -u NONE", None),
    "user": ("file@example.com", "env@example.com", None),
    "probes.timeout": (20.0, 30.0, None),
    "probes.concurrency": (4, 8, None),
    "probes.proxy": ("http://file:3128", "http://env:3128", None),
    "due.cancel_by_warning_days": (90, 120, None),
    "due.rollout_stall_days": (7, 21, None),
    "keymap.profile": ("vim", "arrows", None),
}
"""Per setting: a value for the file, one for the environment, one for the flag (or None)."""


def test_every_setting_has_samples() -> None:
    assert set(SAMPLES) == {setting.key for setting in SETTINGS}


def _file_line(setting: Setting, value: object) -> str:
    table, _, name = setting.key.rpartition(".")
    return (
        f"[{table}]\n{name} = {toml_value(value)}\n" if table else f"{name} = {toml_value(value)}\n"
    )


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.key)
def test_flag_beats_environment_beats_file_beats_default(
    setting: Setting, write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_file, from_env, from_flag = SAMPLES[setting.key]
    assert current().settings[setting.key].source == "default"
    assert current().value(setting.key) == setting.default

    write_config(_file_line(setting, from_file))
    resolved = current().settings[setting.key]
    assert (resolved.value, resolved.source) == (from_file, "file")
    assert resolved.where == ("line 2" if "." in setting.key else "line 1")

    monkeypatch.setenv(setting.env, str(from_env))
    resolved = current().settings[setting.key]
    assert (resolved.value, resolved.source, resolved.where) == (
        from_env,
        "environment",
        setting.env,
    )

    if from_flag is not None:
        resolved = current({setting.key: str(from_flag)}).settings[setting.key]
        assert (resolved.value, resolved.source, resolved.where) == (
            from_flag,
            "flag",
            setting.flag,
        )
    assert current({setting.key: None}).settings[setting.key].source == "environment"
    assert current().problems == []


def test_an_edited_file_is_read_again(write_config: WriteConfig) -> None:
    write_config('theme = "nord"\n')
    assert current().value("theme") == "nord"
    write_config('theme = "dracula"   # a longer line, so the size changes too\n')
    assert current().value("theme") == "dracula"
    config_path().unlink()
    assert current().value("theme") == "textual-dark"


def test_config_dir_follows_xdg_and_defaults_to_dot_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "elsewhere"))
    assert config_path() == tmp_path / "elsewhere" / "vendortui" / "config.toml"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for unusable in ("", "relative/dir"):
        monkeypatch.setenv("XDG_CONFIG_HOME", unusable)
        assert config_path() == tmp_path / "home" / ".config" / "vendortui" / "config.toml"


def test_knowledge_base_from_the_file_is_the_default_db(
    write_config: WriteConfig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config('knowledge_base = "team/knowledge.db"\n')
    assert default_db_path() == config_path().parent / "team" / "knowledge.db"
    write_config(f'knowledge_base = "{tmp_path / "abs.db"}"\n')
    assert default_db_path() == tmp_path / "abs.db"
    monkeypatch.setenv("VENDORTUI_DB", str(tmp_path / "env.db"))
    assert default_db_path() == tmp_path / "env.db"
    assert resolve_db_path(tmp_path / "flag.db") == tmp_path / "flag.db"


def test_user_from_the_file_stamps_changes(write_config: WriteConfig, tmp_path: Path) -> None:
    write_config('user = "oncall@example.com"\n')
    assert current_user() == "oncall@example.com"
    kb = KnowledgeBase.open(tmp_path / "kb.db")
    try:
        vendor = kb.add_vendor("Acme")
        assert vendor.updated_by == "oncall@example.com"
    finally:
        kb.db.close()


def test_editor_from_the_file_comes_before_visual_and_editor(
    write_config: WriteConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "vi")
    monkeypatch.setenv("VISUAL", "emacs -nw")
    assert editor_command() == ["emacs", "-nw"]
    write_config('editor = "code --wait"\n')
    assert editor_command() == ["code", "--wait"]
    monkeypatch.setenv("VENDORTUI_EDITOR", "nano")
    assert editor_command() == ["nano"]


def test_probe_timeout_from_the_file_is_each_probes_deadline(write_config: WriteConfig) -> None:
    from vendortui.app.probes.store import ProbeService
    from vendortui.models import ProbeConfig

    probe = ProbeConfig(vendor_id="v", name="okta", kind="oidc_discovery", issuer="https://x")
    assert ProbeService.spec(probe).timeout_s == 10.0
    write_config("[probes]\ntimeout = 2.5\n")
    assert ProbeService.spec(probe).timeout_s == 2.5


def test_cancel_by_window_from_the_file(write_config: WriteConfig, kb: KnowledgeBase) -> None:
    from vendortui.app.attention import attention

    today = date(2026, 12, 3)
    kb.add_vendor("Acme", contract_end=today + timedelta(days=110), notice_days=30)

    def listed() -> list[str]:
        with kb.db.read() as conn:
            return [item.kind for item in attention(conn, today)]

    assert "cancel_by" not in listed()  # cancel-by in 80 days, default window 60
    write_config("[due]\ncancel_by_warning_days = 90\n")
    assert "cancel_by" in listed()


def test_rollout_stall_days_from_the_file_override_the_team_setting(
    write_config: WriteConfig, kb: KnowledgeBase
) -> None:
    from datetime import UTC, datetime

    from tests.checklists.past_runs import add_past_run
    from vendortui.app.attention import attention
    from vendortui.models import Setting

    vendor = kb.add_vendor("Acme", status="production", risk_tier="high")
    add_past_run(kb, vendor.id, "rollout", datetime(2026, 1, 1, 12, tzinfo=UTC), None, [])
    with kb.db.write() as session:
        session.add(Setting(key="rollout_stall_days", value="30"))

    def stalled(day: date) -> list[str]:
        with kb.db.read() as conn:
            return [item.why for item in attention(conn, day) if item.kind == "rollout_stalled"]

    assert stalled(date(2026, 1, 20)) == []  # the team's 30 days
    write_config("[due]\nrollout_stall_days = 5\n")
    [why] = stalled(date(2026, 1, 20))
    assert why.endswith("the limit is 5)")
