"""Strings of the Formats page."""

from quantviz.formats import FORMATS

TEXT = {
    "formats.nav": ("Formats", "数值格式"),
    "formats.title": ("Beyond INT: FP8, FP6, FP4, MX, NVFP4 and NF4 on one tensor",
                      "INT 之外：FP8、FP6、FP4、MX、NVFP4 与 NF4 作用于同一张量"),
    "formats.intro": ("Pick two to four number formats and put the current tensor through each. "
                      "Floats space their values evenly within each power of two, so roughly "
                      "evenly on a log scale; NF4 puts them at the "
                      "quantiles of a normal distribution, integers space them evenly; block "
                      "formats give every block of values its own scale.",
                      "选择二到四种数值格式，把当前张量分别量化。浮点格式的取值在每个 2 的幂区间内等间距，"
                      "因此在对数刻度上大致均匀；"
                      "NF4 的取值位于正态分布的分位点，整数格式的取值等间距；分块格式为每一块数值"
                      "单独设定 scale。"),
    "formats.sidebar": ("Formats", "数值格式"),
    "formats.pick": ("Format {i}", "格式 {i}"),
    "formats.pick1": ("Format 1", "格式 1"),
    "formats.pick2": ("Format 2", "格式 2"),
    "formats.pick3": ("Format 3", "格式 3"),
    "formats.pick4": ("Format 4", "格式 4"),
    "formats.busy": ("Quantizing {n} values in {k} formats…", "正在以 {k} 种格式量化 {n} 个数值…"),
    "formats.busy_frontier": ("Quantizing {n} values in all {k} formats…",
                              "正在以全部 {k} 种格式量化 {n} 个数值…"),
    "formats.refused": ("These values cannot be put through the formats: {reason}",
                        "这些数值无法转换为所选格式：{reason}"),
    "formats.duplicate": ("{name} was picked twice; it is shown once.",
                          "{name} 被选择了两次，只显示一次。"),
    "formats.preset.heading": ("Presets:", "预设："),
    "formats.preset.llm": ("LLM weights", "LLM 权重"),
    "formats.preset.llm.help": ("Normal values with standard deviation {std}, like the weights "
                                "of a large language model.",
                                "标准差为 {std} 的正态分布数值，类似大语言模型的权重。"),
    "formats.preset.outliers": ("Activations with outliers", "带离群值的激活"),
    "formats.preset.outliers.help": ("A normal bulk with a few values far out: what a per-tensor "
                                     "scale handles worst.",
                                     "正态主体加少量远离的数值：单一张量缩放最难应对的情形。"),
    "formats.preset.relu": ("ReLU outputs", "ReLU 输出"),
    "formats.preset.relu.help": ("A normal with its negatives set to 0 (half the values at "
                                 "mean 0): the float formats, symmetric around 0, leave their "
                                 "negative codes unused; NF4 leaves its {nf4_neg} negative "
                                 "levels of {nf4_levels} unused; the integer formats shift their "
                                 "grid onto the data with a zero point.",
                                 "负值置 0 的正态分布（均值为 0 时一半数值为 0）：浮点格式关于 0 "
                                 "对称，负数码都用不上；NF4 的 {nf4_levels} 个取值中有 {nf4_neg} "
                                 "个负值用不上；整数格式则用零点把网格移到数据上。"),
    "formats.metric.sqnr.help": ("MSE {mse}, max error {max_err}, {bpv} bits per value with "
                                 "scales counted.",
                                 "MSE {mse}，最大误差 {max_err}，计入 scale 后每个数值 {bpv} 位。"),
    "formats.metric.bpv": ("bits per value", "每值位数"),
    "formats.metric.bpv_value": ("{bpv} bits per value", "每值 {bpv} 位"),
    "formats.fig.values": ("Values x and each format's grid", "数值 x 与各格式的网格"),
    "formats.fig.counts": ("count of x", "x 的计数"),
    "formats.fig.count": ("count", "计数"),
    "formats.fig.grid": ("{name}: {count} values in range", "{name}：范围内 {count} 个取值"),
    "formats.fig.thinned": ("(1 in {k} drawn)", "（每 {k} 个画 1 个）"),
    "formats.fig.mapping": ("Mapping x -> x_hat", "映射 x -> x_hat"),
    "formats.fig.identity": ("x_hat = x", "x_hat = x"),
    "formats.fig.abs": ("RMS of x_hat - x against |x|", "x_hat - x 的均方根随 |x| 的变化"),
    "formats.fig.abs_y": ("RMS error", "均方根误差"),
    "formats.fig.rel": ("RMS of (x_hat - x) / |x| against |x|",
                        "(x_hat - x) / |x| 的均方根随 |x| 的变化"),
    "formats.fig.rel_y": ("RMS relative error", "均方根相对误差"),
    "formats.fig.codes": ("{name}: {used} of {existing} number codes used",
                          "{name}：{existing} 个数值码中用了 {used} 个"),
    "formats.fig.codes_x": ("code (bit pattern)", "码（位模式）"),
    "formats.fig.per_code": ("elements per code", "每个码的元素数"),
    "formats.fig.nan": ("NaN codes", "NaN 码"),
    "formats.fig.inf": ("infinity codes", "无穷大码"),
    "formats.fig.negzero": ("negative zero", "负零"),
    "formats.fig.frontier": ("SQNR against bits per value, every format", "各格式的 SQNR 与每值位数"),
    "formats.fig.frontier_x": ("bits per value (scales counted)", "每值位数（计入 scale）"),
    "formats.fig.front": ("Pareto front", "帕累托前沿"),
    "formats.fig.others": ("other formats", "其他格式"),
    "formats.fig.selected": ("chosen formats", "已选格式"),
    "formats.grid_note": ("The grids and the staircase show the block that holds the tensor's "
                          "extremes [{lo}, {hi}]; in a block format every other block has its "
                          "own, finer grid.",
                          "网格与阶梯图显示的是含张量极值 [{lo}, {hi}] 的那一块；分块格式中其他每"
                          "一块都有各自更细的网格。"),
    "formats.err.heading": ("Error against |x|", "误差随 |x| 的变化"),
    "formats.err.zeros": ("{zeros} values equal to 0 are left out of these two panels "
                          "(a log axis has no 0).",
                          "这两幅图不含 {zeros} 个等于 0 的数值（对数坐标上没有 0）。"),
    "formats.err.none": ("The tensor has no two distinct non-zero magnitudes: nothing to draw "
                         "against |x|.",
                         "张量没有两个不同的非零幅值：无法画出与 |x| 的关系。"),
    "formats.kind.float": ("floating point", "浮点"),
    "formats.kind.mx": ("floating point, a shared exponent per block", "浮点，每块共享指数"),
    "formats.kind.nvfp4": ("floating point, an E4M3 scale per block", "浮点，每块一个 E4M3 scale"),
    "formats.kind.nf4": ("normal quantiles", "正态分位点"),
    "formats.kind.int": ("evenly spaced", "等间距"),
    "formats.err.relative": ("**{name}** ({kind}): the relative error stays flat, RMS {r_lo} at "
                             "|x| ≈ {x_lo} and {r_hi} at |x| ≈ {x_hi}, so the absolute error "
                             "follows |x|: {a_lo} to {a_hi}.",
                             "**{name}**（{kind}）：相对误差保持平坦，|x| ≈ {x_lo} 处均方根为 "
                             "{r_lo}，|x| ≈ {x_hi} 处为 {r_hi}；因此绝对误差随 |x| 变化：从 {a_lo} "
                             "到 {a_hi}。"),
    "formats.err.absolute": ("**{name}** ({kind}): the absolute error stays flat, RMS {a_lo} at "
                             "|x| ≈ {x_lo} and {a_hi} at |x| ≈ {x_hi}, so the relative error "
                             "goes as 1 / |x|: {r_lo} to {r_hi}.",
                             "**{name}**（{kind}）：绝对误差保持平坦，|x| ≈ {x_lo} 处均方根为 "
                             "{a_lo}，|x| ≈ {x_hi} 处为 {a_hi}；因此相对误差随 1 / |x| 变化：从 "
                             "{r_lo} 到 {r_hi}。"),
    "formats.err.neither": ("**{name}** ({kind}): neither stays flat, RMS {a_lo} → {a_hi} "
                            "absolute and {r_lo} → {r_hi} relative from |x| ≈ {x_lo} to {x_hi}. "
                            "Small values sit near the bottom of their block's grid (few steps, "
                            "or rounded to 0), large ones near its top.",
                            "**{name}**（{kind}）：两者都不平坦，从 |x| ≈ {x_lo} 到 {x_hi}，"
                            "绝对误差均方根 {a_lo} → {a_hi}，相对误差 {r_lo} → {r_hi}。小数值"
                            "落在所在块网格的底部（台阶很少，或被取整为 0），大数值落在顶部。"),
    "formats.err.rule": ("Flat here means the RMS at the {high}th percentile of |x| is within a "
                         "factor {ratio} of the RMS at the {low}th.",
                         "这里的“平坦”指 |x| 第 {high} 百分位处的均方根与第 {low} 百分位处相差不超过 "
                         "{ratio} 倍。"),
    "formats.scale.float": ("fp32, one per tensor", "fp32，整个张量一个"),
    "formats.scale.mx": ("E8M0 per block", "每块一个 E8M0"),
    "formats.scale.nvfp4": ("E4M3 per block × fp32 per tensor", "每块 E4M3 × 整个张量 fp32"),
    "formats.scale.nf4": ("fp32 absmax per block", "每块一个 fp32 绝对最大值"),
    "formats.scale.int": ("fp32 scale + zero point, one per tensor", "fp32 scale + 零点，整个张量一个"),
    "formats.scale.int_group": ("{scale} scale + int{bits} zero point per group",
                                "每组 {scale} scale + int{bits} 零点"),
    "formats.codes.heading": ("Codes and bits", "码与位"),
    "formats.detail": ("Format to look into", "查看的格式"),
    "formats.codes.facts": ("{name}: {bits} bits per element ({total} codes), largest value {max}, smallest "
                            "normal {normal}, smallest subnormal {sub}; infinity: {inf}; NaN "
                            "codes: {nan}; negative zero: code {negzero}.",
                            "{name}：每个元素 {bits} 位（{total} 个码），最大值 {max}，最小正规数 {normal}，"
                            "最小次正规数 {sub}；无穷大：{inf}；NaN 码：{nan}；负零：码 "
                            "{negzero}。"),
    "formats.codes.facts_plain": ("{name}: {bits} bits per element, {existing} codes, no "
                                  "infinity, no NaN, no negative zero.",
                                  "{name}：每个元素 {bits} 位，{existing} 个码，没有无穷大、"
                                  "NaN 和负零。"),
    "formats.yes": ("yes", "有"),
    "formats.no": ("none", "无"),
    "formats.x0": ("Worked value x", "示例数值 x"),
    "formats.layout.heading": ("The worked value, bit by bit", "示例数值的逐位分解"),
    "formats.layout.scale": ("The block holding the extremes has scale {mult}{zp_part}: x / "
                             "scale = {scaled}.",
                             "含极值的那一块 scale 为 {mult}{zp_part}：x / scale = {scaled}。"),
    "formats.layout.x": ("x = {x}. ", "x = {x}。"),
    "formats.layout.zp": (" and zero point {zp}", "、零点 {zp}"),
    "formats.layout.float": ("Code {code} = sign **{sign}** | exponent **{exp}** | mantissa "
                             "**{man}**. {kind}: value = {formula} = {element}; x_hat = {element} "
                             "× {mult} = {x_hat}.",
                             "码 {code} = 符号 **{sign}** | 指数 **{exp}** | 尾数 **{man}**。"
                             "{kind}：数值 = {formula} = {element}；x_hat = {element} × {mult} = "
                             "{x_hat}。"),
    "formats.layout.normal": ("Normal", "正规数"),
    "formats.layout.subnormal": ("Subnormal (exponent field 0: no hidden 1)",
                                 "次正规数（指数字段为 0：没有隐含的 1）"),
    "formats.layout.nf4": ("Code {code} = **{bits}**: level {index} of the {levels} NormalFloat levels "
                           "= {element}; x_hat = {element} × absmax {mult} = {x_hat}.",
                           "码 {code} = **{bits}**：{levels} 个 NormalFloat 级别中的第 {index} 个 = "
                           "{element}；x_hat = {element} × 绝对最大值 {mult} = {x_hat}。"),
    "formats.layout.int": ("Code **{bits}** (two's complement) = q = {element}; x_hat = (q - "
                           "zero_point) × scale = ({element} - {zp}) × {mult} = {x_hat}.",
                           "码 **{bits}**（二进制补码）= q = {element}；x_hat = (q - "
                           "zero_point) × scale = ({element} - {zp}) × {mult} = {x_hat}。"),
    "formats.bpv.heading": ("Bits per value, scales counted, and the frontier",
                            "计入 scale 的每值位数与前沿"),
    "formats.bpv.table": ("| format | element bits | scale | block | bits per value | SQNR |",
                          "| 格式 | 元素位数 | scale | 块大小 | 每值位数 | SQNR |"),
    "formats.bpv.tensor": ("tensor", "整个张量"),
    "formats.bpv.sample": ("The frontier is computed on the tensor's first {n} of {total} "
                           "values (whole rows, in tensor order), so that all {k} formats stay "
                           "fast; the metrics above use every value.",
                           "前沿基于张量 {total} 个数值中的前 {n} 个（整行，按张量顺序）计算，"
                           "以便全部 {k} 种格式都能快速完成；上方指标使用全部数值。"),
    "formats.bpv.front": ("On this tensor the Pareto front is {front}: no other format gives "
                          "more SQNR for as few bits.",
                          "在这个张量上，帕累托前沿是 {front}：没有其他格式能用同样少的位数得到"
                          "更高的 SQNR。"),
    "formats.learn.heading": ("Learn: why the grids differ", "学习：网格为何不同"),
    "formats.learn.float": ("**Why floats keep the relative error constant.** A float stores "
                            "x as 2^e × (1 + M / 2^m): within one power of two the {m} mantissa "
                            "bits of {name} split the interval into 2^{m} = {steps} equal "
                            "steps, so the step is at most {step} of the value and rounding "
                            "costs at most {half} of it, for small and large values alike, down "
                            "to the smallest normal value ({normal} before the scale). Below it "
                            "the subnormals keep one fixed step, and the relative error grows. "
                            "The exponent buys range ({range_db} dB from the smallest subnormal "
                            "to the largest value), not precision.",
                            "**浮点为何保持相对误差恒定。** 浮点把 x 存为 2^e × (1 + M / 2^m)："
                            "在同一个 2 的幂区间内，{name} 的 {m} 个尾数位把区间分成 2^{m} = "
                            "{steps} 个等步，所以步长至多是数值的 {step}，取整误差至多为数值的 "
                            "{half}，无论数值大小都一样，直到最小正规数（缩放前为 {normal}）。"
                            "再往下是次正规数，步长固定不变，相对误差随之增大。指数换来的是范围"
                            "（从最小次正规数到最大值 {range_db} dB），而不是精度。"),
    "formats.learn.nf4": ("**Why NF4 suits normal data, and where it does not.** NF4's {levels} "
                          "levels sit at quantiles of a normal distribution (QLoRA, Dettmers et "
                          "al., 2023, §3: quantile quantization aims at an equal share of values "
                          "per level), scaled to each block's absmax. Scaled per block, the "
                          "shares are not equal: on {n} seeded normal values each level takes "
                          "{usage_min} % to {usage_max} % of them. Compared at the same block "
                          "of {block} values (NF4 with a float32 absmax, {nf4_bits} bits per "
                          "value; INT4 in groups of {block} with a float16 scale and a 4-bit "
                          "zero point, {int_bits} bits per value): normal data {nf4_normal} dB "
                          "with NF4 against {int_normal} dB with INT4; uniform data "
                          "{nf4_uniform} dB against {int_uniform} dB, where the even integer "
                          "grid fits better; with outliers (1 in {every} at {sigma} σ) "
                          "{nf4_outliers} dB against {int_outliers} dB.",
                          "**NF4 为何适合正态数据，又在哪里不适合。** NF4 的 {levels} 个级别位于正态"
                          "分布的分位点（QLoRA，Dettmers 等，2023，§3：分位数量化力求每个级别分到"
                          "同样多的数值），再按每块的绝对最大值缩放。按块缩放之后，各级别分到的份额"
                          "并不相同：在 {n} 个带种子的正态数值上，每个级别占 {usage_min} % 到 "
                          "{usage_max} %。在同样 {block} 个数值的块上比较（NF4 用 float32 绝对最大值，"
                          "每值 {nf4_bits} 位；INT4 每组 {block} 个，float16 scale 加 4 位零点，每值 "
                          "{int_bits} 位）：正态数据 NF4 为 {nf4_normal} dB，INT4 为 {int_normal} "
                          "dB；均匀数据 {nf4_uniform} dB 对 {int_uniform} dB，等间距的整数网格更合适；"
                          "带离群值（每 {every} 个中 1 个在 {sigma} σ）时 {nf4_outliers} dB 对 "
                          "{int_outliers} dB。"),
    "formats.learn.shared": ("**Why a shared exponent per block.** One scale for the whole "
                             "tensor must stretch to its largest value, and every small value "
                             "pays for it. MX formats give each block of {block} values its own "
                             "power-of-two scale ({scale_bits} bits, E8M0), {cost} extra bits per value. "
                             "On the data with outliers: FP4 with one scale {fp4_outliers} dB, "
                             "MXFP4 {mx_outliers} dB; on normal data {fp4_normal} dB against "
                             "{mx_normal} dB.",
                             "**为何每块共享一个指数。** 整个张量只用一个 scale 时，它必须覆盖最"
                             "大的数值，所有小数值都为此付出代价。MX 格式给每 {block} 个数值一个"
                             "独立的 2 的幂 scale（{scale_bits} 位，E8M0），每个数值多 {cost} 位。在带离群值"
                             "的数据上：单一缩放的 FP4 为 {fp4_outliers} dB，MXFP4 为 "
                             "{mx_outliers} dB；在正态数据上为 {fp4_normal} dB 对 {mx_normal} dB。"),
    "formats.learn.scale": ("**What the scale's own precision costs.** A scale is a number "
                            "too, and it is stored in a format of its own. On this tensor, INT4 "
                            "in groups of {group} with the scale in float16: {fp16} dB; in "
                            "bfloat16 ({fewer} mantissa bits fewer): {bf16} dB; as a power of two "
                            "(E8M0, rounded up so nothing clips): {e8m0} dB, for {saved} bits "
                            "per value less. NVFP4 stores its block scale in E4M3 and adds one "
                            "float32 scale per tensor, so that the block scales use their whole "
                            "range.",
                            "**scale 自身的精度有什么代价。** scale 也是一个数，也要以某种格式"
                            "存储。在这个张量上，每 {group} 个一组的 INT4，scale 用 float16："
                            "{fp16} dB；用 bfloat16（尾数少 {fewer} 位）：{bf16} dB；用 2 的幂（E8M0，"
                            "向上取整以免截断）：{e8m0} dB，每个数值省 {saved} 位。NVFP4 用 E4M3 "
                            "存块 scale，并为整个张量加一个 float32 scale，使块 scale"
                            "能用满其范围。"),
    "formats.learn.refs": ("Checked against, bit for bit: torch {torch} float8 casts, torchao "
                           "{torchao} (prototype.mx_formats: to_mx in FLOOR mode, "
                           "NVFP4Tensor.to_nvfp4), bitsandbytes {bnb} (quantize_4bit nf4, "
                           "blocksize {nf4_block}). Where torchao departs from the OCP MX definition: a "
                           "block whose exponent clamps at {e8m0_min} comes back halved. NVFP4 "
                           "is NVIDIA's format, not part of the OCP MX specification; in "
                           "torchao its block scale never goes below E4M3's smallest normal "
                           "{e4m3_min}.",
                           "逐位核对对象：torch {torch} 的 float8 转换、torchao {torchao}"
                           "（prototype.mx_formats：FLOOR 模式的 to_mx、NVFP4Tensor.to_nvfp4）、"
                           "bitsandbytes {bnb}（quantize_4bit nf4，块大小 {nf4_block}）。torchao "
                           "与 OCP MX 定义不同之处：指数被钳到 {e8m0_min} 的块还原后减半。NVFP4 是 NVIDIA "
                           "自己的格式，不属于 OCP MX 规范；在 torchao 中它的块 scale 不低于 E4M3 "
                           "的最小正规数 {e4m3_min}。"),
    "formats.on_bits": ("Number formats on the same axes", "在同一坐标中比较数值格式"),
    "formats.on_bits.help": ("SQNR against bits per value (scales counted) for FP8 ... NF4 "
                             "beside the integer schemes of this sweep.",
                             "把 FP8 … NF4 各格式的 SQNR 与每值位数（计入 scale）画在本扫描的"
                             "整数方案旁边。"),
    "formats.bits.fig": ("SQNR against bits per value: integer sweep and number formats",
                         "SQNR 与每值位数：整数扫描与各数值格式"),
    "formats.bits.caption": ("Formats on {n} values of the tensor (leading rows), the integer "
                             "schemes on the sweep's {sweep_n}; a per-tensor scale and zero "
                             "point are counted in their bits per value. Pareto front of the "
                             "formats: {front}.",
                             "各格式基于张量的 {n} 个数值（前面的行），整数方案基于扫描的 "
                             "{sweep_n} 个数值；每值位数计入了整个张量的 scale 与零点。各格式的"
                             "帕累托前沿：{front}。"),
    "formats.per_channel": ("With {bits}-bit elements, the number formats too (blocks along the "
                            "last axis, on {n} values): {names}; their overhead is what their "
                            "scales cost per value.",
                            "同为 {bits} 位元素的数值格式也画在图中（沿最后一维分块，基于 {n} 个"
                            "数值）：{names}；其开销是 scale 分摊到每个数值的位数。"),
    "formats.per_channel.legend": ("number formats, same element bits", "元素位数相同的数值格式"),
    "formats.on_compare": ("Number formats on the same axes", "在同一坐标中比较数值格式"),
    "formats.compare.caption": ("Formats on {n} values of the tensor (leading rows), the "
                                "configs above on all {total}; a per-tensor scale and zero "
                                "point are counted in their bits per value. Pareto front of "
                                "the formats: {front}.",
                                "各格式基于张量的 {n} 个数值（前面的行），上面的各配置基于全部 "
                                "{total} 个数值；每值位数计入了整个张量的 scale 与零点。各格式"
                                "的帕累托前沿：{front}。"),
    "fmt.none": ("none", "无"),
    "formats.sep": (", ", "、"),  # between the names of a list in a sentence
}

# One option label per format (names read the same in both languages).
TEXT.update({f"fmt.{name}": (f.label, f.label) for name, f in FORMATS.items()})

#: Where each claim about another toolchain, a paper or the notes was checked (file and
#: version, paper section, notes line), keyed like TEXT.
SOURCES: dict[str, str] = {
    'formats.learn.nf4': (
        'QLoRA (Dettmers et al. 2023) §3 (quantile quantization, NormalFloat); '
        "bitsandbytes 0.50.2 functional.py get_4bit_type('nf4'); shares, SQNR and bits "
        'per value from quantviz.studies.formats.nf4_lesson'
    ),
    'formats.learn.refs': (
        "torch 2.13, torchao 0.18 prototype.mx_formats, bitsandbytes 0.50.2 (goldens "
        "tests/data/golden_formats.npz); OCP MX spec v1.0"
    ),
    'formats.preset.relu.help': (
        "quantviz.formats.NF4_LEVELS (bitsandbytes 0.50.2 NF4 table)"
    ),
}
