"""The step API of flows: every element is a logical name resolved through a :class:`SelectorMap`.

Each step is logged with its duration (values masked, secrets never shown) and runs under a hard
Playwright timeout. No fixed sleeps: resolution waits for the page load, probes the candidates and
auto-waits on the primary only when none matched. Landing on an HTTP 5xx page raises PortalError.

When an element resolves to nothing the portal has drifted: :class:`~rpa.portal.selectors.PageDrift` (a
SelectorDrift) carries the failed logical name, the URL, a full-page screenshot and the DOM, and both are
saved as evidence (``NN-drift-<name>.png``, ``drift-<name>.html``). A fallback candidate winning over the
primary logs a drift warning once per portal, version and name.
"""

from __future__ import annotations

import mimetypes
import re
import string
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from loguru import logger
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator, Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from rpa.domain.text import nfc
from rpa.errors import ConfigError, PortalError, SelectorDrift
from rpa.portal.selectors import Locator as CandidateLocator
from rpa.portal.selectors import PageDrift, SelectorMap, load_maps, pick_map, placeholders

__all__ = [
    "DEFAULT_TIMEOUT_MS",
    "Evidence",
    "PageDrift",
    "Steps",
    "mask",
    "masked_screenshot",
    "open_portal",
    "record_drift",
]

DEFAULT_TIMEOUT_MS = 15_000
_DRIFT_WARNED: set[tuple[str, int, str]] = set()
_TAGS: dict[tuple[str, int, str], str] = {}  # (portal, UI version, name) -> the element's tag name
# (portal, UI version, name) whose primary candidate has matched exactly one element in this process. A
# step that only sets a value (fill, date, tick, native select) acts on that candidate straight away,
# without counting first: Playwright's strictness still refuses two matches, and when the shortcut
# fails for any reason the step is done again the long way (count, fall back, or report drift).
_TRUSTED: set[tuple[str, int, str]] = set()
TRUSTED_TIMEOUT_MS = 3000.0
"""How long a shortcut waits for its element before the step is done again the long way."""
_T = TypeVar("_T")
# a <select>'s value and the text of its selected option, read back in one round trip
_SELECTED = "e => [e.value, e.selectedOptions.length ? e.selectedOptions[0].text : '']"


class Evidence(Protocol):
    """What the steps hand to the attempt's evidence recorder (``rpa.portal.evidence.AttemptEvidence``)."""

    def screenshot(self, page: Page, label: str, *, mask: Sequence[Locator] = ()) -> Path: ...

    def typed(self, name: str, value: str) -> None: ...

    def masked(self, name: str, value: str) -> None:
        """Record a keyed hash of the value typed into a field the screenshots paint over. Steps call it
        only on a recorder that has it (``getattr``)."""
        ...

    def add_file(self, path: Path) -> Path: ...


def mask(value: str) -> str:
    """``value`` fit for a log: runs of seven digits or more (identity numbers, phones) keep the last four."""
    return re.sub(r"\d{7,}", lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], value)


def record_drift(
    drift: PageDrift, page: Page, evidence: Evidence | None = None, *, mask: Sequence[Locator] = ()
) -> PageDrift:
    """Fill ``drift`` with the page's URL, a full-page screenshot and the DOM; save both through ``evidence``.

    ``mask``: elements painted over in the screenshot (:meth:`Steps.mask_locators`). Best effort: a page
    that cannot be photographed or read (closed, crashed) leaves those fields None.
    """
    label = "drift-" + "+".join(drift.names)
    drift.url = page.url
    with suppress(PlaywrightError):
        drift.dom = page.content()
    with suppress(PlaywrightError, OSError):
        if evidence is None:
            if mask:
                page.evaluate("window.scrollTo(0, 0)")  # see masked_screenshot
            drift.screenshot = page.screenshot(full_page=True, type="png", mask=list(mask))
        else:
            shot = masked_screenshot(evidence, page, label, mask)
            drift.files.append(shot)
            reader = getattr(evidence, "read", None)  # sealed evidence opens through its recorder
            drift.screenshot = reader(shot) if reader else shot.read_bytes()
    if evidence is not None and drift.dom is not None:
        with suppress(OSError), TemporaryDirectory(prefix="rpa-drift-") as folder:
            html = Path(folder) / f"{label}.html"
            html.write_text(drift.dom, encoding="utf-8")
            drift.files.append(evidence.add_file(html))
    return drift


