"""Strings of the Explore page."""

TEXT = {
    "explore.nav": ("Explore", "探索"),
    "explore.title": ("Explore: what quantization does to a tensor",
                      "探索：量化对一个张量做了什么"),
    "explore.intro": ("Pick a tensor and a scheme in the sidebar. Every number below is computed "
                      "the way PyTorch computes it, bit for bit.",
                      "在侧边栏选择张量与量化方案。下面每个数字都按 PyTorch 的方式逐位精确计算。"),
    "preset.heading": ("**Presets**: one click sets the controls for a classic case.",
                       "**预设**：一键设置一个经典案例。"),
    "preset.weights": ("Weights", "权重"),
    "preset.weights.help": ("Symmetric signed int8 with MinMax: the usual choice for weights.",
                            "对称有符号 int8 加 MinMax：权重的常用选择。"),
    "preset.activations": ("Activations", "激活"),
    "preset.activations.help": ("Asymmetric uint8 with a moving-average MinMax: the usual "
                                "choice for activations, which change from batch to batch.",
                                "非对称 uint8 加滑动平均 MinMax：激活值逐批变化时的常用选择。"),
    "preset.relu_signed": ("ReLU, signed symmetric", "ReLU + 有符号对称"),
    "preset.relu_signed.help": ("ReLU outputs are never negative, so signed symmetric "
                                "quantization leaves every negative code unused: one bit wasted.",
                                "ReLU 输出没有负值，有符号对称量化让所有负码闲置：浪费一位。"),
    "preset.all_positive": ("All-positive data", "全正数据"),
    "preset.all_positive.help": ("Data in [1, 3]: the notes' formula would send 0.0 outside the "
                                 "integer range; PyTorch widens the range to include 0.",
                                 "数据位于 [1, 3]：笔记中的公式会把 0.0 映射到整数范围之外；"
                                 "PyTorch 会把范围扩展到包含 0。"),
    "preset.outliers": ("Outliers", "离群值"),
    "preset.outliers.help": ("A few large values stretch MinMax's range and coarsen the grid "
                             "for everything else; try Percentile or MSE calibration.",
                             "少数大值拉宽 MinMax 的范围，让其余数值的网格变粗；试试百分位或 "
                             "MSE 校准。"),
    "metric.zero_point": ("zero_point", "零点 zero_point"),
    "metric.zero_point.help": ("PyTorch's convention: q = round(x/scale) + Z. The notes write "
                               "q = round(x/scale) - zp with zp = -Z = {zp}.",
                               "PyTorch 约定：q = round(x/scale) + Z。笔记写作 "
                               "q = round(x/scale) - zp，其中 zp = -Z = {zp}。"),
    "metric.range": ("calibrated [x_min, x_max]", "校准范围 [x_min, x_max]"),
    "metric.range.help": ("Exactly: x_min = {lo}, x_max = {hi} (float32).",
                          "精确值：x_min = {lo}，x_max = {hi}（float32）。"),
    "defs.heading": ("How these numbers are defined", "这些数字的定义"),
    "metric.codes_used": ("codes used", "已用码数"),
    "metric.codes_used.help": ("Distinct integer codes that occur, out of all 2^bits codes.",
                               "实际出现的不同整数码个数，相对全部 2^bits 个码。"),
    "metric.mse.help": ("Rounding part {rounding}, clipping part {clipping}; uniform-noise "
                        "prediction scale²/12 = {uniform}.",
                        "取整部分 {rounding}，截断部分 {clipping}；均匀噪声预测 "
                        "scale²/12 = {uniform}。"),
    "metric.max_error": ("max |x_hat - x|", "最大 |x_hat - x|"),
    "metric.clipped": ("clipped", "被截断"),
    "metric.effective_bits": ("Effective bits log2(codes used) = {bits} of {total}; "
                              "{unused} % of the integer range is unused.",
                              "有效位数 log2(已用码数) = {bits}（共 {total} 位）；"
                              "整数范围中 {unused} % 未被使用。"),
    "fig.values": ("Values x, the grid and the clipping range",
                   "数值 x、量化网格与截断范围"),
    "fig.count_x": ("count of x", "x 的计数"),
    "fig.grid": ("grid: x_hat of each code", "网格：每个码的 x_hat"),
    "fig.thinned": ("(1 in {k})", "（每 {k} 条画 1 条）"),
    "fig.per_bar": ("({n} codes per bar)", "（每根柱含 {n} 个码）"),
    "fig.count": ("count", "计数"),
    "fig.mapping": ("Float-to-int mapping q(x) and reconstruction x_hat(x)",
                    "浮点到整数的映射 q(x) 与重建 x_hat(x)"),
    "fig.codes": ("Integer codes used: {used} of {levels}, effective bits {bits:.2f}",
                  "已用整数码：{used} / {levels}，有效位数 {bits:.2f}"),
    "fig.unreachable": ("unreachable codes", "无法到达的码"),
    "fig.empty": ("reachable but empty", "可到达但为空"),
    "fig.per_code": ("elements per code", "每个码的元素数"),
    "fig.errors": ("Error x_hat - x: rounding and clipping", "误差 x_hat - x：取整与截断"),
    "fig.rounding": ("rounding error (in range)", "取整误差（范围内）"),
    "fig.clipping": ("clipping error (saturated)", "截断误差（饱和）"),
    "fig.uniform": ("uniform noise, variance scale²/12", "均匀噪声，方差 scale²/12"),
    "worked.heading": ("Worked example: one value through quantize and dequantize",
                       "算例：一个数值经过量化与反量化"),
    "worked.x0": ("Value x", "数值 x"),
    "worked.pytorch": ("PyTorch's convention (`+Z`), the exact code path:",
                       "PyTorch 约定（`+Z`），与代码路径完全一致："),
    "worked.notes": ("The notes' convention (`-zp`, with `zp = -Z`):",
                     "笔记的约定（`-zp`，其中 `zp = -Z`）："),
    "gap.zero_outside": ("The data lie in [{lo}, {hi}] and do not contain 0. The notes' formula "
                         "(scale = {scale}, zp = round(x_min/scale) = {zp}) sends 0.0 to code "
                         "{code}, outside [0, {top}]: 0.0 is no longer exact. PyTorch widens the "
                         "range to include 0, so 0.0 maps to Z = {Z} exactly, at the cost of "
                         "codes no value uses.",
                         "数据位于 [{lo}, {hi}]，不包含 0。笔记中的公式（scale = {scale}，"
                         "zp = round(x_min/scale) = {zp}）把 0.0 映射到码 {code}，超出 "
                         "[0, {top}]：0.0 不再精确。PyTorch 把范围扩展到包含 0，于是 0.0 精确地"
                         "映射到 Z = {Z}，代价是一些码没有数值使用。"),
    "gap.clipping": ("{pct} % of the values lie beyond the calibrated range and saturate at "
                     "qmin or qmax. The notes do not clamp; real kernels do, and this clipping "
                     "error is counted apart from the rounding error.",
                     "{pct} % 的数值超出校准范围，饱和到 qmin 或 qmax。笔记没有截断这一步；"
                     "真实的算子会截断，这部分截断误差与取整误差分开统计。"),
    "gap.full_range": ("Full-range signed symmetric divides by (qmax - qmin)/2 = {denom}: +max "
                       "lands on a half step and saturates at qmax, while -max reaches qmin. "
                       "Narrow range divides by {narrow} instead.",
                       "全范围有符号对称量化除以 (qmax - qmin)/2 = {denom}：+max 落在半步上并饱和"
                       "到 qmax，而 -max 到达 qmin。窄范围则除以 {narrow}。"),
    "gap.degenerate": ("The range is empty (all values equal to 0): scale falls to its floor "
                       "eps = 2^-23 so that nothing divides by zero.",
                       "范围为空（所有值都为 0）：scale 取下限 eps = 2^-23，避免除以零。"),
    "arith.heading": ("Where the arithmetics disagree on this tensor: {total} codes",
                      "各种算术在这个张量上的分歧：{total} 个码"),
    "arith.intro": ("The same range, each arithmetic computing the codes its own way. "
                    "PyTorch's fake_quantize "
                    "multiplies by the float32 reciprocal 1/scale, rounds, then adds Z; its x86 "
                    "quantize_per_tensor kernel adds Z before rounding, in one fused "
                    "multiply-add; the textbook divides in float64; ONNX Runtime's "
                    "QuantizeLinear divides in float32. They differ only where "
                    "x/scale lies within float32 rounding of a half step: a rare tie that float32 "
                    "decides one way and float64 the other.",
                    "同一个范围，每种算术各自计算整数码。PyTorch 的 fake_quantize 乘以 float32 的倒数 "
                    "1/scale，先取整再加 Z；它在 x86 上的 quantize_per_tensor 算子在取整前加 Z"
                    "（一次融合乘加）；教科书用 float64 做除法；ONNX Runtime 的 QuantizeLinear "
                    "用 float32 做除法。只有当 x/scale 距离半步不超过 "
                    "float32 的舍入误差时，结果才会不同：这种罕见的“平局”在 float32 与 float64 "
                    "中的判定可能相反。"),
    "arith.count": ("**{mine}** against **{other}**: {count} of {n} codes differ.",
                    "**{mine}** 对比 **{other}**：{n} 个码中有 {count} 个不同。"),
    "arith.table": ("| x | x / scale (float64) | q, this arithmetic | q, the other |",
                    "| x | x / scale（float64） | q（当前算术） | q（另一种） |"),
    "download.heading": ("Downloads", "下载"),
    "download.codes": ("Codes q (.npy)", "整数码 q（.npy）"),
    "download.x_hat": ("Reconstruction x_hat (.npy)", "重建值 x_hat（.npy）"),
    "download.params": ("Parameters (JSON)", "参数（JSON）"),
}
