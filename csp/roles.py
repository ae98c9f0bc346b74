"""The roles people hold, as Django groups; the questions views ask about them; the decorators that ask.

Every view that is not for everyone signed in says who may use it with one of the decorators here, and
scopes what it reads to the user (`Return.objects.for_user`); the navigation only offers what they allow.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

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


def requires(check: Callable[[object], bool]):
    """A view decorator: sign in first, then a 403 unless `check(user)` holds."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


coordinator_required = requires(is_coordinator)
report_reader_required = requires(can_read_reports)
