from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from csp.models import Partnership

DEFAULT_NAME = "Community Safety Partnership"


def partnership(request: HttpRequest) -> dict[str, object]:
    """The partnership named in every page's header.

    An installation serves one partnership; until a plan is loaded the header says what the app is.
    Lazy, so a response that never prints the header pays no query.
    """

    def name() -> str:
        return Partnership.objects.order_by("pk").values_list("name", flat=True).first() or DEFAULT_NAME

    return {"partnership_name": SimpleLazyObject(name)}
