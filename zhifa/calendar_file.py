"""The operator's holidays file: read, validated and installed as the calendar every rule counts with.

``holidays_file`` in the settings (``ZHIFA_HOLIDAYS_FILE`` or ``holidays_file`` under ``[zhifa]`` in
``zhifa.toml``) names a JSON file outside the package, in the format of ``domain/data/holidays_extra.json``:
``{"years": {"2027": {"source": "国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）",
"holidays": ["2027-01-01", …], "workdays": ["2027-02-06", …]}}}``. Its years are added to (or, for a year
chinese-calendar carries, correct) the bundled calendar. A file that cannot be used is refused on load with one
line naming the file and the problem — never half-read, never ignored.
"""

from __future__ import annotations

from pathlib import Path

from domain.calendar import WorkCalendar, bundled_calendar, parse_extra_years, use_calendar, with_extra_years


class HolidaysFileError(ValueError):
    """The operator's holidays file cannot be used; the message names the file and the problem."""


def load_holidays_file(path: Path) -> WorkCalendar:
    """The bundled calendar extended by the file at ``path``, or HolidaysFileError naming the file and the problem."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise HolidaysFileError(f"holidays file {path}: no such file") from None
    except OSError as exc:
        raise HolidaysFileError(f"holidays file {path}: cannot be read ({exc.strerror})") from None
    try:
        years = parse_extra_years(raw)
    except ValueError as exc:
        problem = str(exc).removeprefix("holidays file is malformed: ").removeprefix("holidays file: ")
        raise HolidaysFileError(f"holidays file {path}: {problem}") from None
    if not years:
        raise HolidaysFileError(f"holidays file {path}: lists no year")
    for year, days in sorted(years.items()):
        if not any(working is False for working in days.values()):
            # Every State Council notice lists rest days; an empty year would mark it covered on a guess.
            raise HolidaysFileError(f"holidays file {path}: year {year} lists no holidays")
    return with_extra_years(years, source=str(path))


def install_calendar(holidays_file: Path | None) -> WorkCalendar:
    """Install the calendar for this process: the operator's file over the bundled one, or the bundled one alone."""
    calendar = bundled_calendar() if holidays_file is None else load_holidays_file(holidays_file)
    use_calendar(calendar)
    return calendar