def masked_screenshot(evidence: Evidence, page: Page, label: str, mask: Sequence[Locator]) -> Path:
    """``evidence.screenshot`` with ``mask`` painted over (passed only when there is something to mask).

    The page is scrolled to the top first: Playwright draws the mask on a pane fixed to the viewport,
    and in a full-page picture of a page left scrolled part-way (a field filled lower down was
    scrolled into view) Chromium placed that pane lower than the elements, leaving the identity
    number readable beside a pink box (seen on a sandbox portal's form).
    """
    if not mask:
        return evidence.screenshot(page, label)
    page.evaluate("window.scrollTo(0, 0)")
    return evidence.screenshot(page, label, mask=mask)


def _widened(template: str, exact: bool | None) -> re.Pattern[str]:
    """A pattern matching ``template`` whatever its ``{placeholders}`` are filled with."""
    parsed = string.Formatter().parse(template)
    body = "".join(re.escape(text) + (".+?" if field else "") for text, field, _, _ in parsed)
    return re.compile(f"^\\s*{body}\\s*$" if exact else body)


def _show(name: str, fmt: dict[str, Any]) -> str:
    """``name`` with its parameters, e.g. ``residence.from[n=2]``."""
    return name + "".join(f"[{key}={value}]" for key, value in fmt.items())


