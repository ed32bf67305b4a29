"""``rpa flows check``: every flow's logical names exist in every map of its portal, without a browser.

Every registered procedure takes part: the module of its ``submit`` and every module beside it in its
package that assigns ``PORTAL = "<portal>"``, checked against the maps in its ``selectors_dir``. (Given
a folder instead, every module under it that assigns ``PORTAL``.) The names a module uses are read
from its source with :mod:`ast` (so the list cannot go stale):

- the literal first argument of ``steps.<step>(...)`` calls (both element arguments of ``add_row``, every
  one of ``wait_any``);
  ``steps.open("page")`` names a page of the map instead (a module-level string constant, such as
  ``SUBMIT_PAGE``, counts as a literal); ``steps.choose("x")`` on a custom combobox
  (the map has ``x.option``) also needs ``x.option`` and ``x.value`` in every version;
- literal values of keywords that fill a ``within: "{placeholder}"`` scope in the map, e.g. the
  ``group="address.permanent"`` passed to a helper, because such a value names an element too.

A name built at run time (an f-string or a variable) cannot be checked and is reported as a problem.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from pathlib import Path

from rpa.errors import ConfigError
from rpa.portal.selectors import SelectorMap, load_maps
from rpa.procedures import all_procedures

__all__ = ["ELEMENT_STEPS", "UsedName", "check_flows", "names_used"]

ELEMENT_STEPS = frozenset(
    {
        "fill",
        "choose",
        "pick_date",
        "check",
        "add_row",
        "upload",
        "click",
        "wait",
        "wait_any",
        "read_text",
        "read_all",
        "exists",
        "count",
        "locate",
    }
)
STEPS_NAME = "steps"


@dataclass(frozen=True)
class UsedName:
    """One logical name a flow uses, where, and whether it names a page or an element."""

    name: str | None  # None: not a literal, cannot be checked
    line: int
    kind: str  # "element" | "page"
    step: str = ""


def _portal_of(tree: ast.Module) -> str | None:
    return _module_strings(tree).get("PORTAL")


def _literal(node: ast.expr, constants: dict[str, str] | None = None) -> str | None:
    """A string literal, or a module-level string constant (``SUBMIT_PAGE = "new_application"``)."""
    if isinstance(node, ast.Name) and constants:
        return constants.get(node.id)
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _module_strings(tree: ast.Module) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)):
            continue
        if isinstance(value := node.value.value, str):
            found.update({t.id: value for t in node.targets if isinstance(t, ast.Name)})
    return found


def names_used(tree: ast.Module, scope_keywords: set[str]) -> list[UsedName]:
    """The page and element names a flow module uses (see the module docstring)."""
    used: list[UsedName] = []
    constants = _module_strings(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == STEPS_NAME
        ):
            if func.attr == "open" and node.args:
                used.append(UsedName(_literal(node.args[0], constants), node.lineno, "page"))
            elif func.attr in ELEMENT_STEPS:
                count = {"add_row": 2, "wait_any": len(node.args)}.get(func.attr, 1)
                for arg in node.args[:count]:
                    used.append(UsedName(_literal(arg), node.lineno, "element", func.attr))
        for keyword in node.keywords:
            if keyword.arg in scope_keywords:
                literal = _literal(keyword.value)
                if literal is not None:  # a variable here is checked where its value is written
                    used.append(UsedName(literal, node.lineno, "element"))
    return used


def _check_module(path: Path, tree: ast.Module, maps: dict[int, SelectorMap]) -> list[str]:
    scopes = set().union(*(m.scope_placeholders() for m in maps.values()))
    problems: list[str] = []
    for used in names_used(tree, scopes):
        where = f"{path.name}:{used.line}"
        if used.name is None:
            problems.append(f"{where}: this {used.kind} name is not a literal string: it cannot be checked")
            continue
        names = [used.name]
        if used.step == "choose" and any(f"{used.name}.option" in m.elements for m in maps.values()):
            names += [f"{used.name}.option", f"{used.name}.value"]  # a custom combobox
        for version, selector_map in sorted(maps.items()):
            known = selector_map.pages if used.kind == "page" else selector_map.elements
            for name in names:
                if name in known:
                    continue
                problems.append(
                    f"{where}: {used.kind} {name!r} is missing from the {selector_map.portal} "
                    f"v{version} selector map"
                )
    return problems


def check_flows(flows_dir: Path | None = None, selectors_dir: Path | None = None) -> list[str]:
    """Problems found in every flow module and the maps it relies on; an empty list means all is well.

    Without arguments: the modules and maps of every registered procedure. With ``flows_dir``: the
    flow modules under it, against the maps in ``selectors_dir``.
    """
    if flows_dir is not None:
        assert selectors_dir is not None, "a flows folder is checked against a selectors folder"
        return _check_paths(sorted(flows_dir.rglob("*.py")), selectors_dir)
    problems: list[str] = []
    for procedure in all_procedures():
        package = Path(inspect.getfile(procedure.submit)).parent
        problems += _check_paths(sorted(package.rglob("*.py")), selectors_dir or procedure.selectors_dir)
    return list(dict.fromkeys(problems))


def _check_paths(paths: list[Path], selectors_dir: Path) -> list[str]:
    problems: list[str] = []
    loaded: dict[str, dict[int, SelectorMap] | None] = {}
    for path in paths:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as exc:
            problems.append(f"{path.name}: cannot be parsed: {exc}")
            continue
        portal = _portal_of(tree)
        if portal is None:
            continue
        if portal not in loaded:
            try:
                loaded[portal] = load_maps(portal, selectors_dir)
            except ConfigError as exc:
                problems.append(f"{path.name}: {exc}")
                loaded[portal] = None
        maps = loaded[portal]
        if maps is not None:
            problems.extend(_check_module(path, tree, maps))
    return problems
