"""Sentences that explain a chart in words, with its numbers (and the switches next to it)."""

TEXT = {
    "explore.logy": ("Logarithmic count axis (values)", "对数计数坐标轴（数值图）"),
    "explore.logy.help": ("A ReLU tensor's exact zeros make one bar thousands of times taller "
                          "than the rest; on a log axis the other bars stay visible.",
                          "ReLU 张量中恰为 0 的值形成一根比其余高出数千倍的柱；对数坐标下"
                          "其余的柱仍然可见。"),
    "explore.errors.words": (
        "How to read the error chart: a value inside the range is rounded to the nearest grid "
        "point, so its error x_hat - x lies in [-scale/2, scale/2] = [-{half}, {half}] "
        "(scale = {scale}). Spread evenly over that band (the flat line), an error has "
        "variance scale²/12 = {uniform}; the values in range here have a mean squared "
        "rounding error of {rounding}.",
        "如何读误差图：范围内的值被取整到最近的网格点，所以误差 x_hat - x 落在 "
        "[-scale/2, scale/2] = [-{half}, {half}] 内（scale = {scale}）。若误差在这一区间内"
        "均匀分布（图中的水平线），其方差为 scale²/12 = {uniform}；此处范围内数值的"
        "取整均方误差为 {rounding}。"),
    "explore.errors.clipped": (
        "{k} values ({pct} %) lie outside the range and are clipped: their error grows with "
        "their distance from the range (up to about {worst} here), so they are counted apart "
        "(the second colour). They add a clipping MSE of {clipping} to a total MSE of "
        "{total}.",
        "{k} 个值（{pct} %）落在范围之外而被截断：其误差随离开范围的距离增大（此处最多约 "
        "{worst}），因此单独计数（第二种颜色）。它们贡献截断均方误差 {clipping}，总均方误差"
        "为 {total}。"),
    "worked.others": ("The same value in the notes' convention (zp subtracted)",
                      "同一个值在笔记约定下的写法（减去 zp）"),
    "learn.s5.main": (
        "The app writes one convention everywhere, PyTorch's (ONNX and TFLite use it too), "
        "the one sections 2 to 4 derived: the zero point Z is added, "
        "q = clamp(round(x / s) + Z, q_min, q_max), and x̂ = (q − Z) · s, so 0.0 is the code Z "
        "(Z = {Z} for your example). Here is x = {x} through it:",
        "本应用处处只用一种约定，即 PyTorch 的约定（ONNX 与 TFLite 亦同），也就是第 2 至 4 节推导"
        "出的那一种：零点（记作 Z）是加上的，q = clamp(round(x / s) + Z, q_min, q_max)，"
        "x̂ = (q − Z) · s，因此 0.0 对应码 Z（你的例子中 Z = {Z}）。下面是 x = {x} 的计算："),
    "learn.s5.others": (
        "Other conventions: the notes' zp, AIMET, NNCF, the multiplier form (Distiller) and "
        "the notes' slip",
        "其他约定：笔记的 zp、AIMET、NNCF、乘数形式（Distiller）以及笔记中的笔误"),
    "explore.errors.none": ("No value is clipped: all of the error is rounding.",
                            "没有值被截断：全部误差都来自取整。"),
}

SOURCES: dict[str, str] = {
    "worked.others": (
        "the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) lines 57-69, eq. (3)-(4): "
        "zeropoint = x_min / scale, x_q = round(x_f / scale) - zeropoint"
    ),
    "learn.s5.main": (
        "torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams and "
        "torch.fake_quantize_per_tensor_affine (q = round(x/s) + Z); ONNX QuantizeLinear "
        "(opset 19: y = saturate(round(x / y_scale) + y_zero_point)); TFLite quantization "
        "spec (real_value = (int8_value - zero_point) * scale)"
    ),
    "learn.s5.others": (
        "the notes lines 57-69 and 82 (zp subtracted, added back on dequantize), NOTE on "
        "zeropoint lines 86-98 (the slip: 0.0 said to map to zeropoint, eq. (4) gives "
        "-zeropoint); "
        "AIMET documentation (offset = -Z); NNCF; Distiller documentation, "
        "quantization algorithms (multiplier form)"
    ),
}
