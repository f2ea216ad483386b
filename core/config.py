"""One typed settings object, read from the environment and `.streamlit/secrets.toml`.

Every number of the procedure is a setting (they changed twice in 2025), so the rules take a
`RuleSettings` instead of constants. The environment wins over the secrets file; both are
optional, and the defaults are the rules in force in 2025 (see shared/domain.md).
"""
from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, Literal

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'ptdv.db'}"

CountBy = Literal["decision", "ceremony"]
SmtpSecurity = Literal["starttls", "ssl", "none"]


class SettingsError(ValueError):
    """A setting has a value the application cannot run with."""


@dataclass(frozen=True)
class RuleSettings:
    """The numbers of the admission procedure and of the alerts."""

    min_age_months: int = 18 * 12
    max_age_months: int = 60 * 12
    certificate_valid_months: int = 60
    sponsor_min_months: int = 12
    youth_union_max_age_years: int = 30
    vote_min_numerator: int = 2
    vote_min_denominator: int = 3
    decision_working_days: int = 60
    decision_extension_working_days: int = 30
    ceremony_working_days: int = 30
    probation_months: int = 12
    recognition_review_working_days: int = 30
    # issue 16: recognition. The competent committee's decision after the last recognition
    # resolution; the failed recognition votes (neither 2/3 for nor against) that send the case
    # up to the committee above (Điều lệ Điều 5; Quy định 294-QĐ/TW).
    recognition_decision_working_days: int = 30
    recognition_failed_votes_referred: int = 3
    due_soon_days: int = 30
    stuck_days: int = 180
    near_max_age_months: int = 6
    no_admission_years: int = 2
    missed_target_years: int = 2
    under_age_years: int = 30
    band_low_percent: float = 3.0
    band_high_percent: float = 4.0
    commendation_percent: float = 120.0
    count_admission_by: CountBy = "decision"
    # Twelve weights (one a month) for the expected pace through the year; empty means linear.
    pace_monthly_weights: tuple[float, ...] = ()
    # Re-admission (kết nạp lại, 294-QĐ/TW điểm 3.5): months out of the Party before a person
    # may be listed again (36 as the press summary of 294 reads it; the full text: unverified).
    readmission_min_months_out: int = 36

    def __post_init__(self) -> None:
        if self.count_admission_by not in ("decision", "ceremony"):
            raise SettingsError(
                f"count_admission_by must be 'decision' or 'ceremony', not {self.count_admission_by!r}"
            )
        if self.pace_monthly_weights and (
            len(self.pace_monthly_weights) != 12
            or any(w < 0 for w in self.pace_monthly_weights)
            or sum(self.pace_monthly_weights) <= 0
        ):
            raise SettingsError("pace_monthly_weights needs 12 non-negative weights with a positive sum")
        if self.band_low_percent > self.band_high_percent:
            raise SettingsError("band_low_percent must not exceed band_high_percent")
        if self.vote_min_denominator == 0 or self.vote_min_numerator > self.vote_min_denominator:
            raise SettingsError("vote_min_numerator/vote_min_denominator must be a fraction at most 1")
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
                raise SettingsError(f"{f.name} must not be negative")


@dataclass(frozen=True)
class Settings:
    """Application settings: where the data lives, demo mode, sign-in and the rules."""

    database_url: str = DEFAULT_DATABASE_URL
    demo_mode: bool = True
    cookie_key: str = ""
    cookie_name: str = "ptdv_auth"
    # Half a day: a morning's sign-in lasts the working day and never the night. The cookie is
    # written by JavaScript, so the browser's scripts can read it (no HttpOnly): its life is
    # what a stolen copy could be worth (and even then only while its owner is active: a
    # cookie signs in only within session_inactivity_minutes of the account's last activity).
    cookie_expiry_days: float = 0.5
    session_inactivity_minutes: int = 30
    max_failed_sign_ins: int = 5
    lockout_minutes: int = 15
    import_max_megabytes: float = 5.0
    # How long a write waits for another writer's lock before the user is told "busy, try again".
    database_busy_seconds: float = 10.0
    # Reminders by e-mail (`python -m core.cli remind`, core.notify). No host: nothing is sent.
    # The password belongs in the secrets file or PTDV_SMTP_PASSWORD, never in the repository.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: SmtpSecurity = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: float = 30.0
    mail_from: str = ""
    # The address people open the app at, for the links in a message ("https://ptdv.example.vn").
    public_url: str = "http://localhost:8501"
    rules: RuleSettings = field(default_factory=RuleSettings)

    def __post_init__(self) -> None:
        if self.smtp_security not in ("starttls", "ssl", "none"):
            raise SettingsError(f"smtp_security must be 'starttls', 'ssl' or 'none', not {self.smtp_security!r}")
        if not self.smtp_timeout_seconds > 0:
            raise SettingsError(f"smtp_timeout_seconds must be more than 0, not {self.smtp_timeout_seconds}")
        if not 0 < self.smtp_port < 65536:
            raise SettingsError(f"smtp_port must be a port number, not {self.smtp_port}")
        if not self.public_url.startswith(("http://", "https://")):
            raise SettingsError(f"public_url must start with http:// or https://, not {self.public_url!r}")


