"""The partnership and who belongs to it: partnerships, their plan years, agencies and memberships.

Everything else hangs from these: a plan year's priorities and indicators (themes, indicators), and the
quarter's returns (returns). An officer belongs to agencies through memberships, which decide what they see.
"""

import hashlib
import hmac

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def normalised_name(name: str) -> str:
    """A name as it is matched: spaces run together, case ignored ("Kent  police" is "Kent Police")."""
    return " ".join(name.split()).casefold()


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    vision = models.TextField("vision statement", blank=True)
    protective_marking = models.CharField(
        max_length=60,
        default="OFFICIAL",
        help_text="Printed on every page of the quarterly report, e.g. OFFICIAL or OFFICIAL-SENSITIVE.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlanYear(models.Model):
    """One financial year's action plan: 1 April to 31 March."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="plan_years")
    start_year = models.PositiveSmallIntegerField(
        help_text="The calendar year in which the plan year starts: 2026 for 2026-27.",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    title = models.CharField(max_length=300, help_text="The plan's title as printed.")

    class Meta:
        ordering = ["partnership__name", "-start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "start_year"], name="one_plan_per_partnership_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.label}"

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"


class Agency(models.Model):
    """A responsible body. The plan spells some names two ways; each agency is stored once."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True, help_text="e.g. KFRS, VRU, CSU, ICB.")
    other_names = models.TextField(
        blank=True,
        help_text="Other spellings used in plans, one per line, so imports find this agency.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_name_unique_in_partnership"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name where space is short (tables, tags, lists): the short name if it has one."""
        return self.short_name or self.name

    def known_names(self) -> set[str]:
        """Every spelling this agency answers to, normalised, for matching names in imported plans."""
        names = {self.name, self.short_name, *self.other_names.splitlines()}
        return {normalised_name(n) for n in names if n.strip()}


class Membership(models.Model):
    """An officer's membership of an agency: what decides which returns they see and edit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency")]

    def __str__(self) -> str:
        return f"{self.user} in {self.agency}"


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives a coordinator or administrator to add an authenticator app.

    Only its SHA-256 is kept (a random code has no need of a slow hash), it expires, and it is spent by the
    enrolment it allows (`csp.two_factor`), so a password alone is never enough to set up two-factor
    sign-in on somebody else's phone.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = "two-factor set-up code"

    def __str__(self) -> str:
        return f"Two-factor set-up code for {self.user}"

    @staticmethod
    def digest(code: str) -> str:
        """The hash of a code as typed: case, spaces and hyphens do not matter."""
        plain = "".join(code.split()).replace("-", "").upper()
        return hashlib.sha256(plain.encode()).hexdigest()

    def matches(self, code: str) -> bool:
        return hmac.compare_digest(self.code_hash, self.digest(code))
