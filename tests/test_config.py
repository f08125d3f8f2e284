"""Settings: lookup order, durations, validation errors naming file, line and fix."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aggregator.config import load_settings, parse_duration
from aggregator.errors import ConfigError

EXAMPLE = __import__("pathlib").Path(__file__).resolve().parents[1] / "config.example.toml"


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30), ("15m", 900), ("1h", 3600), ("1d", 86400), ("1.5h", 5400), (45, 45)]
)
def test_durations(text, seconds):
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "5 parsecs", "-1h", "h", None])
def test_bad_durations(text):
    with pytest.raises(ValueError, match=r"e\.g\. 30s"):
        parse_duration(text)


def test_lookup_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONS_CONFIG", raising=False)
    assert load_settings().source == "built-in defaults"
    assert load_settings().database_url == "sqlite:///petitions.db"
    (tmp_path / "petitions.toml").write_text('contact = "local@example.org"\n')
    assert load_settings().contact == "local@example.org"
    env = tmp_path / "env.toml"
    env.write_text('contact = "env@example.org"\n')
    monkeypatch.setenv("PETITIONS_CONFIG", str(env))
    assert load_settings().contact == "env@example.org"
    explicit = tmp_path / "explicit.toml"
    explicit.write_text('contact = "explicit@example.org"\n')
    assert load_settings(str(explicit)).contact == "explicit@example.org"


def test_errors_name_file_line_and_fix(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('contact = "x"\n\n[fetch]\nretries = 2\nread_timeout = "soon"\nretrys = 3\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(str(path))
    message = str(caught.value)
    assert f"{path}, line 5: fetch.read_timeout: invalid duration 'soon'" in message
    assert f"{path}, line 6: fetch.retrys: unknown setting" in message


def test_toml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[fetch\n")
    with pytest.raises(ConfigError, match=r"broken\.toml: not valid TOML.*line 1"):
        load_settings(str(path))


def test_missing_explicit_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_settings(str(tmp_path / "nope.toml"))


def test_example_config_is_valid_and_documents_every_setting():
    settings = load_settings(str(EXAMPLE))
    text = EXAMPLE.read_text()
    for section in ("schedule", "fetch", "storage"):
        for key in type(getattr(settings, section)).model_fields:
            assert f"{key} =" in text, f"config.example.toml does not document {section}.{key}"
    for key in ("database_url", "contact", "plugins_dir"):
        assert f"{key} =" in text


def test_example_extractors_are_valid_when_uncommented(tmp_path):
    import re

    text = EXAMPLE.read_text()
    block = text[text.index("# [extractors.fofg]") : text.index("# Digest recipient groups")]
    lines = [line[2:] for line in block.splitlines() if re.match(r"^# (\[extractors\.|[a-z_]+ = )", line)]
    path = tmp_path / "extractors.toml"
    path.write_text("\n".join(lines) + "\n")
    settings = load_settings(str(path))
    assert set(settings.extractors) == {"fofg", "ifjc"}
    assert settings.host_map() == {"petition.fofg.org.uk": "generic", "ifjc.org": "signature-list"}


def test_digest_groups_are_validated(tmp_path):
    path = tmp_path / "groups.toml"
    path.write_text('[groups.team]\ntags = ["nhs"]\ntime = "8am"\n')
    with pytest.raises(ConfigError, match=r"line 3: groups\.team\.time"):
        load_settings(str(path))
    path.write_text('[groups.team]\ntimezone = "Mars/Olympus"\n')
    with pytest.raises(ConfigError, match="Mars/Olympus' is not a time zone name"):
        load_settings(str(path))
    path.write_text('[groups.team]\ntags = ["nhs"]\ntimezone = "America/Toronto"\n')
    assert load_settings(str(path)).groups["team"].tags == ["nhs"]
