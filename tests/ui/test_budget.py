"""The server's memory budget for uploads: hold, wait, refuse, release."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from quantviz.ui import budget
from tests.helpers import npy


def test_a_run_holds_until_it_ends_and_others_wait_for_it():
    budget.hold(600, budget=1000)
    assert budget.held() == 600
    waited = []
    done = threading.Event()

    def other():  # 600 + 600 > 1000: waits until the first run ends
        budget.hold(600, budget=1000, wait=5, on_wait=lambda: waited.append(True))
        budget.release_run()
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    time.sleep(0.3)
    assert waited == [True] and not done.is_set()
    budget.release_run()
    thread.join(5)
    assert done.is_set() and budget.held() == 0


def test_more_than_the_budget_is_refused_at_once_and_a_full_one_after_the_wait():
    with pytest.raises(budget.OverBudget) as over:
        budget.hold(2000, budget=1000)
    assert not over.value.busy and budget.held() == 0
    budget.hold(900, budget=1000)
    result = []

    def other():
        try:
            budget.hold(200, budget=1000, wait=0.2)
        except budget.OverBudget as err:
            result.append(err.busy)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(5)
    budget.release_run()
    assert result == [True] and budget.held() == 0


def test_an_upload_over_the_budget_is_refused_with_a_sentence(app_test, monkeypatch):
    # 1,000,000 float32 values: 4 MB decoded, about 6 x 4 = 24 MB to decode and quantize
    monkeypatch.setattr(budget, "BUDGET_BYTES", 10_000_000)
    at = app_test(page="explore", query={"src": "upload"})
    at.run()
    at.get("file_uploader")[0].set_value(
        ("big.npy", npy(np.zeros(1_000_000, dtype=np.float32)), "application/octet-stream"))
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "decodes to 4 MB" in errors and "about 24 MB" in errors and "10 MB" in errors
    assert budget.held() == 0  # released when the run ended
