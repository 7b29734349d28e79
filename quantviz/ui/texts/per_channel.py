"""Strings of the Per-channel page."""

TEXT = {
    "per_channel.nav": ("Per-channel", "逐通道"),
    "per_channel.title": ("Per tensor, per channel, per group: one scale or many",
                          "逐张量、逐通道、逐组：一个 scale 还是多个"),
    "per_channel.intro": (
        "One scale for a whole weight tensor lets its widest channel set the step for every "
        "channel. One scale per output channel, or per group of consecutive weights, follows "
        "the data more closely and costs a few bytes of parameters. Try it on the synthetic "
        "layer or on your own checkpoint.",
        "整个权重张量只用一个 scale 时，最宽的那个通道决定了所有通道的步长。每个输出通道一个 "
        "scale，或每组相邻权重一个 scale，能更贴合数据，代价是多存几个字节的参数。可以用合成的层"
        "试试，也可以上传你自己的检查点。"),
    "per_channel.sidebar.weights": ("Weight tensor", "权重张量"),
    "per_channel.sidebar.granularity": ("Granularity", "粒度"),
    "per_channel.source": ("Source", "来源"),
    "per_channel.source.synthetic": ("Synthetic layer", "合成层"),
    "per_channel.source.upload": ("Checkpoint", "检查点"),
    "per_channel.out": ("Output channels", "输出通道数"),
    "per_channel.out.help": ("Rows of the weight matrix: one scale each under per-channel "
                             "quantization.", "权重矩阵的行数：逐通道量化时每行一个 scale。"),
    "per_channel.in": ("Inputs per channel", "每通道输入数"),
    "per_channel.in.help": ("Length of each row; groups are cut along it. A length that no group "
                            "size divides shows what happens then.",
                            "每行的长度，分组沿这一维切分。选一个不能被组大小整除的长度，"
                            "可以看到那时会怎样。"),
    "per_channel.spread": ("Spread of channel scales", "通道 scale 的差距"),
    "per_channel.spread.help": ("The widest channel's standard deviation over the narrowest's. "
                                "1 makes every channel alike.",
                                "最宽通道与最窄通道标准差之比。取 1 时所有通道相同。"),
    "per_channel.synthetic_label": (
        "Synthetic layer: {out} output channels × {inn} inputs, channel scales {spread}× apart, "
        "one channel in {every} with an outlier (seed {seed}).",
        "合成层：{out} 个输出通道 × {inn} 个输入，通道 scale 相差 {spread} 倍，每 {every} 个通道中有一个"
        "带离群值（种子 {seed}）。"),
    "per_channel.synthetic_params": ("Synthetic layer", "合成层"),
    "per_channel.upload": ("Upload a checkpoint", "上传检查点"),
    "per_channel.upload.help": (
        "A .safetensors file (or .npz, .npy): its tensors are listed by name, shape and dtype "
        "from the header, and only the one you pick is decoded. Pickles (.pt, .bin) are refused "
        "because opening them can run code. Uploads are not part of a shared link.",
        ".safetensors 文件（或 .npz、.npy）：从文件头读出每个张量的名称、形状和数据类型，只解码你"
        "选中的那个。pickle 文件（.pt、.bin）会被拒绝，因为打开它们可能执行代码。上传的文件不会"
        "包含在分享链接中。"),
    "per_channel.upload_none": ("No file yet.", "尚未上传文件。"),
    "per_channel.fallback": ("No checkpoint yet: the synthetic layer is shown until you upload "
                             "one (sidebar).",
                             "还没有检查点：上传之前先显示合成层（见侧边栏）。"),
    "per_channel.tensor": ("Tensor (name, shape, dtype)", "张量（名称、形状、数据类型）"),
    "per_channel.upload_label": ("Tensor {name} from {file}: shape {shape}, {n} values.",
                                 "{file} 中的张量 {name}：形状 {shape}，共 {n} 个数值。"),
    "per_channel.one_d": (
        "This tensor has shape {shape}: one dimension (a bias or a norm's weight). Per-channel "
        "quantization needs 2 or more dimensions, one of which holds the channels; pick a "
        "weight matrix or a convolution kernel instead.",
        "这个张量的形状是 {shape}，只有一维（偏置或归一化层的权重）。逐通道量化需要 2 维或更多，"
        "其中一维是通道；请改选一个权重矩阵或卷积核。"),
    "per_channel.axis": ("Channel axis", "通道轴"),
    "per_channel.axis.help": ("The axis whose slices each get their own scale. PyTorch stores "
                              "Linear and Conv weights with output channels first (axis 0).",
                              "沿这一轴的每个切片各有自己的 scale。PyTorch 的 Linear 与 Conv "
                              "权重把输出通道放在第 0 轴。"),
    "per_channel.group": ("Group size (last axis)", "组大小（最后一轴）"),
    "per_channel.group.help": ("Consecutive weights along the last axis share one scale, as in "
                               "int4 LLM weights (groups of 128 are common).",
                               "最后一轴上相邻的若干权重共用一个 scale，就像 int4 的大模型权重"
                               "（常用 128 一组）。"),
    "per_channel.metric": ("Error per channel", "每通道误差"),
    "per_channel.metric.mse": ("MSE", "MSE"),
    "per_channel.metric.sqnr": ("SQNR", "SQNR"),
    "per_channel.sort": ("Sort channels, widest range first", "按范围宽度排序通道（最宽在前）"),
    "per_channel.sort.help": ("Both charts use the same order, so a channel sits at the same x "
                              "in each.", "两张图用同样的顺序，同一通道在两图中的横坐标相同。"),
    "per_channel.preset.heading": ("**Presets** for the scheme:", "**预设**方案："),
    "per_channel.preset.int8_sym": ("int8 symmetric", "int8 对称"),
    "per_channel.preset.int8_sym.help": ("Signed symmetric int8: the usual choice for weights.",
                                         "有符号对称 int8：权重的常用选择。"),
    "per_channel.preset.int4_groups": ("int4, groups of {group}", "int4，{group} 一组"),
    "per_channel.preset.int4_groups.help": (
        "Signed symmetric int4 with one scale per {group} weights: how large language models "
        "are often stored.",
        "有符号对称 int4，每 {group} 个权重一个 scale：大语言模型常用的存储方式。"),
    "per_channel.preset.uint8_asym": ("uint8 asymmetric", "uint8 非对称"),
    "per_channel.preset.uint8_asym.help": ("Unsigned asymmetric: each scale comes with a zero "
                                           "point that must be stored too.",
                                           "无符号非对称：每个 scale 还带一个零点，也要存储。"),
    "per_channel.layout": (
        "Shape {shape}; channel axis {axis}: **{channels} channels** of {per} weights each; "
        "groups are cut along the last axis (length {last}).",
        "形状 {shape}；通道轴 {axis}：**{channels} 个通道**，每个 {per} 个权重；分组沿最后一轴"
        "（长度 {last}）切分。"),
    "per_channel.busy": ("Quantizing {n} weights per tensor, per channel and per group…",
                         "正在对 {n} 个权重做逐张量、逐通道和逐组量化…"),
    "per_channel.choice.tensor": ("per tensor", "逐张量"),
    "per_channel.choice.channel": ("per channel", "逐通道"),
    "per_channel.choice.group": ("per group of {g}", "每 {g} 个一组"),
    "per_channel.short.tensor": ("tensor", "逐张量"),
    "per_channel.short.channel": ("channel", "逐通道"),
    "per_channel.short.group": ("g{g}", "g{g}"),
    "per_channel.head.tensor": ("SQNR per tensor", "逐张量 SQNR"),
    "per_channel.head.channel": ("SQNR per channel", "逐通道 SQNR"),
    "per_channel.head.group": ("SQNR per group of {g}", "每 {g} 个一组的 SQNR"),
    "per_channel.head.group_none": ("SQNR per group", "逐组 SQNR"),
    "per_channel.delta": ("{d} dB against per tensor", "比逐张量 {d} dB"),
    "per_channel.col.choice": ("granularity", "粒度"),
    "per_channel.col.params": ("(scale, zero point) pairs", "(scale, 零点) 对数"),
    "per_channel.col.bytes": ("parameter bytes", "参数字节数"),
    "per_channel.col.overhead": ("overhead (bits per weight)", "额外开销（每权重比特）"),
    "per_channel.cost_note": (
        "Counted as an ONNX QuantizeLinear stores them: each scale a {scale_bytes}-byte "
        "float32, each zero point {zp}, the codes' own integer type. (PyTorch's "
        "quantized per-channel tensors keep float64 scales and int64 zero points.) For "
        "comparison, the {bits}-bit weights themselves take {weights}.",
        "按 ONNX QuantizeLinear 的存储方式计数：每个 scale 是 {scale_bytes} 字节的 float32，"
        "每个零点占 {zp}，即整数码本身的类型。（PyTorch 的逐通道量化张量用 float64 存 scale、"
        "用 int64 存零点。）作为对比，{bits} 位的权重本身占 {weights}。"),
    "per_channel.cost_note_sym": (
        "Each scale is a {scale_bytes}-byte float32. A symmetric scheme fixes the zero point "
        "(0, or the midpoint when unsigned), so it need not be stored: counted as {zp}. "
        "For comparison, the {bits}-bit weights themselves take {weights}.",
        "每个 scale 是 {scale_bytes} 字节的 float32。对称方案的零点是固定的（0，无符号时为中点），"
        "不必存储：按 {zp}计。作为对比，{bits} 位的权重本身占 {weights}。"),
    # a count of bytes, rows and groups: English has a singular (".one"), Chinese none
    "per_channel.bytes": ("{n} bytes", "{n} 字节"),
    "per_channel.bytes.one": ("{n} byte", "{n} 字节"),
    "per_channel.rows": ("{n} rows", "{n} 行"),
    "per_channel.rows.one": ("{n} row", "{n} 行"),
    "per_channel.groups": ("{n} groups", "{n} 组"),
    "per_channel.groups.one": ("{n} group", "{n} 组"),
    "per_channel.group_bad": (
        "Group size {g} does not divide the last axis: {last} = {whole} × {g} + {rest}, so the "
        "last group would be short. Per-group quantization is left out below.",
        "组大小 {g} 不能整除最后一轴：{last} = {whole} × {g} + {rest}，最后一组会不完整。"
        "下面不显示逐组量化的结果。"),
    "per_channel.group_fits": ("Group sizes that fit: {fits}.", "可以整除的组大小：{fits}。"),
    "per_channel.group_none_fit": (
        "None of {sizes} fits this tensor (a convolution kernel's last axis is often 3); pick "
        "a channel axis and compare per tensor with per channel instead.",
        "{sizes} 都无法整除这个张量（卷积核的最后一轴常常是 3）；请比较逐张量与逐通道。"),
    "per_channel.no_heatmap": ("The group map needs a group size that divides the last axis.",
                               "分组热图需要一个能整除最后一轴的组大小。"),
    "per_channel.fig.channel": ("channel", "通道"),
    "per_channel.fig.sorted": ("channel, widest range first", "通道（按范围宽度从大到小）"),
    "per_channel.fig.ranges": ("[x_min, x_max] of each channel", "每个通道的 [x_min, x_max]"),
    "per_channel.fig.x_min": ("x_min per channel", "每通道 x_min"),
    "per_channel.fig.x_max": ("x_max per channel", "每通道 x_max"),
    "per_channel.fig.tensor_range": ("per-tensor range (shared by all)", "逐张量范围（所有通道共用）"),
    "per_channel.fig.pooled_range": ("{n} channels: each point covers {k} consecutive channels "
                                     "(the lowest x_min and highest x_max among them).",
                                     "共 {n} 个通道：每个点代表连续 {k} 个通道（取其中最小的 "
                                     "x_min 与最大的 x_max）。"),
    "per_channel.fig.errors.mse": ("MSE of each channel", "每个通道的 MSE"),
    "per_channel.fig.errors.sqnr": ("SQNR of each channel (dB)", "每个通道的 SQNR（dB）"),
    "per_channel.fig.pooled_mse": ("Each point is the worst (largest) MSE of {k} channels.",
                                   "每个点是 {k} 个通道中最差（最大）的 MSE。"),
    "per_channel.fig.pooled_sqnr": ("Each point is the worst (lowest) SQNR of {k} channels.",
                                    "每个点是 {k} 个通道中最差（最低）的 SQNR。"),
    "per_channel.fig.tradeoff": ("SQNR against the cost of the parameters",
                                 "SQNR 与参数开销"),
    "per_channel.fig.overhead": ("parameter overhead (bits per weight, log scale)",
                                 "参数开销（每权重比特，对数坐标）"),
    "per_channel.fig.selected": ("in the table", "表中所列"),
    "per_channel.fig.others": ("other group sizes", "其他组大小"),
    "per_channel.fig.heatmap": ("Largest |x| of each group of {g}", "每组（{g} 个）的最大 |x|"),
    "per_channel.fig.group": ("group along the last axis", "沿最后一轴的组"),
    "per_channel.fig.row": ("row (all axes but the last)", "行（除最后一轴外的所有轴）"),
    "per_channel.fig.pooled_map": ("Each cell covers {rows} × {cols} and shows "
                                   "their largest |x|.",
                                   "每个格子覆盖 {rows} × {cols}，显示其中最大的 |x|。"),
    "per_channel.explain": (
        "**How to read this page.** Under per-tensor quantization every channel shares the "
        "step set by the widest one (the dashed lines in the range chart), so narrow channels "
        "fall on a handful of codes and their error, relative to their size, is large: look "
        "for the channels whose SQNR drops. One scale per channel gives each its own step; "
        "one scale per group also adapts within a channel, which matters where a single "
        "outlier stretches a row (the bright cells of the heat map). Every step finer costs "
        "parameters: the trade-off chart puts the bits per weight they add beside the SQNR "
        "they buy.",
        "**如何阅读本页。** 逐张量量化时，所有通道共用由最宽通道决定的步长（范围图中的虚线），"
        "因此窄通道只落在少数几个码上，相对自身大小的误差很大：留意 SQNR 明显下降的那些通道。"
        "逐通道时每个通道有自己的步长；逐组时还能在通道内部自适应，这在单个离群值拉宽一整行时"
        "尤其有用（热图中的亮格）。粒度每细一级都要付出参数：权衡图把每个权重多出的比特数与换来"
        "的 SQNR 放在一起。"),
}

#: Where each claim about another tool, a paper or the notes comes from.
SOURCES: dict[str, str] = {
    'per_channel.axis.help': (
        'torch 2.13.0 torch/nn/modules/linear.py, conv.py (weight (out, in, ...)); torch '
        '2.13.0 torch/ao/quantization/observer.py PerChannelMinMaxObserver ch_axis=0'
    ),
    'per_channel.cost_note': (
        'ONNX QuantizeLinear (y_scale float32, y_zero_point of the quantized type); torch'
        ' 2.13 q_per_channel_scales float64, q_per_channel_zero_points int64 (live: '
        'tests/library/test_quantize.py)'
    ),
}
