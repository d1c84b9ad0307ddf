"""Checklist templates: parsing the YAML text with line-accurate refusals, and the catalog.

A template is text (``seed_data/checklists/<key>.yaml`` shipped with vendortui, or a team's own
template imported into the knowledge base). The YAML is *composed* (not loaded) so every node
keeps its line: a refusal names the file, the line and the reason, and a broken template never
stops the rest of the knowledge base from opening. The catalog collects good templates and the
errors of broken ones side by side.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from vendortui.app.errors import KbError

KINDS = (
    "rollout",
    "keep-the-lights-on",
    "new-data-category",
    "annual-review",
    "sunset",
    "breach-response",
)
"""What a template is for; services find "the annual review" or "the sunset" by kind."""

NEEDS = ("note", "evidence")
KEY_PATTERN = re.compile(r"[a-z0-9-]+")
SHIPPED = "shipped"
USER = "knowledge base"

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


class TemplateError(KbError):
    """A template was refused: where (file or knowledge-base entry), the line, and why."""

    def __init__(self, where: str, line: int | None, reason: str) -> None:
        at = f"{where}, line {line}" if line else where
        super().__init__(f"{at}: {reason}.")
        self.where = where
        self.line = line
        self.reason = reason


@dataclass(frozen=True, slots=True)
class TemplateItem:
    """One step to walk; ``needs`` is ``""``, ``"note"`` or ``"evidence"``."""

    key: str
    text: str
    help: str = ""
    required: bool = True
    needs: str = ""


@dataclass(frozen=True, slots=True)
class TemplateSection:
    """A group of items; in a rollout a section can be a stage of the rollout."""

    key: str
    title: str
    items: tuple[TemplateItem, ...]
    stage: bool = False


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed, valid template and where it came from."""

    key: str
    version: int
    title: str
    kind: str
    description: str
    sections: tuple[TemplateSection, ...]
    source: str = field(repr=False, default="")
    origin: str = SHIPPED
    where: str = ""

    def items(self) -> Iterator[tuple[TemplateSection, TemplateItem]]:
        """Every item with its section, in walking order."""
        for section in self.sections:
            for item in section.items:
                yield section, item

    @property
    def item_count(self) -> int:
        """How many items a run of this template has."""
        return sum(len(section.items) for section in self.sections)

    @property
    def stages(self) -> tuple[TemplateSection, ...]:
        """The rollout stages, in order (empty for every other kind)."""
        return tuple(section for section in self.sections if section.stage)


# Parsing ------------------------------------------------------------------------------------


