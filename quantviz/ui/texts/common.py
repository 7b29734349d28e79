"""Strings shared by every page: switches, the tensor source, the scheme controls."""

TEXT = {
    "lang.label": ("Language", "语言"),
    "model.nav": ("Model", "模型"),
    "lang.label.en": ("English", "English"),
    "lang.label.zh": ("中文", "中文"),
    "present.label": ("Presentation mode", "演示模式"),
    "present.help": ("Larger text and charts for a projector; open a link with present=1 to "
                     "start with the sidebar folded.",
                     "为投影仪放大文字与图表；链接中带 present=1 打开时侧边栏自动收起。"),
    "sidebar.tensor": ("Tensor", "张量"),
    "sidebar.scheme": ("Quantization scheme", "量化方案"),
    "sidebar.advanced": ("Rounding and arithmetic", "取整与算术"),
    "source.label": ("Source", "来源"),
    "source.label.dist": ("Distribution", "分布"),
    "source.label.upload": ("Upload", "上传"),
    "dist.label": ("Distribution", "分布"),
    "dist.help": ("Seeded samples: the same seed gives the same values.",
                  "带种子的采样：相同种子得到相同数值。"),
    "dist.normal": ("Normal", "正态分布"),
    "dist.uniform": ("Uniform", "均匀分布"),
    "dist.laplace": ("Laplace", "拉普拉斯分布"),
    "dist.relu": ("ReLU activations", "ReLU 激活"),
    "dist.student_t": ("Heavy-tailed (Student t)", "重尾分布（t 分布）"),
    "dist.lognormal": ("Log-normal", "对数正态分布"),
    "dist.bimodal": ("Bimodal", "双峰分布"),
    "dist.outliers": ("Normal with outliers", "带离群值的正态分布"),
    "dist.all_positive": ("All positive (no 0 in range)", "全为正（范围不含 0）"),
    "dist.uneven_channels": ("Weight matrix, uneven channels", "权重矩阵（通道 scale 不均）"),
    "dist.normal.desc": ("Bell-shaped, like most trained weights.", "钟形分布，类似多数训练后的权重。"),
    "dist.uniform.desc": ("Every value in [low, high] equally likely: the grid's best case.",
                          "[low, high] 内各值等概率：网格最理想的情形。"),
    "dist.laplace.desc": ("Sharper peak and longer tails than the normal.",
                          "比正态分布峰更尖、尾更长。"),
    "dist.relu.desc": ("A normal with the negatives set to 0: none is negative, and with mean 0 "
                       "half the values are exactly 0.",
                       "负值被置 0 的正态分布：没有负值；均值为 0 时一半数值恰为 0。"),
    "dist.student_t.desc": ("Rare large values stretch the min/max range.",
                            "少见的大值会拉宽 min/max 范围。"),
    "dist.lognormal.desc": ("Positive and skewed, with a long right tail.", "恒正且偏斜，右尾很长。"),
    "dist.bimodal.desc": ("Two clusters with an empty gap between them.", "两个簇，中间是空隙。"),
    "dist.outliers.desc": ("A normal bulk plus a small fraction of large outliers.",
                           "正态主体加上一小部分大的离群值。"),
    "dist.all_positive.desc": ("Uniform on [low, high] with low > 0: the range does not contain 0.",
                               "[low, high] 上的均匀分布且 low > 0：范围不包含 0。"),
    "dist.uneven_channels.desc": ("Output channels with very different scales, flattened here.",
                                  "各输出通道 scale 差异很大，此处展平。"),
    "param.generic": ("Parameter", "参数"),
    "param.mean": ("mean", "均值"),
    "param.std": ("standard deviation", "标准差"),
    "param.low": ("low", "下界"),
    "param.high": ("high", "上界"),
    "param.loc": ("location", "位置"),
    "param.scale": ("scale", "scale"),
    "param.df": ("degrees of freedom", "自由度"),
    "param.sigma": ("standard deviation of the log", "对数的标准差"),
    "param.separation": ("distance between the modes", "两峰间距"),
    "param.fraction": ("fraction of outliers", "离群值比例"),
    "param.magnitude": ("size of the outliers", "离群值大小"),
    "param.out_channels": ("output channels", "输出通道数"),
    "param.in_features": ("input features per channel", "每通道输入特征数"),
    "param.spread": ("largest / smallest channel std", "通道标准差最大/最小之比"),
    "param.lognormal.mean": ("mean of the log", "对数的均值"),
    "param.bimodal.std": ("standard deviation of each mode", "每个峰的标准差"),
    "param.outliers.std": ("standard deviation of the bulk", "主体部分的标准差"),
    "n.label": ("Number of values", "数值个数"),
    "seed.label": ("Seed", "随机种子"),
    "drop.label": ("Drop NaN and infinite values", "丢弃 NaN 与无穷值"),
    "drop.help": ("Non-finite values cannot be quantized; dropping them flattens the tensor.",
                  "非有限值无法量化；丢弃后张量被展平。"),
    "upload.label": ("Upload a tensor or checkpoint", "上传张量或检查点"),
    "upload.help": ("Accepted: .npy, .npz, .csv, .tsv, .txt, .safetensors. Pickles (.pt, .pkl) "
                    "are refused: they can run code. Uploads are not part of a shared link.",
                    "接受 .npy、.npz、.csv、.tsv、.txt、.safetensors。拒绝 pickle（.pt、.pkl），"
                    "因为它们可以执行代码。上传的文件不会包含在分享链接中。"),
    "upload.none": ("No file yet: the built-in tensor is shown until you upload one.",
                    "尚未上传：在上传之前显示内置张量。"),
    "upload.refused": ("This file cannot be used: {reason}", "无法使用该文件：{reason}"),
    "drop.hint": ("Switch on “Drop NaN and infinite values” below to quantize the finite ones.",
                  "打开下方的“丢弃 NaN 与无穷值”开关，即可量化其余的有限值。"),
    "upload.tensor": ("Tensor in the file", "文件中的张量"),
    "busy.sample": ("Sampling {n} values…", "正在采样 {n} 个数值…"),
    "busy.load": ("Decoding {name}…", "正在解码 {name}…"),
    "busy.quantize": ("Calibrating and quantizing {n} values…", "正在校准并量化 {n} 个数值…"),
    "tensor.dist_label": ("Tensor: {name}, {n} values.", "张量：{name}，{n} 个数值。"),
    "tensor.upload_label": ("Tensor: {name} from {file}, {n} values.",
                            "张量：{file} 中的 {name}，{n} 个数值。"),
    "tensor.kept": ("Showing the previous tensor: {label}", "仍显示上一个张量：{label}"),
    "scheme.label": ("Scheme", "方式"),
    "scheme.label.asymmetric": ("Asymmetric", "非对称"),
    "scheme.label.symmetric": ("Symmetric", "对称"),
    "bits.label": ("Bits", "位宽"),
    "signed.label": ("Signed integers", "有符号整数"),
    "signed.help": ("Signed: [-2^(b-1), 2^(b-1)-1]. Unsigned: [0, 2^b-1].",
                    "有符号：[-2^(b-1), 2^(b-1)-1]。无符号：[0, 2^b-1]。"),
    "narrow.label": ("Narrow range", "窄范围"),
    "narrow.help": ("Drop the lowest code (int8: {qmin}..{qmax}) so the signed range is "
                    "symmetric.",
                    "去掉最小的码（int8：{qmin}..{qmax}），使有符号范围对称。"),
    "reduce.label": ("Reduce range (one bit fewer)", "缩减范围（少一位）"),
    "reduce.help": ("PyTorch's reduce_range: the integer range of one bit fewer, which "
                    "PyTorch's x86 defaults use for activations.",
                    "PyTorch 的 reduce_range：整数范围少一位，PyTorch 在 x86 上的默认设置对"
                    "激活值使用它。"),
    "reduce.needs_bits": ("Reduce range needs at least {min_bits} bits; at {bits} bits it is off.",
                          "缩减范围至少需要 {min_bits} 位；{bits} 位时不生效。"),
    "rounding.label": ("Rounding", "取整方式"),
    "rounding.label.half_even": ("Half to even (PyTorch)", "四舍六入五成双（PyTorch）"),
    "rounding.label.half_away": ("Half away from zero", "四舍五入（远离零）"),
    "rounding.label.floor": ("Floor", "向下取整"),
    "rounding.label.stochastic": ("Stochastic (seeded)", "随机取整（固定种子）"),
    "arith.label": ("Arithmetic", "算术"),
    "arith.label.pytorch": ("PyTorch (float32)", "PyTorch（float32）"),
    "arith.label.fbgemm": ("PyTorch x86 kernel (fused)", "PyTorch x86 算子（融合）"),
    "arith.label.textbook": ("Textbook (float64)", "教科书（float64）"),
    "arith.label.onnxruntime": ("ONNX Runtime (float32, divide)", "ONNX Runtime（float32，除法）"),
    "arith.help": ("PyTorch (fake_quantize) multiplies by the float32 reciprocal 1/scale, rounds, "
                   "then adds Z. PyTorch's x86 quantize_per_tensor adds Z before rounding, in one "
                   "fused multiply-add. The textbook divides in float64. ONNX Runtime's "
                   "QuantizeLinear divides by the scale in float32, rounds, then adds Z. Each "
                   "computes its own zero point too: where the zero points differ, nearly every "
                   "code moves by one; otherwise they disagree only on near-ties.",
                   "PyTorch（fake_quantize）乘以 float32 的倒数 1/scale，先取整再加 Z。PyTorch 在 "
                   "x86 上的 quantize_per_tensor 在取整前加 Z（一次融合乘加）。教科书用 float64 "
                   "做除法。ONNX Runtime 的 QuantizeLinear 用 float32 除以 scale，先取整再加 Z。"
                   "每种算术也各自计算零点：零点不同时，几乎每个码都相差一；否则只在接近半步的值上结果不同。"),
    "calib.label": ("Calibration (range)", "校准（范围）"),
    "calib.label.minmax": ("MinMax", "MinMax"),
    "calib.label.moving_average": ("Moving-average MinMax", "滑动平均 MinMax"),
    "calib.label.percentile": ("Percentile", "百分位数"),
    "calib.label.mse": ("Minimum MSE", "最小 MSE"),
    "calib.label.entropy": ("Entropy (KL)", "熵（KL 散度）"),
    "calib.label.histogram": ("Histogram (PyTorch)", "直方图（PyTorch）"),
    "calib.help": ("How [x_min, x_max] is chosen. Moving average feeds the tensor in {batches} "
                   "batches.",
                   "如何选择 [x_min, x_max]。滑动平均把张量分成 {batches} 批依次输入。"),
    "pct.label": ("Percentile", "百分位"),
    "avg.label": ("Averaging constant c (this tensor's batches)", "平均系数 c（本张量的各批）"),
    # a page that cannot compute what its controls or upload ask for (never a traceback)
    "error.values": ("These values cannot be computed: {reason}.",
                     "这些数值无法计算：{reason}。"),
    "error.internal": ("This page could not be drawn with these values (the server log has the "
                       "details). Change a control, or open the page without the link's values.",
                       "无法用这些数值绘制本页（详情见服务器日志）。请调整控件，或去掉链接中的参数"
                       "重新打开本页。"),
    "upload.beyond_f32": ("tensor {name}: {count} of its values lie beyond float32's range "
                          "(largest {largest}), e.g. {example}. quantviz computes in float32, as PyTorch "
                          "does: scale the tensor down, or save it in float32.",
                          "张量 {name} 有 {count} 个数值超出 float32 的范围（最大 {largest}），"
                          "例如 {example}。quantviz 与 PyTorch 一样用 float32 计算：请先把张量"
                          "缩小，或以 float32 保存。"),
    "upload.flat": ("Its rows hold different numbers of values, so its {n} numbers are read as "
                    "one flat list, row after row.",
                    "各行数值个数不同，因此按行依次把这 {n} 个数读成一个一维列表。"),
    "upload.search": ("Find a tensor by name", "按名称查找张量"),
    "upload.search.help": ("The file holds {n} tensors; type part of a name.",
                           "文件中有 {n} 个张量；输入名称的一部分。"),
    "upload.matches": ("{shown} of {matched} matching tensors listed ({total} in the file).",
                       "列出 {matched} 个匹配张量中的 {shown} 个（文件共 {total} 个）。"),
    "budget.wait": ("Waiting for memory: this upload needs {need} while others are decoded "
                    "({held} of the server's {budget} in use).",
                    "正在等待内存：此上传需要 {need}，其他上传正在解码（服务器 {budget} 中已用 {held}）。"),
    "budget.refused": ("tensor {name} decodes to {size}; decoding and quantizing it would need "
                       "about {need} ({factor} times that), more than this server's budget of "
                       "{budget} for uploads. Upload a smaller tensor, or one layer at a time.",
                       "张量 {name} 解码后为 {size}；解码并量化约需 {need}（{factor} 倍），"
                       "超过本服务器为上传预留的 {budget}。请上传更小的张量，或一次一层。"),
    "budget.work": ("This view would need about {need} of memory to compute, more than this "
                    "server's budget of {budget}. Pick a smaller tensor or fewer values.",
                    "此视图计算约需 {need} 内存，超过本服务器的预算 {budget}。请选择更小的张量或"
                    "更少的数值。"),
    "budget.work_busy": ("The server is busy: this view needs about {need} of memory and none "
                         "came free within {wait} s. Try again in a moment.",
                         "服务器正忙：此视图约需 {need} 内存，{wait} 秒内没有空出。请稍后再试。"),
    "budget.busy": ("The server is busy with other uploads: tensor {name} needs about {need} of "
                    "its {budget} and none came free within {wait} s. Try again in a moment.",
                    "服务器正忙于处理其他上传：张量 {name} 约需 {need}（共 {budget}），"
                    "{wait} 秒内没有空出。请稍后再试。"),
}

