"""Strings of the Outliers page."""

TEXT = {
    "outliers.nav": ("Outliers", "离群通道"),
    "outliers.title": ("Massive activation channels, and three ways around them",
                       "巨大的激活通道，以及三种绕过它们的办法"),
    "outliers.intro": (
        "In large language models a few channels of the activations are far larger than the "
        "rest, and stay large from token to token (SmoothQuant and LLM.int8() both report "
        "this). One 8-bit scale for the whole tensor is then set by those channels, and the "
        "other channels get only a few of its codes. Below: a layer Y = X W with such channels, the scales you "
        "could pick, and SmoothQuant, rotations and mixed precision.",
        "在大语言模型里，激活中有少数几个通道比其余通道大得多，而且在不同 token 上一直很大"
        "（SmoothQuant 和 LLM.int8() 的论文都报告了这一点）。这时整个张量只用一个 8 位 scale，"
        "它由这几个通道决定，其余通道只能用到其中很少的码。下面是一个带这种通道的层 Y = X W、可选的"
        "scale 粒度，以及 SmoothQuant、旋转和混合精度三种办法。"),
    "outliers.sidebar.layer": ("The layer", "这一层"),
    "outliers.tokens": ("Tokens (rows of X)", "token 数（X 的行数）"),
    "outliers.channels": ("Channels (columns of X, rows of W)", "通道数（X 的列数，W 的行数）"),
    "outliers.count": ("Massive channels", "巨大通道的个数"),
    "outliers.count.help": ("How many channels of X are made large in every token.",
                            "X 中有几个通道在每个 token 上都被放大。"),
    "outliers.magnitude": ("How much larger they are", "放大倍数"),
    "outliers.magnitude.help": ("Their standard deviation over that of a typical channel.",
                                "它们的标准差与普通通道标准差之比。"),
    "outliers.x_kind": ("Scales of X for SmoothQuant and rotation",
                        "SmoothQuant 与旋转中 X 的 scale 粒度"),
    "outliers.x_kind.tensor": ("per tensor", "逐张量"),
    "outliers.x_kind.token": ("per token", "逐 token"),
    "outliers.x_kind.channel": ("per channel", "逐通道"),
    "outliers.preset.heading": ("**Presets** (the classic pictures):", "**预设**（经典示意图）："),
    "outliers.preset.smoothquant": ("SmoothQuant's picture", "SmoothQuant 的示意图"),
    "outliers.preset.smoothquant.help": ("{count} channels {magnitude}x larger than the rest, "
                                         "alpha {alpha}.",
                                         "{count} 个通道比其余通道大 {magnitude} 倍，alpha 取 "
                                         "{alpha}。"),
    "outliers.preset.llm_int8": ("LLM.int8()'s picture", "LLM.int8() 的示意图"),
    "outliers.preset.llm_int8.help": ("{count} channels {magnitude}x larger, threshold "
                                      "{threshold}.",
                                      "{count} 个通道大 {magnitude} 倍，阈值 {threshold}。"),
    "outliers.preset.none": ("No outliers", "没有离群通道"),
    "outliers.preset.none.help": ("Every channel alike: per tensor is already fine.",
                                  "所有通道相近：逐张量量化就已经够好。"),
    "outliers.layer": (
        "X: {tokens} tokens × {channels} channels, a typical channel with standard deviation "
        "{bulk}; channels {picked} are {magnitude}× larger. W: {channels} × {outputs}. Every "
        "integer is int8, absmax (scale = max|x| / {qmax}, codes −{qmax}…{qmax}), W with one scale per "
        "output channel; errors against Y computed in float64 (seed {seed}).",
        "X：{tokens} 个 token × {channels} 个通道，普通通道的标准差为 {bulk}；通道 {picked} 大 "
        "{magnitude} 倍。W：{channels} × {outputs}。所有整数都是 int8 absmax（scale = max|x| / "
        "{qmax}，码 −{qmax}…{qmax}），W 每个输出通道一个 scale；误差相对于 float64 计算的 Y（种子 {seed}）。"),
    "outliers.none_picked": ("none", "无"),
    "outliers.fig.absmax": ("max |x| of each channel of X", "X 每个通道的 max |x|"),
    "outliers.fig.channel": ("channel", "通道"),
    "outliers.fig.x": ("X", "X"),
    "outliers.fig.xs": ("X / s (SmoothQuant)", "X / s（SmoothQuant）"),
    "outliers.h.granularity": ("One scale, one per token, one per channel",
                               "一个 scale、每 token 一个、每通道一个"),
    "outliers.col.kind": ("Scales of X", "X 的 scale"),
    "outliers.col.sqnr_x": ("SQNR of X (dB)", "X 的 SQNR（dB）"),
    "outliers.col.sqnr_y": ("SQNR of Y (dB)", "Y 的 SQNR（dB）"),
    "outliers.col.integer": ("Integer matmul?", "能用整数矩阵乘？"),
    "outliers.yes": ("yes", "能"),
    "outliers.no": ("no", "不能"),
    "outliers.granularity.say": (
        "Per tensor, Y reaches {tensor} dB; per token {token} dB; per channel {channel} dB.",
        "逐张量时 Y 为 {tensor} dB；逐 token 为 {token} dB；逐通道为 {channel} dB。"),
    "outliers.granularity.why": (
        "Per token changes Y by {gain} dB against per tensor here: in {share} of the tokens "
        "the largest |x| lies in a massive channel, which then sets that token's scale.",
        "这里逐 token 与逐张量相比，Y 的 SQNR 变化 {gain} dB：在 {share} 的 token 中，最大的 |x| "
        "落在巨大通道上，于是这个 token 的 scale 仍由它决定。"),
    "outliers.fold": (
        "Why not per channel, then? An int8 matmul sums integer products and rescales the sum "
        "once. A scale that depends on the token i (a_i) or on the output k (t_k) leaves the "
        "sum; a scale per channel j of X (c_j) stays inside it:",
        "那为什么不逐通道？int8 矩阵乘先对整数乘积求和，最后再整体乘一次 scale。依赖 token i 的 "
        "scale（a_i）或依赖输出 k 的 scale（t_k）都能提到求和号外面；而 X 每个通道 j 的 scale（c_j）"
        "留在求和号里面："),
    "outliers.fold.token": ("Scales per token (a_i) and per output (t_k): one integer matmul, "
                            "then one rescale.",
                            "逐 token（a_i）与逐输出（t_k）的 scale：一次整数矩阵乘，再整体缩放一次。"),
    "outliers.fold.channel": ("Scales per channel of X (c_j): c_j stays inside the sum.",
                              "X 逐通道的 scale（c_j）：c_j 留在求和号里面。"),
    "outliers.fold.after": (
        "The last sum would need a float multiply in every term: it is no longer an integer "
        "matmul. The only place c_j can go is into W (c_j times row j of W) — which is "
        "exactly what SmoothQuant does, half way.",
        "最后那个和的每一项都要乘一个浮点数，这就不再是整数矩阵乘了。c_j 唯一能去的地方是 W"
        "（用 c_j 乘 W 的第 j 行）——这正是 SmoothQuant 做的事，只不过只做一半。"),
    "outliers.h.smooth": ("SmoothQuant: move the difficulty into W",
                          "SmoothQuant：把难度挪到 W 上"),
    "outliers.smooth.source": (
        "From Xiao et al., “SmoothQuant: Accurate and Efficient Post-Training Quantization for "
        "Large Language Models”, ICML 2023 (arXiv 2211.10438). Each channel j of X is divided "
        "by s_j and row j of W multiplied by it, so the float product is unchanged:",
        "出自 Xiao 等人的《SmoothQuant: Accurate and Efficient Post-Training Quantization for "
        "Large Language Models》，ICML 2023（arXiv 2211.10438）。X 的每个通道 j 除以 s_j，W 的第 j "
        "行乘以 s_j，浮点乘积不变："),
    "outliers.alpha": ("Migration strength alpha", "迁移强度 alpha"),
    "outliers.alpha.help": ("0 only divides channel j of X by 1 / max|W_j|, so X keeps its "
                            "massive channels; 1 gives every channel of X the same max |x| "
                            "(1) and moves all of its spread into W.",
                            "0 时只把 X 的通道 j 除以 1 / max|W_j|，X 仍保留巨大的通道；1 时 X "
                            "每个通道的 max |x| 都相同（为 1），差异全部挪到 W。"),
    "outliers.m.sqnr_x": ("SQNR of X / s", "X / s 的 SQNR"),
    "outliers.m.sqnr_w": ("SQNR of s·W", "s·W 的 SQNR"),
    "outliers.m.sqnr_y": ("SQNR of Y", "Y 的 SQNR"),
    "outliers.smooth.say": (
        "Best alpha on this layer: {best} (Y {best_db} dB, against {plain} dB without "
        "smoothing at the same scales of X). Too small and X keeps its massive channels; too "
        "large and W inherits them.",
        "这一层上最好的 alpha 是 {best}（Y 为 {best_db} dB，不做平滑、X 用同样粒度时为 {plain} dB）。"
        "alpha 太小，X 仍有巨大的通道；太大，W 又继承了它们。"),
    "outliers.smooth.invariant": (
        "(X / s)(s·W) computed in float32 differs from X W by at most {dy:.3g} (largest |Y| "
        "{ymax:.3g}): float32 rounding only.",
        "在 float32 中计算的 (X / s)(s·W) 与 X W 最多相差 {dy:.3g}（最大的 |Y| 为 {ymax:.3g}）："
        "只是 float32 的舍入。"),
    "outliers.fig.alpha": ("SQNR against alpha", "SQNR 随 alpha 的变化"),
    "outliers.fig.alpha.x": ("X / s", "X / s"),
    "outliers.fig.alpha.w": ("s·W", "s·W"),
    "outliers.fig.alpha.y": ("Y", "Y"),
    "outliers.h.rotate": ("Rotation: spread every outlier over all channels",
                          "旋转：把每个离群值摊到所有通道上"),
    "outliers.rotate.source": (
        "An orthogonal R (R Rᵀ = I) gives (X R)(Rᵀ W) = X W. A normalized Walsh-Hadamard R "
        "spreads each channel evenly over all of them; QuaRot (Ashkboos et al., 2024) and "
        "QuIP# (Tseng et al., 2024) use randomized Hadamard transforms (a Hadamard matrix with "
        "random signs). A random orthogonal R spreads them too, less evenly.",
        "正交矩阵 R（R Rᵀ = I）满足 (X R)(Rᵀ W) = X W。归一化的 Walsh-Hadamard 矩阵把每个通道均匀"
        "地摊到所有通道上；QuaRot（Ashkboos 等，2024）和 QuIP#（Tseng 等，2024）使用随机化的 "
        "Hadamard 变换（带随机符号的 Hadamard 矩阵）。随机正交矩阵也能摊开，但不那么均匀。"),
    "outliers.rotation": ("Rotation", "旋转"),
    "outliers.rotation.hadamard": ("Walsh-Hadamard", "Walsh-Hadamard"),
    "outliers.rotation.randomized_hadamard": ("Hadamard, random signs (seeded)",
                                              "随机符号的 Hadamard（固定种子）"),
    "outliers.rotation.random": ("Random orthogonal (seeded)", "随机正交（固定种子）"),
    "outliers.rotation.no_hadamard": (
        "Walsh-Hadamard needs a power of two channels; {channels} is not one, so a random "
        "orthogonal R is used.",
        "Walsh-Hadamard 需要通道数是 2 的幂；{channels} 不是，因此改用随机正交矩阵。"),
    "outliers.m.kurt": ("Kurtosis of X → X R", "X → X R 的峰度"),
    "outliers.m.rot_x": ("SQNR of X → X R", "X → X R 的 SQNR"),
    "outliers.m.rot_y": ("SQNR of Y → Y rotated", "Y → 旋转后 Y 的 SQNR"),
    "outliers.rotate.say": (
        "Kurtosis is {normal} for a normal distribution; X has {before}, X R has {after}. The float "
        "product changes by at most {dy:.3g} (float32 rounding).",
        "正态分布的峰度为 {normal}；X 为 {before}，X R 为 {after}。浮点乘积最多改变 {dy:.3g}（float32 舍入）。"),
    "outliers.fig.hist": ("Values of X before and after the rotation (log count)",
                          "旋转前后 X 的数值分布（对数计数）"),
    "outliers.fig.before": ("X", "X"),
    "outliers.fig.after": ("X R", "X R"),
    "outliers.fig.count": ("count", "计数"),
    "outliers.h.mixed": ("Mixed precision: keep the outlier channels in float16",
                         "混合精度：离群通道保留 float16"),
    "outliers.mixed.source": (
        "From Dettmers et al., “LLM.int8(): 8-bit Matrix Multiplication for Transformers at "
        "Scale”, NeurIPS 2022 (arXiv 2208.07339): the channels of X holding a value of "
        "magnitude at least the threshold ({paper} in the paper) and the matching rows of W are "
        "multiplied in float16; the rest in int8 with one scale per token of X and per output "
        "channel of W.",
        "出自 Dettmers 等人的《LLM.int8(): 8-bit Matrix Multiplication for Transformers at "
        "Scale》，NeurIPS 2022（arXiv 2208.07339）：X 中含有绝对值不小于阈值（论文中为 {paper}）的通道，"
        "以及 W 中对应的行，用 float16 相乘；其余部分用 int8，X 每个 token 一个 scale，W 每个输出通道"
        "一个 scale。"),
    "outliers.threshold": ("Outlier threshold", "离群阈值"),
    "outliers.m.kept": ("Channels kept in float16", "保留 float16 的通道"),
    "outliers.m.mixed": ("SQNR of Y, mixed", "Y 的 SQNR（混合）"),
    "outliers.m.int8": ("SQNR of Y, all int8 per token", "Y 的 SQNR（全 int8，逐 token）"),
    "outliers.mixed.say": (
        "{n} of {channels} channels ({share}) stay in float16: {kept}. The rest keeps 8 bits, "
        "and Y goes from {int8} dB to {mixed} dB.",
        "{channels} 个通道中有 {n} 个（{share}）保留 float16：{kept}。其余保持 8 位，Y 从 {int8} dB "
        "变为 {mixed} dB。"),
    "outliers.mixed.none": (
        "No channel reaches the threshold: everything is int8 per token ({int8} dB).",
        "没有通道达到阈值：全部为逐 token 的 int8（{int8} dB）。"),
    "outliers.busy": ("Quantizing the layer…", "正在量化这一层…"),
}

#: Where each claim about another tool, a paper or the notes comes from.
SOURCES: dict[str, str] = {
    'outliers.mixed.source': (
        'Dettmers et al., LLM.int8(), NeurIPS 2022, arXiv:2208.07339 §3 (vector-wise quantization: row-wise for X, column-wise for W; mixed-precision decomposition, outlier threshold 6.0)'
    ),
}
