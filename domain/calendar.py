"""Legal time: Asia/Shanghai dates, the official working-day calendar and the end of every statutory period.

Counting follows 《民事诉讼法》第八十五条 (which 《行政复议法》第八十八条 and 《行政诉讼法》第一百零一条 apply): the day of
the event is not counted; a period whose last day is a rest day (法定休假日, weekends included) ends on the next
working day; a month or year period ends on the corresponding date of the last month, or on that month's last day
when it has no such date (《民法典》第二百零二条). A working-day period (《行政处罚法》第八十五条) counts only working
days, so it always ends on one.

Working days come from the State Council's yearly notice (调休 included): ``chinese-calendar`` for the years it
carries, then ``domain/data/holidays_extra.json`` and the operator's own holidays file (``holidays_file`` in the
settings, read and validated by :mod:`zhifa.calendar_file`) for the years added since. For a year covered by none,
Monday–Friday count as working days and every deadline whose computation looked at such a day is **provisional** —
shown as such (on the clock, the receipt and the refusal), never a crash.

The calendar is injected, not built at import: domain code asks :func:`default_calendar`, which is the calendar
the composition root installed with :func:`use_calendar` (the CLI does so from the settings before any act is
decided), or else — only when first asked — the bundled one (chinese-calendar + the package's file). Code that
holds a :class:`WorkCalendar` of its own calls its methods directly.

Excluded periods (检测、检验、鉴定、听证、公告等期间不计入) are pauses ``(from, to)``: the clock stops after the day
``from`` and restarts on the day after ``to`` — the days from ``from + 1`` to ``to`` are not counted, the same
"start day not counted" rule applied to the pause.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from zoneinfo import ZoneInfo

import chinese_calendar
import msgspec

from domain.law import rule

LEGAL_TZ = ZoneInfo("Asia/Shanghai")
ONE_DAY = dt.timedelta(days=1)

Moment = dt.datetime | dt.date
"""A pause boundary or a period start: an aware timestamp (read in Asia/Shanghai) or a date already local."""
Pause = tuple[Moment, Moment]

_EXTRA_FILE = "data/holidays_extra.json"


def local_date(ts: dt.datetime) -> dt.date:
    """The Asia/Shanghai calendar date of an aware timestamp: legal days are Beijing days, not UTC days.

    Computed each time, not remembered: the moments asked about are mostly new objects (each act's decoded
    ``recorded_at``), and hashing a new aware datetime for a cache key cost about as much as the conversion itself —
    with the lookup on top, an LRU made a replay's calls about twice as slow (1.5 µs against 0.55 µs)."""
    if ts.tzinfo is not dt.UTC and (ts.tzinfo is None or ts.utcoffset() is None):
        raise ValueError(f"legal time needs an aware timestamp, got naive {ts.isoformat()}")
    return ts.astimezone(LEGAL_TZ).date()


def _as_local_date(moment: Moment) -> dt.date:
    if isinstance(moment, dt.datetime):
        return local_date(moment)
    return moment


PROVISIONAL_NOTE = "provisional: counted Monday–Friday, the official calendar does not cover {years}"


class Deadline(msgspec.Struct, frozen=True):
    """The last day of a period. ``provisional``: a day it depends on lies in a year the calendar does not cover.

    ``source`` names the rule that set the period's length when it is not the national default (an agency's
    rule act, see :mod:`domain.local_rules`); empty for the national default.
    """

    date: dt.date
    provisional: bool = False
    rule_key: str | None = None
    source: str = ""

    def later(self, other: Deadline) -> Deadline:
        """The later of two deadlines; provisional if either is (the comparison rested on both)."""
        chosen = self if self.date >= other.date else other
        return msgspec.structs.replace(chosen, provisional=self.provisional or other.provisional)

    def note(self) -> str:
        """`` (provisional: …)`` when provisional, else empty: appended to a refusal's detail that rests on it."""
        if not self.provisional:
            return ""
        return f" ({PROVISIONAL_NOTE.format(years=self.date.year)})"


