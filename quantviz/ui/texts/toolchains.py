"""Strings of the Toolchains page."""

TEXT = {
    "toolchains.nav": ("Toolchains", "工具链"),
    "toolchains.title": ("One tensor, every toolchain's own defaults",
                         "同一个张量，各工具链各自的默认设置"),
    "toolchains.intro": ("PyTorch, ONNX Runtime, TensorRT and TFLite each choose the range, the "
                         "integer range and the zero point their own way. Here the tensor, read "
                         "as an activation, goes through each one's defaults.",
                         "PyTorch、ONNX Runtime、TensorRT 与 TFLite 各自用自己的方式选择范围、"
                         "整数范围和零点。这里把张量当作激活值，依次套用各家的默认设置。"),
    "toolchains.busy": ("Calibrating {n} values in every toolchain…",
                        "正在用每个工具链校准 {n} 个数值…"),
    "toolchains.empty": ("The tensor is empty: there is nothing to calibrate.",
                         "张量为空：没有可校准的数值。"),
    "toolchains.table": ("Each toolchain's parameters for this tensor", "各工具链为该张量给出的参数"),
    "toolchains.table.help": ("The tensor is fed as {batches} consecutive batches, as a "
                              "calibration loop would feed it. SQNR and codes use each "
                              "toolchain's own quantize arithmetic.",
                              "张量按 {batches} 个连续批次送入，就像校准循环那样。SQNR 与整数码"
                              "都按各工具链自己的量化算术计算。"),
    "toolchains.col.toolchain": ("toolchain", "工具链"),
    "toolchains.col.codes": ("codes used", "用到的码"),
    "toolchains.col.clipped": ("clipped (%)", "被截断（%）"),
    "toolchains.refused": ("refused: {reason}", "拒绝：{reason}"),
    "toolchains.refused.short": ("refused (see below)", "拒绝（见下文）"),
    "toolchains.quirk.refused": ("{call} is refused: {reason}", "{call} 被拒绝：{reason}。"),
    "toolchains.refused.original": ("{name}, in its own words: {message}",
                                    "{name} 自己的报错原文：{message}"),
    # each kind of refusal (quantviz.quantize.Refusal.kind), filled with the numbers it states;
    # the English equals the core's message (a test checks), the Chinese says the same
    "toolchains.refusal.unscalable": (
        "the range [{lo}, {hi}] cannot be scaled in {dtype}: over {steps} steps its scale, or "
        "an end of its grid, would exceed the largest {dtype} ({largest}); scale the tensor "
        "down (a symmetric grid, centred on 0, may fit)",
        "范围 [{lo}, {hi}] 无法在 {dtype} 中定出 scale：分成 {steps} 步时，scale 或网格的某一端"
        "会超过 {dtype} 的最大值（{largest}）；请把张量缩小（以 0 为中心的对称网格也许放得下）"),
    "toolchains.refusal.symmetric_reduce_quint8": (
        "PyTorch's MinMaxObserver (and MovingAverageMinMaxObserver) refuses reduce_range with "
        "per_tensor_symmetric quint8: 'Cannot reduce range for symmetric quantization for "
        "quint8'",
        "PyTorch 的 MinMaxObserver（以及 MovingAverageMinMaxObserver）不接受 quint8 的 "
        "per_tensor_symmetric 与 reduce_range 同时使用：它拒绝为对称量化缩小范围"),
    "toolchains.refusal.histogram_overflow": (
        "the range [{lo}, {hi}] is too wide for float32: PyTorch's HistogramObserver "
        "overflows and returns a NaN scale",
        "范围 [{lo}, {hi}] 对 float32 来说太宽：PyTorch 的 HistogramObserver 会溢出，"
        "返回值为 NaN 的 scale"),
    "toolchains.refusal.histogram_underflow": (
        "the range's span {span} is so small that every term of PyTorch's HistogramObserver "
        "error estimate falls below float32's smallest normal number (2⁻¹²⁶): its search "
        "would compare numbers that have lost their precision, and take seconds, so this row "
        "is left out",
        "范围的跨度 {span} 太小：PyTorch 的 HistogramObserver 误差估计中的每一项都低于 float32 "
        "最小的正规数（2⁻¹²⁶）。它的搜索将比较已经失去精度的数，而且要花好几秒，因此这一行不予计算"),
    "toolchains.refusal.average_inverted": (
        "PyTorch's check fails: the averaged min {lo} should be less than the averaged max "
        "{hi} (float32 rounding inverted them)",
        "PyTorch 的检查未通过：滑动平均后的最小值 {lo} 应小于平均后的最大值 {hi}"
        "（float32 舍入把两者颠倒了）"),
    "toolchains.refusal.float32_range": ("the range [{lo}, {hi}] is wider than float32 can hold",
                                         "范围 [{lo}, {hi}] 超出了 float32 能容纳的宽度"),
    "toolchains.refusal.not_finite": ("{name}={value} must be finite",
                                      "{name}={value} 必须是有限值"),
    "toolchains.refusal.other": ("the toolchain refuses this tensor",
                                 "该工具链拒绝了这个张量"),
    "toolchains.name.pytorch_x86_ptq": ("PyTorch x86 PTQ", "PyTorch x86 训练后量化"),
    "toolchains.name.pytorch_x86_qat": ("PyTorch x86 QAT", "PyTorch x86 量化感知训练"),
    "toolchains.name.pytorch_explicit": ("PyTorch, explicit 0..255", "PyTorch，显式 0..255"),
    "toolchains.name.onnxruntime_static": ("ONNX Runtime static", "ONNX Runtime 静态量化"),
    "toolchains.name.tensorrt": ("TensorRT (ModelOpt)", "TensorRT（ModelOpt）"),
    "toolchains.name.tflite": ("TFLite int8", "TFLite int8"),
    "toolchains.a": ("Compare", "比较"),
    "toolchains.b": ("with", "与"),
    "toolchains.compare": ("Where two toolchains disagree on this tensor",
                           "两个工具链在这个张量上的分歧"),
    "toolchains.compare.refused": ("One of the two refuses this tensor; pick another.",
                                   "其中一个工具链拒绝了这个张量；请另选一个。"),
    "toolchains.compare.none": ("{a} and {b} reconstruct all {n} values identically.",
                                "{a} 与 {b} 对全部 {n} 个数值的重建结果完全相同。"),
    "toolchains.compare.count": ("{a} and {b} reconstruct {count} of {n} values differently "
                                 "(x_hat = (q - Z) * scale differs):",
                                 "{a} 与 {b} 对 {n} 个数值中的 {count} 个重建结果不同"
                                 "（x_hat = (q - Z) * scale 不同）："),
    "toolchains.reason.clipped": ("{count} saturate under one and not under the other: their "
                                  "ranges end in different places.",
                                  "{count} 个在一方饱和而在另一方不饱和：两者的范围终点不同。"),
    "toolchains.reason.grid": ("{count} fall on different grids: scale {sa} with Z = {za} "
                               "against scale {sb} with Z = {zb}.",
                               "{count} 个落在不同的网格上：scale {sa}、Z = {za} 对比 "
                               "scale {sb}、Z = {zb}。"),
    "toolchains.reason.rounding": ("{count} on the same grid, where the two arithmetics round a "
                                   "value that lies within float32 rounding of a half step "
                                   "apart (division against multiplying by 1/scale, or half to "
                                   "even against half away from zero).",
                                   "{count} 个在同一网格上，但两种算术把距离半步不超过 float32 "
                                   "舍入误差的值取整到了不同方向（除法对比乘以 1/scale，或"
                                   "四舍六入五成双对比远离零取整）。"),
    "toolchains.compare.examples": ("Some of them: values the two round apart first, then "
                                    "values only one saturates, then the rest.",
                                    "部分例子：先列两者舍入方向不同的值，再列只在一方饱和的值，"
                                    "然后是其余的值。"),
    "toolchains.compare.grid_note": ("With different scales the two grids have different levels, "
                                     "so almost every value lands on a different x_hat; the "
                                     "codes themselves also differ by the zero points.",
                                     "scale 不同时两个网格的级别不同，几乎每个数值的 x_hat 都不"
                                     "同；整数码本身还会因零点不同而相差。"),
    "toolchains.quirks": ("PyTorch's unsigned symmetric corner cases", "PyTorch 无符号对称量化的特例"),
    "toolchains.quirks.intro": (
        "The same observer arguments, four outcomes. Without quant_min/quant_max PyTorch puts "
        "the quint8 symmetric zero point at {zp}; with them, at the rounded-down midpoint. "
        "HistogramObserver accepts reduce_range here and keeps {zp} while its range shrinks, "
        "so the zero point lies outside the range; MinMaxObserver refuses the same arguments.",
        "同样的观察器参数，四种结果。不给 quant_min/quant_max 时，PyTorch 把 quint8 对称量化的零点"
        "放在 {zp}；给出时，放在向下取整的中点。HistogramObserver 在这里接受 reduce_range，范围缩小"
        "而零点仍为 {zp}，于是零点落在范围之外；MinMaxObserver 则拒绝同样的参数。"),
    "toolchains.quirks.note": (
        "With the zero point outside the range, every value from 0 up saturates (0.0 itself "
        "comes back as -scale), and "
        "torch.fake_quantize_per_tensor_affine refuses these parameters (\"zero_point must be "
        "between quant_min and quant_max\"). Checked by running torch 2.13.",
        "零点在范围之外时，所有大于等于 0 的值都会饱和（0.0 本身被还原为 -scale），而 torch.fake_quantize_per_tensor_affine "
        "拒绝这组参数（“zero_point must be between quant_min and quant_max”）。已用 torch 2.13 "
        "运行核对。"),
    "toolchains.col.call": ("PyTorch call", "PyTorch 调用"),
    "toolchains.col.note": ("note", "说明"),
    "toolchains.quirk.default_range": ("MinMaxObserver(quint8, per_tensor_symmetric)",
                                       "MinMaxObserver(quint8, per_tensor_symmetric)"),
    "toolchains.quirk.explicit_range": ("… with quant_min=0, quant_max=255",
                                        "… 并给出 quant_min=0, quant_max=255"),
    "toolchains.quirk.histogram_reduce": ("HistogramObserver(quint8, per_tensor_symmetric, "
                                          "reduce_range=True)",
                                          "HistogramObserver(quint8, per_tensor_symmetric, "
                                          "reduce_range=True)"),
    "toolchains.quirk.minmax_reduce": ("MinMaxObserver(quint8, per_tensor_symmetric, "
                                       "reduce_range=True)",
                                       "MinMaxObserver(quint8, per_tensor_symmetric, "
                                       "reduce_range=True)"),
    "toolchains.code": ("Copy as code", "复制为代码"),
    "toolchains.code.intro": ("Each snippet reads the tensor from x.npy (download it here), "
                              "feeds it in {batches} batches and prints scale, zero point, qmin "
                              "and qmax as that toolchain computes them.",
                              "每段代码从 x.npy 读取张量（可在此下载），分 {batches} 批送入，"
                              "并打印该工具链算出的 scale、零点、qmin 与 qmax。"),
    "toolchains.code.download": ("Download the tensor (x.npy)", "下载张量（x.npy）"),
    "toolchains.code.formula": ("The toolchain itself is not installed here: the snippet "
                                "writes out its documented formula in NumPy.",
                                "此处未安装该工具链：代码用 NumPy 写出其文档中的公式。"),
    "toolchains.source": ("Checked against: {source}", "核对来源：{source}"),
    "toolchains.about.pytorch_x86_ptq": (
        "PyTorch's default for post-training quantization on x86 CPUs "
        "(get_default_qconfig(\"x86\")): a HistogramObserver on quint8 with reduce_range, so "
        "one bit fewer codes, searching its histogram for the range with the least estimated "
        "L2 error. Weights get a per-channel symmetric qint8 MinMax observer.",
        "PyTorch 在 x86 CPU 上训练后量化的默认设置（get_default_qconfig(\"x86\")）：quint8 上的 "
        "HistogramObserver，开启 reduce_range（少一位的码），在直方图中搜索估计 L2 误差最小的范围。"
        "权重使用逐通道对称 qint8 的 MinMax 观察器。"),
    "toolchains.about.pytorch_x86_qat": (
        "PyTorch's default for quantization-aware training on x86 (get_default_qat_qconfig"
        "(\"x86\")): a fused fake-quantizer with a moving-average MinMax observer on the "
        "reduced quint8 range. Its scale and zero point come from PyTorch's C++ rule, which "
        "computes the scale in float64 and picks the zero point from the end with the "
        "smaller error; the Python observers compute in float32.",
        "PyTorch 在 x86 上量化感知训练的默认设置（get_default_qat_qconfig(\"x86\")）：融合的"
        "伪量化模块，带滑动平均 MinMax 观察器，使用缩减的 quint8 范围。它的 scale 与零点来自 "
        "PyTorch 的 C++ 规则：scale 用 float64 计算，零点取误差较小的一端；Python 观察器则用 "
        "float32 计算。"),
    "toolchains.about.pytorch_explicit": (
        "A MinMaxObserver with quant_min and quant_max given explicitly, as this app's other "
        "pages compute by default.",
        "显式给出 quant_min 与 quant_max 的 MinMaxObserver，与本应用其他页面的默认计算相同。"),
    "toolchains.about.onnxruntime_static": (
        "ONNX Runtime's quantize_static defaults: int8 activations, asymmetric, MinMax "
        "calibration; compute_scale_zp computes the scale in float64 and stores it as "
        "float32. Its QuantizeLinear divides by the scale in float32, rounds half to even, "
        "then adds the zero point.",
        "ONNX Runtime 的 quantize_static 默认设置：int8 激活值、非对称、MinMax 校准；"
        "compute_scale_zp 用 float64 计算 scale 并以 float32 存储。其 QuantizeLinear 用 "
        "float32 除以 scale，四舍六入五成双，然后加零点。"),
    "toolchains.about.tensorrt": (
        "TensorRT's int8 as NVIDIA's ModelOpt calibrates it with max calibration: symmetric, "
        "scale = amax / {qmax}, zero point 0, so the calibrated values land on {qmin}..{qmax}. "
        "(ModelOpt's default narrow_range=False clamps to {qmin_full}..{qmax}; only a value "
        "beyond amax reaches {qmin_full}.) ModelOpt multiplies by {qmax} / amax; the codes here "
        "multiply by the float32 1 / scale.",
        "NVIDIA ModelOpt 以 max 校准为 TensorRT int8 给出的参数：对称，scale = amax / {qmax}，"
        "零点为 0，因此校准数据落在 {qmin}..{qmax} 上。（ModelOpt 默认 narrow_range=False，"
        "截断到 {qmin_full}..{qmax}；只有超出 amax 的值才会到 {qmin_full}。）ModelOpt 乘以 "
        "{qmax} / amax；这里的整数码乘以 float32 的 1 / scale。"),
    "toolchains.about.tflite": (
        "TFLite's int8 scheme: activations asymmetric on {qmin}..{qmax} (scale and zero point in "
        "float32, the zero point rounded half away from zero), weights symmetric per channel "
        "on {w_qmin}..{w_qmax}. This is the legacy quantizer's arithmetic "
        "(`GetAsymmetricQuantizationParams`, tools/optimize/quantization_utils.cc); today's "
        "converter takes int8 through its MLIR quantizer by default "
        "(`experimental_new_quantizer=True`), which computes the scale in double and rounds "
        "the zero point from whichever end of the range carries less error "
        "(`getNudgedScaleAndZeroPoint`, FakeQuantSupport.cc): the last bit of the scale can "
        "differ.",
        "TFLite 的 int8 方案：激活值在 {qmin}..{qmax} 上非对称（scale 与零点用 float32 计算，零点"
        "远离零取整），权重逐通道对称，范围 {w_qmin}..{w_qmax}。这是旧量化器的算法"
        "（tools/optimize/quantization_utils.cc 中的 `GetAsymmetricQuantizationParams`）；如今的"
        "转换器默认（`experimental_new_quantizer=True`）用 MLIR 量化器做 int8 量化，它用双精度计算 "
        "scale，并从误差较小的一端取整得到零点（FakeQuantSupport.cc 中的 "
        "`getNudgedScaleAndZeroPoint`）：scale 的最后一位可能不同。"),
}

