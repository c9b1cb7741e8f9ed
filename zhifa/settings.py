"""Settings from the environment (``ZHIFA_*``) and an optional ``zhifa.toml`` in the working directory."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    var_dir: Path
    database_url: str
    max_skew_seconds: int
    origin: str
    holidays_file: Path | None = None
    """The operator's holidays file (years after chinese-calendar's last), see :mod:`zhifa.calendar_file`."""

    @property
    def keys_dir(self) -> Path:
        return self.var_dir / "keys"

    @property
    def checkpoints_file(self) -> Path:
        return self.var_dir / "checkpoints.log"

    @property
    def evidence_dir(self) -> Path:
        return self.var_dir / "evidence"


class SettingsError(ValueError):
    """The settings cannot be used (malformed ``zhifa.toml``, a value of the wrong kind): one line, exit 2."""


def load_settings(config_file: Path | None = None) -> Settings:
    """Environment wins over ``zhifa.toml``, which wins over defaults."""
    path = config_file or Path(os.environ.get("ZHIFA_CONFIG", "zhifa.toml"))
    file_values: dict[str, object] = {}
    if path.is_dir():
        raise SettingsError(f"config {path} is a directory, not a TOML file")
    if path.is_file():
        try:
            loaded = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"config {path} is not valid TOML: {exc}") from exc
        except OSError as exc:
            raise SettingsError(f"cannot read config {path}: {exc.strerror}") from exc
        section = loaded.get("zhifa", {})
        if not isinstance(section, dict):
            raise SettingsError(f"config {path}: [zhifa] must be a table")
        file_values = section

    def pick(name: str, default: str) -> str:
        return os.environ.get(f"ZHIFA_{name.upper()}") or str(file_values.get(name, default))

    var_dir = Path(pick("var_dir", "var")).resolve()
    database_url = pick("database_url", f"sqlite:///{var_dir / 'zhifa.sqlite'}")
    try:
        max_skew = int(pick("max_skew_seconds", "300"))
    except ValueError as exc:
        raise SettingsError(f"max_skew_seconds must be a whole number of seconds: {exc}") from exc
    return Settings(
        var_dir=var_dir,
        database_url=database_url,
        max_skew_seconds=max_skew,
        origin=pick("origin", "zhifa.example/ledger"),
        holidays_file=Path(holidays).resolve() if (holidays := pick("holidays_file", "")) else None,
    )
