"""Configuration: a TOML file plus ``RPA_*`` environment variables (pydantic-settings).

Precedence, highest first: environment variables (``RPA_PROVINCIAL__ACCOUNT__PASSWORD``...), the TOML file
(``--config FILE`` or ``RPA_CONFIG``), defaults. A file that holds a password must be readable by its owner
only, as SSH insists for private keys, because it grants access to a ministry account.
"""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url

from rpa.errors import ConfigError
from rpa.portal.browser import BrowserSettings
from rpa.private_files import private_dir
from rpa.retry import RetryPolicy

__all__ = [
    "Account",
    "AlertSettings",
    "EmailSettings",
    "IntakeSettings",
    "PortalSettings",
    "ProcedureSettings",
    "RetentionSettings",
    "ScheduleSettings",
    "Settings",
    "SourceSettings",
    "load_settings",
    "resolve_passwords",
    "write_config",
]


class Account(BaseModel):
    """An account the bot logs in with; where its password comes from: :mod:`rpa.passwords`."""

    username: str
    password: SecretStr | None = None  # with password_from = "config" (the default) only
    password_from: Literal["config", "env", "keyring", "file"] = "config"
    password_env: str | None = None  # the variable holding it, with password_from = "env"

    @model_validator(mode="after")
    def _one_source(self) -> Account:
        if self.password_from == "config" and self.password is None:
            raise ValueError(
                "password missing: set password, or password_from = env|keyring|file (rpa credentials set)"
            )
        if self.password_from == "env" and not self.password_env:
            raise ValueError('password_from = "env" needs password_env (the variable\'s name)')
        return self

    @property
    def secret(self) -> str:
        """The password, once :func:`load_settings` resolved it."""
        if self.password is None:
            raise ConfigError(f"password of {self.username} not resolved (load settings with load_settings)")
        return self.password.get_secret_value()


class SourceSettings(BaseModel):
    """How to read the provincial one-stop system."""

    kind: Literal["api", "web"] = "api"
    base_url: str
    account: Account


class PortalSettings(BaseModel):
    """One ministry portal, the account the bot uses on it, and the rules the province agreed for it."""

    base_url: str
    account: Account
    # Operating rules (issue 5). Windows like "Mon-Sat 07:00-21:00" in Vietnam time; none = always open.
    working_hours: list[str] = Field(default_factory=list)
    max_per_minute: float | None = None  # submissions per minute over all workers; None = no limit
    max_sessions: int = 1  # concurrent logged-in sessions of the account (ministries often allow one)


class ProcedureSettings(BaseModel):
    """One procedure plug-in as this province runs it (``[procedures.<name>]``)."""

    enabled: bool = True
    procedure_codes: list[str] | None = None  # the province's codes of it; None = the plug-in's own
    # the plug-in's own settings (its Procedure.configure checks and applies them)
    options: dict[str, Any] = Field(default_factory=dict)
    # a person approves the review screenshot before the final click (the console's "Chờ cán bộ")
    require_approval: bool = False
    # map names of the fields painted over in screenshots; None = the plug-in's masked_fields, [] = none
    masked_fields: list[str] | None = None


class ScheduleSettings(BaseModel):
    """What ``rpa scheduler`` runs and how often (Asia/Ho_Chi_Minh wall-clock times)."""

    timezone: str = "Asia/Ho_Chi_Minh"
    poll_every_s: float = 300.0  # read the sources for new dossiers
    queue_every_s: float = 60.0  # process queued transfers
    sync_every_s: float = 1800.0  # read ministry statuses back
    health_every_s: float = 300.0  # portal health check
    intake_every_s: float = 60.0  # import the workbooks dropped in [intake] watch_dir
    report_at: str = "18:00"  # daily report (HH:MM)
    purge_at: str = "02:30"  # evidence retention purge (HH:MM)
    checkpoint_at: str = "18:10"  # sign the evidence chain's head, after the daily report (HH:MM)


class IntakeSettings(BaseModel):
    """Excel intake (``rpa import``): the folder the scheduler watches for the provincial export."""

    watch_dir: Path | None = None  # None: no folder is watched


class EmailSettings(BaseModel):
    """E-mail of each new alert (``[alerts.email]``), forwarded by the scheduler's ``mail`` job."""

    host: str
    port: int = 25
    from_addr: str
    to: list[str] = Field(min_length=1)
    starttls: bool = True  # upgrade the connection before anything is sent (and before the password)
    username: str | None = None
    password: SecretStr | None = None
    subject_prefix: str = "[Một cửa ↔ Bộ]"
    console_url: str | None = None  # the console's address, for a link to the alerts page in each mail
    every_s: float = Field(60.0, gt=0)  # how often the scheduler forwards the alerts not sent yet
    timeout_s: float = Field(10.0, gt=0)  # a silent mail server delays only the mail job, this long

    @model_validator(mode="after")
    def _no_password_in_clear(self) -> EmailSettings:
        if self.username and not self.starttls:
            raise ValueError("username/password need starttls = true (the password would travel in clear)")
        return self


