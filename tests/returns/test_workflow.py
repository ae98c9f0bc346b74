"""Each transition of a return, allowed and refused; a closed period refuses every write."""

from decimal import Decimal

import pytest
from django.urls import reverse

from csp import roles
from returns.models import Figure, PeriodState, ReturnState
from returns.periods import set_period_state
from returns.workflow import (
    ReturnContent,
    StaleReturn,
    WorkflowError,
    approve,
    reopen,
    save_draft,
    send_back,
    submit,
)


def complete(plan, **overrides) -> ReturnContent:
    content = ReturnContent(
        commentary="Incidents fell after the new patrol pattern.",
        figures={
            plan.count.pk: {"value": Decimal(120)},
            plan.percentage.pk: {"value": Decimal("81.5")},
            plan.ratio.pk: {"numerator": Decimal(30), "denominator": Decimal(45)},
            plan.milestone.pk: {"status": "in_progress"},
        },
    )
    for name, value in overrides.items():
        setattr(content, name, value)
    return content


def submitted(plan, officer):
    ret = save_draft(plan.ret, officer, complete(plan), version=plan.ret.version)
    return submit(ret, officer, version=ret.version)


def test_officer_saves_a_draft_and_figures(plan, officer):
    ret = save_draft(plan.ret, officer, complete(plan), version=1)

    assert ret.state == ReturnState.DRAFT
    assert ret.version == 2
    assert Figure.objects.get(ret=ret, measure=plan.count).value == 120
    ratio = Figure.objects.get(ret=ret, measure=plan.ratio)
    assert (ratio.numerator, ratio.denominator) == (30, 45)


def test_submit_then_approve(plan, officer, coordinator):
    ret = submitted(plan, officer)
    assert ret.state == ReturnState.SUBMITTED and ret.submitted_at is not None

    ret = approve(ret, coordinator)

    assert ret.state == ReturnState.APPROVED


def test_submit_needs_every_figure_or_nothing_to_report(plan, officer):
    content = complete(plan)
    del content.figures[plan.count.pk]
    ret = save_draft(plan.ret, officer, content, version=1)

    with pytest.raises(WorkflowError, match="Incidents"):
        submit(ret, officer, version=ret.version)

    ret = save_draft(ret, officer, ReturnContent(nothing_to_report=True), version=ret.version)
    assert submit(ret, officer, version=ret.version).state == ReturnState.SUBMITTED


def test_zero_is_a_figure_not_a_gap(plan, officer):
    content = complete(plan)
    content.figures[plan.count.pk] = {"value": Decimal(0)}
    ret = save_draft(plan.ret, officer, content, version=1)

    assert submit(ret, officer, version=ret.version).state == ReturnState.SUBMITTED


def test_sent_back_with_a_reason_then_resubmitted(plan, officer, coordinator):
    ret = submitted(plan, officer)

    ret = send_back(ret, coordinator, "Please explain the rise in incidents.")
    assert ret.state == ReturnState.RETURNED
    assert ret.returned_reason == "Please explain the rise in incidents."

    ret = save_draft(
        ret, officer, complete(plan, commentary="Explained: a new recording rule."), version=ret.version
    )
    assert ret.state == ReturnState.RETURNED  # stays sent back until resubmitted
    ret = submit(ret, officer, version=ret.version)
    assert ret.state == ReturnState.SUBMITTED


def test_sending_back_needs_a_reason(plan, officer, coordinator):
    ret = submitted(plan, officer)

    with pytest.raises(WorkflowError, match="why"):
        send_back(ret, coordinator, "   ")


@pytest.mark.parametrize("state", [ReturnState.SUBMITTED, ReturnState.APPROVED])
def test_officer_cannot_edit_a_submitted_or_approved_return(plan, officer, coordinator, state):
    ret = submitted(plan, officer)
    if state == ReturnState.APPROVED:
        ret = approve(ret, coordinator)

    with pytest.raises(WorkflowError, match="can no longer be changed"):
        save_draft(ret, officer, complete(plan), version=ret.version)


def test_officer_cannot_approve_or_send_back(plan, officer):
    ret = submitted(plan, officer)

    with pytest.raises(WorkflowError, match="coordinator"):
        approve(ret, officer)
    with pytest.raises(WorkflowError, match="coordinator"):
        send_back(ret, officer, "no")


def test_only_a_submitted_return_can_be_approved(plan, coordinator):
    with pytest.raises(WorkflowError, match="submitted"):
        approve(plan.ret, coordinator)


def test_closed_period_refuses_every_officer_write(plan, officer, coordinator):
    ret = save_draft(plan.ret, officer, complete(plan), version=1)
    set_period_state(plan.period, coordinator, PeriodState.CLOSED)

    with pytest.raises(WorkflowError, match="closed"):
        save_draft(ret, officer, complete(plan), version=ret.version)
    with pytest.raises(WorkflowError, match="closed"):
        submit(ret, officer, version=ret.version)
    assert Figure.objects.get(ret=ret, measure=plan.count).value == 120


