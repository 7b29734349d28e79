"""Strings of the Explore page."""

TEXT = {
    "explore.nav": ("Explore", "探索"),
    "explore.title": ("Explore: what quantization does to a tensor",
                      "探索：量化对一个张量做了什么"),
    "explore.intro": ("Pick a tensor and a scheme in the sidebar. With MinMax or moving-average "
                      "calibration every number below equals what PyTorch's observers and "
                      "fake_quantize give for the same integer range passed explicitly "
                      "(quant_min, quant_max), bit for bit; Percentile, MSE and Entropy are "
                      "calibrators of our own. Where other toolchains' defaults differ, the "
                      "Learn page shows.",
                      "在侧边栏选择张量与量化方案。使用 MinMax 或滑动平均校准时，下面每个数字都与 "
                      "PyTorch 的观察器和 fake_quantize 在显式给定同一整数范围（quant_min、"
                      "quant_max）时的结果逐位一致；百分位、MSE 与熵是我们自己的校准器。其他工具链"
                      "的默认做法有何不同，见“学习”页。"),
    "preset.heading": ("**Presets**: one click sets the controls for a classic case.",
                       "**预设**：一键设置一个经典案例。"),
    "preset.weights": ("Weights", "权重"),
    "preset.weights.help": ("Symmetric signed int8 with MinMax: the usual choice for weights "
                            "(PyTorch's x86 default adds one scale per output channel; see the "
                            "Per-channel page).",
                            "对称有符号 int8 加 MinMax：权重的常用选择（PyTorch 在 x86 上的默认"
                            "设置还会每个输出通道一个 scale，见“逐通道”页）。"),
    "preset.activations": ("Activations", "激活"),
    "preset.activations.help": ("Asymmetric uint8 with a moving-average MinMax: the notes' "
                                "advice for activations, which change from batch to batch, and "
                                "PyTorch's default in quantization-aware training. After "
                                "training, PyTorch's x86 default is a histogram observer with "
                                "one bit less (Learn, section 7).",
                                "非对称 uint8 加滑动平均 MinMax：笔记对逐批变化的激活值的建议，也是 "
                                "PyTorch 量化感知训练的默认设置。训练后量化时，PyTorch 在 x86 上"
                                "默认用直方图观察器并少用一位（见“学习”第 7 节）。"),
    "preset.relu_signed": ("ReLU, signed symmetric", "ReLU + 有符号对称"),
    "preset.relu_signed.help": ("ReLU outputs are never negative, so signed symmetric "
                                "quantization leaves every negative code unused: one bit wasted.",
                                "ReLU 输出没有负值，有符号对称量化让所有负码闲置：浪费一位。"),
    "preset.all_positive": ("All-positive data", "全正数据"),
    "preset.all_positive.help": ("Uniform data above 0 (by default in [{low}, {high}]): the "
                                 "notes' formula would send 0.0 outside the integer range; "
                                 "PyTorch's observers widen the range to include 0.",
                                 "大于 0 的均匀分布数据（默认位于 [{low}, {high}]）：笔记中的公式"
                                 "会把 0.0 映射到整数范围之外；PyTorch 的观察器会把范围扩展到"
                                 "包含 0。"),
    "preset.outliers": ("Outliers", "离群值"),
    "preset.outliers.help": ("A few large values stretch MinMax's range and coarsen the grid "
                             "for everything else; try Percentile or MSE calibration.",
                             "少数大值拉宽 MinMax 的范围，让其余数值的网格变粗；试试百分位或 "
                             "MSE 校准。"),
    "metric.zero_point": ("zero_point", "零点"),
    "metric.zero_point.help": ("PyTorch's convention: q = round(x/scale) + Z. The notes write "
                               "q = round(x/scale) - zp with zp = -Z = {zp}.",
                               "PyTorch 约定：q = round(x/scale) + Z。笔记写作 "
                               "q = round(x/scale) - zp，其中 zp = -Z = {zp}。"),
    "metric.range": ("calibrated [x_min, x_max]", "校准范围 [x_min, x_max]"),
    "metric.range.help": ("Exactly: x_min = {lo}, x_max = {hi} (float32).",
                          "精确值：x_min = {lo}，x_max = {hi}（float32）。"),
    "defs.heading": ("How these numbers are defined", "这些数字的定义"),
    "metric.codes_used": ("codes used", "已用码数"),
    "metric.codes_used.help": ("Distinct integer codes that occur, out of the qmax − qmin + 1 "
                               "codes of the integer range (2^bits, one fewer with the narrow "
                               "range).",
                               "实际出现的不同整数码个数，相对整数范围内全部 qmax − qmin + 1 个码"
                               "（2^bits 个，窄范围时少一个）。"),
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
                         "{code}, outside [0, {top}]: 0.0 is no longer exact. PyTorch's "
                         "observers widen the range to include 0 (observer.py, "
                         "_calculate_qparams), so 0.0 maps to Z = {Z} exactly, at the cost of "
                         "codes no value uses.",
                         "数据位于 [{lo}, {hi}]，不包含 0。笔记中的公式（scale = {scale}，"
                         "zp = round(x_min/scale) = {zp}）把 0.0 映射到码 {code}，超出 "
                         "[0, {top}]：0.0 不再精确。PyTorch 的观察器把范围扩展到包含 0"
                         "（observer.py，_calculate_qparams），于是 0.0 精确地映射到 Z = {Z}，"
                         "代价是一些码没有数值使用。"),
    "gap.clipping": ("{pct} % of the values lie beyond the calibrated range and saturate at "
                     "qmin or qmax. The notes do not clamp; real kernels do, and this clipping "
                     "error is counted apart from the rounding error.",
                     "{pct} % 的数值超出校准范围，饱和到 qmin 或 qmax。笔记没有截断这一步；"
                     "真实的算子会截断，这部分截断误差与取整误差分开统计。"),
    "gap.full_range": ("Full-range signed symmetric divides by (qmax - qmin)/2 = {denom}, as "
                       "PyTorch's Python observers do: ±max land on ±{denom} steps, half a step "
                       "off the grid, so +max ends on qmax while -max reaches qmin or stops one "
                       "code short, depending on the last bit of the float32 reciprocal 1/scale. "
                       "NVIDIA's TensorRT tools divide by {narrow} too (pytorch-quantization "
                       "and ModelOpt put amax on code {narrow}; their QuantDescriptor defaults "
                       "to narrow_range=False, so only a value beyond amax reaches the lowest "
                       "code), as ONNX Runtime does for symmetric int8 and int16; "
                       "PyTorch's fused observer for quantization-aware training divides by "
                       "{narrow} on the full range (Learn, section 6).",
                       "全范围有符号对称量化除以 (qmax - qmin)/2 = {denom}，PyTorch 的 Python 观察器"
                       "正是如此：±max 落在 ±{denom} 步处，偏离网格半步，于是 +max 落到 qmax，而 "
                       "-max 能否到达 qmin 取决于 float32 倒数 1/scale 的最后一位，也可能差一个码。"
                       "NVIDIA 的 TensorRT 工具也除以 {narrow}（pytorch-quantization 与 ModelOpt 把 amax "
                       "放在码 {narrow}；其 QuantDescriptor 默认 narrow_range=False，只有超出 amax "
                       "的值才会到达最低的码），ONNX Runtime 对对称 int8 和 int16 也是如此；PyTorch 用于量化感知训练"
                       "的融合观察器在全范围上除以 {narrow}（见“学习”第 6 节）。"),
    "gap.degenerate": ("The calibrated range is too narrow for the grid (all zeros, or nearly "
                       "so): scale sits at its floor eps = {eps}, PyTorch's "
                       "torch.finfo(torch.float32).eps, so that nothing divides by zero.",
                       "校准范围对网格来说太窄（全为 0 或几乎如此）：scale 停在下限 eps = {eps}，"
                       "即 PyTorch 的 torch.finfo(torch.float32).eps，避免除以零。"),
    "arith.heading": ("Where the arithmetics disagree on this tensor: {total} codes",
                      "各种算术在这个张量上的分歧：{total} 个码"),
    "arith.intro": ("The same range, each arithmetic computing the codes its own way. "
                    "PyTorch's fake_quantize "
                    "multiplies by the float32 reciprocal 1/scale, rounds, then adds Z; its x86 "
                    "quantize_per_tensor kernel adds Z before rounding, in one fused "
                    "multiply-add; the textbook divides in float64; ONNX Runtime's "
                    "QuantizeLinear divides in float32. Each also computes its own zero point: where "
                    "the zero points differ (a zero point near a half step, rounded one way in "
                    "float32 and the other in float64), nearly every code moves by one, and that "
                    "comparison is listed first. With equal zero points they differ where "
                    "x/scale lies within float32 rounding of a half step (a near-tie that "
                    "float32 decides one way and float64 the other) or where their saturation "
                    "bounds differ; each line counts its near-ties.",
                    "同一个范围，每种算术各自计算整数码。PyTorch 的 fake_quantize 乘以 float32 的倒数 "
                    "1/scale，先取整再加 Z；它在 x86 上的 quantize_per_tensor 算子在取整前加 Z"
                    "（一次融合乘加）；教科书用 float64 做除法；ONNX Runtime 的 QuantizeLinear "
                    "用 float32 做除法。每种算术也各自计算零点：零点不同时（零点接近半步，float32 与 "
                    "float64 取整方向相反），几乎每个码都相差一，这种对比列在最前。零点相同时，结果不同"
                    "之处在于 x/scale 距离半步不超过 float32 的舍入误差（这种“近似平局”在 float32 "
                    "与 float64 中的判定可能相反），或两者的饱和边界不同；每一行都给出其中近似平局"
                    "的个数。"),
    "arith.count": ("**{mine}** against **{other}**: the same zero point, Z = {zp}; {count} "
                    "of {n} codes differ, {ties} of them near-ties (x / scale within float32 "
                    "rounding of a half step).",
                    "**{mine}** 对比 **{other}**：零点相同，Z = {zp}；{n} 个码中有 {count} 个不同，"
                    "其中 {ties} 个是近似平局（x / scale 距离半步不超过 float32 的舍入误差）。"),
    "arith.zero_point": ("**{mine}** against **{other}**: the zero point itself differs, Z = "
                         "{zp} against Z = {zp_other}, so the whole grid is shifted and "
                         "{count} of {n} codes differ. These are not ties.",
                         "**{mine}** 对比 **{other}**：零点本身不同，Z = {zp} 对 Z = "
                         "{zp_other}，整个网格因此平移，{n} 个码中有 {count} 个不同。这些不是"
                         "平局。"),
    "arith.table": ("| x | x / scale (float64) | q, this arithmetic | q, the other |",
                    "| x | x / scale（float64） | q（当前算术） | q（另一种） |"),
    "download.heading": ("Downloads", "下载"),
    "download.codes": ("Codes q (.npy)", "整数码 q（.npy）"),
    "download.x_hat": ("Reconstruction x_hat (.npy)", "重建值 x_hat（.npy）"),
    "download.params": ("Parameters (JSON)", "参数（JSON）"),
}

