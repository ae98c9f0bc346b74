"""The officer's list of returns for a period."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize("period", ["²", "١", "１", "abc", "-1"])
def test_the_returns_list_reads_only_ascii_digits_as_a_period(client, officer, plan, period):
    client.force_login(officer)

    response = client.get(reverse("home"), {"period": period})

    assert response.status_code == 200  # a period that is no number is no period: the current one
    assert plan.ret.indicator.code in response.content.decode()