# -- pure date arithmetic (no calendar) ------------------------------------------------------------------------
def shift_months(start: dt.date, months: int) -> dt.date:
    """The corresponding date ``months`` later (or earlier), clamped to the month's last day (1-31 + 1 → 2-28/29)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _stdlib_calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(start.day, last))


def shift_years(start: dt.date, years: int) -> dt.date:
    """The corresponding date ``years`` later (or earlier); 2-29 maps to 2-28 in a common year."""
    return shift_months(start, 12 * years)


# -- the operator's extension file --------------------------------------------------------------------------------
class _YearSchedule(msgspec.Struct, forbid_unknown_fields=True):
    source: str
    holidays: list[dt.date] = msgspec.field(default_factory=list)
    workdays: list[dt.date] = msgspec.field(default_factory=list)


class _ExtraFile(msgspec.Struct, forbid_unknown_fields=True):
    years: dict[int, _YearSchedule]
    about: str = ""


def parse_extra_years(raw: bytes | str) -> dict[int, dict[dt.date, bool]]:
    """Parse a holidays file: ``{"years": {"2027": {"source": notice, "holidays": [...], "workdays": [...]}}}``.

    ``holidays`` are the rest days of the notice (weekends inside a holiday block may be listed or not),
    ``workdays`` the adjusted working days (调休上班, usually a Saturday or Sunday). Returns year → {date: is_working}.
    """
    try:
        parsed = msgspec.json.decode(raw, type=_ExtraFile)
    except msgspec.ValidationError as exc:
        raise ValueError(f"holidays file is malformed: {exc}") from exc
    years: dict[int, dict[dt.date, bool]] = {}
    for year, schedule in parsed.years.items():
        if not schedule.source.strip():
            raise ValueError(f"holidays file: year {year} names no source notice")
        days: dict[dt.date, bool] = {}
        for day, working in [(d, False) for d in schedule.holidays] + [(d, True) for d in schedule.workdays]:
            if day.year != year:
                raise ValueError(f"holidays file: {day.isoformat()} is listed under year {year}")
            if days.get(day, working) != working:
                raise ValueError(f"holidays file: {day.isoformat()} is listed both as a holiday and a working day")
            days[day] = working
        years[year] = days
    return years


def _bundled_extra_years() -> dict[int, dict[dt.date, bool]]:
    source = resources.files("domain").joinpath(_EXTRA_FILE)
    if not source.is_file():
        return {}
    return parse_extra_years(source.read_bytes())


# chinese-calendar's own tables; its is_workday() rescans them on every call, so the rule is restated here
# (tests check it agrees with is_workday on every covered day).
_CC_HOLIDAYS: frozenset[dt.date] = frozenset(chinese_calendar.holidays)
_CC_WORKDAYS: frozenset[dt.date] = frozenset(chinese_calendar.workdays)
CHINESE_CALENDAR_YEARS = range(
    min(d.year for d in _CC_HOLIDAYS), max(d.year for d in _CC_HOLIDAYS) + 1
)


_MAX_REMEMBERED_ENDS = 65_536


class WorkCalendar:
    """Working days by the official schedule; ``extra_years`` (year → {date: is_working}) extends or corrects it.

    A year in ``extra_years`` is covered: its listed dates are as listed, the rest Monday–Friday. A listed date
    in a year ``chinese-calendar`` carries overrides it (a late correction by the State Council). ``source``
    says where the extra years came from (shown by the CLI).
    """

    def __init__(self, extra_years: Mapping[int, Mapping[dt.date, bool]] | None = None, source: str = "") -> None:
        self.source = source
        self.extra_years: dict[int, dict[dt.date, bool]] = {y: dict(d) for y, d in (extra_years or {}).items()}
        self._overrides: dict[dt.date, bool] = {}
        self._extra_years: frozenset[int] = frozenset(extra_years or {})
        #: Periods without pauses, once computed (the schedule is fixed at construction): a replay asks for the same
        #: few periods from the same days again and again, each a walk over the days it spans.
        self._ends: dict[tuple[dt.date, int, str], Deadline] = {}
        for year, days in (extra_years or {}).items():
            for day, working in days.items():
                if day.year != year:
                    raise ValueError(f"{day.isoformat()} is listed under year {year}")
                self._overrides[day] = working

    # -- one day ----------------------------------------------------------------------------------------------
    def is_covered(self, day: dt.date) -> bool:
        """Whether an official schedule is known for ``day``'s year (else Monday–Friday is a guess)."""
        return day.year in CHINESE_CALENDAR_YEARS or day.year in self._extra_years

    def is_working_day(self, day: dt.date) -> bool:
        """工作日: not a weekend or public holiday, or an adjusted working day (调休上班)."""
        if day in self._overrides:
            return self._overrides[day]
        if day.year in CHINESE_CALENDAR_YEARS:
            return day in _CC_WORKDAYS or (day.weekday() < 5 and day not in _CC_HOLIDAYS)
        return day.weekday() < 5

    def covered_years(self) -> list[int]:
        return sorted(set(CHINESE_CALENDAR_YEARS) | self._extra_years)

    # -- counting ---------------------------------------------------------------------------------------------
    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``start`` (``start`` itself not counted)."""
        return self.period_end(start, n, "working_days").date

    def add_calendar_days(self, start: dt.date, n: int) -> dt.date:
        """Last day of an ``n``-day period from ``start``: start + n, moved to the next working day if a rest day."""
        return self.period_end(start, n, "calendar_days").date

    def add_months(self, start: dt.date, n: int) -> dt.date:
        """Last day of an ``n``-month period: the corresponding date (clamped), moved off a rest day."""
        return self.period_end(start, n, "months").date

    def add_years(self, start: dt.date, n: int) -> dt.date:
        """Last day of an ``n``-year period: the corresponding date (2-29 → 2-28), moved off a rest day."""
        return self.period_end(start, n, "years").date

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days of a period have run by ``end``."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count

    def period(self, start: Moment, rule_key: str, pauses: Sequence[Pause] = ()) -> Deadline:
        """The deadline of the rule ``rule_key`` (domain.law) for a period starting at ``start``, pauses excluded."""
        law = rule(rule_key)
        end = self.period_end(_as_local_date(start), law.value, law.unit, pauses)
        return Deadline(end.date, end.provisional, rule_key)

    def period_end(self, start: dt.date, n: int, unit: str, pauses: Sequence[Pause] = ()) -> Deadline:
        """The last day of a period of ``n`` ``unit`` (working_days, calendar_days, months, years) after ``start``."""
        if isinstance(start, dt.datetime):
            raise TypeError("period_end takes a local date; use period() or local_date() for a timestamp")
        if n < 0:
            raise ValueError(f"a period cannot be negative ({n} {unit})")
        if not pauses:
            key = (start, n, unit)
            found = self._ends.get(key)
            if found is None:
                if len(self._ends) >= _MAX_REMEMBERED_ENDS:
                    self._ends.clear()
                found = self._ends[key] = self._period_end(start, n, unit, frozenset())
            return found
        return self._period_end(start, n, unit, paused_days(pauses))

    def _period_end(self, start: dt.date, n: int, unit: str, paused: frozenset[dt.date]) -> Deadline:
        if unit == "working_days":
            return self._count_working_days(start, n, paused)
        if unit == "calendar_days":
            nominal = start + dt.timedelta(days=n)
        elif unit == "months":
            nominal = shift_months(start, n)
        elif unit == "years":
            nominal = shift_years(start, n)
        else:
            raise ValueError(f"{unit!r} is not a unit of days, months or years")
        return self._roll_to_working_day(_skip_paused(start, nominal, paused), paused)

    # -- internals --------------------------------------------------------------------------------------------
    def _count_working_days(self, start: dt.date, n: int, paused: frozenset[dt.date]) -> Deadline:
        day, remaining, provisional = start, n, False
        while remaining:
            day += ONE_DAY
            if day in paused:
                continue
            provisional |= not self.is_covered(day)
            remaining -= self.is_working_day(day)
        return Deadline(day, provisional)

    def _roll_to_working_day(self, day: dt.date, paused: frozenset[dt.date]) -> Deadline:
        provisional = False
        while True:
            provisional |= not self.is_covered(day)
            if day not in paused and self.is_working_day(day):
                return Deadline(day, provisional)
            day += ONE_DAY


def paused_days(pauses: Iterable[Pause]) -> frozenset[dt.date]:
    """The days a list of pauses takes off the clock: ``from + 1`` through ``to`` of each (overlaps merge)."""
    days: set[dt.date] = set()
    for begin, end in pauses:
        first, last = _as_local_date(begin), _as_local_date(end)
        if last < first:
            raise ValueError(f"a pause cannot end ({last.isoformat()}) before it begins ({first.isoformat()})")
        day = first + ONE_DAY
        while day <= last:
            days.add(day)
            day += ONE_DAY
    return frozenset(days)


def _skip_paused(start: dt.date, nominal_end: dt.date, paused: frozenset[dt.date]) -> dt.date:
    """Push ``nominal_end`` out by the paused days inside (start, nominal_end], skipping paused days met on the way."""
    owed = sum(1 for day in paused if start < day <= nominal_end)
    day = nominal_end
    while owed:
        day += ONE_DAY
        if day not in paused:
            owed -= 1
    return day


# -- the calendar in use (injected by the composition root) -------------------------------------------------------
_bundled: WorkCalendar | None = None
_installed: WorkCalendar | None = None


def bundled_calendar() -> WorkCalendar:
    """chinese-calendar plus the package's ``domain/data/holidays_extra.json`` (read once, when first asked)."""
    global _bundled
    if _bundled is None:
        _bundled = WorkCalendar(_bundled_extra_years(), source=f"domain/{_EXTRA_FILE}")
    return _bundled


