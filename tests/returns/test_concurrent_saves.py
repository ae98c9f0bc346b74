"""Two people saving the same return at the same moment, on real PostgreSQL connections."""

import threading
import time

import pytest
from django.db import connection

from returns import workflow as services
from returns.models import Return
from returns.workflow import ReturnContent, StaleReturn, save_draft

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_two_concurrent_saves_exactly_one_wins_and_the_other_is_told(plan, officer, monkeypatch):
    slow_write = services._write_figures

    def write_slowly(*args, **kwargs):
        # Hold the row lock long enough that the other save must wait for it.
        time.sleep(0.3)
        return slow_write(*args, **kwargs)

    monkeypatch.setattr(services, "_write_figures", write_slowly)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(who: str) -> None:
        from django.db import connections

        try:
            start.wait()
            save_draft(plan.ret, officer, ReturnContent(commentary=f"Typed by {who}"), version=1)
            outcomes[who] = "saved"
        except StaleReturn as refused:
            outcomes[who] = refused
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(who,)) for who in ("alice", "bob")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [who for who, outcome in outcomes.items() if outcome == "saved"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, StaleReturn)]
    assert len(winners) == 1 and len(losers) == 1
    saved = Return.objects.get(pk=plan.ret.pk)
    assert saved.commentary == f"Typed by {winners[0]}"
    assert saved.version == 2
    assert losers[0].current.commentary == saved.commentary  # the loser is shown the newer version