class Steps:
    """Drive one page through one selector map."""

    def __init__(
        self,
        page: Page,
        selector_map: SelectorMap,
        *,
        base_url: str = "",
        timeout_ms: float = DEFAULT_TIMEOUT_MS,
        evidence: Evidence | None = None,
        log: Any = logger,
        reloads: int = 0,
        deadline: float | None = None,
        opened: tuple[str, str] | None = None,
        masked: Sequence[str] = (),
    ) -> None:
        self.page = page
        # map names painted over in every screenshot (the procedure's masked_fields); their values are
        # never logged, and the evidence keeps a keyed hash of them
        self.masked = frozenset(masked)
        # parameters each masked name was typed with ({"n": 2}): a CSS or XPath candidate with
        # placeholders cannot be widened to every row, but the rows typed in are known
        self._masked_typed: dict[str, list[dict[str, Any]]] = {}
        self.map = selector_map
        self.base_url = base_url.rstrip("/")
        self.timeout_ms = timeout_ms
        self.evidence = evidence
        self.log = log
        self.reloads = reloads  # a page that came back 5xx after a redirect is loaded again this often
        # time.monotonic() after which no step starts: the dossier's hard limit (each step is bounded by
        # timeout_ms, so a dossier overruns it by one step at most)
        self.deadline = deadline
        # (URL asked for, URL landed on after redirects) of the page open_portal loaded: opening that URL
        # as the very first step, while the page is still there, is a no-op
        self._opened = opened
        self._document_status = 0
        self._document_method = "GET"
        self._navigated = True  # wait for the load state before the first resolution
        self._scopes: dict[tuple[str, tuple[tuple[str, str], ...]], Locator] = {}
        page.set_default_timeout(timeout_ms)
        page.on("response", self._on_response)
        page.on("framenavigated", self._on_navigated)

    def locate(self, name: str, **fmt: Any) -> Locator:
        """The one element ``name`` denotes: the first candidate matching exactly one element.

        Raises:
            PageDrift: no candidate (of ``name`` or of its ``within`` scope) matched exactly one element
                within the step timeout; it carries the URL, a screenshot and the DOM, which are also saved
                through the evidence recorder when there is one.
        """
        try:
            found = self._find(name, fmt, wait=True)
        except PageDrift as drift:
            record_drift(drift, self.page, self.evidence, mask=self.mask_locators())
            raise
        assert found is not None
        return found

    def _scope(self, name: str, fmt: dict[str, Any]) -> Locator:
        """The ``within`` element of a candidate; PageDrift without evidence (the caller records it).

        Resolved once per document: a scope (an address group, a list box, a dialog) is reused by the
        next steps on the same page until the main frame navigates. A resolution through cached scopes
        that finds nothing is retried with every scope resolved afresh before it is called drift.
        """
        key = (name, tuple(sorted((k, str(v)) for k, v in fmt.items())))
        found = self._scopes.get(key)
        if found is None:
            found = self._find(name, fmt, wait=True)
            assert found is not None
            self._scopes[key] = found
        return found

    def _settle(self) -> None:
        """Wait for the page load once after each main-frame navigation (a no-op in between)."""
        if self._navigated:
            self.page.wait_for_load_state()
            self._navigated = False

    def _on_navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame:
            self._navigated = True
            self._scopes.clear()

    def _find(self, name: str, fmt: dict[str, Any], *, wait: bool) -> Locator | None:
        """The first candidate matching exactly one element, counted lazily: primary first.

        A primary that matches costs one count; fallbacks are only counted when it does not. An element
        searched within cached scopes that resolves to nothing is resolved again with every scope
        resolved afresh (a scope may have gone stale) before it is reported as drift.
        """
        if self._scopes and any(c.within for c in self.map.candidates(name)):
            with suppress(PageDrift):
                found = self._resolve(name, fmt, wait=False)
                if found is not None:
                    return found
            self._scopes.clear()
        return self._resolve(name, fmt, wait=wait)

    def _resolve(self, name: str, fmt: dict[str, Any], *, wait: bool) -> Locator | None:
        candidates = self.map.candidates(name)
        self._settle()
        built: list[Locator] = []
        counts: list[int] = []
        for candidate in candidates:
            built.append(self._build(candidate, fmt))
            counts.append(built[-1].count())
            if counts[-1] == 1:
                break
        if counts[-1] != 1 and wait:
            with suppress(PlaywrightTimeout):
                built[0].first.wait_for(state="attached", timeout=self.timeout_ms)
            self._settle()
            counts = []
            for locator in built:
                counts.append(locator.count())
                if counts[-1] == 1:
                    break
        if counts[-1] != 1:
            if not wait:
                return None
            seen = ", ".join(f"{c.describe()}: {n}" for c, n in zip(candidates, counts, strict=True))
            raise PageDrift([name], f"{self.map.portal} v{self.map.version} on {self.page.url}: {seen}")
        index = len(counts) - 1
        if index > 0:
            self._warn_drift(name, candidates, counts, index)
        else:
            _TRUSTED.add((self.map.portal, self.map.version, name))
        return built[index]

    def _set(self, name: str, fmt: dict[str, Any], action: Callable[[Locator, float | None], _T]) -> _T:
        """Run ``action(element, timeout_ms)``, which must be safe to run twice (it sets or reads a value).

        A name whose primary candidate matched before skips the count (one round trip of two or three
        per step); clicks never take this path, because a click that timed out may have happened.
        """
        if (self.map.portal, self.map.version, name) in _TRUSTED:
            self._settle()
            try:
                primary = self._build(self.map.candidates(name)[0], fmt)
                return action(primary, min(self.timeout_ms, TRUSTED_TIMEOUT_MS))
            except (PlaywrightError, PageDrift):
                _TRUSTED.discard((self.map.portal, self.map.version, name))
        return action(self.locate(name, **fmt), None)

    def _build(self, candidate: CandidateLocator, fmt: dict[str, Any]) -> Locator:
        root: Page | Locator = self.page
        if candidate.within:
            root = self._scope(candidate.within.format(**fmt), fmt)
        return candidate.build(root, fmt)

    def _warn_drift(
        self, name: str, candidates: list[CandidateLocator], counts: list[int], index: int
    ) -> None:
        """Log once per portal, version and name that a fallback won: the primary needs fixing."""
        key = (self.map.portal, self.map.version, name)
        if key in _DRIFT_WARNED:
            return
        _DRIFT_WARNED.add(key)
        self.log.bind(
            drift=name,
            version=self.map.version,
            fallback=candidates[index].describe(),
            primary=f"{candidates[0].describe()} matched {counts[0]}",
        ).warning(f"selector drift: {self.map.portal} {name} resolved by fallback #{index}")

    def _collection(self, name: str, fmt: dict[str, Any]) -> Locator:
        """The first candidate matching one element or more (for rows and result lists)."""
        self._settle()
        candidates = self.map.candidates(name)
        counts: list[int] = []
        for index, candidate in enumerate(candidates):
            built = self._build(candidate, fmt)
            counts.append(built.count())
            if counts[-1] > 0:
                if index > 0:
                    self._warn_drift(name, candidates, counts, index)
                return built
        return self._build(candidates[0], fmt)

    def _on_response(self, response: Response) -> None:
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self._document_status = response.status
            self._document_method = request.method

    @contextmanager
    def _step(self, step: str, name: str, value: str | None = None) -> Iterator[None]:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise PortalError(f"{step} {name}: the dossier ran past its time limit; stopped before this step")
        self._opened = None  # only the very first step may find its page already open
        started = time.perf_counter()
        shown = "" if value is None else f" = {value}"
        try:
            yield
        except PlaywrightTimeout as exc:
            raise PortalError(f"{step} {name}: timed out after {self.timeout_ms:.0f} ms") from exc
        except PlaywrightError as exc:
            raise PortalError(f"{step} {name}: {exc.message}") from exc
        finally:
            duration = round((time.perf_counter() - started) * 1000)
            bound = self.log.bind(step=step, name=name, duration_ms=duration)
            bound.info(f"{step} {name}{shown} ({duration} ms)")
        if self._document_status >= 500:
            self._load_again(step, name)
        if self._document_status >= 500:
            status, self._document_status = self._document_status, 0
            raise PortalError(f"the portal answered HTTP {status} ({self.page.title()}) after {step} {name}")

    def _load_again(self, step: str, name: str) -> None:
        """Reload a page the gateway failed, when loading it is safe (a GET) and reloads are allowed.

        ``rpa.portal.network`` already asks again for what the browser requests first, but the page a form
        post redirects to is fetched by the browser alone; this covers it. A failed post is never
        reloaded here (that would post it again).
        """
        for reload in range(1, self.reloads + 1):
            if self._document_method != "GET" or self._document_status < 500:
                return
            self.log.bind(http_status=self._document_status).warning(
                f"{step} {name}: the page came back HTTP {self._document_status}, loading it again"
                f" ({reload}/{self.reloads})"
            )
            self.page.wait_for_timeout(500 * 2 ** (reload - 1))  # back off: the gateway is struggling
            with suppress(PlaywrightError):
                self.page.reload()

    def _typed(self, name: str, fmt: dict[str, Any], value: str) -> None:
        shown = _show(name, fmt)
        if name in self.masked:
            if fmt not in (typed := self._masked_typed.setdefault(name, [])):
                typed.append(dict(fmt))
            masked = getattr(self.evidence, "masked", None)  # recorders from before masking lack it
            if masked is not None:
                masked(shown, value)
        if self.evidence is not None:
            self.evidence.typed(shown, value)

    def _hidden(self, name: str, value: str, *, secret: bool = False) -> str:
        """``value`` as a log line may show it: never for a secret or a masked field, else masked."""
        return "***" if secret or name in self.masked else mask(value)

    def mask_locators(self) -> list[Locator]:
        """The elements of the masked fields on the page now, for a screenshot's ``mask``.

        Never waits: a masked field absent from this page (or from this UI version's map) is skipped.
        Each candidate is widened to every element it can denote, so a parametrised name masks every
        row: placeholders in a label, name, placeholder or text match anything, and a scope that needs
        parameters is replaced by the whole page (masking too much is the safe side). A CSS or XPath
        candidate with placeholders covers the rows typed through these steps.
        """
        found: list[Locator] = []
        for name in sorted(self.masked & self.map.elements.keys()):
            wide = [w for c in self.map.candidates(name) if (w := self._widen(c)) is not None]
            for fmt in self._masked_typed.get(name, []):
                with suppress(ConfigError):  # a parameter this candidate does not take
                    wide += [self._unresolved(c, fmt) for c in self.map.candidates(name)]
            for locator in wide:
                with suppress(PlaywrightError):
                    if locator.count():
                        found.append(locator)
        return found

    def _widen(self, candidate: CandidateLocator) -> Locator | None:
        """Every element ``candidate`` may denote, whatever its parameters (None: cannot be widened)."""
        root: Page | Locator = self.page
        if candidate.within and not placeholders(candidate.within):
            scope = self._widen(self.map.candidates(candidate.within)[0])
            root = self.page if scope is None else scope
        if not any(placeholders(t) for t in candidate.templates() if t is not candidate.within):
            return candidate.build(root, {})
        if candidate.role is not None and candidate.name is not None and not placeholders(candidate.role):
            return root.get_by_role(candidate.role, name=_widened(candidate.name, candidate.exact))  # type: ignore[arg-type]
        if candidate.label is not None:
            return root.get_by_label(_widened(candidate.label, candidate.exact))
        if candidate.placeholder is not None:
            return root.get_by_placeholder(_widened(candidate.placeholder, candidate.exact))
        if candidate.text is not None:
            return root.get_by_text(_widened(candidate.text, candidate.exact))
        if candidate.test_id is not None:
            return root.get_by_test_id(_widened(candidate.test_id, True))
        return None

    def open(self, page_name: str, **params: Any) -> None:
        """Go to one of the map's pages, e.g. ``open("status", receipt=code)``."""
        url = self.base_url + self.map.page_url(page_name, **params)
        loaded = self._opened == (url, self.page.url)
        with self._step("open", page_name):
            if not loaded:
                self.page.goto(url)

    def on_page(self, page_name: str) -> bool:
        return urlsplit(self.page.url).path == urlsplit(self.map.pages.get(page_name, "\0")).path

    def fill(self, name: str, value: str, *, secret: bool = False, **fmt: Any) -> None:
        """Type ``value`` (NFC) and read it back; PortalError when the field holds something else."""
        value = nfc(value)
        with self._step("fill", _show(name, fmt), self._hidden(name, value, secret=secret)):

            def put(element: Locator, timeout: float | None) -> str:
                element.fill(value, timeout=timeout)
                return element.input_value(timeout=timeout)

            got = nfc(self._set(name, fmt, put))
            if got != value:
                hidden = secret or name in self.masked
                shown = "***" if hidden else f"{mask(got)!r} instead of {mask(value)!r}"
                raise PortalError(f"fill {name}: the field holds {shown}")
        if not secret:
            self._typed(name, fmt, value)

    def pick_date(self, name: str, date: str, **fmt: Any) -> None:
        """Type a dd/MM/yyyy date into a masked input digit by digit, then read it back."""
        with self._step("pick_date", _show(name, fmt), self._hidden(name, date)):

            def put(element: Locator, timeout: float | None) -> str:
                element.fill("", timeout=timeout)
                element.press_sequentially(re.sub(r"\D", "", date), timeout=timeout)
                return element.input_value(timeout=timeout)

            got = self._set(name, fmt, put)
            if got != date:
                shown = "something else" if name in self.masked else f"{got!r} instead of {date!r}"
                raise PortalError(f"pick_date {name}: the field shows {shown}")
        self._typed(name, fmt, date)

    def choose(self, name: str, value: str, *, navigates: bool = False, **fmt: Any) -> None:
        """Pick an option by value or label in a native ``<select>`` or a custom combobox.

        A custom combobox ``x`` is described by elements ``x`` (the box), ``x.search`` (optional search
        field), ``x.option`` (an option, with ``{value}``) and ``x.value`` (what the form will post).

        ``navigates``: the native select posts the page back when it changes (an ASP.NET AutoPostBack
        list, which reloads the lists that depend on it): wait until the new page has loaded, then read
        the choice back from it. An option already chosen is left alone (no change, no postback).
        """
        with self._step("choose", _show(name, fmt), self._hidden(name, value)):
            if navigates:
                self._select_posting_back(name, value, fmt)
                self._typed(name, fmt, value)
                return
            key = (self.map.portal, self.map.version, name)
            if key not in _TAGS:  # one round trip per name and UI version, not per dossier
                _TAGS[key] = str(self.locate(name, **fmt).evaluate("e => e.tagName"))
            if _TAGS[key] == "SELECT":
                self._select(name, value, fmt)
            else:
                self._pick_option(name, value, fmt)
        self._typed(name, fmt, value)

    def _select(self, name: str, value: str, fmt: dict[str, Any]) -> None:
        def put(element: Locator, timeout: float | None) -> tuple[str, str]:
            element.select_option(value, timeout=timeout)
            got, label = element.evaluate(_SELECTED, timeout=timeout)
            return str(got), nfc(str(label)).strip()

        got, label = self._set(name, fmt, put)
        if value not in (got, label):
            raise PortalError(f"choose {name}: the select holds {got!r} instead of {value!r}")

    def _select_posting_back(self, name: str, value: str, fmt: dict[str, Any]) -> None:
        def chosen() -> tuple[str, str]:
            got, label = self.locate(name, **fmt).evaluate(_SELECTED)
            return str(got), nfc(str(label)).strip()

        if value not in chosen():
            element = self.locate(name, **fmt)
            with self.page.expect_navigation(timeout=self.timeout_ms):
                element.select_option(value)
            if value not in (got := chosen()):
                shown = f"{got[0]!r} instead of {value!r}"
                raise PortalError(f"choose {name}: after the postback the select holds {shown}")

    def _pick_option(self, name: str, value: str, fmt: dict[str, Any]) -> None:
        self.locate(name, **fmt).click()
        option = self.locate(f"{name}.option", value=value, **fmt)
        if f"{name}.search" in self.map.elements and not option.is_visible():
            # the option is filtered out or not shown yet: type its text into the search box first
            self.locate(f"{name}.search", **fmt).fill((option.text_content() or "").strip())
        option.click()
        got = self._set(f"{name}.value", fmt, lambda element, timeout: element.input_value(timeout=timeout))
        if got != value:
            raise PortalError(f"choose {name}: the combobox holds {got!r} instead of {value!r}")

    def check(self, name: str, checked: bool = True, **fmt: Any) -> None:
        """Tick or untick a checkbox, or select a radio button."""
        with self._step("check", _show(name, fmt), str(checked)):

            def put(element: Locator, timeout: float | None) -> bool:
                element.set_checked(checked, timeout=timeout)
                return element.is_checked(timeout=timeout)

            if self._set(name, fmt, put) != checked:
                raise PortalError(f"check {name}: still {'un' if checked else ''}checked")
        self._typed(name, fmt, str(checked))

    def add_row(self, button_name: str, rows_name: str, **fmt: Any) -> int:
        """Click ``button_name``, wait for one more ``rows_name``; the new row's number (from 1)."""
        with self._step("add_row", button_name):
            rows = self._collection(rows_name, fmt)
            before = rows.count()
            self.locate(button_name, **fmt).click()
            rows.nth(before).wait_for(state="attached")
        return before + 1

    def count(self, name: str, **fmt: Any) -> int:
        """How many elements ``name`` matches now (no waiting): for rows and result lists."""
        with self._step("count", _show(name, fmt)):
            return self._collection(name, fmt).count()

    def upload(self, name: str, path: Path, *, file_name: str | None = None, **fmt: Any) -> None:
        """Attach a file and check the input took it. ``file_name``: the name the portal gets (the one
        the citizen gave the file, say), when it is not the local file's own.

        The bytes are handed to the browser from memory, never as a path: a sealed attachment
        (:class:`~rpa.sources.sealed.SealedFile`) reaches the portal as its plain bytes under its plain
        name, and nothing decrypted is written to disk on the way."""
        from rpa.sources.sealed import SealedFile, plain_name  # rpa.sources imports the procedures

        plain = plain_name(path.name) if isinstance(path, SealedFile) else path.name
        shown = file_name or plain
        data = path.read_bytes()  # a SealedFile opens here: a wrong key fails before the portal sees it
        kind = mimetypes.guess_type(shown)[0] or "application/octet-stream"
        with self._step("upload", _show(name, fmt), shown):

            def put(element: Locator, timeout: float | None) -> str:
                payload: Any = {"name": shown, "mimeType": kind, "buffer": data}
                element.set_input_files(payload, timeout=timeout)
                return str(element.evaluate("e => e.files.length ? e.files[0].name : ''", timeout=timeout))

            got = self._set(name, fmt, put)
            if got != shown:
                raise PortalError(f"upload {name}: the input holds {got!r} instead of {shown!r}")
        self._typed(name, fmt, shown)

    def click(self, name: str, *, navigates: bool = False, **fmt: Any) -> None:
        """Click ``name``. ``navigates``: the click loads another document in the page, possibly from a
        script run after the click itself (an ASP.NET ``javascript:__doPostBack(...)`` link): wait until
        that document has loaded, so the next step reads the new page and never the old one."""
        with self._step("click", _show(name, fmt)):
            element = self.locate(name, **fmt)
            if navigates:
                with self.page.expect_navigation(timeout=self.timeout_ms):
                    element.click()
            else:
                element.click()

    def wait(self, name: str, state: str = "visible", **fmt: Any) -> None:
        """Wait until ``name`` is visible/attached, or hidden/detached."""
        with self._step("wait", _show(name, fmt), state):
            if state in ("hidden", "detached"):
                self.map.candidates(name)[0].build(self.page, fmt).first.wait_for(state=state)  # type: ignore[arg-type]
            else:
                self.locate(name, **fmt).wait_for(state=state)  # type: ignore[arg-type]

    def wait_any(self, *names: str, **fmt: Any) -> str:
        """Wait until one of ``names`` is on the page and return the first of them that is.

        For a page that answers in the browser (a single-page application): after a click, either the
        next view, a message under a field or a toast may come, and nothing says which beforehand. A
        name counts once it matches one element or more (toasts may stack).

        Raises:
            PortalError: none of them appeared within the step timeout.
        """
        with self._step("wait_any", " | ".join(_show(n, fmt) for n in names)):
            self._settle()
            built = [self._unresolved(c, fmt) for n in names for c in self.map.candidates(n)]
            either = built[0]
            for locator in built[1:]:
                either = either.or_(locator)
            either.first.wait_for(state="attached")
            self._settle()
            for name in names:
                if self._collection(name, fmt).count():
                    return name
            raise PortalError(f"wait_any {' | '.join(names)}: what appeared was gone before it could be read")

    def _unresolved(self, candidate: CandidateLocator, fmt: dict[str, Any]) -> Locator:
        """A candidate's locator searched inside its scope's primary candidate, without resolving the
        scope first (it may not be on the page yet)."""
        if not candidate.within:
            return candidate.build(self.page, fmt)
        scope = self.map.candidates(candidate.within.format(**fmt))[0]
        return candidate.build(self._unresolved(scope, fmt), fmt)

    def read_text(self, name: str, **fmt: Any) -> str:
        with self._step("read_text", _show(name, fmt)):
            return self._set(name, fmt, lambda element, timeout: element.inner_text(timeout=timeout)).strip()

    def read_all(self, name: str, **fmt: Any) -> list[str]:
        """The texts of every element ``name`` matches (rows of a result table)."""
        with self._step("read_all", _show(name, fmt)):
            return [text.strip() for text in self._collection(name, fmt).all_inner_texts()]

    def exists(self, name: str, **fmt: Any) -> bool:
        """Whether exactly one candidate element is on the page now (no waiting beyond page load)."""
        with self._step("exists", _show(name, fmt)):
            try:
                return self._find(name, fmt, wait=False) is not None
            except SelectorDrift:  # its scope is missing
                return False

    def screenshot(self, label: str) -> Path | None:
        """A full-page screenshot through the evidence recorder (none without one)."""
        if self.evidence is None:
            return None
        with self._step("screenshot", label):
            return masked_screenshot(self.evidence, self.page, label, self.mask_locators())


