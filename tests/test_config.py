"""Settings from defaults, `.streamlit/secrets.toml` and `PTDV_*` variables (core.config)."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.config import (
    DEFAULT_DATABASE_URL,
    RuleSettings,
    Settings,
    SettingsError,
    load_settings,
)


@pytest.fixture
def no_secrets(tmp_path) -> Path:
    return tmp_path / "absent" / "secrets.toml"


@pytest.fixture
def secrets(tmp_path) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text(
        'database_url = "sqlite:///from-secrets.db"\n'
        "demo_mode = false\n"
        'cookie_key = "secret-key"\n'
        "\n"
        "[rules]\n"
        "min_age_months = 204\n"
        "stuck_days = 90\n"
        'count_admission_by = "ceremony"\n'
        "band_high_percent = 4.5\n"
        "pace_monthly_weights = [2, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1]\n",
        encoding="utf-8",
    )
    return path


def test_defaults_without_environment_or_secrets(no_secrets):
    settings = load_settings(environ={}, secrets_path=no_secrets)
    assert settings == Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("ptdv.db")
    assert settings.demo_mode is True
    assert settings.cookie_name == "ptdv_auth"
    assert settings.cookie_expiry_days == 0.5


def test_default_rules_are_those_of_2025(no_secrets):
    rules = load_settings(environ={}, secrets_path=no_secrets).rules
    assert rules == RuleSettings()
    assert rules.min_age_months == 216
    assert rules.max_age_months == 720
    assert rules.certificate_valid_months == 60
    assert rules.sponsor_min_months == 12
    assert rules.youth_union_max_age_years == 30
    assert (rules.vote_min_numerator, rules.vote_min_denominator) == (2, 3)
    assert rules.decision_working_days == 60
    assert rules.decision_extension_working_days == 30
    assert rules.ceremony_working_days == 30
    assert rules.probation_months == 12
    assert rules.recognition_review_working_days == 30
    assert (rules.band_low_percent, rules.band_high_percent) == (3.0, 4.0)
    assert rules.count_admission_by == "decision"
    assert rules.no_admission_years == 2
    assert rules.pace_monthly_weights == ()


def test_environment_values_have_the_right_types(no_secrets):
    settings = load_settings(
        environ={
            "PTDV_DEMO_MODE": "false",
            "DATABASE_URL": "postgresql+psycopg://ptdv@db.example:5432/ptdv",
            "PTDV_COOKIE_EXPIRY_DAYS": "2.5",
            "PTDV_RULE_MIN_AGE_MONTHS": "200",
            "PTDV_RULE_BAND_LOW_PERCENT": "2.5",
            "PTDV_RULE_COUNT_ADMISSION_BY": "ceremony",
            "PTDV_RULE_PACE_MONTHLY_WEIGHTS": "1,1,1,1,1,1,1,1,1,1,1,1",
        },
        secrets_path=no_secrets,
    )
    assert settings.demo_mode is False
    assert settings.database_url == "postgresql+psycopg://ptdv@db.example:5432/ptdv"
    assert settings.cookie_expiry_days == 2.5
    assert settings.rules.min_age_months == 200
    assert type(settings.rules.min_age_months) is int
    assert settings.rules.band_low_percent == 2.5
    assert settings.rules.count_admission_by == "ceremony"
    assert settings.rules.pace_monthly_weights == (1.0,) * 12
    # Everything not set keeps its default.
    assert settings.rules.max_age_months == 720
    assert settings.cookie_name == "ptdv_auth"


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("yes", True), ("On", True), ("0", False), ("no", False), ("OFF", False)])
def test_boolean_spellings(no_secrets, raw, expected):
    assert load_settings(environ={"PTDV_DEMO_MODE": raw}, secrets_path=no_secrets).demo_mode is expected


def test_prefixed_database_url(no_secrets):
    settings = load_settings(environ={"PTDV_DATABASE_URL": "sqlite:///other.db"}, secrets_path=no_secrets)
    assert settings.database_url == "sqlite:///other.db"


def test_secrets_file_is_read(secrets):
    settings = load_settings(environ={}, secrets_path=secrets)
    assert settings.database_url == "sqlite:///from-secrets.db"
    assert settings.demo_mode is False
    assert settings.cookie_key == "secret-key"
    assert settings.rules.min_age_months == 204
    assert settings.rules.stuck_days == 90
    assert settings.rules.count_admission_by == "ceremony"
    assert settings.rules.band_high_percent == 4.5
    assert settings.rules.pace_monthly_weights == (2, 1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1)
    assert settings.rules.max_age_months == 720


def test_environment_wins_over_secrets(secrets):
    settings = load_settings(
        environ={
            "PTDV_RULE_MIN_AGE_MONTHS": "200",
            "PTDV_DEMO_MODE": "true",
            "DATABASE_URL": "postgresql+psycopg://ptdv@db/ptdv",
        },
        secrets_path=secrets,
    )
    assert settings.rules.min_age_months == 200
    assert settings.demo_mode is True
    assert settings.database_url == "postgresql+psycopg://ptdv@db/ptdv"
    # What the environment does not set still comes from the file.
    assert settings.rules.stuck_days == 90
    assert settings.cookie_key == "secret-key"


@pytest.mark.parametrize(
    "environ",
    [
        {"PTDV_RULE_COUNT_ADMISSION_BY": "foo"},
        {"PTDV_RULE_MIN_AGE_MONTHS": "-1"},
        {"PTDV_RULE_STUCK_DAYS": "-30"},
        {"PTDV_RULE_MIN_AGE_MONTHS": "abc"},
        {"PTDV_RULE_MIN_AGE_MONTHS": ""},
        {"PTDV_RULE_BAND_LOW_PERCENT": "three"},
        {"PTDV_RULE_PACE_MONTHLY_WEIGHTS": "1,1,1,1,1,1,1,1,1,1,1"},
        {"PTDV_RULE_PACE_MONTHLY_WEIGHTS": "1,1,1,1,1,1,1,1,1,1,1,1,1"},
        {"PTDV_RULE_PACE_MONTHLY_WEIGHTS": "0,0,0,0,0,0,0,0,0,0,0,0"},
        {"PTDV_RULE_PACE_MONTHLY_WEIGHTS": "1,1,1,1,1,1,1,1,1,1,1,-1"},
        {"PTDV_RULE_PACE_MONTHLY_WEIGHTS": "1,1,1,1,1,x,1,1,1,1,1,1"},
        {"PTDV_DEMO_MODE": "maybe"},
        {"PTDV_COOKIE_EXPIRY_DAYS": "soon"},
    ],
    ids=lambda env: "-".join(f"{k}={v}" for k, v in env.items()),
)
def test_bad_environment_values_raise_settings_error(no_secrets, environ):
    with pytest.raises(SettingsError):
        load_settings(environ=environ, secrets_path=no_secrets)


@pytest.mark.parametrize(
    "environ",
    [{"PTDV_RULE_BAND_LOW_PERCENT": "-1"}, {"PTDV_RULE_BAND_HIGH_PERCENT": "-0.5"}],
    ids=lambda env: "-".join(f"{k}={v}" for k, v in env.items()),
)
def test_negative_percentages_raise_settings_error(no_secrets, environ):
    with pytest.raises(SettingsError):
        load_settings(environ=environ, secrets_path=no_secrets)


def test_bad_value_in_secrets_raises_settings_error(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text('demo_mode = "maybe"\n', encoding="utf-8")
    with pytest.raises(SettingsError):
        load_settings(environ={}, secrets_path=path)
    path.write_text("[rules]\ncertificate_valid_months = -60\n", encoding="utf-8")
    with pytest.raises(SettingsError):
        load_settings(environ={}, secrets_path=path)


def test_settings_error_names_the_setting(no_secrets):
    with pytest.raises(SettingsError, match="min_age_months"):
        load_settings(environ={"PTDV_RULE_MIN_AGE_MONTHS": "abc"}, secrets_path=no_secrets)
    with pytest.raises(SettingsError, match="demo_mode"):
        load_settings(environ={"PTDV_DEMO_MODE": "maybe"}, secrets_path=no_secrets)