def default_calendar() -> WorkCalendar:
    """The calendar domain rules count with: the one installed by :func:`use_calendar`, else the bundled one."""
    return _installed if _installed is not None else bundled_calendar()


def use_calendar(calendar: WorkCalendar | None) -> None:
    """Install the calendar every rule counts with (the composition root's call); ``None`` restores the bundled."""
    global _installed
    _installed = calendar


@contextmanager
def calendar_in_use(calendar: WorkCalendar) -> Iterator[WorkCalendar]:
    """Count with ``calendar`` inside the block (tests, and a tool that answers for one operator's file)."""
    previous = _installed
    use_calendar(calendar)
    try:
        yield calendar
    finally:
        use_calendar(previous)


def with_extra_years(extra_years: Mapping[int, Mapping[dt.date, bool]], source: str) -> WorkCalendar:
    """The bundled calendar extended (year by year, the operator's year winning) by an operator's schedule."""
    merged = {**bundled_calendar().extra_years, **extra_years}
    return WorkCalendar(merged, source=source)


def is_working_day(day: dt.date) -> bool:
    return default_calendar().is_working_day(day)


def add_working_days(start: dt.date, n: int) -> dt.date:
    return default_calendar().add_working_days(start, n)


def add_calendar_days(start: dt.date, n: int) -> dt.date:
    return default_calendar().add_calendar_days(start, n)


def add_months(start: dt.date, n: int) -> dt.date:
    return default_calendar().add_months(start, n)


def add_years(start: dt.date, n: int) -> dt.date:
    return default_calendar().add_years(start, n)


def period_end(start: dt.date, n: int, unit: str, pauses: Sequence[Pause] = ()) -> Deadline:
    """:meth:`WorkCalendar.period_end` on the calendar in use."""
    return default_calendar().period_end(start, n, unit, pauses)


def period(start: Moment, rule_key: str, pauses: Sequence[Pause] = ()) -> Deadline:
    """The deadline of ``rule_key`` from ``start`` on the calendar in use (see :meth:`WorkCalendar.period`)."""
    return default_calendar().period(start, rule_key, pauses)


def hours_after(start: dt.datetime, rule_key: str) -> dt.datetime:
    """The instant a rule counted in hours runs out (e.g. 紧急措施 reported within 24 hours, ACL Art 19)."""
    law = rule(rule_key)
    if law.unit != "hours":
        raise ValueError(f"rule {rule_key} counts {law.unit}, not hours")
    local_date(start)  # refuses a naive timestamp
    return start + dt.timedelta(hours=law.value)
