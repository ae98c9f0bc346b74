"""Plausible, deterministic demo figures, so every comparison on every page has something to show.

A measure's demo series is a level with a gentle trend, a seasonal shape and a little noise. The noise
comes from a `random.Random` seeded by the measure code and the quarter, never the clock, so the same
measure and quarter always give the same figure, on any machine and on any run. The trend is counted in
quarters from the start of the measure's plan year, so the same profile serves any plan year.

Profiles for the Medway plan's measures are set by hand to sit in the ranges the partnership reports
(adults in treatment around 1,400 against a target of 1,416; a handful of Turnaround completions a
quarter; ASB incidents in the low thousands). Any other measure gets a generic profile for its unit.
"""

import random
from dataclasses import dataclass
from decimal import Decimal

from indicators.kinds import Aggregation, MilestoneStatus, Unit
from indicators.models import Measure
from indicators.quarters import Quarter

# How each quarter (Q1 April-June ... Q4 January-March) differs from the year's average, as a fraction.
SEASONS = {
    "flat": (0.0, 0.0, 0.0, 0.0),
    "summer": (0.04, 0.10, -0.02, -0.12),  # ASB, fires, outdoor activity: long light evenings
    "school": (0.05, -0.35, 0.15, 0.15),  # work in schools stops over the summer holidays
    "winter": (0.0, 0.05, 0.15, -0.20),  # the night-time economy peaks before Christmas
}


@dataclass(frozen=True)
class Profile:
    """A measure's demo series.

    `base` is the level in the plan year's first quarter (for a ratio, the denominator's); `trend` the
    change per quarter as a fraction of it; `noise` the largest random swing, as a fraction. A ratio also
    has `rate`, its percentage, moving `rate_trend` points a quarter, swinging up to `rate_noise` points.
    A milestone starts `started` quarters from the plan year's start and is complete at `complete`.
    """

    base: float = 0.0
    trend: float = 0.0
    season: str = "flat"
    amplitude: float = 1.0
    noise: float = 0.1
    rate: float = 0.0
    rate_trend: float = 0.0
    rate_noise: float = 4.0
    started: int = -4
    complete: int | None = None


def _ratio(denominator: float, rate: float, rate_trend: float = 0.3, **kwargs) -> Profile:
    return Profile(base=denominator, rate=rate, rate_trend=rate_trend, **kwargs)


PROFILES: dict[str, Profile] = {
    # Tackle anti-social behaviour
    "ASB-01-A": Profile(1950, trend=-0.008, season="summer", noise=0.04),
    "ASB-01-B": Profile(95, trend=-0.01, season="summer", amplitude=3.0, noise=0.1),
    "ASB-01-C": Profile(45, trend=-0.015, season="summer", amplitude=1.5, noise=0.15),
    "ASB-02-A": Profile(24, trend=-0.02, noise=0.05),
    "ASB-03-A": Profile(160, trend=0.01, season="summer", amplitude=0.5),
    "ASB-04-A": Profile(210, trend=-0.005, season="summer", amplitude=0.8, noise=0.07),
    "ASB-05-A": Profile(70, trend=0.02, season="summer", amplitude=0.5, noise=0.15),
    "ASB-06-A": Profile(4, noise=0.35),
    "ASB-07-A": Profile(450, trend=0.02, season="school"),
    "ASB-08-A": Profile(120, trend=0.02, noise=0.15),
    "ASB-09-A": Profile(9, trend=0.02, noise=0.25),
    "ASB-10-A": Profile(14, noise=0.3),
    "ASB-11-A": Profile(started=-2, complete=1),
    "ASB-11-B": Profile(started=0),
    "ASB-12-A": Profile(520, trend=0.01, noise=0.06),
    "ASB-12-B": Profile(6, noise=0.35),
    "ASB-13-A": Profile(18, trend=0.015, noise=0.05),
    "ASB-13-B": Profile(75, season="summer", amplitude=1.5, noise=0.12),
    "ASB-14-A": Profile(28, trend=-0.01, noise=0.15),
    "ASB-15-A": Profile(850, trend=0.015, noise=0.08),
    "ASB-16-A": Profile(started=-6),
    "ASB-16-B": Profile(22, trend=-0.03, noise=0.12),
    "ASB-17-A": Profile(60, trend=0.03, noise=0.2),
    "ASB-18-A": Profile(5, noise=0.35),
    "ASB-19-A": Profile(7, season="school", noise=0.25),
    "ASB-20-A": Profile(11, noise=0.3),
    "ASB-21-A": Profile(5, noise=0.3),
    # Violence against women and girls
    "VAWG-01-A": Profile(1250, trend=0.005, season="summer", amplitude=0.5, noise=0.04),
    "VAWG-01-B": _ratio(1200, 9.0, rate_trend=0.2, rate_noise=1.0, noise=0.04),
    "VAWG-01-C": _ratio(1200, 38.0, rate_noise=2.0, noise=0.04),
    "VAWG-02-A": Profile(12, noise=0.25),
    "VAWG-03-A": Profile(48, season="winter"),
    "VAWG-04-A": Profile(38, noise=0.15),
    "VAWG-04-B": Profile(9, noise=0.2),
    "VAWG-04-C": _ratio(30, 58.0, rate_trend=0.5, rate_noise=6.0),
    "VAWG-05-A": Profile(42, trend=0.02),
    "VAWG-05-B": Profile(55),
    "VAWG-05-C": _ratio(55, 72.0),
    "VAWG-05-D": _ratio(40, 61.0),
    "VAWG-06-A": Profile(18, noise=0.2),
    "VAWG-06-B": _ratio(140, 78.0),
    "VAWG-06-C": _ratio(14, 57.0, rate_noise=7.0),
    "VAWG-07-A": _ratio(36, 92.0, rate_trend=0.1, rate_noise=3.0),
    "VAWG-08-A": Profile(started=-3, complete=2),
    # Tackle drugs and alcohol
    "DRUGS-01-A": Profile(4, noise=0.4),
    "DRUGS-02-A": Profile(190, noise=0.08),
    "DRUGS-02-B": Profile(24, noise=0.2),
    "DRUGS-03-A": Profile(140, trend=0.02),
    "DRUGS-04-A": Profile(16800, trend=-0.008, noise=0.015),
    "DRUGS-04-B": Profile(2950, trend=-0.005, noise=0.02),
    "DRUGS-04-C": Profile(3800, trend=0.003, noise=0.02),
    "DRUGS-04-D": Profile(118, trend=-0.01, noise=0.03),
    "DRUGS-05-A": Profile(1400, trend=0.0035, noise=0.008),
    "DRUGS-06-A": Profile(88, trend=0.008, noise=0.04),
    "DRUGS-07-A": _ratio(45, 63.0, rate_trend=0.35, rate_noise=3.0, noise=0.15),
    "DRUGS-08-A": Profile(9, noise=0.3),
    "DRUGS-08-B": Profile(14, noise=0.25),
    "DRUGS-08-C": _ratio(8, 62.0, rate_noise=8.0, noise=0.25),
    "DRUGS-08-D": _ratio(12, 48.0, rate_noise=8.0, noise=0.25),
    # Reduce reoffending
    "REOFF-01-A": Profile(142, trend=-0.008, noise=0.03),
    "REOFF-02-A": Profile(7, trend=0.02, noise=0.25),
    "REOFF-03-A": _ratio(420, 81.0, rate_noise=2.0),
    "REOFF-04-A": _ratio(260, 88.0, rate_noise=2.0),
    "REOFF-05-A": Profile(65),
    "REOFF-05-B": _ratio(50, 64.0),
    "REOFF-06-A": Profile(11, noise=0.25),
    "REOFF-06-B": _ratio(90, 74.0),
    "REOFF-06-C": _ratio(9, 55.0, rate_noise=8.0, noise=0.25),
    "REOFF-07-A": Profile(160),
    "REOFF-07-B": Profile(28, noise=0.15),
    "REOFF-07-C": _ratio(120, 60.0, rate_noise=3.0),
}


