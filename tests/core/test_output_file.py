"""One check for every file a user names to write to (``app.output_file.check_output``), with
its two existing-file rules side by side: replace (calendar, report) and never replace
(checklist exports, through ``check_target``), for every kind of name, real files only."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from vendortui.app.checklists.export import check_target
from vendortui.app.errors import KbError
from vendortui.app.output_file import check_output


def _new(tmp: Path) -> tuple[str, Path]:
    return str(tmp / "out.md"), tmp / "out.md"


def _existing(tmp: Path) -> tuple[str, Path]:
    (tmp / "kept.md").write_text("someone's notes")
    return str(tmp / "kept.md"), tmp / "kept.md"


def _link_to_file(tmp: Path) -> tuple[str, Path]:
    (tmp / "real.md").write_text("the target")
    (tmp / "link.md").symlink_to(tmp / "real.md")
    return str(tmp / "link.md"), tmp / "real.md"


def _dangling_link(tmp: Path) -> tuple[str, Path]:
    (tmp / "dangling.md").symlink_to(tmp / "nowhere.md")
    return str(tmp / "dangling.md"), tmp / "nowhere.md"


def _relative(tmp: Path) -> tuple[str, Path]:
    return "  rel.md  ", tmp / "rel.md"


def _folder(tmp: Path) -> tuple[str, Path]:
    return str(tmp), tmp


def _missing_folder(tmp: Path) -> tuple[str, Path]:
    return str(tmp / "no" / "x.md"), tmp / "no"


def _pipe(tmp: Path) -> tuple[str, Path]:
    os.mkfifo(tmp / "pipe.md")
    return str(tmp / "pipe.md"), tmp / "pipe.md"


def _empty(tmp: Path) -> tuple[str, Path]:
    return "  ", tmp


CASES: dict[str, tuple[Callable[[Path], tuple[str, Path]], str, str]] = {
    "new file": (_new, "{p}", "{p}"),
    "relative name": (_relative, "{p}", "{p}"),
    "existing file": (_existing, "{p}", "{p} already exists; give a new file name."),
    "link to a file": (_link_to_file, "{p}", "{t} already exists; give a new file name."),
    "dangling link": (_dangling_link, "{p}", "{t} already exists; give a new file name."),
    "folder": (_folder, "{p} is a folder; give a file name inside it.", "same"),
    "missing folder": (
        _missing_folder,
        "The folder {p} does not exist; create it or choose another.",
        "same",
    ),
    "pipe": (
        _pipe,
        "{p} is not a regular file; give another file name.",
        "{p} already exists; give a new file name.",
    ),
    "empty": (_empty, "Give a file name after --output.", "Give a file name to export to."),
}
"""Per kind of name: make it (the text typed, and the path meant), then what the replace rule
and the never-replace rule answer: the path returned (``{p}``) or the refusal. ``{t}`` is the
name as typed, made absolute (a link is refused by its own name, not its target's)."""


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("replace", [True, False], ids=["replace", "new-only"])
def test_each_kind_of_name_under_both_existing_file_rules(
    case: str, replace: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make, replacing, new_only = CASES[case]
    typed, meant = make(tmp_path)
    expected = replacing if replace or new_only == "same" else new_only
    expected = expected.format(p=meant, t=Path(os.path.abspath(typed.strip())))
    before = sorted((p.name, p.is_symlink()) for p in tmp_path.iterdir())
    check = check_output if replace else check_target
    if expected == str(meant):
        assert check(typed) == meant
    else:
        with pytest.raises(KbError) as refused:
            check(typed)
        assert str(refused.value) == expected
    assert sorted((p.name, p.is_symlink()) for p in tmp_path.iterdir()) == before, (
        "checking writes nothing"
    )
