"""The Checkpoint page in real Chromium: the built-in synthetic checkpoint reports, and a
.safetensors file goes through the file chooser. Screenshots: artifacts/screenshots/
checkpoint-*.png."""

from __future__ import annotations

import numpy as np
from safetensors.numpy import save as save_safetensors

from quantviz.quantize import QuantConfig
from quantviz.studies import checkpoint as ck
from tests.e2e.browser import assert_clean, metrics, wait_until


def test_builtin_then_an_upload_through_the_file_chooser(open_app, tmp_path):
    pg = open_app("checkpoint")
    assert_clean(pg)
    assert metrics(pg)["Tensors"] == "39"
    assert pg.locator("[data-testid=stTable]").count() == 1
    assert pg.locator("[data-testid=stDataFrame]").count() == 1
    worst = ck.report(ck.synthetic_llm_entries(), QuantConfig()).worst(1)[0]
    text = "\n".join(pg.locator("[data-testid=stMarkdownContainer]").all_inner_texts())
    assert f"{worst.name} [256, 768]: {worst.sqnr_tensor:.2f} dB per tensor" in text
    # the default number format, NF4: its worst tensor beside the integer groups
    nf4 = ck.report(ck.synthetic_llm_entries(), QuantConfig(), fmt="nf4").worst_in_format(1)[0]
    assert f"{nf4.name} {list(nf4.shape)}: {nf4.sqnr_format:.2f} dB in the format" in text
    assert pg.shot("checkpoint-builtin").exists()

    rng = np.random.default_rng(1)
    w = rng.standard_normal((32, 256)).astype(np.float32)
    w[:, 3] *= 50
    tensors = {"block.fc.weight": w, "block.fc.bias": rng.standard_normal(32).astype(np.float32),
               "head.weight": rng.standard_normal((10, 128)).astype(np.float32)}
    path = tmp_path / "mine.safetensors"
    path.write_bytes(save_safetensors(tensors))
    pg.get_by_role("radio", name="Upload", exact=True).click()
    pg.wait_idle()
    with pg.expect_file_chooser() as chooser:
        pg.locator("[data-testid=stFileUploaderDropzone] button").first.click()
    chooser.value.set_files(str(path))
    pg.wait_idle()
    wait_until(pg, lambda: metrics(pg).get("Tensors") == "3", "checkpoint-failed-upload")
    rep = ck.report(ck.file_entries(path.name, path.read_bytes()), QuantConfig())
    worst = rep.worst(1)[0]
    assert worst.name == "block.fc.weight"
    text = "\n".join(pg.locator("[data-testid=stMarkdownContainer]").all_inner_texts())
    assert f"{worst.sqnr_tensor:.2f} dB per tensor" in text
    assert "Uploaded: mine.safetensors." in text
    assert "upload the same file there" in pg.locator(
        "[data-testid=stCaptionContainer]").all_inner_texts()[-1]
    assert_clean(pg)
    assert pg.shot("checkpoint-upload").exists()
