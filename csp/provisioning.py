"""Adding people to a partnership: one function for the `add_user` command and the admin's page.

Idempotent: asking again for what someone already has changes nothing. A new account has no password
until its owner sets one with "Forgotten your password?" (so the email address matters), or an
administrator sets one.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from csp.models import Agency, Membership, Partnership, PartnershipRole, Role, normalised_name

OFFICER = "officer"
ROLE_NAMES = {
    OFFICER: None,
    "coordinator": Role.COORDINATOR,
    "viewer": Role.VIEWER,
    "admin": Role.ADMINISTRATOR,
}


class ProvisioningError(ValueError):
    """What was asked cannot be done; the message says why, in words for the person who asked."""


@dataclass
class Added:
    user: object
    created: bool = False
    changes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        what = "; ".join(self.changes) if self.changes else "nothing to change: already as asked"
        return (
            f"{self.user.get_username()} ({'new account' if self.created else 'existing account'}): {what}."
        )


def find_partnership(slug: str) -> Partnership:
    found = Partnership.objects.filter(slug=slug.strip()).first()
    if found is None:
        known = ", ".join(Partnership.objects.order_by("slug").values_list("slug", flat=True)) or "none yet"
        raise ProvisioningError(f"There is no partnership {slug!r}. The partnerships are: {known}.")
    return found


def find_agency(partnership: Partnership, name: str) -> Agency:
    wanted = normalised_name(name)
    agencies = list(Agency.objects.filter(partnership=partnership))
    for agency in agencies:
        if wanted in agency.known_names():
            return agency
    known = "; ".join(a.name for a in agencies) or "none yet"
    raise ProvisioningError(f"{partnership.name} has no agency called {name!r}. Its agencies are: {known}.")


def add_user(
    username: str, partnership: Partnership, role: str, *, agency: str = "", email: str = ""
) -> Added:
    """Give `username` (made if new) a role in the partnership: an officer joins an agency of it; a
    coordinator, report viewer or administrator gets that role (an administrator may use the admin)."""
    username = username.strip()
    if not username:
        raise ProvisioningError("Give a username.")
    if role not in ROLE_NAMES:
        raise ProvisioningError(f"The role must be one of {', '.join(ROLE_NAMES)}, not {role!r}.")
    if role == OFFICER and not agency.strip():
        raise ProvisioningError("An officer belongs to an agency: name it (--agency).")
    if role != OFFICER and agency.strip():
        raise ProvisioningError(f"Only an officer belongs to an agency; a {role} does not.")
    found_agency = find_agency(partnership, agency) if role == OFFICER else None
    with transaction.atomic():
        user, created = get_user_model().objects.get_or_create(username=username)
        added = Added(user, created)
        if created:
            user.set_unusable_password()
        if email and user.email != email.strip():
            user.email = email.strip()
            added.changes.append(f"email set to {user.email}")
        if found_agency is not None:
            _, joined = Membership.objects.get_or_create(user=user, agency=found_agency)
            if joined:
                added.changes.append(f"officer of {found_agency.name} in {partnership.name}")
        else:
            _, given = PartnershipRole.objects.get_or_create(
                user=user, partnership=partnership, role=ROLE_NAMES[role]
            )
            if given:
                added.changes.append(f"{ROLE_NAMES[role].label.lower()} of {partnership.name}")
            if role == "admin" and not user.is_staff:
                user.is_staff = True  # the admin site lets in staff only; what they see is scoped
                added.changes.append("may use the admin")
        user.save()
    return added
