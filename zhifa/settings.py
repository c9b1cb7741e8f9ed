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


def load_settings(config_file: Path | None = None) -> Settings:
    """Environment wins over ``zhifa.toml``, which wins over defaults."""
    path = config_file or Path(os.environ.get("ZHIFA_CONFIG", "zhifa.toml"))
    file_values: dict[str, object] = {}
    if path.is_file():
        file_values = tomllib.loads(path.read_text()).get("zhifa", {})

    def pick(name: str, default: str) -> str:
        return os.environ.get(f"ZHIFA_{name.upper()}") or str(file_values.get(name, default))

    var_dir = Path(pick("var_dir", "var")).resolve()
    database_url = pick("database_url", f"sqlite:///{var_dir / 'zhifa.sqlite'}")
    return Settings(
        var_dir=var_dir,
        database_url=database_url,
        max_skew_seconds=int(pick("max_skew_seconds", "300")),
        origin=pick("origin", "zhifa.example/ledger"),
        holidays_file=Path(holidays).resolve() if (holidays := pick("holidays_file", "")) else None,
    )
