"""The words set inside formulas (quantviz.present.formulas.WORDS), one key each: formula.<word>."""

TEXT = {
    "formula.quantize": ("quantize", "量化"),
    "formula.dequantize": ("dequantize", "反量化"),
    "formula.signed": ("signed", "有符号"),
    "formula.codes_used": ("codes used", "已用码数"),
}