def _coerce(value: Any, like: Any) -> Any:
    """Turn an environment string into the type of the default it replaces."""
    if not isinstance(value, str):
        return tuple(value) if isinstance(like, tuple) else value
    if isinstance(like, bool):
        if value.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if value.strip().lower() in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"expected true/false, got {value!r}")
    if isinstance(like, int):
        return int(value)
    if isinstance(like, float):
        return float(value)
    if isinstance(like, tuple):
        return tuple(float(v) for v in value.split(",") if v.strip())
    return value


def _read_secrets(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        return tomllib.load(fh)


def load_settings(environ: Mapping[str, str] | None = None, secrets_path: Path = SECRETS_FILE) -> Settings:
    """Build the settings: defaults, then `.streamlit/secrets.toml`, then `PTDV_*` variables.

    `DATABASE_URL` is also read without the prefix, as hosting platforms set it that way.
    Rule numbers live under `[rules]` in the secrets file and as `PTDV_RULE_<NAME>` variables.
    """
    env = os.environ if environ is None else environ
    secrets = _read_secrets(secrets_path)
    values = _read_group(Settings(), secrets, env, "PTDV_")
    values.pop("rules", None)
    if env.get("DATABASE_URL"):
        values["database_url"] = env["DATABASE_URL"]
    rules = _read_group(RuleSettings(), secrets.get("rules", {}), env, "PTDV_RULE_")
    return replace(Settings(), **values, rules=RuleSettings(**rules))


def _read_group(defaults: Any, section: dict[str, Any], env: Mapping[str, str], prefix: str) -> dict[str, Any]:
    """The fields of a settings dataclass that the secrets section or the environment set."""
    values: dict[str, Any] = {}
    for f in fields(defaults):
        raw = env.get(f"{prefix}{f.name.upper()}", section.get(f.name))
        if raw is None or isinstance(getattr(defaults, f.name), RuleSettings):
            continue
        try:
            values[f.name] = _coerce(raw, getattr(defaults, f.name))
        except ValueError as exc:
            raise SettingsError(f"{f.name} ({prefix}{f.name.upper()}): {exc}") from exc
    return values


DEMO_COOKIE_KEY_FILE = DATA_DIR / ".cookie_key"
MIN_COOKIE_KEY_LENGTH = 32
# Keys seen in examples and tutorials: a cookie signed with one of these can be forged.
KNOWN_DEFAULT_KEYS = frozenset({"some_key", "random_signature_key", "changeme", "change-me", "secret", "abcdef"})


def cookie_key_for(settings: Settings, demo_key_file: Path = DEMO_COOKIE_KEY_FILE) -> str:
    """The key that signs sign-in cookies, or SettingsError saying why the app cannot start.

    Outside demo mode the key must be set, not a known default, and at least 32 characters.
    In demo mode a missing key is made at random on first start and kept in data/ (git-ignored).
    """
    from core.i18n import (
        t,  # the catalog imports nothing from here; keep config importable alone
    )
    from core.storage.files import write_private

    key = settings.cookie_key.strip()
    if not key:
        if not settings.demo_mode:
            raise SettingsError(t("error.cookie_key_missing"))
        if not demo_key_file.exists():
            demo_key_file.parent.mkdir(parents=True, exist_ok=True)
            write_private(demo_key_file, secrets.token_urlsafe(48).encode("ascii"))  # 0600, whole; first one wins
        return demo_key_file.read_text().strip()
    if key.lower() in KNOWN_DEFAULT_KEYS:
        raise SettingsError(t("error.cookie_key_default"))
    if len(key) < MIN_COOKIE_KEY_LENGTH:
        raise SettingsError(t("error.cookie_key_short", min=MIN_COOKIE_KEY_LENGTH))
    return key


def current_day() -> date:
    """Today's date, as every screen, form and default uses it. `PTDV_TODAY` (YYYY-MM-DD) fixes
    it: the tests run the app on the day their expectations were written, a training session
    on a chosen day; unset (production), the machine's date."""
    fixed = os.environ.get("PTDV_TODAY", "").strip()
    return date.fromisoformat(fixed) if fixed else date.today()

