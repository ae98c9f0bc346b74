"""The roles people hold, as Django groups, and the questions views ask about them."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

OFFICER = "Partner officer"
COORDINATOR = "CSP coordinator"
VIEWER = "SEG viewer"
ADMINISTRATOR = "Administrator"
ALL = (OFFICER, COORDINATOR, VIEWER, ADMINISTRATOR)


def _in_group(user: AbstractBaseUser | AnonymousUser, name: str) -> bool:
    if not user.is_authenticated or user.pk is None:
        return False
    # Cached on the user object: a page asks several times.
    names = getattr(user, "_group_names", None)
    if names is None:
        names = set(user.groups.values_list("name", flat=True))
        user._group_names = names
    return name in names


def is_coordinator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or _in_group(user, COORDINATOR))


def can_read_reports(user) -> bool:
    return is_coordinator(user) or _in_group(user, VIEWER)
