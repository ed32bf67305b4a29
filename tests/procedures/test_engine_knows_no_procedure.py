"""The engine (``rpa/`` outside the sandbox) names no procedure, portal or ministry: adding a procedure
adds a package under ``flows/``, a selector map and a sandbox portal, and changes nothing here."""

from __future__ import annotations

import re
from pathlib import Path

import rpa
from rpa.procedures import all_procedures

ENGINE = Path(rpa.__file__).resolve().parent
SANDBOX = ENGINE / "sandbox"
ALWAYS = ("judicial", "lltp", "moj", "tư pháp", "lý lịch", "dkkd", "đăng ký doanh nghiệp", "phù hiệu")
"""Words of the project's own procedures that no engine module may use, even in a comment."""


def _terms() -> set[str]:
    terms = {t.casefold() for t in ALWAYS}
    for procedure in all_procedures():
        terms |= {procedure.name, procedure.portal, procedure.agency, procedure.title}
        terms |= set(procedure.procedure_codes)
    return {t.casefold() for t in terms}


def _engine_files() -> list[Path]:
    return [
        path
        for path in sorted(ENGINE.rglob("*"))
        if path.is_file()
        and SANDBOX not in path.parents
        and path.suffix in {".py", ".html", ".js", ".css", ".toml", ".yaml", ".ini", ".md"}
    ]


def find_names(files: list[Path], terms: set[str]) -> list[str]:
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")  # "moj" is a name, "emoji" is not
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if match := pattern.search(line.casefold()):
                found.append(f"{path}:{number}: {match.group(0)!r} in {line.strip()}")
    return found


def test_no_engine_module_names_a_procedure_a_portal_or_a_ministry() -> None:
    files = _engine_files()
    assert len(files) > 40  # the engine is really there
    found = find_names(files, _terms())
    assert not found, "the engine names a procedure:\n" + "\n".join(found)


def test_the_grep_finds_a_procedure_where_there_is_one(tmp_path: Path) -> None:
    leak = tmp_path / "worker.py"
    leak.write_text('NOTE = "Đã chuyển Bộ Tư pháp"\nPORTAL = "moj-lltp"\n', encoding="utf-8")
    terms = _terms()
    assert "judicial_record" in terms and "moj-lltp" in terms  # read from the registry
    found = find_names([leak], terms)
    assert len(found) == 2
