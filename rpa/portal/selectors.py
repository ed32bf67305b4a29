"""Selector maps: logical element names → ordered candidate locators, one YAML file per portal version.

A map file looks like::

    portal: <name>
    version: 1
    marker: {meta: portal-version, value: "1"}
    pages:
      login: /dang-nhap
      status: /trang-thai?maHoSo={receipt}
    elements:
      login.username:
        - {label: Tên đăng nhập, exact: true}     # role/label first, as Playwright's codegen prefers
        - {css: "#username"}                     # CSS/XPath last
      residence.from:
        - {label: "Từ ngày (dòng {n})", exact: true}
      address.province:
        - {label: Tỉnh/Thành phố, exact: true, within: "{group}"}

Every candidate holds exactly one kind (``role`` [+ ``name``], ``label``, ``placeholder``, ``text``,
``test_id``, ``css``, ``xpath``), an optional ``exact``, and an optional ``within``: the logical name of
the element to search inside (itself a ``{placeholder}`` when the caller chooses the scope).
``{placeholders}`` in any string are filled when a step uses the element.
"""

from __future__ import annotations

import functools
import re
import string
from pathlib import Path
from typing import Any

import yaml
from playwright.sync_api import Locator as PwLocator
from playwright.sync_api import Page
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from rpa.errors import ConfigError, SelectorDrift

__all__ = [
    "Locator",
    "Marker",
    "PageDrift",
    "SelectorMap",
    "load_maps",
    "load_selector_map",
    "map_files",
    "pick_map",
    "placeholders",
]

KINDS = ("role", "label", "placeholder", "text", "test_id", "css", "xpath")


def placeholders(template: str) -> set[str]:
    """The ``{names}`` a template needs, e.g. ``{"n"}`` for ``"Từ ngày (dòng {n})"``."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def _format(template: str, fmt: dict[str, Any]) -> str:
    try:
        return template.format(**fmt)
    except KeyError as missing:
        raise ConfigError(f"selector {template!r} needs the parameter {missing}") from None


class Locator(BaseModel):
    """One candidate way to find an element."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str | None = None
    name: str | None = None
    label: str | None = None
    placeholder: str | None = None
    text: str | None = None
    test_id: str | None = None
    css: str | None = None
    xpath: str | None = None
    exact: bool | None = None
    within: str | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Locator:
        kinds = [kind for kind in KINDS if getattr(self, kind) is not None]
        if len(kinds) != 1:
            found = " and ".join(kinds) if kinds else "none"
            raise ValueError(f"a candidate needs exactly one of {', '.join(KINDS)} (found {found})")
        if self.name is not None and self.role is None:
            raise ValueError("'name' is only allowed with 'role'")
        if self.exact is not None and self.kind not in ("role", "label", "placeholder", "text"):
            raise ValueError(f"'exact' does not apply to {self.kind}")
        return self

    @property
    def kind(self) -> str:
        return next(kind for kind in KINDS if getattr(self, kind) is not None)

    def templates(self) -> list[str]:
        """Every string of this candidate that may hold ``{placeholders}``."""
        return [v for v in (getattr(self, k) for k in (*KINDS, "name", "within")) if isinstance(v, str)]

    def build(self, root: Page | PwLocator, fmt: dict[str, Any]) -> PwLocator:
        """The Playwright locator of this candidate under ``root``, placeholders filled from ``fmt``."""
        value = _format(str(getattr(self, self.kind)), fmt)
        exact = self.exact
        if self.role is not None:
            name = _format(self.name, fmt) if self.name is not None else None
            return root.get_by_role(self.role, name=name, exact=exact)  # type: ignore[arg-type]
        if self.label is not None:
            return root.get_by_label(value, exact=exact)
        if self.placeholder is not None:
            return root.get_by_placeholder(value, exact=exact)
        if self.text is not None:
            return root.get_by_text(value, exact=exact)
        if self.test_id is not None:
            return root.get_by_test_id(value)
        if self.css is not None:
            return root.locator(value)
        return root.locator(f"xpath={value}")

    def describe(self) -> str:
        extra = f" name={self.name!r}" if self.name is not None else ""
        scope = f" within {self.within}" if self.within else ""
        return f"{self.kind}={getattr(self, self.kind)!r}{extra}{scope}"