#: Where each claim about another toolchain, a paper or the notes was checked (file and
#: version, paper section, notes line), keyed like TEXT.
SOURCES: dict[str, str] = {
    'reduce.help': (
        'torch 2.13.0 torch/ao/quantization/observer.py (reduce_range: one bit fewer), '
        "qconfig.py get_default_qconfig('x86') "
        'HistogramObserver.with_args(reduce_range=True)'
    ),
    'rounding.label.half_even': (
        'torch 2.13.0 fake_quantize_per_tensor_affine (nearbyint); goldens '
        'tests/data/golden_torch.npz (torch 2.13.0, tests/library/test_golden.py); live: '
        'tests/library/test_quantize.py'
    ),
    'arith.label.pytorch': (
        'torch 2.13.0 fake_quantize_per_tensor_affine (x * (1/scale) in float32); goldens'
        ' tests/data/golden_torch.npz (torch 2.13.0, tests/library/test_golden.py)'
    ),
    'arith.label.fbgemm': (
        'torch 2.13.0 quantize_per_tensor on x86 (zero point added before rounding, fused'
        ' multiply-add); goldens tests/data/golden_torch.npz (torch 2.13.0, '
        'tests/library/test_golden.py)'
    ),
    'arith.label.onnxruntime': (
        'onnxruntime 1.32.0 CPU QuantizeLinear (x / scale in float32, half to even, + '
        'zero point, saturate to the type); goldens tests/data/golden_toolchains.npz '
        '(tests/library/test_toolchains.py)'
    ),
    'calib.label.histogram': (
        'torch 2.13.0 torch/ao/quantization/observer.py HistogramObserver; goldens '
        'tests/data/golden_toolchains.npz (tests/library/test_toolchains.py)'
    ),
    'upload.beyond_f32': (
        'torch 2.13.0 torch/ao/quantization/observer.py (observers and fake_quantize '
        "compute in the tensor's float32); quantviz.loaders float32 conversion"
    ),
    'arith.help': (
        "as explore arith.intro"
    ),
}

#: One Chinese term per concept, used in every text; ``avoid`` lists the variants that were
#: used before (a test keeps them out of the Chinese texts).
GLOSSARY: dict[str, dict[str, object]] = {
    "scale": {"zh": "scale", "avoid": ("缩放因子", "尺度")},
    "zero point": {"zh": "零点", "avoid": ("零点 zero_point", "零点 Z")},
}
