"""scripts/hostile_uploads.py's small cases on a real server: each attack is cheap or refused.

The full sizes (60,000 repeated names, 50 million deflated zeros, ten million columns) are
``python scripts/hostile_uploads.py``; here the quick sizes of a few attacks keep the file
within about thirty seconds. "server" is in the name of every test that starts one, so the quick
project checks (``-k "not server"``) leave them out.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _hostile():
    spec = importlib.util.spec_from_file_location("hostile_uploads",
                                                  ROOT / "scripts" / "hostile_uploads.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["hostile_uploads"] = module
    spec.loader.exec_module(module)
    return module


hostile = _hostile()


def test_the_attacks_are_built_as_the_issue_describes():
    import io
    import zipfile

    z = hostile.zeros_npz(1_000_000)  # 8 MB of float64 zeros deflated to a few kB
    info = zipfile.ZipFile(io.BytesIO(z)).infolist()[0]
    assert info.file_size > 8_000_000 and len(z) < 20_000
    assert hostile.dup_names(10).count(b'"w9"') == 2  # the last of 10 names, twice
    assert hostile.wide_csv(5) == b"0,0,0,0,0\n"
    assert hostile.comment_txt(2) == b"#\n#\n1\n" and hostile.typo_csv(1) == b"0\nx\n"
    assert b"\\ud800" in hostile.surrogate_name(0)  # JSON's escape of a lone surrogate
    assert hostile.rendered([]) == 0
    # this round's: a nested array of 3 empty arrays (header 24 + key 9 + array head 16 + 3 x 12
    # = 85 bytes), a vocabulary of 2 one-byte strings
    assert hostile.gguf_nested(3).endswith(bytes(12) * 3) and len(hostile.gguf_nested(3)) == 85
    assert hostile.gguf_strings(2).endswith(b"\x01" + bytes(7) + b"a")
    declared = zipfile.ZipFile(io.BytesIO(hostile.npz_declared({"W": (10**9, 10**9)})))
    assert b"(1000000000, 1000000000)" in declared.read("W.npy")


@pytest.mark.parametrize("attack", ["dup_names", "zeros_npz", "edges", "narrow_link",
                                    "column_npy", "typo_csv", "filter_link", "zero_d",
                                    "fx0_link", "gguf_nested", "gguf_markdown", "live_forged",
                                    "digits_link", "ptq_declared", "ptq_mismatch",
                                    "tiny_std_link", "tiny_npy", "start_live_forged",
                                    "live_follow_flood", "live_follow_stale"])
def test_a_small_attack_on_a_real_server_is_cheap_and_shows_no_traceback(attack, tmp_path):
    served = hostile.start(ROOT, tmp_path / "server.log")
    try:
        row = asyncio.run(hostile.run_attack(served, attack, quick=True))
    finally:
        served.stop()
    assert row["failures"] == [] and row["exceptions"] == 0, row
    assert row.get("rendered", 0) == 0, row  # nothing from the file or link became Markdown
    assert row["seconds"] < 10, row
    # the attack's own CPU: the total less the bystander's share at its rate measured before
    assert 0 <= row["bystander_cpu_rate"] <= 2.0, row  # two cores at most
    assert row["cpu_own_seconds"] == pytest.approx(
        row["cpu_seconds"] - row["bystander_cpu_rate"] * row["seconds"], abs=0.05), row
    assert row["rss_peak_mb"] - row["rss_before_mb"] < 300, row  # a few hundred MB at most
    # a rerun the attacker sends runs the page once at most (a fragment's run alone is not
    # one); a scripted attack's last plain run finishes, its URL checks hold
    assert row["page_runs"] <= row["reruns"], row
    assert row["unfinished"] == 0 and row["unexpected"] == 0, row
    if attack.startswith(("live_follow", "start_live")):  # 15 s of CPU before
        assert row["cpu_own_seconds"] < 2, row
