"""Sources: reading dossiers out of the provincial one-stop system into :class:`rpa.domain.Dossier`.

Two adapters produce identical records for the same dossier: :class:`ApiSource` (the JSON API) and
:class:`WebSource` (the clerk web UI, for provinces without API access). :func:`make_source` picks
one from the settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rpa.config import SourceSettings
from rpa.errors import ConfigError
from rpa.sources.api import ApiSource
from rpa.sources.base import Source, SourceRecord, strip_extras
from rpa.sources.provincial import DEFAULT_MAX_ATTACHMENT_MB, ProvincialClient
from rpa.sources.web import WebSource

if TYPE_CHECKING:
    from playwright.sync_api import Browser

    from rpa.vault import Vault

__all__ = ["ApiSource", "Source", "SourceRecord", "WebSource", "make_source", "strip_extras"]


def make_source(
    settings: SourceSettings,
    browser: Browser | None = None,
    *,
    vault: Vault | None = None,
    max_attachment_mb: float = DEFAULT_MAX_ATTACHMENT_MB,
) -> Source:
    """The source ``settings.kind`` names; ``web`` needs a launched ``browser``.

    ``max_attachment_mb`` is ``Settings.max_attachment_mb``: bigger attachments are refused.
    ``vault`` (:func:`rpa.vault.vault_for`) seals the downloaded attachments; without it the source
    lists dossiers (the poll) but reading one with files raises ``ConfigError``.

    Raises:
        ConfigError: ``kind`` is ``web`` and no browser is given.
    """
    account = settings.account
    password = account.secret
    if settings.kind == "web":
        if browser is None:
            raise ConfigError("the provincial source is 'web' but no browser was given")
        return WebSource(
            browser,
            settings.base_url,
            account.username,
            password,
            max_attachment_mb=max_attachment_mb,
            vault=vault,
        )
    client = ProvincialClient(settings.base_url, account.username, password)
    return ApiSource(client, vault=vault, max_attachment_mb=max_attachment_mb)
