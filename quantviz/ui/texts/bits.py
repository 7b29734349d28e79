"""Strings of the Bit-width page."""

TEXT = {
    "bits.nav": ("Bit width", "位宽"),
    "bits.title": ("How many bits? Every scheme from {lo} to {hi} bits",
                   "多少位？各方案从 {lo} 位到 {hi} 位"),
    "bits.intro": ("Each scheme quantizes the current tensor at every bit width, with the "
                   "calibration chosen in the sidebar. Dashed: {slope} dB per bit, what halving "
                   "the step buys.",
                   "每种方案以侧边栏选择的校准方法，在每个位宽上量化当前张量。虚线：每位 "
                   "{slope} dB，即步长减半带来的收益。"),
    "bits.sidebar": ("Sweep", "扫描设置"),
    "bits.highlight": ("Bits to read off", "查看的位宽"),
    "bits.narrow.help": ("Narrow range for the signed scheme (int8: {qmin}..{qmax}).",
                         "有符号方案使用窄范围（int8：{qmin}..{qmax}）。"),
    "bits.scheme.asymmetric": ("asymmetric (uint)", "非对称（uint）"),
    "bits.scheme.symmetric_signed": ("symmetric signed (int)", "有符号对称（int）"),
    "bits.scheme.symmetric_unsigned": ("symmetric unsigned (uint)", "无符号对称（uint）"),
    "bits.busy": ("Quantizing {n} values at {total} settings: {done} done…",
                  "正在以 {total} 种设置量化 {n} 个数值：已完成 {done} 种…"),
    "bits.sample": ("Computed on {n} values: a seeded random sample of the tensor's {total}, "
                    "so that the {points} quantizations stay fast.",
                    "基于 {n} 个数值计算：从张量的 {total} 个数值中按固定种子随机抽样，"
                    "使 {points} 次量化保持快速。"),
    "bits.whole": ("Computed on all {n} values.", "基于全部 {n} 个数值计算。"),
    "bits.at": ("At {bits} bits", "{bits} 位时"),
    "bits.metric.help": ("MSE {mse}, of which clipping {clip}; effective bits {eff}.",
                         "MSE {mse}，其中截断部分 {clip}；有效位数 {eff}。"),
    "bits.fig.sqnr": ("SQNR against bits", "SQNR 与位宽"),
    "bits.fig.gap": ("SQNR minus asymmetric's SQNR", "SQNR 减去非对称方案的 SQNR"),
    "bits.fig.gap_y": ("difference (dB)", "差值（dB）"),
    "bits.fig.one_bit": ("one bit: −{slope} dB", "一位：−{slope} dB"),
    "bits.gap.explain": (
        "**What differs.** At {bits} bits {scheme} is {gap} dB from asymmetric ({share} of a "
        "bit). Symmetric quantization spreads its {steps} steps over ±max(|x_min|, |x_max|) = "
        "±{amax}, asymmetric its {base_steps} over [min(x_min, 0), max(x_max, 0)] = [{lo}, "
        "{hi}], so the symmetric step `scale` is {ratio}× as large: −20·log10({ratio}) = "
        "{predicted} dB if the error is rounding alone, spread evenly over each step. With the "
        "same calibrated range, one symmetric about 0 loses nothing, and one with x_min ≥ 0 "
        "(ReLU outputs) leaves the negative half of the codes unused: twice the step, one bit.",
        "**差在哪里。** {bits} 位时{scheme}与非对称相差 {gap} dB（{share} 位）。对称量化把 {steps} "
        "个步长铺在 ±max(|x_min|, |x_max|) = ±{amax} 上，非对称把 {base_steps} 个铺在 "
        "[min(x_min, 0), max(x_max, 0)] = [{lo}, {hi}] 上，所以对称的步长 `scale` 是非对称的 "
        "{ratio} 倍：若误差只来自取整且在每个步长内均匀分布，就是 −20·log10({ratio}) = "
        "{predicted} dB。校准范围相同时，关于 0 对称的范围没有损失；x_min ≥ 0 的范围（ReLU "
        "输出）用不到负的一半码：步长翻倍，即一位。"),
    "bits.gap.same": ("The {scheme} line lies on it: the same `scale` over the same ±max|x|; "
                      "only which end has the extra code differs.",
                      "{scheme}的曲线与它重合：同样的 `scale`、同样的 ±max|x|，只是多出的那个码"
                      "在哪一端不同。"),
    "bits.gap.unsigned": ("{scheme}: {gap} dB.", "{scheme}：{gap} dB。"),
    "bits.fig.eff": ("Effective bits log2(codes used)", "有效位数 log2(已用码数)"),
    "bits.fig.bits": ("bits", "位宽"),
    "bits.fig.reference": ("{slope} dB per bit", "每位 {slope} dB"),
    "bits.fig.diagonal": ("every code used (= bits)", "用满所有码（= 位宽）"),
    "bits.fig.marked": ("clipping error > rounding error", "截断误差 > 取整误差"),
    "bits.fig.eff_y": ("effective bits", "有效位数"),
    "bits.clip_from": ("**{scheme}**: clipping dominates from {bits} bits on; above that, "
                       "more bits shrink only the rounding part and SQNR levels off at "
                       "{sqnr} dB.",
                       "**{scheme}**：从 {bits} 位起截断误差占主导；此后增加位数只减小取整"
                       "部分，SQNR 停留在 {sqnr} dB 附近。"),
    "bits.no_clip": ("Rounding dominates at every bit width for every scheme: the range "
                     "clips little or nothing, so each bit adds about {slope} dB.",
                     "所有方案在每个位宽上都是取整误差占主导：范围几乎不截断，所以每多一位"
                     "约增加 {slope} dB。"),
    "bits.cap": ("Effective bits cannot exceed log2(N) = {cap} with N = {n} values: a tensor "
                 "this small cannot fill more codes.",
                 "N = {n} 个数值时有效位数不可能超过 log2(N) = {cap}：这么小的张量填不满更多"
                 "的码。"),
    "bits.explain": (
        "**Why {slope} dB per bit.** One more bit doubles the number of codes over the same range, "
        "so the step `scale` halves and the rounding MSE `scale²/12` falls to a quarter: "
        "10·log10(4) = {slope} dB. Every curve runs parallel to the dashed line as long as "
        "rounding is the only error.\n\n"
        "**Where it stops.** A range fixed apart from the bit width (Percentile calibration: "
        "the same percentile at every width) leaves a clipping error that extra bits do not "
        "shrink. Where it exceeds the rounding error (◇), the range and not the bit width "
        "limits the accuracy: widen the range, do not add bits. MSE and Entropy calibration "
        "search their range again at every bit width, so their clipping error changes with "
        "the bits too: MSE clips less as the step shrinks.\n\n"
        "**The bit that is lost.** Effective bits = log2(codes used). On ReLU outputs signed "
        "symmetric quantization never reaches its negative codes, so its line sits one bit "
        "below asymmetric: an int8 tensor that works like int7, and {slope} dB less SQNR.",
        "**为什么每位 {slope} dB。** 范围不变时多一位，码的个数翻倍，步长 `scale` 减半，取整 MSE "
        "`scale²/12` 降为四分之一：10·log10(4) = {slope} dB。只要误差只来自取整，每条曲线都与"
        "虚线平行。\n\n"
        "**在哪里停下。** 与位宽无关地定下的范围（百分位校准：每个位宽都取同一个百分位）带来"
        "的截断误差不会因为位数增加而减小。当它超过取整误差（◇）时，限制精度的是范围而不是"
        "位宽：应放宽范围，而不是增加位数。MSE 和熵校准在每个位宽上重新搜索范围，所以它们的"
        "截断误差也随位数变化：步长变小时 MSE 截断得更少。\n\n"
        "**丢掉的那一位。** 有效位数 = log2(已用码数)。在 ReLU 输出上，有符号对称量化永远"
        "用不到负码，所以它的曲线比非对称低一位：int8 张量用起来像 int7，SQNR 少 {slope} dB。"),
    "bits.entropy.head": (
        "**Entropy calibration is not monotone in bits.** Its search groups the {bins} bins of "
        "a histogram of |x| into one slice per code and keeps the threshold with the least KL "
        "divergence, which is not the least MSE.",
        "**熵校准的 SQNR 不随位数单调增加。** 它的搜索把 |x| 直方图的 {bins} 个 bin 分到"
        "每个码一段，取 KL 散度最小的阈值，而这不是 MSE 最小的阈值。"),
    "bits.entropy.drop": ("**{scheme}**: one more bit lowers SQNR at {drops}.",
                          "**{scheme}**：多一位反而降低 SQNR：{drops}。"),
    "bits.entropy.drop_item": ("{bits} bits ({before} → {after} dB)",
                               "{bits} 位（{before} → {after} dB）"),
    "bits.entropy.full": (
        "**{scheme}**: from {bits} bits its {levels} codes reach the {bins} bins, every bin is "
        "its own code, nothing is cut and the range is MinMax's: SQNR jumps from {before} to "
        "{after} dB.",
        "**{scheme}**：从 {bits} 位起 {levels} 个码不少于 {bins} 个 bin，每个 bin 自成一码，"
        "不再截断，范围就是 MinMax 的：SQNR 从 {before} 跳到 {after} dB。"),
    "bits.table": ("The numbers", "具体数值"),
    "bits.col.bits": ("bits", "位宽"),
    "bits.col.sqnr": ("{scheme}: SQNR (dB)", "{scheme}：SQNR（dB）"),
    "bits.col.mse": ("{scheme}: MSE", "{scheme}：MSE"),
    "bits.col.eff": ("{scheme}: effective bits", "{scheme}：有效位数"),
    "bits.col.clip": ("{scheme}: clipping dominates", "{scheme}：截断占主导"),
}
