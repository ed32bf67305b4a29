"""The API client's errors: protocol-level faults through a mock transport, the rest for real."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from rpa.errors import BusinessError, ConfigError, InvalidDossier, PortalError
from rpa.sources.provincial import ProvincialClient, ProvincialRefused

if TYPE_CHECKING:
    from conftest import Provincial

CODE = "000.00.01.H55-251103-0001"
Handler = Callable[[httpx.Request], httpx.Response]


def _mock(handler: Handler, tokens: list[str] | None = None) -> ProvincialClient:
    """A client whose token endpoint hands out ``tok1``, ``tok2``... and whose other calls go to
    ``handler``."""
    issued = tokens if tokens is not None else []

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/token":
            issued.append(f"tok{len(issued) + 1}")
            return httpx.Response(200, json={"access_token": issued[-1], "token_type": "bearer"})
        return handler(request)

    return ProvincialClient("http://province.test", "rpa.bot", "secret", transport=httpx.MockTransport(route))


def test_502_is_a_retryable_portal_error() -> None:
    client = _mock(lambda request: httpx.Response(502, text="<html>Bad Gateway</html>"))
    with pytest.raises(PortalError, match=r"provincial one-stop system .* HTTP 502") as info:
        client.get(CODE)
    assert not isinstance(info.value, BusinessError)


def test_malformed_json_is_a_clear_portal_error() -> None:
    client = _mock(lambda request: httpx.Response(200, text='{"code": "000.00.01.H55-25', headers={}))
    with pytest.raises(PortalError, match=r"malformed JSON for GET /api/dossiers/"):
        client.get(CODE)


@pytest.mark.parametrize(
    "body",
    [
        [1, 2, 3],
        {"content": "none", "totalPages": 1},
        {"content": [{"no": "code"}], "totalPages": 1},
        {"items": []},
    ],
)
def test_an_unexpected_search_shape_is_a_portal_error(body: object) -> None:
    client = _mock(lambda request: httpx.Response(200, json=body))
    with pytest.raises(PortalError, match="search page 0"):
        list(client.search(procedure="1.001234"))


def test_a_dossier_of_another_code_is_refused() -> None:
    client = _mock(lambda request: httpx.Response(200, json={"code": "something else"}))
    with pytest.raises(PortalError, match="unexpected shape"):
        client.get(CODE)


def test_401_takes_a_fresh_token_once_then_succeeds() -> None:
    tokens: list[str] = []
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        if request.headers["authorization"] == "Bearer tok1":
            return httpx.Response(401, json={"detail": "Mã truy cập đã hết hạn, vui lòng lấy mã mới"})
        return httpx.Response(200, json={"code": CODE})

    client = _mock(handler, tokens)
    assert client.get(CODE) == {"code": CODE}
    assert client.get(CODE) == {"code": CODE}
    assert seen == ["Bearer tok1", "Bearer tok2", "Bearer tok2"] and tokens == ["tok1", "tok2"]


def test_a_fresh_token_refused_again_is_a_portal_error() -> None:
    tokens: list[str] = []
    client = _mock(lambda request: httpx.Response(401, json={"detail": "Mã truy cập không hợp lệ"}), tokens)
    with pytest.raises(PortalError, match="refused a fresh token"):
        client.get(CODE)
    assert tokens == ["tok1", "tok2"]


def test_timeouts_and_refused_connections_are_portal_errors() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(PortalError, match="timed out on GET"):
        _mock(slow).get(CODE)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: the connection is refused
        with (
            ProvincialClient(f"http://127.0.0.1:{port}", "rpa.bot", "x", timeout=2) as client,
            pytest.raises(PortalError, match="unreachable for a token"),
        ):
            client.get(CODE)


def test_wrong_credentials_are_a_config_error(provincial: Provincial) -> None:
    with (
        ProvincialClient(provincial.url, "rpa.bot", "sai-mat-khau") as client,
        pytest.raises(ConfigError, match="Sai tên đăng nhập hoặc mật khẩu"),
    ):
        client.get(CODE)


def test_4xx_surfaces_the_systems_vietnamese_reason(provincial: Provincial, client: ProvincialClient) -> None:
    with pytest.raises(ProvincialRefused, match="Không tìm thấy hồ sơ có mã") as info:
        client.get(CODE)
    assert info.value.status_code == 404 and isinstance(info.value, BusinessError)
    with pytest.raises(ProvincialRefused, match="Mã trạng thái 11 không hợp lệ") as bad:
        client.set_status(CODE, 11, "", None, "rpa")
    assert bad.value.status_code == 400
    with pytest.raises(ProvincialRefused, match="Cần có ghi chú hoặc mã hồ sơ Bộ Tư pháp"):
        client.append_log(CODE, "  ", None, "rpa")


def test_download_verifies_size_and_digest(tmp_path: Path) -> None:
    content = b"%PDF-1.4 to khai"
    client = _mock(lambda request: httpx.Response(200, content=content))
    good = {"size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    got = client.fetch("/api/dossiers/x/attachments/0", "a.pdf", index=0, meta=good, code=CODE)
    assert got == content
    assert list(tmp_path.iterdir()) == []  # held in memory, for the caller to seal
    wrong = {**good, "size": 5, "sha256": "0" * 64}
    with pytest.raises(InvalidDossier) as info:
        client.fetch("/f", "b.pdf", index=1, meta=wrong, code=CODE)
    fields = [p.field for p in info.value.problems]
    assert fields == ["attachments.1", "attachments.1"] and info.value.dossier_code == CODE
    assert "Tệp đính kèm 2" in str(info.value) and "SHA-256" in str(info.value)
    assert "có 16 byte nhưng hồ sơ ghi 5 byte" in info.value.problems[0].message


def test_the_token_never_leaves_for_another_host(tmp_path: Path) -> None:
    client = _mock(lambda request: httpx.Response(200, content=b"x"))
    with pytest.raises(PortalError, match="points elsewhere"):
        client.fetch("http://evil.test/f", "f", index=0, meta={}, code=CODE)
