"""Strings of the live figure (Explore, and Start's bits step): its status, numbers and text
alternatives."""

TEXT = {
    "live.heading": ("Live: the staircase moves while the slider moves",
                     "实时：滑块一动，阶梯随之而动"),
    "live.intro": ("These controls are the sidebar's. While one moves, your browser redraws "
                   "from a 4,096-bin histogram of the tensor; when the move ends, the server "
                   "quantizes the whole tensor and its exact numbers replace the preview.",
                   "这些控件就是侧边栏的控件。拖动时，浏览器用张量的 4096 格直方图即时重画；"
                   "松手后，服务器量化整个张量，用精确数字替换预览。"),
    "live.preview": ("preview", "预览"),
    "live.exact": ("exact (server)", "精确（服务器）"),
    "live.scale": ("scale", "scale"),
    "live.sqnr": ("SQNR", "SQNR"),
    "live.mse": ("MSE", "MSE"),
    "live.why_bins": ("Code counts are approximate: some histogram bins straddle two codes.",
                      "码的计数为近似：部分直方图格跨越两个码。"),
    "live.why_range": ("The range is the server's last one: this calibrator's range depends on "
                       "the settings and is recomputed when the move ends.",
                       "范围沿用服务器上一次的结果：此校准器的范围随设置而变，松手后重新计算。"),
    "live.why_arith": ("The preview uses PyTorch's arithmetic and rounding; the server uses "
                       "the ones chosen in the sidebar.",
                       "预览使用 PyTorch 的算术与取整方式；服务器使用侧边栏所选的方式。"),
    "live.summary": ("{status}: {bits} bits, {scheme}; scale {scale}, zero_point {zero_point}; "
                     "{used} of {levels} codes used; SQNR {sqnr} dB.",
                     "{status}：{bits} 位，{scheme}；scale {scale}，zero_point {zero_point}；"
                     "已用 {used} / {levels} 个码；SQNR {sqnr} dB。"),
    "live.values_alt": ("Histogram of x with the grid of {levels} levels (a line every {every}) "
                        "and the clipping range [{lo}, {hi}].",
                        "x 的直方图，叠加 {levels} 个量化级的网格（每 {every} 级一条线）与截断范围 "
                        "[{lo}, {hi}]。"),
    "live.mapping_alt": ("Staircase q(x) from {qmin} to {qmax}; x_hat runs from {lo} to {hi}.",
                         "阶梯 q(x) 从 {qmin} 到 {qmax}；x_hat 从 {lo} 到 {hi}。"),
    "live.codes_alt": ("Count per integer code: {used} of {levels} codes used (one bar per "
                       "{group} codes).",
                       "每个整数码的计数：已用 {used} / {levels} 个码（每条柱 {group} 个码）。"),
    "live.errors_alt": ("Histogram of x_hat - x within ±{half} (half a step); {clipped} values "
                        "are clipped.",
                        "x_hat - x 在 ±{half}（半步）内的直方图；{clipped} 个数值被截断。"),
}

#: Where each claim about another tool, a paper or the notes comes from.
SOURCES: dict[str, str] = {
    'live.why_arith': (
        'quantviz.studies.live (preview in float32 reciprocal-multiply, half to even: '
        'torch 2.13 fake_quantize_per_tensor_affine, goldens tests/data/golden_torch.npz '
        '(torch 2.13.0, tests/library/test_golden.py))'
    ),
}