class _Fields:
    """The fields of one YAML mapping, checked against the allowed names, with their lines."""

    def __init__(self, node: yaml.Node, where: str, what: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(node, yaml.MappingNode):
            raise TemplateError(where, _line(node), f"{what} must be a mapping of fields")
        self.node, self.where, self.what = node, where, what
        self.values: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(name, str) or name not in allowed:
                shown = name if isinstance(name, str) else "(not a name)"
                raise TemplateError(
                    where,
                    _line(key_node),
                    f"unknown field {shown!r} in {what} (allowed: {', '.join(allowed)})",
                )
            if name in self.values:
                first = _line(self.values[name])
                raise TemplateError(
                    where,
                    _line(key_node),
                    f"field {name!r} appears twice in {what} (first on line {first})",
                )
            self.values[name] = value_node

    def line(self, name: str | None = None) -> int:
        """The line of a field's value, or of the mapping itself."""
        return _line(self.values[name]) if name in self.values else _line(self.node)

    def fail(self, name: str | None, reason: str) -> TemplateError:
        """A refusal pointing at ``name`` (or at the mapping when the field is missing)."""
        return TemplateError(self.where, self.line(name), reason)

    def text(self, name: str, *, required: bool = True) -> str:
        """A scalar read as the text written (``title: 2024`` is the text ``2024``)."""
        node = self.values.get(name)
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL):
            if required:
                raise self.fail(name, f"{self.what} needs a {name!r}")
            return ""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(name, f"{name!r} in {self.what} must be text")
        value = node.value.strip()
        if required and not value:
            raise self.fail(name, f"{name!r} in {self.what} must not be empty")
        return value

    def key(self) -> str:
        """The ``key`` field: lower-case letters, digits and dashes."""
        value = self.text("key")
        if not KEY_PATTERN.fullmatch(value):
            raise self.fail("key", f"key {value!r} must be lower-case letters, digits and dashes")
        return value

    def flag(self, name: str, default: bool) -> bool:
        """A ``true``/``false`` field."""
        node = self.values.get(name)
        if node is None:
            return default
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL:
            raise self.fail(name, f"{name!r} in {self.what} must be true or false")
        return node.value.lower() in ("true", "yes", "on")

    def number(self, name: str) -> int:
        """A required whole number of at least 1."""
        node = self.values.get(name)
        if node is None:
            raise self.fail(name, f"{self.what} needs a {name!r}")
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT:
            raise self.fail(name, f"{name!r} must be a whole number")
        if not node.value.isdigit() or int(node.value) < 1:
            raise self.fail(name, f"{name!r} must be a whole number of at least 1")
        return int(node.value)

    def sequence(self, name: str) -> list[yaml.Node]:
        """A required, non-empty list."""
        node = self.values.get(name)
        if node is None:
            raise self.fail(name, f"{self.what} needs a {name!r} list")
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise self.fail(name, f"{name!r} in {self.what} must be a non-empty list")
        return list(node.value)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def parse_template(
    text: str, where: str, *, expected_key: str | None = None, origin: str = SHIPPED
) -> Template:
    """Parse and validate one template; raises ``TemplateError`` with the line and reason.

    ``expected_key`` is the file's stem: a template's key must equal its file name so that a
    run's ``template_key`` always says which file it came from.
    """
    root = _compose(text, where)
    top = _Fields(
        root, where, "the template", ("key", "version", "title", "kind", "description", "sections")
    )
    key = top.key()
    if expected_key is not None and key != expected_key:
        raise top.fail("key", f"key {key!r} must equal the file name {expected_key!r}")
    version = top.number("version")
    title = top.text("title")
    kind = top.text("kind")
    if kind not in KINDS:
        raise top.fail("kind", f"kind {kind!r} is not one of {', '.join(KINDS)}")
    description = top.text("description", required=False)
    sections: list[TemplateSection] = []
    section_lines: dict[str, int] = {}
    item_lines: dict[str, int] = {}
    for section_node in top.sequence("sections"):
        section = _Fields(section_node, where, "a section", ("key", "title", "stage", "items"))
        section_key = section.key()
        if section_key in section_lines:
            raise section.fail(
                "key",
                f"section key {section_key!r} is used twice "
                f"(first on line {section_lines[section_key]})",
            )
        section_lines[section_key] = section.line("key")
        stage = section.flag("stage", False)
        if stage and kind != "rollout":
            raise section.fail("stage", "'stage' is only allowed in a rollout template")
        items: list[TemplateItem] = []
        for item_node in section.sequence("items"):
            item = _Fields(
                item_node, where, "an item", ("key", "text", "help", "required", "needs")
            )
            item_key = item.key()
            if item_key in item_lines:
                raise item.fail(
                    "key",
                    f"item key {item_key!r} is used twice (first on line {item_lines[item_key]})",
                )
            item_lines[item_key] = item.line("key")
            needs = item.text("needs", required=False)
            if needs and needs not in NEEDS:
                raise item.fail("needs", f"needs {needs!r} must be note or evidence")
            items.append(
                TemplateItem(
                    key=item_key,
                    text=item.text("text"),
                    help=item.text("help", required=False),
                    required=item.flag("required", True),
                    needs=needs,
                )
            )
        sections.append(
            TemplateSection(
                key=section_key, title=section.text("title"), items=tuple(items), stage=stage
            )
        )
    return Template(
        key=key,
        version=version,
        title=title,
        kind=kind,
        description=description,
        sections=tuple(sections),
        source=text,
        origin=origin,
        where=where,
    )