#: Where each claim about another toolchain, a paper or the notes was checked (file and
#: version, paper section, notes line), keyed like TEXT.
SOURCES: dict[str, str] = {
    'explore.intro': (
        'torch 2.13.0 torch/ao/quantization/observer.py MinMaxObserver, '
        'MovingAverageMinMaxObserver with quant_min/quant_max; '
        'torch.fake_quantize_per_tensor_affine; goldens tests/data/golden_torch.npz '
        '(torch 2.13.0, tests/library/test_golden.py)'
    ),
    'preset.weights.help': (
        "torch 2.13.0 torch/ao/quantization/qconfig.py get_default_qconfig('x86') "
        'weight=default_per_channel_weight_observer (observer.py: '
        'PerChannelMinMaxObserver, qint8, per_channel_symmetric)'
    ),
    'preset.activations.help': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) line 109; torch 2.13.0 '
        'torch/ao/quantization/qconfig.py get_default_qat_qconfig '
        "(MovingAverageMinMaxObserver) and get_default_qconfig('x86') (HistogramObserver,"
        ' reduce_range=True)'
    ),
    'preset.all_positive.help': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15), 量化 eq. (2)-(4) (no clamp, zeropoint '
        '= x_min/scale); torch 2.13.0 torch/ao/quantization/observer.py '
        '_calculate_qparams (min_val_neg = min(min_val, 0))'
    ),
    'metric.zero_point.help': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) eq. (4) and NOTE on zeropoint (lines '
        '69, 86-98); torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams (q'
        ' = round(x/scale) + zero_point)'
    ),
    'worked.pytorch': (
        'torch 2.13.0 fake_quantize_per_tensor_affine; goldens '
        'tests/data/golden_torch.npz (torch 2.13.0, tests/library/test_golden.py)'
    ),
    'gap.zero_outside': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) eq. (4); torch 2.13.0 '
        'torch/ao/quantization/observer.py _calculate_qparams (min_val_neg, max_val_pos)'
    ),
    'gap.degenerate': (
        'torch 2.13.0 torch/ao/quantization/observer.py '
        'eps=torch.finfo(torch.float32).eps, scale = max(scale, eps) in '
        '_calculate_qparams (live: tests/library/test_toolchains.py)'
    ),
    'gap.full_range': (
        "NVIDIA/TensorRT tools/pytorch-quantization 2.2.1: "
        "pytorch_quantization/tensor_quant.py (TensorQuantFunction, QuantDescriptor); "
        "torch 2.13 observer.py; onnxruntime 1.32 quant_utils.get_qmin_qmax_for_qType"
    ),
    'arith.intro': (
        "torch 2.13 fake_quantize_per_tensor_affine / quantize_per_tensor (run); "
        "onnxruntime 1.32 QuantizeLinear opset 19 (run, tests/data/golden_toolchains.npz)"
    ),
}
