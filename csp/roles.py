"""Who may do what, in which partnership: the questions views ask, and the decorators that ask them.

Coordinators, report viewers and partnership administrators hold a role in each partnership they work for
(`csp.models.PartnershipRole`); officers belong to agencies, and through them to the agencies'
partnerships. A superuser may do everything everywhere. Every page of a partnership sits under
`/p/<slug>/`: `partnership_view` turns the slug into the partnership, answers a 404 to anyone who does
not belong to it (nobody learns what another partnership has), and a 403 to a member without the role.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from csp.kept import signed_in
from csp.models import Membership, Partnership, PartnershipRole, Role

COORDINATOR = Role.COORDINATOR
VIEWER = Role.VIEWER
ADMINISTRATOR = Role.ADMINISTRATOR


def _known(user) -> dict[int, Partnership]:
    """The partnerships read with the user's roles and memberships, by id (so a page need not look its
    partnership up again)."""
    if not hasattr(user, "_known_partnerships"):
        user._known_partnerships = {}
    return user._known_partnerships


def _roles(user) -> dict[int, set[str]]:
    """The user's roles by partnership id, read once per request (cached on the user object)."""
    if not user.is_authenticated or user.pk is None:
        return {}
    found = getattr(user, "_partnership_roles", None)
    if found is None:
        found = {}
        for held in PartnershipRole.objects.filter(user=user).select_related("partnership"):
            found.setdefault(held.partnership_id, set()).add(held.role)
            _known(user)[held.partnership_id] = held.partnership
        user._partnership_roles = found
    return found


def has_role(user, partnership: Partnership | int, *roles: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    partnership_id = getattr(partnership, "pk", partnership)
    return bool(_roles(user).get(partnership_id, set()) & set(roles))


def is_coordinator(user, partnership: Partnership | int) -> bool:
    return has_role(user, partnership, COORDINATOR)


def can_read_reports(user, partnership: Partnership | int) -> bool:
    return has_role(user, partnership, COORDINATOR, VIEWER)


def is_administrator(user, partnership: Partnership | int) -> bool:
    return has_role(user, partnership, ADMINISTRATOR)


def partnership_ids(user, *roles: str) -> set[int]:
    """The partnerships in which the user holds any of `roles` (any role at all if none is named)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Partnership.objects.values_list("pk", flat=True))
    return {pk for pk, held in _roles(user).items() if not roles or held & set(roles)}


def member_partnership_ids(user) -> set[int]:
    """Every partnership the user belongs to: by a role, or as an officer of one of its agencies."""
    if not user.is_authenticated or user.pk is None:
        return set()
    found = getattr(user, "_member_partnerships", None)
    if found is None:
        found = partnership_ids(user) | officer_partnership_ids(user)
        user._member_partnerships = found
    return found


def agencies_of(user) -> list[tuple[int, str]]:
    """(partnership id, agency name) for each agency the user reports for, by name (read once per
    request, cached on the user object)."""
    if not user.is_authenticated or user.pk is None:
        return []
    found = getattr(user, "_agencies", None)
    if found is None:
        memberships = Membership.objects.filter(user=user).select_related("agency__partnership")
        found = []
        for membership in memberships.order_by("agency__name"):
            partnership = membership.agency.partnership
            _known(user)[partnership.pk] = partnership
            found.append((partnership.pk, membership.agency.name))
        user._agencies = found
    return found


def officer_partnership_ids(user) -> set[int]:
    """The partnerships whose agencies the user reports for."""
    return {partnership_id for partnership_id, _ in agencies_of(user)}


def member_partnership(user, slug: str) -> Partnership | None:
    """The partnership with this slug if the user belongs to it, else None; read with their roles and
    memberships (a superuser's, who belongs to all, is looked up)."""
    if not user.is_authenticated or user.pk is None:
        return None
    if user.is_superuser:
        return Partnership.objects.filter(slug=slug).first()
    member_partnership_ids(user)  # reads the roles and memberships, and with them the partnerships
    return next((p for p in _known(user).values() if p.slug == slug), None)


def partnerships_of(user):
    """The partnerships the user belongs to, by name."""
    return Partnership.objects.filter(pk__in=member_partnership_ids(user)).order_by("name")


def partnership_view(check: Callable[[object, Partnership], bool] | None = None):
    """A decorator for a view under /p/<slug>/: sign in first (keeping what a signed-out form posted,
    `csp.kept`); the slug becomes the partnership, passed to
    the view after the request (and set as `request.partnership` for the page's header); a 404 unless the
    user belongs to it; a 403 unless `check(user, partnership)` holds."""

    def decorator(view):
        @signed_in
        @wraps(view)
        def wrapped(request, partnership: str, *args, **kwargs):
            found = member_partnership(request.user, partnership)
            if found is None:
                raise Http404("No such partnership.")
            if check is not None and not check(request.user, found):
                raise PermissionDenied
            request.partnership = found
            return view(request, found, *args, **kwargs)

        return wrapped

    return decorator


coordinator_view = partnership_view(is_coordinator)
report_reader_view = partnership_view(can_read_reports)
member_view = partnership_view()