def _compose(text: str, where: str) -> yaml.Node:
    """The single YAML document as a node tree, or a refusal with the line of the problem."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise TemplateError(where, _problem_line(exc, text), _problem(exc)) from None
    except yaml.YAMLError as exc:
        raise TemplateError(where, None, f"YAML syntax error: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        raise TemplateError(where, None, "the file is empty")
    return node


def _problem_line(exc: yaml.MarkedYAMLError, text: str) -> int | None:
    """The line to show: where the parser gave up, unless that is the end of the file (an
    unclosed bracket or a key without a colon), where the construct it was reading began."""
    mark = exc.problem_mark
    if exc.context_mark is not None and (mark is None or mark.index >= len(text.rstrip())):
        mark = exc.context_mark
    return mark.line + 1 if mark is not None else None


def _problem(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "the YAML is malformed"
    context = f" {exc.context}" if exc.context else ""
    return f"YAML syntax error{context}: {problem}"


@functools.lru_cache(maxsize=128)
def _parse_cached(text: str, where: str, expected_key: str | None, origin: str) -> Template:
    """Templates are re-read on every catalog build; parsing the same text twice is waste."""
    return parse_template(text, where, expected_key=expected_key, origin=origin)


def read_template_file(path: Path, *, origin: str = SHIPPED) -> Template:
    """Read and parse one template file; unreadable files are refused like malformed ones."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TemplateError(str(path), None, "no such file") from None
    except UnicodeDecodeError:
        raise TemplateError(str(path), None, "the file is not UTF-8 text") from None
    except OSError as exc:
        raise TemplateError(str(path), None, f"cannot be read ({exc.strerror})") from None
    return _parse_cached(text, str(path), path.stem, origin)


# The catalog --------------------------------------------------------------------------------


@dataclass
class Catalog:
    """Every usable template by key, and the refusals of the broken ones."""

    templates: dict[str, Template] = field(default_factory=dict)
    errors: list[TemplateError] = field(default_factory=list)

    def get(self, key: str) -> Template:
        """The template called ``key``; a readable error names the broken file if it is one."""
        if key in self.templates:
            return self.templates[key]
        for error in self.errors:
            if Path(error.where).stem == key or error.where.endswith(f"'{key}'"):
                raise KbError(f"The checklist template {key!r} is broken: {error}")
        raise KbError(
            f"There is no checklist template called {key!r}; "
            "`vendortui checklist templates` lists them."
        )

    def of_kind(self, kind: str) -> Template | None:
        """The template for a kind of checklist, preferring the shipped one."""
        candidates = [t for t in self.templates.values() if t.kind == kind]
        candidates.sort(key=lambda t: (t.origin != SHIPPED, t.key))
        return candidates[0] if candidates else None

    def keys_of_kind(self, kind: str) -> list[str]:
        """Every template key of one kind (a team may have its own annual review)."""
        return sorted(t.key for t in self.templates.values() if t.kind == kind)

    def ordered(self) -> list[Template]:
        """Templates for a picker: shipped first, then the team's own, each by title."""
        return sorted(self.templates.values(), key=lambda t: (t.origin != SHIPPED, t.title))


def shipped_dir() -> Path:
    """Where the shipped templates live (``seed_data/checklists``)."""
    from importlib.resources import files

    return Path(str(files("vendortui.seed_data").joinpath("checklists")))


def shipped_catalog(directory: Path | None = None) -> Catalog:
    """The shipped templates; a broken file is an error in the catalog, not an exception."""
    catalog = Catalog()
    folder = directory or shipped_dir()
    for path in sorted(folder.glob("*.yaml")):
        try:
            template = read_template_file(path)
        except TemplateError as error:
            catalog.errors.append(error)
            continue
        catalog.templates[template.key] = template
    return catalog


USER_TEMPLATES_SQL = """
SELECT key, version, source FROM checklist_template
WHERE deleted_at IS NULL
ORDER BY key, version DESC, updated_at DESC, id
"""


def user_where(key: str) -> str:
    """How a knowledge-base template is named in an error message."""
    return f"knowledge-base template '{key}'"


def catalog_from_conn(conn: sqlite3.Connection, directory: Path | None = None) -> Catalog:
    """Shipped templates plus the team's own from the knowledge base.

    Two clones may import the same key independently; after a sync both rows exist and the
    highest version wins. A team template never replaces a shipped one of the same key.
    """
    catalog = shipped_catalog(directory)
    shipped_keys = set(catalog.templates) | {Path(e.where).stem for e in catalog.errors}
    seen: set[str] = set()
    for key, _version, source in conn.execute(USER_TEMPLATES_SQL):
        if key in seen:
            continue
        seen.add(key)
        if key in shipped_keys:
            catalog.errors.append(
                TemplateError(user_where(key), None, "its key is taken by a shipped template")
            )
            continue
        try:
            template = _parse_cached(source, user_where(key), key, USER)
        except TemplateError as error:
            catalog.errors.append(error)
            continue
        catalog.templates[template.key] = template
    return catalog
