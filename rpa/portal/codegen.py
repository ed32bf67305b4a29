"""A first draft of a selector map from a ``playwright codegen`` recording.

An IT officer records a careful clerk's pass through a new portal (or a changed page) on a desktop with
``playwright codegen --target python URL``; the recording names each control the way Playwright would
find it (role and accessible name, label, placeholder, text, test id, CSS). ``draft_map`` turns those
locators into selector-map candidates, one element per distinct locator, in the order they were used,
so the officer only renames the elements to the logical names the flow uses and adds a fallback
candidate where one helps. The recording is parsed, never run, and the values typed into it are never
copied: they are test data, perhaps a real person's.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from rpa.domain.text import fold

__all__ = ["Recorded", "Recording", "draft_map", "read_recording"]

ACTIONS = frozenset(
    {
        "check", "click", "dblclick", "fill", "hover", "press", "press_sequentially", "select_option",
        "set_checked", "set_input_files", "tap", "type", "uncheck",
    }
)  # fmt: skip
# Locator methods the selector map has a kind for (rpa.portal.selectors.KINDS).
KIND_OF = {
    "get_by_role": "role",
    "get_by_label": "label",
    "get_by_placeholder": "placeholder",
    "get_by_text": "text",
    "get_by_test_id": "test_id",
}
# Attributes a map candidate expresses as CSS.
CSS_ATTRIBUTE = {"get_by_title": "title", "get_by_alt_text": "alt"}
# Narrowing a map has no kind for: the draft keeps the locator and says what to look at.
NARROWING = {"nth", "first", "last", "filter", "frame_locator", "content_frame"}


@dataclass
class Recorded:
    """One element of the draft: a locator the recording used, and what was done with it."""

    name: str
    candidate: dict[str, Any]
    actions: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Recording:
    pages: dict[str, str]
    elements: dict[str, Recorded]


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None  # a variable: the draft cannot know its value


def _chain(node: ast.expr) -> list[tuple[str, list[Any], dict[str, Any]]] | None:
    """``page.get_by_role("dialog").get_by_label("X")`` → its locator calls, outermost first.

    None when the expression does not start at a page-like name (``page``, ``page1``, ``frame``...).
    """
    calls: list[tuple[str, list[Any], dict[str, Any]]] = []
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            args = [_literal(arg) for arg in node.args]
            kwargs = {kw.arg: _literal(kw.value) for kw in node.keywords if kw.arg}
            calls.append((node.func.attr, args, kwargs))
            node = node.func.value
        elif isinstance(node, ast.Attribute):  # .first, .last, .content_frame
            calls.append((node.attr, [], {}))
            node = node.value
        elif isinstance(node, ast.Name):
            return calls[::-1]
        else:
            return None


def _candidate(method: str, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any] | None:
    if not args or not isinstance(args[0], str):
        return None
    value = args[0]
    if method in KIND_OF:
        candidate: dict[str, Any] = {KIND_OF[method]: value}
        if method == "get_by_role" and isinstance(kwargs.get("name"), str):
            candidate["name"] = kwargs["name"]
        if kwargs.get("exact") is True:
            candidate["exact"] = True
        return candidate
    if method in CSS_ATTRIBUTE:
        return {"css": f"[{CSS_ATTRIBUTE[method]}={json.dumps(value, ensure_ascii=False)}]"}
    if method == "locator":
        if value.startswith("xpath="):
            return {"xpath": value.removeprefix("xpath=")}
        if value.startswith(("//", "(//")):
            return {"xpath": value}
        return {"css": value.removeprefix("css=")}
    return None


def _suggest_name(candidate: dict[str, Any]) -> str:
    """A name from what the element shows (``Biển kiểm soát`` → ``bien_kiem_soat``); renamed by hand."""
    text = candidate.get("name") or next(str(v) for k, v in candidate.items() if k not in ("exact",))
    if "role" in candidate and "name" not in candidate:
        text = candidate["role"]
    slug = re.sub(r"[^a-z0-9]+", "_", fold(str(text)).lower()).strip("_")[:40].strip("_")
    return slug or "element"


class _Drafter:
    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.elements: dict[str, Recorded] = {}
        self._by_candidate: dict[str, str] = {}

    def _element(self, candidate: dict[str, Any]) -> Recorded:
        key = json.dumps(candidate, sort_keys=True, ensure_ascii=False)
        if key in self._by_candidate:
            return self.elements[self._by_candidate[key]]
        base = _suggest_name({k: v for k, v in candidate.items() if k != "within"})
        name, n = base, 2
        while name in self.elements:
            name, n = f"{base}_{n}", n + 1
        self._by_candidate[key] = name
        self.elements[name] = Recorded(name, candidate)
        return self.elements[name]

    def goto(self, url: str) -> None:
        parts = urlsplit(url)
        path = parts.path or "/"
        if parts.query:
            path += f"?{parts.query}"
        if path in self.pages.values():
            return
        base = re.sub(r"[^a-z0-9]+", "_", fold(parts.path).lower()).strip("_") or "home"
        name, n = base, 2
        while name in self.pages:
            name, n = f"{base}_{n}", n + 1
        self.pages[name] = path

    def action(self, action: str, chain: list[tuple[str, list[Any], dict[str, Any]]], line: int) -> None:
        scope: str | None = None
        notes: list[str] = []
        last: Recorded | None = None
        for method, args, kwargs in chain:
            if method in NARROWING:
                note = f"the recording narrowed it with .{method}: give a candidate that finds exactly one"
                if last is None:
                    notes.append(note)  # narrowing the page itself (a frame): said on the element found
                elif note not in last.notes:
                    last.notes.append(note)
                continue
            candidate = _candidate(method, args, kwargs)
            if candidate is None:
                continue
            if scope is not None:
                candidate["within"] = scope
            last = self._element(candidate)
            scope = last.name
        if last is None:
            return
        if action not in last.actions:
            last.actions.append(action)
        last.lines.append(line)
        last.notes.extend(note for note in notes if note not in last.notes)


def read_recording(source: str) -> Recording:
    """The pages visited and the elements used by a codegen recording (Python, sync or async API).

    Raises:
        SyntaxError: the file is not Python.
    """
    drafter = _Drafter()
    calls = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)]
    for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        if not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr == "goto" and node.args and isinstance(url := _literal(node.args[0]), str):
            drafter.goto(url)
        elif node.func.attr in ACTIONS:
            chain = _chain(node.func.value)
            if chain:
                drafter.action(node.func.attr, chain, node.lineno)
    return Recording(drafter.pages, drafter.elements)


def _flow(candidate: dict[str, Any]) -> str:
    order = ("role", "name", "label", "placeholder", "text", "test_id", "css", "xpath", "exact", "within")
    items = [f"{key}: {json.dumps(candidate[key], ensure_ascii=False)}" for key in order if key in candidate]
    return "{" + ", ".join(items) + "}"


def draft_map(source: str, portal: str, version: int = 1) -> str:
    """The YAML of a selector map drafted from a recording: valid as it is, to be renamed and reviewed."""
    recording = read_recording(source)
    out = [
        "# Drafted from a playwright codegen recording by `rpa flows draft-map`. Rename each element to",
        "# the logical name the flow uses, add a second candidate where the first may break, and check",
        "# the version marker the portal's pages carry.",
        f"portal: {json.dumps(portal)}",
        f"version: {version}",
        f'marker: {{meta: portal-version, value: "{version}"}}',
        "",
        "pages:" if recording.pages else "pages: {}",
    ]
    out += [f"  {name}: {json.dumps(path, ensure_ascii=False)}" for name, path in recording.pages.items()]
    out += ["", "elements:" if recording.elements else "elements: {}"]
    for element in recording.elements.values():
        if element.actions:
            lines = ", ".join(str(n) for n in element.lines)
            out.append(f"  {element.name}:  # {', '.join(element.actions)} (recording line {lines})")
        else:
            out.append(f"  {element.name}:  # only searched inside")
        out += [f"    # {note}" for note in element.notes]
        out.append(f"    - {_flow(element.candidate)}")
    return "\n".join(out) + "\n"