def open_portal(
    page: Page,
    portal: str,
    base_url: str,
    *,
    start: str = "home",
    selectors_dir: Path,
    **kwargs: Any,
) -> Steps:
    """Open the portal's ``start`` page, read its UI version marker and return Steps on the matching map.

    ``start`` is the page the flow opens first: loading it here saves a page load, and the flow's own
    ``open`` of it is then a no-op. When the maps disagree on its path (it moved in some UI version),
    the home page is loaded instead: the version is not known yet. ``kwargs`` go to :class:`Steps`
    (``evidence``, ``timeout_ms``, ``log``...); the maps are read from ``selectors_dir``: adding
    ``<portal>.v<N>.yaml`` there is enough to follow a portal to UI version N.

    Raises:
        PageDrift: the page declares a UI version no map exists for (a SelectorDrift carrying the URL, a
            screenshot and the DOM, also saved through ``kwargs["evidence"]`` when given).
        PortalError: the portal answered with an HTTP error.
    """
    maps = load_maps(portal, selectors_dir)
    meta = next(iter(maps.values())).marker.meta
    paths = {m.pages.get(start) for m in maps.values()}
    path = paths.pop() if len(paths) == 1 else None
    url = base_url.rstrip("/") + (path if path and "{" not in path else "/")
    try:
        response = page.goto(url)
    except PlaywrightError as exc:
        raise PortalError(f"cannot reach {base_url}: {exc.message}") from exc
    if response is not None and response.status >= 500:
        raise PortalError(f"{base_url} answered HTTP {response.status} ({page.title()})")
    marker = page.locator(f'meta[name="{meta}"]')
    content = marker.first.get_attribute("content") if marker.count() else None
    version = int(content) if content and content.isdigit() else None
    try:
        selector_map = pick_map(maps, version)
    except PageDrift as drift:
        record_drift(drift, page, kwargs.get("evidence"))
        raise
    steps = Steps(page, selector_map, base_url=base_url, opened=(url, page.url), **kwargs)
    if selector_map.ready is not None:  # a page rendered in the browser: wait until it shows its view
        steps.wait(selector_map.ready, state="attached")
        steps._opened = (url, page.url)
    return steps
