"""Strings of the Compare page."""

TEXT = {
    "compare.nav": ("Compare", "比较"),
    "compare.title": ("Compare: which scheme, how many bits, which range?",
                      "比较：哪种方案、多少位、什么范围？"),
    "compare.intro": ("Two to four configurations quantize the same tensor, side by side on "
                      "shared axes. By default it opens on the notes' example of where symmetric "
                      "quantization wastes codes, ReLU outputs, here as asymmetric uint8 against "
                      "signed symmetric int8 (the bit width and types are our choice; the notes "
                      "name none).",
                      "两到四种配置量化同一个张量，并排显示且坐标轴一致。默认是笔记中对称量化浪费"
                      "码的例子，即 ReLU 输出，这里比较非对称 uint8 与有符号对称 int8（位宽与类型是"
                      "我们选的，笔记没有指明）。"),
    "compare.sidebar": ("Comparison", "比较设置"),
    "compare.count": ("Configurations", "配置个数"),
    "compare.logy": ("Logarithmic count axes", "对数计数坐标轴"),
    "compare.logy.help": ("ReLU outputs put half of all values on a single code (0.0); on a "
                          "linear axis that one bar hides every other.",
                          "ReLU 输出有一半数值落在同一个码（0.0）上；线性坐标下这一根柱子会"
                          "遮住其余所有柱子。"),
    "compare.config": ("Configuration {i}", "配置 {i}"),
    "compare.name": ("{i}. {scheme} {dtype}{narrow}, {calib}", "{i}. {scheme} {dtype}{narrow}，{calib}"),
    "compare.narrow": (" narrow", "（窄范围）"),
    "compare.busy": ("Calibrating and quantizing {n} values with configuration {i}…",
                     "正在用配置 {i} 校准并量化 {n} 个数值…"),
    "compare.table": ("Measures side by side", "各项指标并排对比"),
    "compare.table.help": ("★ marks the best value of each row: the finest scale, the least MSE, "
                           "max error and clipped share, the highest SQNR, codes used and "
                           "effective bits. zero_point has no better value, and a row where every "
                           "configuration ties has no mark.",
                           "★ 标出每行的最优值：最细的 scale，最小的 MSE、最大误差与截断比例，"
                           "最高的 SQNR、已用码数与有效位数。zero_point 没有优劣之分；"
                           "所有配置相同的行不作标记。"),
    "compare.measure": ("measure", "指标"),
    "compare.metric.scale": ("scale (step)", "scale（步长）"),
    "compare.metric.zero_point": ("zero_point Z", "零点"),
    "compare.metric.mse": ("MSE", "MSE"),
    "compare.metric.sqnr_db": ("SQNR (dB)", "SQNR（dB）"),
    "compare.metric.max_abs_error": ("max |x_hat - x|", "最大 |x_hat - x|"),
    "compare.metric.fraction_clipped": ("clipped (%)", "被截断（%）"),
    "compare.metric.codes_used": ("codes used", "已用码数"),
    "compare.metric.effective_bits": ("effective bits", "有效位数"),
    "compare.verdict": ("Least error: **{name}**, SQNR {sqnr} dB, {gap} dB ahead of the next best.",
                        "误差最小：**{name}**，SQNR {sqnr} dB，比次优者高 {gap} dB。"),
    "compare.verdict_tie": ("Every configuration reaches the same MSE on this tensor.",
                            "在这个张量上所有配置的 MSE 相同。"),
    "compare.unreachable": ("**{name}** cannot reach {k} of its {levels} codes on this tensor, so "
                            "it works with {bits} effective bits of {total}: the data never take "
                            "the values those codes stand for.",
                            "**{name}** 在这个张量上有 {levels} 个码中的 {k} 个无法到达，只剩 "
                            "{bits} 个有效位（共 {total} 位）：数据从不取这些码所代表的值。"),
    "compare.row.codes": ("Integer codes used (one count axis for all)",
                          "已用的整数码（共用计数坐标轴）"),
    "compare.row.errors": ("Error x_hat - x as a density (one axis for all)",
                           "误差 x_hat - x 的密度（共用坐标轴）"),
    "compare.row.errors.help": ("Density = share of values per unit of error, so the areas "
                                "compare even though each configuration has its own step. A "
                                "step twice as wide gives a band twice as wide and half as tall.",
                                "密度 = 每单位误差中数值所占的比例，因此即使各配置步长不同，"
                                "面积也可以直接比较。步长加倍，误差带宽度加倍、高度减半。"),
    "compare.row.mapping": ("Float-to-int mapping (one x axis for all)",
                            "浮点到整数的映射（共用 x 轴）"),
    "compare.fig.codes": ("{used}/{levels} codes, {bits:.2f} bits",
                          "已用 {used}/{levels} 个码，{bits:.2f} 位"),
    "compare.fig.errors": ("Error, scale = {scale}", "误差，scale = {scale}"),
    "compare.fig.density": ("share per unit of error", "每单位误差的占比"),
    "compare.fig.mapping": ("q(x) and x_hat(x)", "q(x) 与 x_hat(x)"),
    "compare.fig.per_code": ("count per code", "每个码的计数"),
    "compare.fig.unreachable": ("unreachable", "无法到达"),
    "compare.fig.empty": ("empty", "为空"),
    "compare.fig.rounding": ("rounding", "取整"),
    "compare.fig.clipping": ("clipping", "截断"),
    "compare.fig.uniform": ("uniform, s²/12", "均匀噪声 s²/12"),
}

#: Where each claim about another tool, a paper or the notes comes from.
SOURCES: dict[str, str] = {
    'compare.intro': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15), 线性量化 (line 30: symmetric '
        "quantization wastes the integer range on biased data, 'a typical example is ReLU"
        " output'); uint8/int8 are our choice"
    ),
}