#: Where each claim about another toolchain, a paper or the notes was checked (file and
#: version, paper section, notes line), keyed like TEXT.
SOURCES: dict[str, str] = {
    'toolchains.intro': (
        'goldens tests/data/golden_toolchains.npz (tests/library/test_toolchains.py); see'
        ' each toolchains.about.* entry'
    ),
    'toolchains.refusal.symmetric_reduce_quint8': (
        'torch 2.13.0 torch/ao/quantization/observer.py MinMaxObserver.__init__ and '
        "PerChannelMinMaxObserver.__init__ (NotImplementedError; MinMaxObserver's message"
        ' has a run of spaces inside, collapsed here) (live: '
        'tests/library/test_toolchains.py)'
    ),
    'toolchains.refusal.histogram_overflow': (
        'torch 2.13.0 torch/ao/quantization/observer.py HistogramObserver, run: goldens '
        'tests/data/golden_toolchains.npz (tests/library/test_toolchains.py)'
    ),
    'toolchains.refusal.histogram_underflow': (
        'torch 2.13.0 torch/ao/quantization/observer.py HistogramObserver.'
        '_compute_quantization_error (cubes of bin offsets in float32); IEEE 754 binary32 '
        'smallest normal 2^-126; the bound in quantviz/observers.py '
        'HistogramObserver._norms_subnormal (tests/library/test_observers.py)'
    ),
    'toolchains.refusal.average_inverted': (
        "torch 2.13.0 torch/ao/quantization/utils.py check_min_max_valid ('min ... should"
        " be less than max ...'), called from observer.py _calculate_qparams; run: "
        'goldens tests/data/golden_toolchains.npz'
    ),
    'toolchains.name.pytorch_x86_ptq': (
        "torch 2.13.0 torch/ao/quantization/qconfig.py get_default_qconfig('x86')"
    ),
    'toolchains.name.pytorch_x86_qat': (
        "torch 2.13.0 torch/ao/quantization/qconfig.py get_default_qat_qconfig('x86')"
    ),
    'toolchains.name.pytorch_explicit': (
        'torch 2.13.0 torch/ao/quantization/observer.py MinMaxObserver(quant_min=0, '
        'quant_max=255)'
    ),
    'toolchains.name.onnxruntime_static': (
        'onnxruntime 1.32.0 onnxruntime/quantization/quantize.py quantize_static'
    ),
    'toolchains.name.tensorrt': (
        'NVIDIA TensorRT-Model-Optimizer modelopt/torch/quantization: config.py '
        'QuantizerAttributeConfig narrow_range=False, tensor_quant.py _tensor_quant '
        '(scale = max_bound / amax, clamp(round(x * scale)))'
    ),
    'toolchains.name.tflite': (
        'tensorflow/lite/python/lite.py (int8 post-training quantization, '
        'experimental_new_quantizer=True)'
    ),
    'toolchains.quirks': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams (quint8 '
        'symmetric zero point), MinMaxObserver.__init__; goldens '
        'tests/data/golden_toolchains.npz (tests/library/test_toolchains.py)'
    ),
    'toolchains.quirks.intro': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams '
        '(has_customized_qrange: (quant_min + quant_max) // 2, else 128); '
        'HistogramObserver has no reduce_range refusal; goldens '
        'tests/data/golden_toolchains.npz (tests/library/test_toolchains.py)'
    ),
    'toolchains.col.call': (
        'torch 2.13.0 torch/ao/quantization/observer.py, qconfig.py (the calls shown)'
    ),
    'toolchains.about.pytorch_x86_ptq': (
        "torch 2.13.0 torch/ao/quantization/qconfig.py get_default_qconfig('x86'); "
        'observer.py HistogramObserver._non_linear_param_search (L2 error), '
        'default_per_channel_weight_observer (live: tests/library/test_toolchains.py)'
    ),
    'toolchains.about.pytorch_x86_qat': (
        "torch 2.13.0 torch/ao/quantization/qconfig.py get_default_qat_qconfig('x86') "
        'FusedMovingAvgObsFakeQuantize; aten/src/ATen/native/quantized/cpu/QuantUtils.h '
        'ChooseQuantizationParams (double scale, zero point from the end with smaller '
        'error); goldens tests/data/golden_toolchains.npz '
        '(tests/library/test_toolchains.py)'
    ),
    'toolchains.about.onnxruntime_static': (
        'onnxruntime 1.32.0 onnxruntime/quantization/quantize.py quantize_static '
        '(activation_type=QInt8, calibrate_method=MinMax, ActivationSymmetric False); '
        'quant_utils.py compute_scale_zp (live: tests/library/test_toolchains.py)'
    ),
    'toolchains.about.tensorrt': (
        'NVIDIA TensorRT-Model-Optimizer modelopt/torch/quantization: config.py '
        'QuantizerAttributeConfig narrow_range=False, tensor_quant.py _tensor_quant '
        '(scale = max_bound / amax, clamp(round(x * scale))); goldens '
        'tests/data/golden_toolchains.npz (tests/library/test_toolchains.py)'
    ),
    'toolchains.about.tflite': (
        "tensorflow/lite/python/lite.py (TF 2.x, experimental_new_quantizer = True, "
        "_quantize); compiler/mlir/lite/quantization: FakeQuantSupport.cc "
        "getNudgedScaleAndZeroPoint, ConvertStatsToQDQs; "
        "lite/tools/optimize/quantization_utils.cc GetAsymmetricQuantizationParams"
    ),
    'toolchains.refused.original': (
        "torch 2.13 torch/ao/quantization/observer.py ('Cannot reduce range for symmetric "
        "quantization for quint8')"
    ),
}