def test_coordinator_reopens_one_return_in_a_closed_period_with_a_reason(plan, officer, coordinator):
    ret = approve(submitted(plan, officer), coordinator)
    set_period_state(plan.period, coordinator, PeriodState.CLOSED)

    with pytest.raises(WorkflowError, match="why"):
        reopen(ret, coordinator, "")
    ret = reopen(ret, coordinator, "Police corrected the Q2 incident count.")

    assert ret.state == ReturnState.RETURNED
    assert ret.history.first().history_change_reason == "Re-opened: Police corrected the Q2 incident count."
    content = complete(plan)
    content.figures[plan.count.pk] = {"value": Decimal(118)}
    ret = save_draft(ret, officer, content, version=ret.version)
    assert submit(ret, officer, version=ret.version).state == ReturnState.SUBMITTED
    # Other returns in the closed period stay locked.
    with pytest.raises(WorkflowError, match="closed"):
        save_draft(plan.other_ret, coordinator, ReturnContent(), version=plan.other_ret.version)


def test_officer_cannot_reopen(plan, officer, coordinator):
    ret = approve(submitted(plan, officer), coordinator)

    with pytest.raises(WorkflowError, match="coordinator"):
        reopen(ret, officer, "I want to change it")


def test_officer_of_another_agency_cannot_write(plan, other_agency_officer):
    with pytest.raises(WorkflowError, match="agency"):
        save_draft(plan.ret, other_agency_officer, complete(plan), version=1)


def test_a_save_from_an_older_version_is_refused_and_shows_the_newer(plan, officer):
    first = save_draft(plan.ret, officer, complete(plan, commentary="First"), version=1)

    with pytest.raises(StaleReturn) as refused:
        save_draft(plan.ret, officer, complete(plan, commentary="Second, from a stale page"), version=1)

    assert refused.value.current.commentary == "First"
    first.refresh_from_db()
    assert first.commentary == "First"


def test_opening_a_period_creates_one_return_per_responsible_agency(plan, coordinator):
    from tests.factories import PeriodFactory

    q3 = PeriodFactory(plan_year=plan.plan_year, number=3, state=PeriodState.NOT_OPEN)

    set_period_state(q3, coordinator, PeriodState.OPEN)
    set_period_state(q3, coordinator, PeriodState.OPEN)

    assert sorted(q3.returns.values_list("indicator__code", "agency__name")) == [
        ("SAFE-01", "Testshire Police"),
        ("SAFE-02", "Testshire Fire"),
    ]
    assert set(q3.returns.values_list("state", flat=True)) == {ReturnState.NOT_STARTED}


def test_sending_back_in_a_closed_period_is_refused_in_favour_of_reopening(plan, officer, coordinator):
    ret = submitted(plan, officer)
    set_period_state(plan.period, coordinator, PeriodState.CLOSED)

    with pytest.raises(WorkflowError, match="re-open it instead"):
        send_back(ret, coordinator, "Fix the count")

    ret = reopen(ret, coordinator, "Police corrected the count after closing.")
    assert ret.state == ReturnState.RETURNED
    assert save_draft(ret, officer, complete(plan), version=ret.version).state == ReturnState.RETURNED


def test_a_closed_period_stays_closed_and_its_history_says_who(plan, coordinator):
    set_period_state(plan.period, coordinator, PeriodState.CLOSED)

    with pytest.raises(WorkflowError, match="stays closed"):
        set_period_state(plan.period, coordinator, PeriodState.OPEN)

    record = plan.period.history.first()
    assert (record.state, record.history_user) == (PeriodState.CLOSED, coordinator)


LONG_REASON = (
    "The Q2 incident count includes 14 incidents from the neighbouring district that were recorded "
    "against our beat codes by mistake; please recount with the corrected boundary file and resubmit."
)


def _reason_limit(model) -> int:
    return model.history.model._meta.get_field("history_change_reason").max_length


@pytest.mark.parametrize("decision", ["send_back", "reopen"])
def test_a_long_reason_is_kept_whole_and_its_history_entry_fits(client, plan, officer, coordinator, decision):
    ret = submitted(plan, officer)
    client.force_login(coordinator)

    response = client.post(
        reverse("review", args=["testshire", ret.pk]), {"decision": decision, "reason": LONG_REASON}
    )

    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.state == ReturnState.RETURNED and ret.returned_reason == LONG_REASON
    record = ret.history.first()
    assert len(record.history_change_reason) <= _reason_limit(type(ret))
    assert record.history_change_reason.startswith(("Sent back: The Q2", "Re-opened: The Q2"))
    assert record.returned_reason == LONG_REASON  # the history row keeps the whole reason too
    page = client.get(reverse("return_history", args=["testshire", ret.pk])).content.decode()
    assert LONG_REASON in page


@pytest.mark.parametrize("state", [PeriodState.CLOSED, PeriodState.OPEN])
def test_a_coordinator_with_a_very_long_username_opens_and_closes_periods(client, plan, state):
    from tests.factories import PeriodFactory, make_user

    long_name = make_user("c" * 95, roles.COORDINATOR, partnerships=[plan.partnership])
    period = (
        plan.period
        if state == PeriodState.CLOSED
        else PeriodFactory(plan_year=plan.plan_year, number=3, state=PeriodState.NOT_OPEN)
    )
    client.force_login(long_name)

    response = client.post(reverse("period_state", args=["testshire", period.pk]), {"state": state})

    assert response.status_code == 302
    period.refresh_from_db()
    assert period.state == state
    record = period.history.first()
    assert record.history_user == long_name
    assert len(record.history_change_reason) <= _reason_limit(type(period))
