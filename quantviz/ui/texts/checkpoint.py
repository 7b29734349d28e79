"""Strings of the Checkpoint page, and of the built-in checkpoint source that Explore and
Per-channel offer (the report links to a tensor there)."""

TEXT = {
    "checkpoint.nav": ("Checkpoint", "检查点"),
    "checkpoint.title": ("A whole checkpoint: which tensors will quantize badly?",
                         "整个检查点：哪些张量量化后会很差？"),
    "checkpoint.intro": (
        "Every tensor of a checkpoint in one table, worst first: its statistics, a histogram, "
        "and the SQNR with one scale per tensor, per output channel and per group, and in a "
        "number format you pick (NF4, MXFP4, FP8…). The file is "
        "read tensor by tensor from the offsets in its header, never all at once.",
        "把检查点里的每个张量放进一张表，最差的排在最前：统计量、直方图，以及每张量一个 scale、"
        "每输出通道一个 scale、每组一个 scale 时的 SQNR，还有所选数字格式（NF4、MXFP4、FP8…）"
        "下的 SQNR。文件按文件头里的偏移逐个张量读取，从不一次解码整个文件。"),
    "checkpoint.sidebar": ("Checkpoint", "检查点"),
    "checkpoint.source": ("Source", "来源"),
    "checkpoint.source.builtin": ("Built-in", "内置"),
    "checkpoint.source.upload": ("Upload", "上传"),
    "checkpoint.upload": ("Upload a checkpoint", "上传检查点"),
    "checkpoint.upload.help": (
        "A .safetensors file (or .npz): the header lists the tensors and each is decoded in "
        "turn. Pickles (.pt, .bin) are refused because opening them can run code. Uploads are "
        "not part of a shared link.",
        ".safetensors 文件（或 .npz）：从文件头列出张量，再逐个解码。pickle 文件（.pt、.bin）会被"
        "拒绝，因为打开它们可能执行代码。上传的文件不会包含在分享链接中。"),
    "checkpoint.upload_none": ("No file yet: upload one in the sidebar, or pick a built-in "
                               "checkpoint.",
                               "尚未上传文件：请在侧边栏上传，或选择一个内置检查点。"),
    "checkpoint.group": ("Group size (last axis)", "组大小（最后一轴）"),
    "checkpoint.progress": ("Measuring {name}… ({done} of {total} parameters)",
                            "正在测量 {name}…（已完成 {done} / {total} 个参数）"),
    "checkpoint.synthetic_note": (
        "**Synthetic** checkpoint, generated from a seed: a small Llama-style model ({layers} "
        "layers, hidden size {hidden}, intermediate size {inter}, vocabulary {vocab}) with "
        "statistics made to look like real LLM weights — uneven output channels, heavy tails, "
        "norm weights near 1, a few large columns and {huge} single weights {times}× the "
        "typical size in one down_proj. It was never trained.",
        "**合成**检查点，由随机种子生成：一个小的 Llama 风格模型（{layers} 层，隐藏维度 {hidden}，"
        "中间维度 {inter}，词表 {vocab}），统计特征模仿真实大模型的权重——输出通道 scale 不均、重尾、"
        "归一化权重接近 1、少数几列很大，以及某个 down_proj 中 {huge} 个比典型值大 {times} 倍的单个"
        "权重。它从未被训练过。"),
    "checkpoint.digits_note": ("The digits model of the Model page (trained weights).",
                               "“模型”页面中的手写数字模型（训练过的权重）。"),
    "checkpoint.upload_note": ("Uploaded: {file}.", "已上传：{file}。"),
    "checkpoint.first_tensors": ("It holds {n} tensors; the report measures the first {shown} "
                                 "in the file's order.",
                                 "文件中有 {n} 个张量；报告只测量按文件顺序的前 {shown} 个。"),
    "checkpoint.h.summary": ("Summary", "概要"),
    "checkpoint.m.tensors": ("Tensors", "张量数"),
    "checkpoint.m.params": ("Parameters", "参数量"),
    "checkpoint.m.stored": ("Bytes as stored", "存储字节数"),
    "checkpoint.col.scheme": ("Scales", "scale 粒度"),
    "checkpoint.col.pairs": ("Scales stored (each with its zero point, if the scheme has "
                             "one)", "存储的 scale 数（方案有零点时各带一个零点）"),
    "checkpoint.col.bytes": ("Bytes (codes + parameters)", "字节数（码 + 参数）"),
    "checkpoint.col.ratio": ("of the stored size", "占存储大小"),
    "checkpoint.col.sqnr_all": ("SQNR of all tensors (dB)", "全部张量的 SQNR（dB）"),
    "checkpoint.col.sqnr_mean": ("mean of per-tensor SQNR (dB)", "逐张量 SQNR 的平均值（dB）"),
    "checkpoint.scheme.tensor": ("per tensor", "逐张量"),
    "checkpoint.scheme.channel": ("per channel (axis 0)", "逐通道（第 0 轴）"),
    "checkpoint.scheme.group": ("per group of {g}", "每 {g} 个一组"),
    "checkpoint.totals_note": (
        "At {bits} bits. A 1-D tensor (bias, norm) has no channels: it counts per tensor in "
        "the per-channel line; a tensor whose last axis is not a multiple of {g} counts per "
        "channel in the per-group line. The SQNR of all tensors is 10 log10 of all the signal "
        "(Σ x²) over all the error (Σ (x − x̂)²): each tensor weighs by its signal and error "
        "energy, not by its size, so a small tensor of large values (a norm weight near 1) "
        "can weigh more than a large matrix of small ones. The mean of the per-tensor SQNRs "
        "beside it counts each tensor once, whatever its size or energy (exact tensors left "
        "out).",
        "位宽 {bits}。一维张量（偏置、归一化）没有通道：在逐通道一行中按逐张量计算；最后一轴不能被 "
        "{g} 整除的张量在逐组一行中按逐通道计算。全部张量的 SQNR 是全部信号与全部误差之比的 "
        "10 log10（信号 Σ x²，误差 Σ (x − x̂)²）：每个张量按其信号与误差能量计权，而不是按大小，"
        "因此数值大的小张量（接近 1 的归一化权重）可能比数值小的大矩阵权重更大。旁边的逐张量 SQNR "
        "平均值让每个张量只算一次，与其大小和能量无关（没有误差的张量不计入）。"),
    "checkpoint.worst": (
        "The {k} worst tensors per tensor at {bits} bits, and what one scale per output "
        "channel does for them:",
        "位宽 {bits}、逐张量量化时最差的 {k} 个张量，以及每个输出通道一个 scale 对它们的改善："),
    "checkpoint.worst.row": ("**{name}** {shape}: {tensor} dB per tensor → {channel} dB per "
                             "channel ({delta}); largest |x − mean| = {sigmas} σ, kurtosis "
                             "{kurt}.",
                             "**{name}** {shape}：逐张量 {tensor} dB → 逐通道 {channel} dB"
                             "（{delta}）；最大 |x − 均值| = {sigmas} σ，峰度 {kurt}。"),
    "checkpoint.worst.row_1d": ("**{name}** {shape}: {tensor} dB per tensor; one dimension, "
                                "so no channels to scale apart; largest |x − mean| = {sigmas} "
                                "σ, kurtosis {kurt}.",
                                "**{name}** {shape}：逐张量 {tensor} dB；只有一维，没有可以分开"
                                "缩放的通道；最大 |x − 均值| = {sigmas} σ，峰度 {kurt}。"),
    "checkpoint.even": (
        "**No tensor stands out:** none is more than {margin} dB (one bit) below the median "
        "per-tensor SQNR ({median} dB): the error comes from the scheme as a whole; change the "
        "bit width or the granularity for all.",
        "**没有特别突出的张量：**没有任何张量比逐张量 SQNR 的中位数（{median} dB）低超过 {margin} dB"
        "（一位）：误差来自整个方案；应当对全部张量改变位宽或粒度。"),
    "checkpoint.few": (
        "**A few tensors dominate:** {k} of {n} tensors are more than {margin} dB (one bit) "
        "below the median per-tensor SQNR ({median} dB). Give those finer scales (per channel, "
        "groups) or more bits first: the others are above, or less than {margin} dB below, the "
        "median.",
        "**少数张量占主导：**{n} 个张量中有 {k} 个比逐张量 SQNR 的中位数（{median} dB）低超过 "
        "{margin} dB（一位）。应先给这些张量更细的 scale（逐通道、分组）或更多位宽：其余张量高于中位数，或低于中位数不到 {margin} dB。"),
    "checkpoint.many": (
        "**Many tensors are hard:** {k} of {n} tensors are more than {margin} dB (one bit) "
        "below the median per-tensor SQNR ({median} dB): not a few exceptions but a large part "
        "of the checkpoint; change the bit width or the granularity for all.",
        "**许多张量都难量化：**{n} 个张量中有 {k} 个比逐张量 SQNR 的中位数（{median} dB）低超过 "
        "{margin} dB（一位）：这不是少数例外，而是检查点的很大一部分；应当对全部张量改变位宽或粒度。"),
    "checkpoint.rounding": (
        "**Rounding, not clipping:** with MinMax ranges no value is clipped, so all of this "
        "error is rounding, with a step set by the largest |x|. Clipping the worst tensor's "
        "range at {sigmas} σ instead gives {clip} dB (against {tensor} dB), {share} of that "
        "error from the clipped values: {verdict}",
        "**是舍入，不是截断：**使用 MinMax 范围时没有任何值被截断，所以这些误差全部来自舍入，"
        "步长由最大的 |x| 决定。若把最差张量的范围截断在 {sigmas} σ，SQNR 为 {clip} dB"
        "（原为 {tensor} dB），其中 {share} 的误差来自被截断的值：{verdict}"),
    "checkpoint.rounding.worse": ("its large values carry signal; cutting them costs more than "
                                  "the finer step saves.",
                                  "这些大值本身携带信号，截掉它们的损失大于更细步长带来的收益。"),
    "checkpoint.rounding.better": ("here the tail is noise-like enough that a clipped range "
                                   "pays off.",
                                   "这里的尾部足够像噪声，截断范围反而更划算。"),
    "checkpoint.rounding.none": (
        "**Rounding, not clipping:** with MinMax ranges no value is clipped, so all of this "
        "error is rounding; no value of the worst tensor lies beyond {sigmas} σ.",
        "**是舍入，不是截断：**使用 MinMax 范围时没有任何值被截断，所以这些误差全部来自舍入；"
        "最差张量中没有超出 {sigmas} σ 的值。"),
    "checkpoint.h.table": ("Every tensor, worst first", "每个张量（最差的在前）"),
    "checkpoint.filter": ("Filter by name", "按名称筛选"),
    "checkpoint.filter.help": ("Shows the tensors whose name contains this text (case "
                               "ignored), e.g. down_proj or layers.1.",
                               "只显示名称中包含这段文字的张量（不区分大小写），例如 down_proj 或 "
                               "layers.1。"),
    "checkpoint.filtered": ("{shown} of {n} tensors match “{text}”.",
                            "{n} 个张量中有 {shown} 个匹配“{text}”。"),
    "checkpoint.presented": ("The {k} worst of {n} tensors; leave presentation mode to see, "
                             "sort and open every one.",
                             "{n} 个张量中最差的 {k} 个；退出演示模式可查看、排序并打开全部张量。"),
    "checkpoint.col.name": ("name", "名称"),
    "checkpoint.col.shape": ("shape", "形状"),
    "checkpoint.col.dtype": ("dtype", "数据类型"),
    "checkpoint.col.params": ("parameters", "参数量"),
    "checkpoint.col.std": ("std", "标准差"),
    "checkpoint.col.kurtosis": ("kurtosis", "峰度"),
    "checkpoint.col.beyond": ("beyond {sigmas} σ", "超出 {sigmas} σ"),
    "checkpoint.col.beyond.help": ("Share of values further than {sigmas} standard deviations "
                                   "from the mean.",
                                   "距均值超过 {sigmas} 个标准差的数值所占比例。"),
    "checkpoint.col.reach": ("range (σ)", "范围（σ）"),
    "checkpoint.col.reach.help": ("The largest |x − mean| in standard deviations: how far the "
                                  "MinMax range stretches the step.",
                                  "以标准差计的最大 |x − 均值|：MinMax 范围把步长拉大了多少。"),
    "checkpoint.col.sqnr_tensor": ("SQNR per tensor", "逐张量 SQNR"),
    "checkpoint.col.sqnr_channel": ("SQNR per channel", "逐通道 SQNR"),
    "checkpoint.col.sqnr_group": ("SQNR per group", "逐组 SQNR"),
    "checkpoint.col.sqnr_clip": ("SQNR clipped at {sigmas} σ", "截断于 {sigmas} σ 的 SQNR"),
    "checkpoint.col.sqnr.help": ("dB, MinMax ranges; empty where the scheme does not apply.",
                                 "单位 dB，MinMax 范围；该方案不适用时为空。"),
    "checkpoint.col.hist": ("histogram (log counts)", "直方图（对数计数）"),
    "checkpoint.col.hist.help": ("{bins} bins from min to max; height log10(1 + count).",
                                 "从最小值到最大值共 {bins} 个区间；高度为 log10(1 + 计数)。"),
    "checkpoint.col.explore": ("Explore", "探索"),
    "checkpoint.col.per_channel": ("Per-channel", "逐通道"),
    "checkpoint.link.open": ("open", "打开"),
    "checkpoint.links_upload": (
        "An uploaded file is not part of a link, so the rows of an upload cannot open the "
        "Explore or Per-channel pages; upload the same file there to look at one tensor. The "
        "built-in checkpoints have those links.",
        "上传的文件不会包含在链接中，因此上传文件的各行无法直接打开“探索”或“逐通道”页面；"
        "请在那些页面上传同一个文件来查看某个张量。内置检查点的各行带有这些链接。"),
    "checkpoint.format": ("Number format", "数字格式"),
    "checkpoint.format.help": (
        "A format of the Formats page, measured on every tensor beside the integer schemes. "
        "Its own scales (per block along the last axis, or per tensor) are used, so the bit "
        "width and scheme above do not change it. NF4 is QLoRA's 4-bit weight format "
        "(bitsandbytes); MXFP4 and NVFP4 are the 4-bit block formats of recent GPUs.",
        "“格式”页面中的一种格式，与整数方案并列，在每个张量上测量。它使用自己的 scale（沿最后一轴"
        "每块一个，或每张量一个），所以上面的位宽和方案不影响它。NF4 是 QLoRA 的 4 位权重格式"
        "（bitsandbytes）；MXFP4 和 NVFP4 是新一代 GPU 的 4 位块格式。"),
    "checkpoint.scheme.format": ("{fmt} (its own scales)", "{fmt}（格式自带的 scale）"),
    "checkpoint.col.bpv": ("bits per value", "每个值的位数"),
    "checkpoint.fmt.block": ("one per block of {block} along the last axis",
                             "沿最后一轴每 {block} 个值一个"),
    "checkpoint.fmt.tensor": ("one per tensor", "每张量一个"),
    "checkpoint.format_note": (
        "{fmt}: {bits}-bit elements and their scales ({scales}); its bytes count every stored "
        "scale at the scale's own width: {bpv} bits per value over this checkpoint. The integer "
        "lines count a float32 scale (and a zero point when asymmetric) per scale.",
        "{fmt}：{bits} 位的元素加上它们的 scale（{scales}）；其字节数按每个 scale 自身的存储宽度计入"
        "全部 scale：在这个检查点上平均每个值 {bpv} 位。整数各行按每个 scale 一个 float32 "
        "（非对称时再加一个零点）计算。"),
    "checkpoint.fmt_worst": ("The {k} worst tensors in {fmt} ({fmt_bits}-bit elements), "
                             "beside integer groups at the same {fmt_bits} bits and one scale "
                             "per tensor at the page's {bits} bits:",
                             "{fmt} 下最差的 {k} 个张量（元素 {fmt_bits} 位），旁边是同为 "
                             "{fmt_bits} 位的整数分组量化，以及按本页 {bits} 位的逐张量量化："),
    "checkpoint.fmt_worst.row": ("**{name}** {shape}: {sqnr} dB in the format; its last "
                                 "axis is not a multiple of {g}, so no integer groups ({tensor} "
                                 "dB per tensor at {bits} bits).",
                                 "**{name}** {shape}：该格式下 {sqnr} dB；最后一轴不是 {g} 的"
                                 "倍数，没有整数分组（{bits} 位逐张量为 {tensor} dB）。"),
    "checkpoint.fmt_worst.row_group": (
        "**{name}** {shape}: {sqnr} dB in the format, against {group} dB in integer groups "
        "of {g} at {fmt_bits} bits ({tensor} dB per tensor at {bits} bits).",
        "**{name}** {shape}：该格式下 {sqnr} dB，而每 {g} 个一组的 {fmt_bits} 位整数量化为 "
        "{group} dB（{bits} 位逐张量 {tensor} dB）。"),
    "checkpoint.col.sqnr_format": ("SQNR in {fmt}", "{fmt} 的 SQNR"),
    "checkpoint.col.sqnr_format.help": (
        "dB, with the format's own scales; the bit width and scheme above do not change it.",
        "单位 dB，使用格式自带的 scale；上面的位宽和方案不影响它。"),
    "checkpoint.failed": ("Not measured: {name}: {reason}", "未测量：{name}：{reason}"),
    "checkpoint.nothing": ("No tensor could be measured.", "没有可以测量的张量。"),
    # the built-in checkpoint source on Explore and Per-channel
    "ckpt.label": ("Built-in checkpoint", "内置检查点"),
    "ckpt.help": ("Checkpoints that come with the app; a link can name one of their tensors.",
                  "应用自带的检查点；链接可以指向其中的某个张量。"),
    "ckpt.label.synthetic_llm": ("Synthetic LLM-like (seeded, untrained)",
                                 "合成的类大模型检查点（固定种子，未训练）"),
    "ckpt.label.digits": ("Digits model", "手写数字模型"),
    "ckpt.tensor": ("Tensor in the checkpoint", "检查点中的张量"),
    "source.label.ckpt": ("Checkpoint", "检查点"),
    "per_channel.source.ckpt": ("Built-in checkpoint", "内置检查点"),
    "tensor.ckpt_label": ("Tensor: {name} from the {ckpt} checkpoint, {n} values.",
                          "张量：{ckpt} 检查点中的 {name}，{n} 个数值。"),
}

#: Where each claim about another toolchain, a paper or the notes was checked (file and
#: version, paper section, notes line), keyed like TEXT.
SOURCES: dict[str, str] = {
    'checkpoint.format.help': (
        'QLoRA (Dettmers et al. 2023) §3 NF4, bitsandbytes 0.50.2 functional.py '
        "get_4bit_type('nf4'); OCP MX v1.0 (MXFP4); NVIDIA NVFP4 (torchao 0.18 "
        'prototype/mx_formats nvfp4_tensor.py)'
    ),
    'checkpoint.totals_note': (
        "quantviz.studies.checkpoint totals (sum of x^2 over sum of errors^2)"
    ),
}
