"""An agency's quarter in one sitting: every return and update on one page, saved together or not at
all; the check page says what is ready; one submit, with a declaration, of those ticked."""

import pytest
from django.urls import reverse

from returns.models import Return, ReturnState
from returns.workflow import ReturnContent, save_draft


@pytest.fixture
def urls(plan):
    args = ["testshire", plan.period.pk, plan.ours.pk]
    return reverse("agency_quarter", args=args), reverse("check_quarter", args=args)


def answers(plan, **overrides):
    p = f"r{plan.ret.pk}-"
    data = {
        f"{p}version": plan.ret.version,
        f"{p}m{plan.count.pk}_value": "120",
        f"{p}m{plan.percentage.pk}_value": "81.5",
        f"{p}m{plan.ratio.pk}_numerator": "30",
        f"{p}m{plan.ratio.pk}_denominator": "45",
        f"{p}m{plan.milestone.pk}_status": "in_progress",
        f"{p}commentary": "Incidents fell after the new patrol pattern.",
        "action": "check",
    }
    data.update({f"{p}{name}" if not name.startswith("action") else name: v for name, v in overrides.items()})
    return data


def test_the_quarter_page_asks_every_question_of_the_agencys_returns(client, officer, plan, urls):
    client.force_login(officer)

    page = client.get(urls[0]).content.decode()

    assert f'name="r{plan.ret.pk}-m{plan.ratio.pk}_numerator"' in page
    assert f'id="r{plan.ret.pk}-panel-{plan.ratio.pk}"' in page  # the panel beside it
    assert "SAFE-02" not in page  # another agency's


def test_saving_and_checking_saves_every_draft_then_shows_it_ready(client, officer, plan, urls):
    client.force_login(officer)

    response = client.post(urls[0], answers(plan))
    check = client.get(response["Location"]).content.decode()

    assert response["Location"] == urls[1]
    plan.ret.refresh_from_db()
    assert plan.ret.state == ReturnState.DRAFT and plan.ret.commentary.startswith("Incidents fell")
    assert 'SAFE-01: <strong class="govuk-tag govuk-tag--green">Ready</strong>' in check
    assert f'value="return-{plan.ret.pk}" checked' in check


def test_a_bad_figure_saves_nothing_and_is_named_on_its_field(client, officer, plan, urls):
    client.force_login(officer)

    page = client.post(urls[0], answers(plan, **{f"m{plan.count.pk}_value": "12x"})).content.decode()

    assert "<title>Error: " in page
    assert f'href="#id_r{plan.ret.pk}-m{plan.count.pk}_value">SAFE-01: Enter incidents as a number' in page
    assert "Incidents fell after the new patrol pattern." in page  # what was typed stays
    plan.ret.refresh_from_db()
    assert plan.ret.state == ReturnState.NOT_STARTED and plan.ret.commentary == ""


def test_a_return_typed_in_that_someone_else_saved_meanwhile_is_a_clash_shown_then_replaced_knowingly(
    client, officer, plan, urls
):
    client.force_login(officer)
    data = answers(plan, _typed="yes", action="save")
    data["_script"] = "yes"
    save_draft(plan.ret, officer, ReturnContent(commentary="A colleague's words."), version=plan.ret.version)

    page = client.post(urls[0], data).content.decode()
    after_clash = Return.objects.get(pk=plan.ret.pk).commentary
    data[f"r{plan.ret.pk}-version"] = plan.ret.version + 1  # the page now holds their version
    client.post(urls[0], data)

    assert "Nothing was saved: SAFE-01 changed since you opened this page." in page
    assert "Their version, saved at" in page and "A colleague&#x27;s words." in page
    assert "Incidents fell after the new patrol pattern." in page  # what was typed is kept
    assert after_clash == "A colleague's words."
    assert Return.objects.get(pk=plan.ret.pk).commentary.startswith("Incidents fell")


def test_a_return_left_alone_that_someone_else_saved_meanwhile_takes_their_version(
    client, officer, plan, urls
):
    client.force_login(officer)
    stale = answers(plan, commentary="What the page held when it was opened.", action="save")
    stale["_script"] = "yes"  # and no section marked as typed in
    save_draft(plan.ret, officer, ReturnContent(commentary="A colleague's words."), version=plan.ret.version)

    response = client.post(urls[0], stale)

    assert response.status_code == 302
    assert Return.objects.get(pk=plan.ret.pk).commentary == "A colleague's words."


def test_text_for_a_return_submitted_meanwhile_is_shown_not_saved_and_nothing_else_is(
    client, officer, plan, urls
):
    client.force_login(officer)
    data = answers(plan, action="save")
    Return.objects.filter(pk=plan.ret.pk).update(state=ReturnState.SUBMITTED)

    page = client.post(urls[0], data).content.decode()

    assert "Nothing was saved: SAFE-01 changed since you opened this page." in page
    assert "so it can no longer be changed here" in page
    assert "Incidents fell after the new patrol pattern." in page
    assert Return.objects.get(pk=plan.ret.pk).commentary == ""


def test_the_declaration_is_needed_and_then_the_ticked_ones_are_submitted(client, officer, plan, urls):
    client.force_login(officer)
    client.post(urls[0], answers(plan))
    plan.ret.refresh_from_db()
    chosen = {"items": [f"return-{plan.ret.pk}"], f"version-return-{plan.ret.pk}": plan.ret.version}

    refused = client.post(urls[1], chosen).content.decode()
    state_after_refusal = Return.objects.get(pk=plan.ret.pk).state
    done = client.post(urls[1], {**chosen, "declaration": "yes"})

    assert '<a href="#declaration">Confirm the declaration to submit.</a>' in refused
    assert state_after_refusal == ReturnState.DRAFT
    assert done["Location"] == reverse("home")
    assert Return.objects.get(pk=plan.ret.pk).state == ReturnState.SUBMITTED


def test_one_not_ready_cannot_be_submitted_from_the_check_page(client, officer, plan, urls):
    client.force_login(officer)
    client.post(urls[0], answers(plan, commentary=""))  # saved, but without its update
    plan.ret.refresh_from_db()

    check = client.get(urls[1]).content.decode()
    page = client.post(
        urls[1],
        {
            "items": [f"return-{plan.ret.pk}"],
            f"version-return-{plan.ret.pk}": plan.ret.version,
            "declaration": "yes",
        },
    ).content.decode()

    assert "Not ready" in check and "Enter an update for the SEG." in check
    assert "SAFE-01 cannot be submitted yet" in page
    assert Return.objects.get(pk=plan.ret.pk).state == ReturnState.DRAFT


def test_the_officer_list_links_to_the_quarter_on_one_page(client, officer, plan, urls):
    client.force_login(officer)

    page = client.get(reverse("home")).content.decode()

    assert f'href="{urls[0]}"' in page


def test_a_check_sent_after_the_session_ran_out_is_answered_with_nothing_not_the_sign_in_page(client, plan):
    url = reverse("rate_measure", args=["testshire", plan.ret.pk, plan.count.pk])
    data = {"_panel": f"r{plan.ret.pk}-panel-{plan.count.pk}", f"r{plan.ret.pk}-commentary": "Typed."}

    response = client.post(url, data, headers={"HX-Request": "true"})

    assert response.status_code == 204  # the page and its text stay; the save that follows is kept
    assert "kept_typing" not in client.session
