"""The caller's typed settings: constructor arguments, or ONEWINDOW_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


HOME = Path(__file__).resolve().parent.parent  # the installation: its config/ and var/, wherever onewindow runs


class CallerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ONEWINDOW_", extra="ignore")

    database_url: str = f"sqlite:///{HOME / 'var' / 'onewindow.sqlite'}"
    hall_file: Path = HOME / "config" / "hall.toml"
    # a county served by one process (caller/county/): a folder of hall files, each hall at /h/<hall id>/ and the
    # county's view at /county; none: the one hall of `hall_file`
    county_dir: Path | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8300, ge=1, le=65535)
    enforce_hours: bool = True  # refuse tickets outside the hall's issuing hours
    event_poll_s: float = Field(default=0.05, gt=0, le=5)  # how often other processes' events are looked for
    max_body_bytes: int = Field(default=16 * 1024, ge=1024)
    sse_ping_s: float = Field(default=10, gt=0)
    tidal_check_s: float = Field(default=60, gt=0)  # how often the tidal rule looks at the queue
    header_timeout_s: float = Field(default=10, gt=0)  # a request's line and headers must arrive within this
    max_connections: int = Field(default=4096, ge=16)  # open connections beyond this are closed at once
    keep_alive_s: float = Field(default=5, gt=0)  # an idle keep-alive connection is closed after this
    workers: int = Field(default=1, ge=1, le=64)  # processes serving on one socket (caller/api/workers.py)
    # threads running the queue's actions (issue, call, finish…) in arrival order (caller/api/lane.py)
    lane_threads: int = Field(default=2, ge=1, le=64)
    # public lookups (a ticket, a slip's code, a booking): an address that missed this many times in 10 minutes
    # waits (429); behind a proxy on one of `trusted_proxies` the address is the one it forwards
    lookup_misses_per_10min: int = Field(default=30, ge=1)
    trusted_proxies: list[str] = Field(default_factory=lambda: ["127.0.0.1", "::1"])
    # HTTPS on the LAN (onewindow tls make-cert): kiosks send ID numbers; both, or neither
    tls_cert: Path | None = None
    tls_key: Path | None = None
    demo: bool = False  # ./dev hall: tokens in a file, any hour, the slip's QR may point at this machine
    # the SMS gateway (caller/notify/sms.py) for cases' ready and needs-material messages; none: no text messages
    sms_url: str | None = None
    sms_key_id: str = ""
    sms_secret: str = ""
    # the provincial 好差评 platform every rating is posted to (caller/ratings/platform.py); none: kept, not sent
    haochaping_url: str | None = None
    haochaping_key_id: str = ""
    haochaping_secret: str = ""

    @model_validator(mode="after")
    def _tls_pair(self) -> CallerSettings:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together")
        return self
