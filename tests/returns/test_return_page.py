"""The return page, as officers use it: with htmx and without, good input and bad."""

import pytest
from django.urls import reverse

from returns.models import Figure, Return, ReturnState


def form_data(plan, ret, **overrides):
    data = {
        "version": ret.version,
        f"m{plan.count.pk}_value": "120",
        f"m{plan.percentage.pk}_value": "81.5",
        f"m{plan.ratio.pk}_numerator": "30",
        f"m{plan.ratio.pk}_denominator": "45",
        f"m{plan.milestone.pk}_status": "in_progress",
        "commentary": "Incidents fell after the new patrol pattern.",
        "escalation": "",
        "agency_rating": "",
        "action": "save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def url(plan):
    return reverse("return", args=["testshire", plan.ret.pk])


def test_officer_sees_the_indicator_target_and_one_input_per_measure(client, officer, plan, url):
    client.force_login(officer)

    page = client.get(url).content.decode()

    assert plan.indicator.text in page
    assert "Target: 63%." in page
    for name in (f"m{plan.count.pk}_value", f"m{plan.ratio.pk}_numerator", f"m{plan.ratio.pk}_denominator"):
        assert f'name="{name}"' in page
    assert f'name="m{plan.milestone.pk}_status" value="complete"' in page
    assert "Nothing to report this quarter" in page
    assert 'hx-history="false"' in page


def test_plain_post_saves_a_draft_and_redirects(client, officer, plan, url):
    client.force_login(officer)

    response = client.post(url, form_data(plan, plan.ret))

    assert response.status_code == 302
    plan.ret.refresh_from_db()
    assert plan.ret.state == ReturnState.DRAFT
    assert Figure.objects.get(ret=plan.ret, measure=plan.count).value == 120
    assert "Draft saved at" in client.get(url).content.decode()


def test_htmx_save_returns_the_form_partial_saying_when(client, officer, plan, url):
    client.force_login(officer)

    response = client.post(url, form_data(plan, plan.ret), headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="return-form"' in body and "Draft saved at" in body
    assert 'name="version" value="2"' in body


def test_htmx_submit_redirects_the_browser_to_the_returns_list(client, officer, plan, url):
    client.force_login(officer)

    response = client.post(url, form_data(plan, plan.ret, action="submit"), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("home"))
    plan.ret.refresh_from_db()
    assert plan.ret.state == ReturnState.SUBMITTED


def test_submit_says_what_it_does_without_a_browser_dialog(client, officer, plan, url):
    client.force_login(officer)

    page = client.get(url).content.decode()

    assert "hx-confirm" not in page
    assert "Submitting sends the return to the CSP coordinator." in page


BAD_INPUT = [
    ("count", "value", "twelve", "Enter incidents as a number, like 42."),
    ("count", "value", "-3", "Incidents cannot be negative."),
    ("count", "value", "4.5", "Enter incidents as a whole number, like 42."),
    ("count", "value", "1000000000000000", "Incidents must be 1,000,000,000 or fewer: check the figure."),
    ("percentage", "value", "101", "Satisfaction must be 100% or less."),
    ("percentage", "value", "abc", "Enter satisfaction as a number, like 42."),
    ("count", "value", "١٢", "Enter incidents as a number, like 42: use the digits 0 to 9."),
    ("count", "value", "１２", "Enter incidents as a number, like 42: use the digits 0 to 9."),
    (
        "count",
        "value",
        "1,2,3",
        "Enter incidents as a number, like 42: commas go between thousands, like 1,416.",
    ),
    ("percentage", "value", "6,25", "Enter satisfaction as a number, like 42: commas go between thousands"),
    (
        "ratio",
        "denominator",
        "20",
        "The number counted for Completion rate (30) cannot be more than the total it is out of, for "
        "Completion rate (20).",
    ),
    (
        "ratio",
        "denominator",
        "",
        "Enter the total it is out of, for Completion rate as well as the number counted for Completion "
        "rate, or neither.",
    ),
]


@pytest.mark.parametrize(("measure", "part", "typed", "message"), BAD_INPUT)
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(
    client, officer, plan, url, measure, part, typed, message
):
    client.force_login(officer)
    name = f"m{getattr(plan, measure).pk}_{part}"

    response = client.post(url, form_data(plan, plan.ret, **{name: typed}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert f'value="{typed}"' in page or typed == ""  # what was typed is kept
    assert not Figure.objects.filter(ret=plan.ret).exists()
    assert Return.objects.get(pk=plan.ret.pk).version == 1


def test_over_long_commentary_is_refused_and_kept(client, officer, plan, url):
    client.force_login(officer)
    essay = "Patrols. " * 500 + "End"

    page = client.post(url, form_data(plan, plan.ret, commentary=essay)).content.decode()

    assert "Update for the SEG must be 4,000 characters or fewer: it is 4,503." in page
    assert essay.strip() in page
    assert Return.objects.get(pk=plan.ret.pk).commentary == ""


def test_thousands_separators_are_accepted(client, officer, plan, url):
    client.force_login(officer)

    client.post(url, form_data(plan, plan.ret, **{f"m{plan.count.pk}_value": "1,416"}))

    assert Figure.objects.get(ret=plan.ret, measure=plan.count).value == 1416


def test_a_red_result_needs_why_recovery_and_a_date_to_submit_all_in_one_round(client, plan):
    # SAFE-02's only measure is comparison-only, so its agency rates it.
    other = plan.other_ret
    from tests.factories import officer_of

    client.force_login(officer_of(plan.theirs, username="fire"))
    url = reverse("return", args=["testshire", other.pk])
    measure = plan.other_indicator.measures.get()
    answers = {"version": 1, f"m{measure.pk}_value": "4", "agency_rating": "red", "commentary": "Busy."}

    saved = client.post(url, {**answers, "action": "save"})
    refused = client.post(url, {**answers, "version": 2, "action": "submit"}).content.decode()

    assert saved.status_code == 302  # a draft needs none of them
    for message in [
        "Say why the result is red.",
        "Say what is being done to bring it back on track.",
        "Give the date it is expected to be back on track.",
    ]:
        assert refused.count(message) == 2  # in the error summary and on its field
    assert "<title>Error: " in refused
    other.refresh_from_db()
    assert other.state == ReturnState.DRAFT and other.version == 2


def test_field_is_validated_on_blur_with_a_partial(client, officer, plan, url):
    client.force_login(officer)
    name = f"m{plan.count.pk}_value"

    response = client.post(
        url, form_data(plan, plan.ret, **{name: "-1", "_validate": name}), headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert f'id="group-{name}"' in body
    assert "Incidents cannot be negative." in body
    assert not Figure.objects.filter(ret=plan.ret).exists()


def test_markup_in_commentary_comes_back_escaped(client, officer, plan, url):
    client.force_login(officer)
    script = '<script>alert("x")</script><b>bold</b>'

    client.post(url, form_data(plan, plan.ret, commentary=script))
    page = client.get(url).content.decode()

    assert script not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page


def test_a_stale_save_is_refused_and_shows_the_newer_version_keeping_what_was_typed(
    client, officer, plan, url
):
    client.force_login(officer)
    client.post(url, form_data(plan, plan.ret, commentary="Saved first by a colleague"))

    response = client.post(
        url, form_data(plan, plan.ret, commentary="Typed on an old page"), headers={"HX-Request": "true"}
    )

    body = response.content.decode()
    assert "Someone else saved this return while you were editing it." in body
    assert "Saved first by a colleague" in body  # the newer version is shown
    assert "Typed on an old page" in body  # and nothing typed is thrown away
    assert 'name="version" value="2"' in body  # so saving again applies it on purpose
    assert Return.objects.get(pk=plan.ret.pk).commentary == "Saved first by a colleague"


def test_a_submitted_return_shows_read_only(client, officer, plan, url):
    client.force_login(officer)
    client.post(url, form_data(plan, plan.ret, action="submit"))

    page = client.get(url).content.decode()
    response = client.post(
        url, form_data(plan, Return.objects.get(pk=plan.ret.pk), commentary="Sneaky change")
    )

    assert "What was returned" in page and "Save draft" not in page
    assert response.status_code == 302
    assert Return.objects.get(pk=plan.ret.pk).commentary == "Incidents fell after the new patrol pattern."


def test_history_records_each_change_with_user_and_time(client, officer, coordinator, plan, url):
    client.force_login(officer)
    client.post(url, form_data(plan, plan.ret))
    client.post(
        url, form_data(plan, Return.objects.get(pk=plan.ret.pk), **{f"m{plan.count.pk}_value": "125"})
    )
    client.post(url, form_data(plan, Return.objects.get(pk=plan.ret.pk), action="submit"))
    client.force_login(coordinator)
    client.post(
        reverse("review", args=["testshire", plan.ret.pk]),
        {"decision": "send_back", "reason": "Check the count"},
    )

    page = client.get(reverse("return_history", args=["testshire", plan.ret.pk])).content.decode()

    assert ">Incidents<" in page and ">120<" in page and ">125<" in page
    assert "Policy adopted: status" in page and "In progress" in page
    assert "Submitted" in page and "Sent back: Check the count" in page
    assert "officer" in page and "coordinator" in page
    history = list(Return.objects.get(pk=plan.ret.pk).history.all())
    assert all(record.history_user is not None and record.history_date for record in history[:-1])


def test_htmx_post_to_a_locked_return_reloads_the_page_instead_of_swapping_it(client, officer, plan, url):
    client.force_login(officer)
    client.post(url, form_data(plan, plan.ret, action="submit"))

    response = client.post(url, form_data(plan, plan.ret), headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == url


def test_markup_in_a_measures_caveats_is_shown_as_text(client, officer, plan, url):
    # Caveats come from the admin and from uploaded plan workbooks: never trusted as HTML.
    type(plan.count).objects.filter(pk=plan.count.pk).update(caveats='<img src=x id="pwn"> Police count')
    client.force_login(officer)

    page = client.get(url).content.decode()

    assert 'id="pwn"' not in page
    assert "&lt;img src=x id=&quot;pwn&quot;&gt; Police count" in page


def test_a_save_that_meets_a_colleagues_submit_midway_is_told_as_if_it_came_after(
    client, officer, plan, url, monkeypatch
):
    """The load test's save "neither acknowledged nor refused": the page was editable when the request
    read it, and a colleague's submit took the row lock before the save did. The answer must be the one a
    save arriving after the submit gets, not a page with the refusal and no form."""
    from returns.views import return_page as views
    from returns.workflow import ReturnContent, save_draft, submit
    from tests.factories import officer_of

    colleague = officer_of(plan.ours, username="colleague")
    content = ReturnContent(commentary="The colleague's update.", nothing_to_report=True)

    def colleague_submits_first(ret, user, content_, *, version):
        done = save_draft(ret, colleague, content, version=version)
        submit(done, colleague, version=done.version)
        return save_draft(ret, user, content_, version=version)

    monkeypatch.setattr(views, "save_draft", colleague_submits_first)
    client.force_login(officer)

    response = client.post(url, form_data(plan, plan.ret), headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == url
    assert "This return can no longer be changed." in client.get(url).content.decode()
    assert Return.objects.get(pk=plan.ret.pk).commentary == "The colleague's update."


def test_a_ratios_top_over_its_bottom_is_marked_on_the_top(client, officer, plan, url):
    client.force_login(officer)
    top, bottom = f"m{plan.ratio.pk}_numerator", f"m{plan.ratio.pk}_denominator"

    page = client.post(url, form_data(plan, plan.ret, **{top: "101", bottom: "100"})).content.decode()

    assert f'id="id_{top}_error"' in page
    assert f'id="id_{bottom}_error"' not in page


def test_a_part_that_is_not_a_number_gets_its_own_message_and_no_other(client, officer, plan, url):
    client.force_login(officer)
    top = f"m{plan.ratio.pk}_numerator"

    page = client.post(url, form_data(plan, plan.ret, **{top: "lots"})).content.decode()

    assert "Enter the number counted for Completion rate as a number, like 42." in page
    assert "or neither" not in page


def test_ratio_parts_are_labelled_by_what_they_count(client, officer, plan, url):
    plan.ratio.numerator_label, plan.ratio.denominator_label = "Courses completed", "Courses started"
    plan.ratio.save()
    client.force_login(officer)

    page = client.get(url).content.decode()

    assert ">Courses completed<" in page and ">Courses started<" in page
    assert ">Numerator<" not in page


def test_an_acronym_keeps_its_capitals_in_a_message(client, officer, plan, url):
    plan.count.name = "VAWG offences"
    plan.count.save()
    client.force_login(officer)

    page = client.post(url, form_data(plan, plan.ret, **{f"m{plan.count.pk}_value": "x"})).content.decode()

    assert "Enter VAWG offences as a number, like 42." in page


def rate(client, plan, measure, **typed):
    url = reverse("rate_measure", args=["testshire", plan.ret.pk, measure.pk])
    data = {f"m{measure.pk}_{part}": value for part, value in typed.items()}
    return client.post(url, data, headers={"HX-Request": "true"}).content.decode()


def test_the_panel_rates_a_figure_as_it_is_typed_and_saves_nothing(client, officer, plan):
    client.force_login(officer)

    short = rate(client, plan, plan.ratio, numerator="20", denominator="45")
    met = rate(client, plan, plan.ratio, numerator="30", denominator="45")

    assert "Rating of this figure" in short
    assert ">Red<" in short and ">Green<" in met
    assert "63%" in met  # the target beside it
    assert not Figure.objects.filter(ret=plan.ret).exists()


def test_the_panel_beside_each_input_shows_last_quarter_last_year_and_the_target(client, officer, plan, url):
    client.force_login(officer)

    page = client.get(url).content.decode()

    panel = page[page.index(f'id="r-panel-{plan.ratio.pk}"') :]
    panel = panel[: panel.index("</dl>")]
    for words in ("Last quarter", "Same quarter last year", "Rolling year change", "Target", "Rating"):
        assert words in panel
    assert "<details" not in page[page.index('id="return-form"') :]  # nothing to open


def test_an_htmx_submit_refused_puts_the_error_summary_at_the_top_of_the_page(client, officer, plan, url):
    client.force_login(officer)

    response = client.post(
        url, form_data(plan, plan.ret, commentary="", action="submit"), headers={"HX-Request": "true"}
    )
    page = response.content.decode()

    assert '<div id="error-summary-slot" hx-swap-oob="true">' in page
    assert "<title>Error: SAFE-01 return" in page
    assert 'href="#id_commentary">Enter an update for the SEG.</a>' in page
    plan.ret.refresh_from_db()
    assert plan.ret.state == ReturnState.NOT_STARTED
