"""Several partnerships on one instance: people added to one, where each starts, and the admin kept apart."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from csp import roles
from csp.models import Membership, PartnershipRole
from tests import factories


def add_user(*args):
    out = io.StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


# --- add_user -----------------------------------------------------------------------------------------


def test_add_user_makes_an_officer_of_an_agency_by_any_of_its_names(plan, django_user_model):
    said = add_user(
        "sam", "--partnership", "testshire", "--role", "officer", "--agency", "tp", "--email", "s@x.org"
    )

    sam = django_user_model.objects.get(username="sam")
    assert list(Membership.objects.filter(user=sam).values_list("agency__name", flat=True)) == [
        "Testshire Police"
    ]
    assert sam.email == "s@x.org" and not sam.has_usable_password()
    assert "new account" in said and "Forgotten your password?" in said


def test_add_user_gives_roles_in_one_partnership_only(plan, other_plan, django_user_model):
    add_user("cat", "--partnership", "otherton", "--role", "coordinator")
    add_user("cat", "--partnership", "testshire", "--role", "viewer")
    add_user("ada", "--partnership", "testshire", "--role", "admin")

    cat = django_user_model.objects.get(username="cat")
    assert roles.is_coordinator(cat, other_plan.partnership) and not roles.is_coordinator(
        cat, plan.partnership
    )
    assert roles.can_read_reports(cat, plan.partnership)
    ada = django_user_model.objects.get(username="ada")
    assert ada.is_staff and roles.is_administrator(ada, plan.partnership)
    assert not ada.is_superuser


def test_add_user_twice_changes_nothing(plan):
    add_user("sam", "--partnership", "testshire", "--role", "coordinator")

    again = add_user("sam", "--partnership", "testshire", "--role", "coordinator")

    assert "nothing to change" in again
    assert PartnershipRole.objects.filter(user__username="sam").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--partnership", "nowhere", "--role", "viewer"],
            "There is no partnership 'nowhere'. The partnerships are: testshire",
        ),
        (
            ["--partnership", "testshire", "--role", "officer", "--agency", "Atlantis Police"],
            "has no agency called 'Atlantis Police'",
        ),
        (
            ["--partnership", "testshire", "--role", "boss"],
            "The role must be one of officer, coordinator, viewer, admin",
        ),
        (["--partnership", "testshire", "--role", "officer"], "An officer belongs to an agency"),
        (
            ["--partnership", "testshire", "--role", "viewer", "--agency", "TP"],
            "Only an officer belongs to an agency",
        ),
    ],
)
def test_add_user_says_clearly_what_is_wrong_and_makes_no_one(plan, django_user_model, args, message):
    with pytest.raises(CommandError, match=message):
        add_user("sam", *args)

    assert not django_user_model.objects.filter(username="sam").exists()


# --- Where people start -------------------------------------------------------------------------------


def test_each_person_starts_where_their_work_is(client, plan, other_plan, officer):
    coordinator = factories.make_user("coord", roles.COORDINATOR, partnerships=[plan.partnership])
    viewer = factories.make_user(
        "both-viewer", roles.VIEWER, partnerships=[plan.partnership, other_plan.partnership]
    )
    starts = {}
    for user in (officer, coordinator, viewer, factories.make_user("nobody")):
        client.force_login(user)
        starts[user.username] = client.get(reverse("start"))["Location"]

    assert starts == {
        "officer": reverse("home"),
        "coord": reverse("review_queue_current", args=["testshire"]),
        "both-viewer": reverse("partnerships"),
        "nobody": reverse("partnerships"),
    }
    client.force_login(viewer)
    choice = client.get(reverse("partnerships")).content.decode()
    assert (
        reverse("reports", args=["testshire"]) in choice and reverse("reports", args=["otherton"]) in choice
    )
    client.force_login(factories.make_user("stranger"))
    assert (
        "do not belong to any community safety partnership"
        in client.get(reverse("partnerships")).content.decode()
    )


def test_the_header_names_the_partnership_in_view(client, plan, other_plan):
    viewer = factories.make_user(
        "both-viewer", roles.VIEWER, partnerships=[plan.partnership, other_plan.partnership]
    )
    client.force_login(viewer)

    testshire = client.get(reverse("reports", args=["testshire"])).content.decode()
    otherton = client.get(reverse("reports", args=["otherton"])).content.decode()

    assert (
        '<a href="/" class="govuk-generic-header__homepage-link">Testshire Community Safety Partnership</a>'
        in testshire
    )
    assert (
        '<a href="/" class="govuk-generic-header__homepage-link">Otherton Community Safety Partnership</a>'
        in otherton
    )
    assert reverse("partnerships") in testshire  # someone in several can switch


# --- The admin, for a partnership's administrator ---------------------------------------------------------


@pytest.fixture
def their_admin(plan, other_plan):
    """Otherton's administrator, who must see and change Otherton's plan only."""
    return factories.make_user(
        "otherton-admin", roles.ADMINISTRATOR, partnerships=[other_plan.partnership], is_staff=True
    )


@pytest.mark.parametrize(
    ("changelist", "ours", "theirs"),
    [
        ("admin:csp_agency_changelist", "Otherton Police", "Testshire Police"),
        ("admin:indicators_indicator_changelist", "/otherton", "/testshire"),
        ("admin:csp_partnership_changelist", "Otherton Community", "Testshire Community"),
    ],
)
def test_a_partnership_administrator_sees_only_their_partnership(
    client, their_admin, changelist, ours, theirs
):
    client.force_login(their_admin)

    page = client.get(reverse(changelist)).content.decode()

    assert "Otherton" in page and "Testshire" not in page


def test_a_partnership_administrator_cannot_open_or_change_another_partnerships_records(
    client, plan, their_admin
):
    client.force_login(their_admin)
    for url in (
        reverse("admin:csp_agency_change", args=[plan.ours.pk]),
        reverse("admin:indicators_indicator_change", args=[plan.indicator.pk]),
        reverse("admin:returns_return_change", args=[plan.ret.pk]),
        reverse("admin:csp_partnership_change", args=[plan.partnership.pk]),
        reverse("admin:auth_user_change", args=[factories.officer_of(plan.ours, username="theirs").pk]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url  # the admin redirects a missing object to its index
        assert (
            "Testshire" not in client.get(response["Location"]).content.decode()
            if response.status_code == 302
            else True
        )

    response = client.post(
        reverse("admin:csp_agency_change", args=[plan.ours.pk]),
        {"name": "Taken", "partnership": plan.partnership.pk},
    )
    plan.ours.refresh_from_db()
    assert plan.ours.name == "Testshire Police"


def test_a_partnership_administrator_is_offered_only_their_partnerships_choices(
    client, plan, other_plan, their_admin
):
    client.force_login(their_admin)
    search = {"app_label": "indicators", "model_name": "measure", "field_name": "supplier", "term": ""}

    offered = client.get(reverse("admin:autocomplete"), search).json()["results"]
    posted = client.post(
        reverse("admin:indicators_measure_add"),
        {
            "indicator": other_plan.indicator.pk,
            "supplier": plan.ours.pk,
            "order": 9,
            "code": "X-1",
            "name": "X",
        },
    )

    assert sorted(result["text"] for result in offered) == ["Otherton Fire", "Otherton Police"]
    assert "Select a valid choice" in posted.content.decode()


def test_a_partnership_administrator_cannot_add_a_partnership_or_delete_plan_items(
    client, other_plan, their_admin
):
    client.force_login(their_admin)

    assert client.get(reverse("admin:csp_partnership_add")).status_code == 403
    assert (
        client.get(reverse("admin:indicators_indicator_delete", args=[other_plan.indicator.pk])).status_code
        == 403
    )


def test_a_partnership_administrators_import_may_not_write_to_another_partnership(client, plan, their_admin):
    client.force_login(their_admin)
    rows = "partnership,name,short_name,other_names\r\ntestshire,Sneaky Agency,,\r\n"

    preview = client.post(
        reverse("admin:csp_agency_import"),
        {"import_file": SimpleUploadedFile("agencies.csv", rows.encode()), "format": "0", "resource": "0"},
    )

    assert (
        "You may import only for the partnerships you administer (otherton), not testshire."
        in preview.content.decode()
    )
    assert not plan.partnership.agencies.filter(name="Sneaky Agency").exists()


def test_a_partnership_administrator_adds_a_person_to_their_partnership(
    client, other_plan, their_admin, django_user_model
):
    client.force_login(their_admin)
    url = reverse("admin:csp_partnership_add_person", args=[other_plan.partnership.pk])

    response = client.post(
        url, {"username": "new-officer", "role": "officer", "agency": other_plan.ours.pk, "email": "n@x.org"}
    )

    assert response.status_code == 302
    assert Membership.objects.filter(user__username="new-officer", agency=other_plan.ours).exists()
    assert client.get(
        reverse("admin:csp_partnership_add_person", args=[other_plan.partnership.pk - 1])
    ).status_code in (403, 404)


def test_an_officer_cannot_use_the_admin(client, plan, officer):
    client.force_login(officer)

    assert client.get(reverse("admin:index")).status_code == 302  # to the admin's sign-in
