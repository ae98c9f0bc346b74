"""A measure's target as it stood, kept as plain JSON-safe data so a quarter can be rated and printed later
against the target that was in force then, whatever the admin or a workbook has changed since.

Pure: `spec_record(spec)` writes a `MeasureSpec` as a dict of strings and numbers; `spec_from_record`
reads it back exactly (Decimals as strings, dates as ISO dates).
"""

from datetime import date
from decimal import Decimal

from indicators.kinds import Aggregation, Polarity, TargetKind, Unit
from indicators.targets import FIELD_WORDS, MeasureSpec

_DECIMALS = {
    "target_value",
    "baseline_value",
    "amber_threshold_percent",
    "change_percent",
    "band_percent",
    "range_low",
    "range_high",
}


def spec_record(spec: MeasureSpec) -> dict:
    """The spec as JSON-safe data: choices by value, Decimals as strings, dates as ISO dates."""
    record: dict = {
        "unit": str(spec.unit),
        "polarity": str(spec.polarity),
        "aggregation": str(spec.aggregation),
        "target_kind": str(spec.target_kind),
    }
    for name in FIELD_WORDS:
        value = getattr(spec, name)
        if isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, date):
            value = value.isoformat()
        record[name] = value
    return record


def spec_from_record(record: dict) -> MeasureSpec:
    """The spec `spec_record` wrote."""
    values = {}
    for name in FIELD_WORDS:
        value = record.get(name)
        if value is not None and name in _DECIMALS:
            value = Decimal(value)
        elif value is not None and name == "due_date":
            value = date.fromisoformat(value)
        values[name] = value
    values["benchmark_group"] = values["benchmark_group"] or ""
    return MeasureSpec(
        unit=Unit(record["unit"]),
        polarity=Polarity(record["polarity"]),
        aggregation=Aggregation(record["aggregation"]),
        target_kind=TargetKind(record["target_kind"]),
        **values,
    )