def _generic_profile(measure: Measure) -> Profile:
    """A sensible series for a measure with no hand-set profile, chosen by its unit and its code."""
    rng = random.Random(f"profile|{measure.code}")  # noqa: S311 (demo data, not security)
    if measure.unit == Unit.MILESTONE:
        return Profile(started=rng.randint(-6, 0))
    if measure.aggregation == Aggregation.RATIO:
        return _ratio(rng.randint(20, 200), rng.uniform(40, 90))
    if measure.unit == Unit.PERCENTAGE:
        return Profile(rng.uniform(40, 90), trend=rng.uniform(-0.005, 0.005), noise=0.05)
    if measure.unit == Unit.RATE_PER_100K:
        return Profile(rng.uniform(50, 500), trend=rng.uniform(-0.01, 0.01), noise=0.05)
    return Profile(rng.randint(10, 300), trend=rng.uniform(-0.015, 0.015))


def demo_observation(measure: Measure, quarter: Quarter) -> dict[str, Decimal | str | None]:
    """One measure's demo figure for one quarter, as a return stores it: value, numerator, denominator
    and status, each None (or "" for status) where the measure's kind does not use it."""
    profile = PROFILES.get(measure.code) or _generic_profile(measure)
    plan_start = Quarter(measure.indicator.priority.plan_year.start_year, 1)
    t = (quarter.year * 4 + quarter.number) - (plan_start.year * 4 + plan_start.number)
    rng = random.Random(f"{measure.code}|{quarter.code}")  # noqa: S311 (demo data, not security)
    observation: dict[str, Decimal | str | None] = {
        "value": None,
        "numerator": None,
        "denominator": None,
        "status": "",
    }
    if measure.unit == Unit.MILESTONE:
        if profile.complete is not None and t >= profile.complete:
            observation["status"] = MilestoneStatus.COMPLETE.value
        elif t >= profile.started:
            observation["status"] = MilestoneStatus.IN_PROGRESS.value
        else:
            observation["status"] = MilestoneStatus.NOT_STARTED.value
        return observation
    seasonal = SEASONS[profile.season][quarter.number - 1] * profile.amplitude
    level = profile.base * (1 + profile.trend * t) * (1 + seasonal) * (1 + rng.uniform(-1, 1) * profile.noise)
    if measure.aggregation == Aggregation.RATIO:
        denominator = max(1, round(level))
        rate = profile.rate + profile.rate_trend * t + rng.uniform(-1, 1) * profile.rate_noise
        numerator = round(denominator * min(max(rate, 0.0), 100.0) / 100)
        observation["numerator"] = Decimal(min(numerator, denominator))
        observation["denominator"] = Decimal(denominator)
    elif measure.unit == Unit.COUNT:
        observation["value"] = Decimal(max(0, round(level)))
    else:
        ceiling = 100.0 if measure.unit == Unit.PERCENTAGE else 100_000.0
        observation["value"] = Decimal(f"{min(max(level, 0.0), ceiling):.1f}")
    return observation
