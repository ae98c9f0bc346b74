"""Every plan model's admin pages open for a superuser, with the real plan loaded."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

PLAN_MODELS = [
    "csp.Partnership",
    "csp.PlanYear",
    "themes.Priority",
    "themes.KeyTheme",
    "themes.Deliverable",
    "csp.Agency",
    "indicators.Indicator",
    "indicators.Measure",
]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")


@pytest.mark.parametrize("label", PLAN_MODELS)
def test_changelist_change_and_add_pages_open(client, superuser, medway_plan, label):
    model = apps.get_model(label)
    assert model in admin.site._registry
    client.force_login(superuser)
    opts = model._meta
    obj = model.objects.order_by("pk").first()

    for url in (
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("label", PLAN_MODELS)
def test_changelist_search_works(client, superuser, medway_plan, label):
    opts = apps.get_model(label)._meta
    client.force_login(superuser)

    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {"q": "Medway"})

    assert response.status_code == 200


@pytest.mark.parametrize("label", ["csp.Agency", "indicators.Indicator", "indicators.Measure"])
def test_import_and_export_pages_open(client, superuser, medway_plan, label):
    opts = apps.get_model(label)._meta
    client.force_login(superuser)

    for view in ("import", "export"):
        response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}"))
        assert response.status_code == 200


def test_admin_is_refused_to_a_user_who_is_not_staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("officer", password="a-long-password-1"))

    response = client.get(reverse("admin:indicators_indicator_changelist"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_return_cannot_be_changed_or_reverted_in_the_admin(client, superuser, plan, officer, settings):
    # Returns change only through the workflow (row locks, period checks, versions).
    from returns.workflow import ReturnContent, save_draft

    first = plan.ret.history.first()
    save_draft(plan.ret, officer, ReturnContent(commentary="Saved by the officer."), version=1)
    client.force_login(superuser)
    change_url = reverse("admin:returns_return_change", args=[plan.ret.pk])
    revert_url = reverse("admin:returns_return_simple_history", args=[plan.ret.pk, first.history_id])

    assert client.get(change_url).status_code == 200  # it can be read
    assert client.post(change_url, {"commentary": "edited in the admin"}).status_code == 403
    client.post(revert_url, {})
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True
    plan.ret.refresh_from_db()
    assert (plan.ret.commentary, plan.ret.version) == ("Saved by the officer.", 2)
