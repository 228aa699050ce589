"""Cell values as people type them, turned into typed values.

Each parser takes a raw cell (a string from CSV, or whatever openpyxl gives:
str, int, float, datetime) and returns the value or raises `ValueProblemError`
with a message for a person.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from relint.core.models import DatePrecision

# Excel's day 0 (its leap-year bug included, as every program reproduces it).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MIN_YEAR, _MAX_YEAR = 1900, 2100


class ValueProblemError(ValueError):
    pass


def normalise(text: str) -> str:
    """Casefolded, without accents, with runs of spaces and punctuation as
    one space: "Köln", "KOLN" and "koln" agree."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("ß", "ss").replace("ø", "o").replace("ł", "l").replace("đ", "d")
    return re.sub(r"[\W_]+", " ", stripped.casefold()).strip()


# For the names looked up on every row (departments, kinds, statuses,
# countries, partners): a workbook repeats them, and normalising was a fifth
# of the dry run. Bounded, so memory stays flat in the number of rows.
normalise_name = functools.lru_cache(maxsize=2048)(normalise)


def as_text(value) -> str:
    """A cell as text, keeping what the person typed: leading zeros of a
    text cell stay, a whole number stored as a float loses its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _checked(year: int, month: int, day: int) -> dt.date:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ValueProblemError(
            _("The year %(year)d is out of range (%(min)d–%(max)d).")
            % {"year": year, "min": _MIN_YEAR, "max": _MAX_YEAR}
        )
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise ValueProblemError(
            _("%(day)02d/%(month)02d/%(year)d is not a date of the calendar.")
            % {"day": day, "month": month, "year": year}
        ) from error


_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4})\s*[-–—/]\s*(\d{4})$")


def parse_date(value) -> tuple[dt.date, str] | None:
    """A date and its precision, or None for an empty cell.

    Accepts a date cell, an Excel serial number, 31/12/2025 (also with dots
    or dashes, and two-digit years), 2025-12-31, 12/2025 and 2025-12 (month
    precision), 2025 (year precision).
    """
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return _checked(value.year, value.month, value.day), DatePrecision.DAY
    if isinstance(value, dt.date):
        return _checked(value.year, value.month, value.day), DatePrecision.DAY
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value)
        if _MIN_YEAR <= number <= _MAX_YEAR and number == value:
            return dt.date(number, 1, 1), DatePrecision.YEAR
        if 1 <= value < 80000:
            date = _EXCEL_EPOCH + dt.timedelta(days=int(value))
            return _checked(date.year, date.month, date.day), DatePrecision.DAY
        raise ValueProblemError(_("%(value)s is neither a year nor a date.") % {"value": value})
    text = as_text(value)
    if match := _DMY.match(text):
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year += 2000 if year < 70 else 1900
        if month > 12:
            raise ValueProblemError(_("“%(value)s”: write dates day first, as 31/12/2025.") % {"value": text})
        return _checked(year, month, day), DatePrecision.DAY
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
        return _checked(year, month, day), DatePrecision.DAY
    if (match := _MONTH_YEAR.match(text)) or (match := _YEAR_MONTH.match(text)):
        first, second = (int(part) for part in match.groups())
        year, month = (second, first) if first <= 12 and second > 12 else (first, second)
        if not 1 <= month <= 12:
            raise ValueProblemError(_("“%(value)s” has no month %(month)d.") % {"value": text, "month": month})
        return _checked(year, month, 1), DatePrecision.MONTH
    if match := _YEAR.match(text):
        return _checked(int(match.group(1)), 1, 1), DatePrecision.YEAR
    raise ValueProblemError(
        _("“%(value)s” is not a date: write 31/12/2025, 2025-12-31, 12/2025 or 2025.") % {"value": text[:50]}
    )


def parse_range(value) -> tuple[tuple[dt.date, str], tuple[dt.date, str]] | None:
    """A range of years such as 2000-2006 (both year precision), or None if
    the cell is not one."""
    if isinstance(value, str) and (match := _RANGE.match(value.strip())):
        start, end = int(match.group(1)), int(match.group(2))
        if end < start:
            raise ValueProblemError(_("The range %(value)s ends before it starts.") % {"value": value.strip()})
        return (_checked(start, 1, 1), DatePrecision.YEAR), (_checked(end, 1, 1), DatePrecision.YEAR)
    return None


_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")


def parse_amount(value) -> Decimal | None:
    """An amount in EUR with two decimals: € 1.234,56, 1234,56, 1,234.56,
    1.234 (Italian thousands), a number cell."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        amount = Decimal(str(value))
    else:
        text = as_text(value)
        cleaned = re.sub(r"(?i)\s|\u00a0|€|eur(o)?", "", text)
        negative = cleaned.startswith("-")
        cleaned = cleaned.lstrip("+-")
        if "," in cleaned and "." in cleaned:
            decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
            thousands = "." if decimal_mark == "," else ","
            cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
        elif "," in cleaned:
            cleaned = cleaned.replace(",", "") if _THOUSANDS_COMMA.match(cleaned) and len(cleaned) > 5 else cleaned
            cleaned = cleaned.replace(",", ".")
        elif _THOUSANDS_DOT.match(cleaned):
            cleaned = cleaned.replace(".", "")
        if cleaned.count(".") > 1 or not re.fullmatch(r"\d+(\.\d+)?", cleaned):
            raise ValueProblemError(_("“%(value)s” is not an amount: write it as € 1.234,56.") % {"value": text[:50]})
        amount = Decimal(cleaned)
        if negative:
            amount = -amount
    try:
        amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as error:
        raise ValueProblemError(_("The amount is too large.")) from error
    if amount < 0:
        raise ValueProblemError(_("An amount cannot be negative."))
    if amount >= Decimal("1e12"):
        raise ValueProblemError(_("The amount is too large."))
    return amount


_YES = {"si", "sì", "yes", "y", "s", "true", "vero", "1", "x"}
_NO = {"no", "n", "false", "falso", "0"}


_YES_KEYS = {normalise(word) for word in _YES}


def parse_bool(value) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = normalise_name(as_text(value))
    if text in _YES_KEYS:
        return True
    if text in _NO:
        return False
    raise ValueProblemError(_("“%(value)s”: write sì or no.") % {"value": as_text(value)[:50]})


def parse_year(value) -> int | None:
    if is_blank(value):
        return None
    text = as_text(value)
    if not re.fullmatch(r"\d{4}", text):
        raise ValueProblemError(_("“%(value)s” is not a year.") % {"value": text[:50]})
    return int(text)


def split_list(value) -> list[str]:
    """The items of a multi-valued cell, separated by semicolons or new lines."""
    text = as_text(value)
    return [item.strip() for item in re.split(r"[;\n]", text) if item.strip()]