class Marker(BaseModel):
    """How a page tells its UI version: ``<meta name="{meta}" content="{value}">``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    meta: str = "portal-version"
    value: str


class SelectorMap(BaseModel):
    """The elements and pages of one portal in one UI version."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    portal: str
    version: int = Field(ge=1)
    marker: Marker
    pages: dict[str, str] = Field(default_factory=dict)
    # Paths (globs) of form posts the portal treats as idempotent (saving one wizard step of a draft,
    # signing in): re-sent after a gateway error instead of restarting the application. Never the
    # final submit.
    resend_posts: list[str] = Field(default_factory=list)
    elements: dict[str, list[Locator]]
    # An element that is on a page once the page has rendered itself (a single-page application draws
    # its views after loading, from its API): opening the portal waits for it before anything is read,
    # such as whether the page is the login page. None: pages arrive rendered from the server.
    ready: str | None = None

    @field_validator("elements")
    @classmethod
    def _non_empty(cls, elements: dict[str, list[Locator]]) -> dict[str, list[Locator]]:
        empty = sorted(name for name, candidates in elements.items() if not candidates)
        if empty:
            raise ValueError(f"elements without any candidate: {', '.join(empty)}")
        return elements

    @model_validator(mode="after")
    def _within_known(self) -> SelectorMap:
        if self.ready is not None and self.ready not in self.elements:
            raise ValueError(f"ready names unknown element {self.ready!r}")
        for name, candidates in self.elements.items():
            for candidate in candidates:
                scope = candidate.within
                if scope is None or placeholders(scope):
                    continue
                if scope not in self.elements:
                    raise ValueError(f"element {name!r}: 'within' names unknown element {scope!r}")
                if self._scope_chain_loops(name):
                    raise ValueError(f"element {name!r}: 'within' loops back to itself")
        return self

    def _scope_chain_loops(self, start: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            current = todo.pop()
            for candidate in self.elements.get(current, []):
                scope = candidate.within
                if scope is None or placeholders(scope):
                    continue
                if scope == start:
                    return True
                if scope not in seen:
                    seen.add(scope)
                    todo.append(scope)
        return False

    def candidates(self, name: str) -> list[Locator]:
        try:
            return self.elements[name]
        except KeyError:
            raise ConfigError(
                f"{self.portal} v{self.version}: no element named {name!r} in the map"
            ) from None

    def page_url(self, page: str, **params: Any) -> str:
        try:
            return _format(self.pages[page], params)
        except KeyError:
            raise ConfigError(f"{self.portal} v{self.version}: no page named {page!r} in the map") from None

    def human_name(self, name: str, fmt: dict[str, Any] | None = None) -> str | None:
        """What a person reads on the page for element ``name``: the label, accessible name, placeholder
        or text of its first candidate that has one (placeholders filled from ``fmt`` when they can be),
        or None when every candidate is CSS or XPath."""
        for candidate in self.elements.get(name, []):
            shown = candidate.label or candidate.name or candidate.placeholder or candidate.text
            if shown:
                try:
                    return shown.format(**(fmt or {}))
                except (KeyError, IndexError, ValueError):
                    return re.sub(r"\s*\{[^}]*\}", "", shown).strip() or None
        return None

    def scope_placeholders(self) -> set[str]:
        """Placeholders used as ``within`` (their values name elements)."""
        return {
            p for cands in self.elements.values() for c in cands if c.within for p in placeholders(c.within)
        }


def _explain(error: ValidationError) -> list[str]:
    lines = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        if item["type"] == "extra_forbidden":
            lines.append(f"{where}: unknown key {str(item['loc'][-1])!r}")
        else:
            lines.append(f"{where}: {item['msg'].removeprefix('Value error, ')}")
    return lines


def load_selector_map(path: Path) -> SelectorMap:
    """Read and validate one map file; a file unchanged since it was last read is not parsed again.

    Every attempt opens the portal afresh, and parsing the YAML cost more than the whole ledger work of a
    dossier (docs/benchmarks.md). Keyed by the file's modification time and size, so an edited map (a
    portal's UI changed) is read again by the next attempt without restarting the worker.

    Raises:
        ConfigError: the file is missing, is not YAML, or breaks the schema (every problem is listed).
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"cannot read selector map {path}: {exc}") from None
    return _parse_selector_map(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _parse_selector_map(path: Path, _mtime_ns: int, _size: int) -> SelectorMap:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read selector map {path}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"selector map {path}: expected a mapping at the top level")
    try:
        return SelectorMap.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"invalid selector map {path}:\n" + "\n".join(_explain(exc))) from None


def map_files(portal: str, directory: Path) -> list[Path]:
    """The map files of ``portal`` in ``directory``: ``<portal>.yaml`` and ``<portal>.v<N>.yaml``."""
    return sorted(directory.glob(f"{portal}.yaml")) + sorted(directory.glob(f"{portal}.v*.yaml"))


def load_maps(portal: str, directory: Path) -> dict[int, SelectorMap]:
    """Every map of ``portal``: ``<portal>.yaml`` plus ``<portal>.v<N>.yaml``, keyed by UI version."""
    paths = map_files(portal, directory)
    if not paths:
        raise ConfigError(f"no selector map for portal {portal!r} in {directory}")
    maps: dict[int, SelectorMap] = {}
    for path in paths:
        loaded = load_selector_map(path)
        if loaded.portal != portal:
            raise ConfigError(f"{path}: declares portal {loaded.portal!r}, expected {portal!r}")
        if loaded.version in maps:
            raise ConfigError(f"{path}: a second map for {portal} version {loaded.version}")
        maps[loaded.version] = loaded
    return maps


class PageDrift(SelectorDrift):
    """A :class:`SelectorDrift` with what the page looked like when it was seen.

    Attributes:
        names: the logical names that resolved to nothing (``["portal-version"]`` for an unknown UI version).
        detail: what was tried: each candidate and how many elements it matched, or the versions involved.
        url: the page's address (None until the page is recorded).
        screenshot: a full-page PNG of the page, when one could be taken.
        dom: the page's HTML (``page.content()``), when it could be read.
        files: the evidence files saved for it (``NN-drift-<name>.png``, ``drift-<name>.html``), if any.
    """

    def __init__(
        self,
        names: list[str],
        detail: str = "",
        *,
        url: str | None = None,
        screenshot: bytes | None = None,
        dom: str | None = None,
    ) -> None:
        super().__init__(names, detail)
        self.detail = detail
        self.url = url
        self.screenshot = screenshot
        self.dom = dom
        self.files: list[Path] = []


def pick_map(maps: dict[int, SelectorMap], version: int | None) -> SelectorMap:
    """The map for the version a page declared.

    Raises:
        PageDrift: there is no map for that version (or the page declared none); the message names the
            portal, the version found and the versions a map exists for.
    """
    if version is not None and version in maps:
        return maps[version]
    portal = next(iter(maps.values())).portal if maps else "?"
    found = f"UI version {version}" if version is not None else "a page without a UI version marker"
    known = ", ".join(str(v) for v in sorted(maps)) or "none"
    detail = f"no selector map for {portal} {found}; maps exist for versions {known}"
    raise PageDrift(["portal-version"], detail)
