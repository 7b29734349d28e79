"""Strings of the Calibration page."""

TEXT = {
    "calibration.nav": ("Calibration", "校准"),
    "calibration.title": ("Which range? Every calibrator on the same tensor",
                          "什么范围？所有校准方法作用于同一个张量"),
    "calibration.intro": ("A calibrator (observer) only chooses the range [x_min, x_max]; one "
                          "formula turns any range into scale and zero_point. Here every "
                          "calibrator chooses a range for the same tensor and scheme.",
                          "校准器（observer）只负责选出范围 [x_min, x_max]；再由同一个公式把任何"
                          "范围换算成 scale 和 zero_point。这里每个校准器为同一个张量和方案选择"
                          "范围。"),
    "calibration.busy": ("Running {name} on {n} values…", "正在对 {n} 个数值运行 {name}…"),
    "calibration.logy": ("Logarithmic count axis", "对数计数坐标轴"),
    "calibration.logy.help": ("The tails decide where a calibrator clips; on a log axis they "
                              "stay visible next to the bulk.",
                              "尾部决定校准器在哪里截断；对数坐标下尾部与主体同时可见。"),
    "calibration.fig.ranges": ("Values x and the range each calibrator chooses",
                               "数值 x 与各校准器选出的范围"),
    "calibration.table": ("Ranges and what they cost", "各范围及其代价"),
    "calibration.table.help": ("★ marks the least MSE, the highest SQNR and the least clipped "
                               "share.", "★ 标出最小的 MSE、最高的 SQNR 与最小的截断比例。"),
    "calibration.col.calibrator": ("calibrator", "校准器"),
    "calibration.col.clipped": ("clipped (%)", "被截断（%）"),
    "calibration.tradeoff": ("The trade-off: MSE against the clipping threshold",
                             "权衡：MSE 与截断阈值"),
    "calibration.tradeoff.explain": (
        "Every range is a threshold T: values beyond it clip. A small T gives fine steps but "
        "clips much (the clipping part rises to the left); a large T clips nothing but "
        "coarsens every step (the rounding part grows like T²). The total has a minimum in "
        "between: the MSE calibrator searches for it, MinMax sits at the right end where "
        "nothing clips. Symmetric schemes try [-T, T]; asymmetric ones shrink [x_min, x_max] "
        "by the same factor, with T its larger end.",
        "每个范围都对应一个阈值 T：超出的数值被截断。T 小则步长细但截断多（截断部分在左侧"
        "上升）；T 大则不截断但每一步都变粗（取整部分按 T² 增长）。总误差在两者之间有最小值："
        "MSE 校准器就是在搜索它，MinMax 位于最右端，什么都不截断。对称方案尝试 [-T, T]；"
        "非对称方案把 [x_min, x_max] 按同一比例缩小，T 取其较大的一端。"),
    "calibration.tradeoff.sample": ("Computed on {n} values (a seeded random sample of the "
                                    "tensor's {total}), each calibrator marked at its own range "
                                    "on the same values.",
                                    "基于 {n} 个数值计算（从张量的 {total} 个数值中按固定种子"
                                    "随机抽样），各校准器在同一批数值上按自己的范围标出。"),
    "calibration.tradeoff.whole": ("Computed on all {n} values, each calibrator marked at its "
                                   "own range.",
                                   "基于全部 {n} 个数值计算，各校准器按自己的范围标出。"),
    "calibration.tradeoff.off": ("A marker off the curve: that calibrator's range is not a "
                                 "scaled copy of [x_min, x_max] (a percentile moves each end on "
                                 "its own), so it is a point the curve does not try.",
                                 "标记不在曲线上：该校准器的范围不是 [x_min, x_max] 的等比缩放"
                                 "（百分位法两端各自移动），所以是曲线没有尝试过的点。"),
    "calibration.tradeoff.best": ("Least MSE on the curve: T = {t} ({alpha} of the largest |x|), "
                                  "MSE {mse}.",
                                  "曲线上的最小 MSE：T = {t}（最大 |x| 的 {alpha}），"
                                  "MSE {mse}。"),
    "calibration.fig.tradeoff": ("MSE against the clipping threshold T",
                                 "MSE 与截断阈值 T"),
    "calibration.fig.threshold": ("clipping threshold T", "截断阈值 T"),
    "calibration.fig.total": ("total MSE", "总 MSE"),
    "calibration.fig.rounding": ("rounding part", "取整部分"),
    "calibration.fig.clipping": ("clipping part", "截断部分"),
    "calibration.stream": ("Batch by batch: MinMax or a moving average?",
                           "逐批观察：MinMax 还是滑动平均？"),
    "calibration.stream.explain": (
        "The notes advise MinMax for weights and a moving-average MinMax for activations. "
        "Here is why. **Weights are fixed**: the whole tensor is there at once, so its true "
        "min and max are known and MinMax gives them exactly; there is nothing to average and "
        "nothing clips. **Activations change from batch to batch**: every calibration batch "
        "shows a different range. MinMax keeps the most extreme value it has ever seen, so "
        "one spike widens the range for good and every later batch gets coarser steps. The "
        "moving average moves only c of the way towards each batch's own range: a spike "
        "nudges it and is forgotten, and a drift is followed with a lag of about 1/c batches. "
        "Small c is steady but slow; large c is quick but jumpy. PyTorch itself uses the "
        "moving average by default only in quantization-aware training; after training, its "
        "x86 default observes activations with a histogram (HistogramObserver), as the Learn "
        "page's practice section shows.",
        "笔记建议：权重用 MinMax，激活用滑动平均 MinMax。原因如下。**权重是固定的**：整个"
        "张量一次就能看到，真实的最小值和最大值是确定的，MinMax 恰好给出它们；没有什么需要"
        "平均，也不会截断。**激活值逐批变化**：每个校准批次的范围都不同。MinMax 记住它见过的"
        "最极端的值，于是一次尖峰就永久拉宽范围，之后每一批的步长都变粗。滑动平均每次只向该"
        "批自身的范围移动 c 的比例：尖峰只让它稍稍偏移随后被遗忘，漂移则以大约 1/c 批的滞后"
        "被跟上。c 小则平稳但迟缓，c 大则灵敏但抖动。PyTorch 自己只在量化感知训练中默认使用"
        "滑动平均；训练后量化时，它在 x86 上默认用直方图（HistogramObserver）观察激活，见“学习”"
        "页的实践一节。"),
    "calibration.drift": ("Drift of the scale per batch", "每批 scale 漂移"),
    "calibration.spike": ("Probability of a spike per batch", "每批出现尖峰的概率"),
    "calibration.stream.caption": ("{batches} batches of {size} ReLU activations; the scale "
                                   "grows by the factor exp(drift) per batch and a spike is "
                                   "one value {spike} times the batch scale. x_min stays 0.",
                                   "{batches} 批，每批 {size} 个 ReLU 激活值；scale 每批乘以 "
                                   "exp(drift)，尖峰是一个等于该批 scale {spike} 倍的数值。"
                                   "x_min 始终为 0。"),
    "calibration.fig.stream": ("x_max batch by batch", "逐批的 x_max"),
    "calibration.fig.batch": ("max of each batch", "每批的最大值"),
    "calibration.fig.batch_axis": ("batch", "批次"),
    "calibration.minmax_line": ("MinMax", "MinMax"),
    "calibration.moving_line": ("moving average, c = {c}", "滑动平均，c = {c}"),
    "calibration.last": ("The last batch quantized with the final range ({scheme})",
                         "用最终范围量化最后一批（{scheme}）"),
    "calibration.last.metric": ("{name}: SQNR", "{name}：SQNR"),
    "calibration.last.help": ("Range [{lo}, {hi}]; {pct} % of the batch clipped.",
                              "范围 [{lo}, {hi}]；该批有 {pct} % 被截断。"),
    "calibration.sidebar": ("Calibrator parameters", "校准器参数"),
    "calibration.stream_c": ("Averaging constant c of the drifting stream (its own, not the "
                             "sidebar's)", "漂移数据流自己的平均系数 c（不是侧边栏的那个）"),
    "calibration.stream_c.help": ("Each batch moves the range c of the way to the batch's own "
                                  "min and max. PyTorch's default {c_torch} "
                                  "(MovingAverageMinMaxObserver's averaging_constant) suits "
                                  "thousands of calibration batches; with {batches}, {c_stream} "
                                  "keeps up with the drift.",
                                  "每一批把范围向该批自身的最小值和最大值移动 c 的比例。"
                                  "PyTorch 默认的 {c_torch}（MovingAverageMinMaxObserver 的 "
                                  "averaging_constant）适合上千个校准批次；只有 {batches} 批时，"
                                  "{c_stream} 才跟得上漂移。"),
}

#: Where each claim about another tool, a paper or the notes comes from.
SOURCES: dict[str, str] = {
    'calibration.stream.explain': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15), 一些量化上的经验性总结 (line 109); torch 2.13.0'
        " torch/ao/quantization/qconfig.py get_default_qconfig('x86') "
        "HistogramObserver(reduce_range=True), get_default_qat_qconfig('x86') "
        'FusedMovingAvgObsFakeQuantize(MovingAverageMinMaxObserver)'
    ),
    'calibration.stream_c.help': (
        'torch 2.13.0 torch/ao/quantization/observer.py MovingAverageMinMaxObserver '
        'averaging_constant=0.01 (live: tests/library/test_toolchains.py)'
    ),
}