class AlertSettings(BaseModel):
    """What happens to an alert besides the console's alerts page and the log."""

    email: EmailSettings | None = None  # None: no e-mail


class KeySettings(BaseModel):
    """The installation's keys (``rpa keys init``); relative to ``work_dir`` when not set."""

    signing_key: Path | None = None  # Ed25519, signs checkpoints; default <work_dir>/keys/signing.key
    master_key: Path | None = None  # 32 random bytes, for encrypting evidence; <work_dir>/keys/master.key
    credentials_file: Path | None = (
        None  # passwords sealed by the master key; <work_dir>/keys/credentials.enc
    )

    def signing_key_path(self, settings: Settings) -> Path:
        return self.signing_key or settings.work_dir / "keys" / "signing.key"

    def master_key_path(self, settings: Settings) -> Path:
        return self.master_key or settings.work_dir / "keys" / "master.key"

    def credentials_file_path(self, settings: Settings) -> Path:
        return self.credentials_file or settings.work_dir / "keys" / "credentials.enc"


class TimestampSettings(BaseModel):
    """An RFC 3161 time-stamping authority for the evidence checkpoints (``[timestamping]``): each
    signed checkpoint also gets the TSA's token over its signature, proving it existed at that time
    independently of this machine's clock. Off unless ``url`` is set."""

    url: str | None = None  # e.g. "http://tsa.example.vn/tsa"; the request is application/timestamp-query
    certificate: Path | None = None  # PEM of the TSA's signing certificate: tokens are checked against it
    timeout_s: float = Field(10.0, gt=0)

    @model_validator(mode="after")
    def _certificate_with_url(self) -> TimestampSettings:
        if self.url and self.certificate is None:
            raise ValueError(
                "[timestamping] cần certificate (chứng thư PEM của đơn vị cấp dấu thời gian) khi có url"
            )
        return self


