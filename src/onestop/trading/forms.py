"""Parsing of the posted fields the trading pages share (a bad value is a Chinese message)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.http import QueryDict

from onestop.trading.errors import TradingError
from onestop.workdays.calendar import centre_zone


def decimal_field(data: QueryDict, name: str, label: str) -> Decimal:
    try:
        value = Decimal(data.get(name, "").replace(",", "").strip())
    except InvalidOperation as e:
        raise TradingError(f"{label}应为数字", field=name) from e
    if not value.is_finite():
        raise TradingError(f"{label}应为数字", field=name)
    return value


def datetime_field(data: QueryDict, name: str, label: str) -> datetime:
    text = data.get(name, "").strip()
    try:
        naive = datetime.fromisoformat(text)
    except ValueError as e:
        raise TradingError(f"{label}格式应为 YYYY-MM-DD HH:MM", field=name) from e
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=centre_zone())


def date_field(data: QueryDict, name: str, label: str) -> date:
    try:
        return date.fromisoformat(data.get(name, "").strip())
    except ValueError as e:
        raise TradingError(f"{label}格式应为 YYYY-MM-DD", field=name) from e


def int_field(data: QueryDict, name: str, label: str) -> int:
    try:
        return int(data.get(name, "").strip())
    except ValueError as e:
        raise TradingError(f"{label}应为整数", field=name) from e
