"""The coordinator's decisions from the review queue: several approved at once after a check, and a
reason left blank answered with the GOV.UK error pattern, the text kept."""

from django.urls import reverse

from returns.models import Return, ReturnState
from returns.workflow import save_draft, submit
from tests.factories import officer_of
from tests.returns.test_workflow import complete


def both_submitted(plan, officer):
    """SAFE-01 (ours) and SAFE-02 (theirs) submitted."""
    ours = save_draft(plan.ret, officer, complete(plan), version=plan.ret.version)
    ours = submit(ours, officer, version=ours.version)
    fire = officer_of(plan.theirs, username="fire")
    content = complete(plan, figures={}, nothing_to_report=True)
    theirs = save_draft(plan.other_ret, fire, content, version=plan.other_ret.version)
    theirs = submit(theirs, fire, version=theirs.version)
    return ours, theirs


def test_the_coordinator_checks_then_approves_several_at_once(client, plan, officer, coordinator):
    ours, theirs = both_submitted(plan, officer)
    client.force_login(coordinator)
    url = reverse("approve_several", args=["testshire", plan.period.pk])
    chosen = {"items": [f"return-{ours.pk}:{ours.version}", f"return-{theirs.pk}:{theirs.version}"]}

    queue = client.get(reverse("review_queue", args=["testshire", plan.period.pk])).content.decode()
    check = client.post(url, chosen).content.decode()
    unchanged = {r.state for r in Return.objects.all()}
    done = client.post(url, {**chosen, "confirmed": "yes"}, follow=True).content.decode()

    assert f'value="return-{ours.pk}:{ours.version}"' in queue and "Approve the ones ticked" in queue
    assert "Approve 2 items?" in check and "SAFE-01" in check and "SAFE-02" in check
    assert unchanged == {ReturnState.SUBMITTED}  # the check step writes nothing
    assert {r.state for r in Return.objects.all()} == {ReturnState.APPROVED}
    assert "2 approved." in done


def test_approving_several_leaves_one_that_changed_meanwhile_and_says_so(client, plan, officer, coordinator):
    ours, theirs = both_submitted(plan, officer)
    client.force_login(coordinator)
    url = reverse("approve_several", args=["testshire", plan.period.pk])
    ticked = [f"return-{ours.pk}:{ours.version}", f"return-{theirs.pk}:{theirs.version}"]
    check = client.post(url, {"items": ticked})
    assert check.status_code == 200
    Return.objects.filter(pk=theirs.pk).update(state=ReturnState.RETURNED)  # sent back in another tab

    page = client.post(url, {"items": ticked, "confirmed": "yes"}, follow=True).content.decode()

    assert Return.objects.get(pk=ours.pk).state == ReturnState.APPROVED
    assert Return.objects.get(pk=theirs.pk).state == ReturnState.RETURNED
    assert "1 no longer waiting for approval" in page


def test_one_submitted_again_after_it_was_ticked_is_not_approved_unread(client, plan, officer, coordinator):
    ours, theirs = both_submitted(plan, officer)
    client.force_login(coordinator)
    url = reverse("approve_several", args=["testshire", plan.period.pk])
    ticked = [f"return-{ours.pk}:{ours.version}"]
    Return.objects.filter(pk=ours.pk).update(version=ours.version + 2)  # sent back, changed, resubmitted

    page = client.post(url, {"items": ticked, "confirmed": "yes"}, follow=True).content.decode()

    assert Return.objects.get(pk=ours.pk).state == ReturnState.SUBMITTED
    assert "SAFE-01 from Testshire Police: This return was submitted again after you read it." in page


def test_approving_none_is_a_gov_uk_error_on_the_queue(client, plan, officer, coordinator):
    ours, _ = both_submitted(plan, officer)
    client.force_login(coordinator)

    page = client.post(reverse("approve_several", args=["testshire", plan.period.pk]), {}).content.decode()

    assert "<title>Error: To review" in page
    assert f'href="#choose-return-{ours.pk}">Select the returns or updates to approve.</a>' in page
    assert Return.objects.get(pk=ours.pk).state == ReturnState.SUBMITTED


def test_another_partnerships_item_cannot_be_approved_through_the_list(
    client, plan, other_plan, officer, coordinator
):
    theirs = other_plan.ret
    Return.objects.filter(pk=theirs.pk).update(state=ReturnState.SUBMITTED)
    client.force_login(coordinator)

    page = client.post(
        reverse("approve_several", args=["testshire", plan.period.pk]),
        {"items": [f"return-{theirs.pk}:{theirs.version}"], "confirmed": "yes"},
        follow=True,
    ).content.decode()

    assert "approved." not in page and "1 no longer waiting for approval" in page
    assert Return.objects.get(pk=theirs.pk).state == ReturnState.SUBMITTED


def test_a_blank_reason_to_send_back_is_an_error_on_the_field_and_nothing_changes(
    client, plan, officer, coordinator
):
    ours, _ = both_submitted(plan, officer)
    client.force_login(coordinator)

    page = client.post(
        reverse("review", args=["testshire", ours.pk]), {"decision": "send_back", "reason": "   "}
    ).content.decode()

    assert "<title>Error: Send back SAFE-01" in page
    assert '<a href="#reason">Say why the return is being sent back.</a>' in page
    assert 'class="govuk-textarea govuk-textarea--error" id="reason"' in page
    assert "govuk-notification-banner" not in page
    assert Return.objects.get(pk=ours.pk).state == ReturnState.SUBMITTED