class RetentionSettings(BaseModel):
    """How many days each kind of personal data is kept (``[retention]``); the scheduler's daily
    ``purge`` deletes what is older and records each kind it purged in the audit log
    (:mod:`rpa.operations.retention`, docs/evidence.md "Retention")."""

    # Evidence day folders (screenshots, values typed, manifests); None: ``evidence_retention_days``
    # (the older setting, kept working), whose default is 365.
    screenshots: int | None = Field(None, ge=1)
    traces: int = Field(90, ge=1)  # Playwright traces inside evidence folders still kept
    attachments: int = Field(1, ge=1)  # attachment folders a killed worker left in <work_dir>/attachments
    logs: int = Field(180, ge=1)  # rotated JSON log files beside ``log_file`` (rotated daily)
    sessions: int = Field(7, ge=1)  # saved portal logins not refreshed for this long
    bundles: int = Field(30, ge=1)  # evidence exports kept in <work_dir>/exports
    reports: int = Field(365, ge=1)  # sealed daily reports; a year covers the yearly statistics


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RPA_", env_nested_delimiter="__", extra="forbid")

    provincial: SourceSettings
    portals: dict[str, PortalSettings] = Field(default_factory=dict)
    # A registered procedure runs when its portal has settings here and it is not disabled:
    procedures: dict[str, ProcedureSettings] = Field(default_factory=dict)
    ledger_url: str = "sqlite:///rpa-ledger.sqlite"
    recordings_dir: Path = Path("recordings")
    work_dir: Path = Path("rpa-work")  # downloaded attachments (deleted after each dossier), login state
    log_file: Path | None = None  # JSON lines for machines; the console log is always on
    lease_s: float = 300.0  # how long a worker holds a transfer before another may take it over
    keep_trace: Literal["on_failure", "always", "never"] = "on_failure"
    trace_screenshots: bool = False  # add a screencast to the trace (DOM snapshots are always in it)
    browser: BrowserSettings = Field(default_factory=BrowserSettings)
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    selectors_dir: Path | None = None  # selector maps to use instead of the shipped ones (selectors/)
    breaker_cooldown_s: float = 900.0  # after a UI change, how long the portal rests before one dossier tries
    dossier_timeout_s: float = (
        600.0  # hard limit of one attempt at one dossier (a CAPTCHA's wait not counted)
    )
    network_retries: int = (
        2  # a portal GET answered 502/503/504 is asked again this often (rpa.portal.network)
    )
    session_retries: int = 2  # log in again and restart an application this often when the portal logs out
    captcha_wait_s: float = 600.0  # how long a CAPTCHA waits for a person before the transfer is requeued
    # Settling a transfer whose final click may have reached the portal (rpa.transfer.settle):
    settle_grace_s: float = 60.0  # wait this long after the click before a look-up (answers arrive late)
    lookup_clock_skew_s: float = 900.0  # the portal's clock may be this far behind the bot's
    lookup_absent_limit: int = 3  # after this many "not found, submit again", a person decides
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    intake: IntakeSettings = Field(default_factory=IntakeSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    keys: KeySettings = Field(default_factory=KeySettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    timestamping: TimestampSettings = Field(default_factory=TimestampSettings)
    reports_dir: Path = Path("reports")  # daily Excel reports
    manual_minutes_per_dossier: float = 15.0  # a clerk's typing time per dossier, for "hours saved"
    evidence_retention_days: int = 365  # evidence folders older than this are purged
    holidays: list[date] | None = (
        None  # public holidays off work; None = the built-in table (rpa.status.deadlines)
    )
    max_attachment_mb: float = 20.0  # a bigger attachment is refused while streaming (the clerk is told)

    @property
    def locks_dir(self) -> Path:
        """The folder of machine-wide locks (session slots, rate admission), absolute.

        Beside a SQLite ledger file (``<file>.locks``): every process sharing the ledger then shares
        the locks, wherever it was started, even with a relative ``work_dir``. Without a ledger file
        (PostgreSQL, in-memory SQLite), ``<work_dir>/locks``, resolved now.
        """
        url = make_url(self.ledger_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            database = Path(url.database).resolve()
            return database.with_name(f"{database.name}.locks")
        return self.work_dir.resolve() / "locks"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_file = settings_cls.model_config.get("toml_file")
        sources: tuple[PydanticBaseSettingsSource, ...] = (init_settings, env_settings)
        if toml_file:
            sources += (TomlConfigSettingsSource(settings_cls, toml_file=toml_file),)
        return sources


def _check_private(path: Path) -> None:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO) and "password" in path.read_text(encoding="utf-8"):
        raise ConfigError(
            f"{path} holds a password but is readable by others (mode {stat.filemode(mode)}); "
            f"run: chmod 600 {path}"
        )


def load_settings(path: Path | None = None, *, resolve: bool = True) -> Settings:
    """Load settings from ``path`` (or ``$RPA_CONFIG``) and the environment.

    Raises:
        ConfigError: the file is missing, unreadable, too open, or a setting is missing or invalid.
    """
    if path is None and os.environ.get("RPA_CONFIG"):
        path = Path(os.environ["RPA_CONFIG"])
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"configuration file not found: {path}")
        _check_private(path)

    class _FromFile(Settings):
        model_config = SettingsConfigDict(toml_file=path)

    try:
        settings = _FromFile()
    except ValidationError as exc:
        lines = [f"  {'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise ConfigError(f"invalid configuration ({path or 'environment'}):\n" + "\n".join(lines)) from None
    if resolve:  # ``rpa credentials`` stores the passwords that may be missing: it reads without
        resolve_passwords(settings)
    return settings


def resolve_passwords(settings: Settings) -> None:
    """Fill each account's password from where it says (:mod:`rpa.passwords`).

    Raises:
        ConfigError: a password is not where its account says, in Vietnamese with what to run.
    """
    from rpa.evidence.keys import load_master_key
    from rpa.passwords import file_passwords, keyring_password

    accounts = [("provincial", settings.provincial.account)]
    accounts += [(name, portal.account) for name, portal in settings.portals.items()]
    stored: dict[str, dict[str, str]] | None = None
    for scope, account in accounts:
        found: str | None
        if account.password_from == "config":
            continue
        if account.password_from == "env":
            found = os.environ.get(account.password_env or "")
        elif account.password_from == "keyring":
            found = keyring_password(scope, account.username)
        else:
            if stored is None:
                master = load_master_key(settings.keys.master_key_path(settings))
                stored = file_passwords(settings.keys.credentials_file_path(settings), master)
            found = stored.get(scope, {}).get(account.username)
        if not found:
            where = {"env": f"biến môi trường {account.password_env}", "keyring": "keyring của hệ điều hành"}
            raise ConfigError(
                f"Chưa có mật khẩu cho tài khoản {account.username} của {scope} "
                f"({where.get(account.password_from, 'tệp mật khẩu mã hoá')}): "
                f"chạy rpa credentials set {scope} {account.username}"
                + (" --keyring" if account.password_from == "keyring" else "")
            )
        account.password = SecretStr(found)


def write_config(path: Path, tables: dict[str, Any]) -> None:
    """Write ``tables`` as TOML to ``path``, readable by its owner only (it may hold passwords)."""
    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(b"# motcua-rpa configuration; holds passwords, keep it private (chmod 600).\n")
        tomli_w.dump(tables, fh)
    os.chmod(path, 0o600)
