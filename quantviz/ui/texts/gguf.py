"""Strings of the GGUF page."""

TEXT = {
    "gguf.nav": ("GGUF", "GGUF"),
    "gguf.title": ("GGUF: llama.cpp's block types, byte for byte",
                   "GGUF：llama.cpp 的分块类型，逐字节一致"),
    "gguf.intro": ("The tensor goes through ggml's own quantizers (the same bytes as llama.cpp "
                   "writes) and back through gguf-py's dequantization. Q4_K_M, Q5_K_S, Q8_0, "
                   "IQ4_XS: what each name stores, what it costs in bits, what it loses.",
                   "张量经过 ggml 自己的量化器（与 llama.cpp 写出的字节相同），再用 gguf-py 的反量化"
                   "读回。Q4_K_M、Q5_K_S、Q8_0、IQ4_XS：每个名字存了什么、花多少位、损失多少。"),
    "gguf.preset": ("LLM weights (normal, σ = {std})", "LLM 权重（正态，σ = {std}）"),
    "gguf.preset.help": ("100,000 values from N(0, {std}²), the Formats page's LLM preset.",
                         "从 N(0, {std}²) 取 100,000 个值，与数值格式页的 LLM 预设相同。"),
    "gguf.rows": ("Studied: {used} of {total} values in {rows} rows of {n} ({blocks} "
                  "super-blocks of 256).",
                  "参与计算：{total} 个值中的 {used} 个，{rows} 行、每行 {n} 个（{blocks} 个 256 值的"
                  "超块）。"),
    "gguf.rows.reshaped": ("The tensor's rows are not a multiple of 256 long, so its values are "
                           "laid out in rows of 256 in tensor order.",
                           "张量的行长不是 256 的倍数，因此按张量顺序把数值排成每行 256 个。"),
    "gguf.rows.capped": ("Only the leading {used} values are studied (IQ4 types take about 3 s "
                         "per million weights here).",
                         "只计算前 {used} 个值（在这里 IQ4 类型每百万个权重约需 3 秒）。"),
    "gguf.refused": ("This tensor cannot go through the GGUF types: {reason}",
                     "此张量无法用 GGUF 类型量化：{reason}"),
    "gguf.progress": ("Quantizing {n} values as {qtype} ({i} of {k})…",
                      "正在把 {n} 个值量化为 {qtype}（第 {i} 个，共 {k} 个）…"),
    # the types
    "gguf.types.heading": ("Every type on this tensor", "每种类型作用于此张量"),
    "gguf.col.type": ("type", "类型"),
    "gguf.col.family": ("family", "类别"),
    "gguf.col.bpw": ("bits per weight", "每权重位数"),
    "gguf.col.codes": ("codes", "编码"),
    "gguf.col.scales": ("scales and mins", "缩放与最小值"),
    "gguf.col.sqnr": ("SQNR (dB)", "SQNR (dB)"),
    "gguf.col.max_err": ("max |x_hat - x|", "最大 |x_hat - x|"),
    "gguf.types.note": ("Bits per weight = 8 × bytes per block / weights per block: the codes "
                        "plus every float16 scale and min and every quantized sub-block scale "
                        "(Q4_K: 4 + 0.0625 + 0.0625 + 0.375 = 4.5). SQNR = 20 log10(‖x‖ / "
                        "‖x_hat − x‖).",
                        "每权重位数 = 8 × 每块字节数 / 每块权重数：编码，加上每个 float16 缩放与最小值"
                        "及每个量化后的子块缩放（Q4_K：4 + 0.0625 + 0.0625 + 0.375 = 4.5）。"
                        "SQNR = 20 log10(‖x‖ / ‖x_hat − x‖)。"),
    "gguf.family.legacy": ("legacy (Q4_0 … Q8_0)", "传统（Q4_0 … Q8_0）"),
    "gguf.family.k": ("k-quants", "k 量化"),
    "gguf.family.i": ("i-quants", "i 量化"),
    "gguf.family.ternary": ("ternary", "三值"),
    "gguf.fig.frontier": ("SQNR against bits per weight: GGUF types beside the number formats",
                          "SQNR 与每权重位数：GGUF 类型与数值格式并列"),
    "gguf.fig.frontier_x": ("bits per weight (scales and mins counted)",
                            "每权重位数（含缩放与最小值）"),
    "gguf.fig.formats": ("number formats (Formats page)", "数值格式（数值格式页）"),
    "gguf.frontier.caption": ("Grey circles: the Formats page's formats on the same {n} values. "
                              "GGUF types no other type beats on both bits and SQNR: {best}.",
                              "灰色圆圈：数值格式页的各格式作用于同样的 {n} 个值。位数与 SQNR 两方面都不被"
                              "其他类型超过的 GGUF 类型：{best}。"),
    # the inspector
    "gguf.inspect.heading": ("Inside one Q4_K super-block", "一个 Q4_K 超块的内部"),
    "gguf.block": ("Super-block", "超块"),
    "gguf.block.help": ("Which block of 256 values (counted row by row) to take apart.",
                        "拆开哪一个 256 值的块（逐行计数）。"),
    "gguf.sub": ("Sub-block", "子块"),
    "gguf.sub.help": ("Which of the 8 sub-blocks of 32 to follow through the scale search.",
                      "在缩放搜索中跟踪 8 个 32 值子块中的哪一个。"),
    "gguf.fig.block": ("Super-block {i}: x and the stored x_hat", "超块 {i}：x 与存储的 x_hat"),
    "gguf.fig.block_x": ("index in the block", "块内下标"),
    "gguf.fig.value": ("value", "数值"),
    "gguf.fig.sub": ("sub {j}", "子块 {j}"),
    "gguf.fig.x_hat": ("x_hat (stored)", "x_hat（存储值）"),
    "gguf.block.sentence": ("144 bytes hold these 256 weights: float16 d = {d} (0x{d_bits:04X}) "
                            "and dmin = {dmin} (0x{dmin_bits:04X}), 12 bytes of eight 6-bit "
                            "scales and eight 6-bit mins, and 128 bytes of 4-bit codes. Value i of "
                            "sub-block j is x_hat = d · scale_j · code_i − dmin · min_j. SQNR on "
                            "this block: {sqnr} dB.",
                            "144 字节存下这 256 个权重：float16 的 d = {d}（0x{d_bits:04X}）与 "
                            "dmin = {dmin}（0x{dmin_bits:04X}），12 字节放 8 个 6 位缩放和 8 个 6 位"
                            "最小值，128 字节放 4 位编码。子块 j 的第 i 个值为 x_hat = d · scale_j · "
                            "code_i − dmin · min_j。此块的 SQNR：{sqnr} dB。"),
    "gguf.col.sub": ("sub-block", "子块"),
    "gguf.col.scale6": ("scale (6 bits)", "缩放（6 位）"),
    "gguf.col.min6": ("min (6 bits)", "最小值（6 位）"),
    "gguf.col.step": ("d · scale", "d · scale"),
    "gguf.col.offset": ("dmin · min", "偏移 dmin · min"),
    "gguf.col.codes4": ("4-bit codes", "4 位编码"),
    "gguf.packing.heading": ("How the 8 scales and 8 mins fit in 12 bytes",
                             "8 个缩放和 8 个最小值如何放进 12 字节"),
    "gguf.packing.rule": ("Bytes 0–3 hold scales 0–3 in their low 6 bits, bytes 4–7 mins 0–3; "
                          "scales and mins 4–7 are split: their low 4 bits share bytes 8–11, "
                          "their top 2 bits fill the top of bytes 0–7 (ggml's "
                          "get_scale_min_k4 reads them back).",
                          "字节 0–3 的低 6 位放缩放 0–3，字节 4–7 放最小值 0–3；缩放与最小值 4–7 被拆开："
                          "低 4 位共用字节 8–11，高 2 位放在字节 0–7 的最高两位（ggml 的 "
                          "get_scale_min_k4 把它们读回）。"),
    "gguf.col.byte": ("byte", "字节"),
    "gguf.col.hex": ("value", "值"),
    "gguf.col.bits": ("bits", "位"),
    "gguf.col.holds": ("holds (high bits first)", "内容（高位在前）"),
    "gguf.part.scale": ("scale {j}", "缩放 {j}"),
    "gguf.part.min": ("min {j}", "最小值 {j}"),
    "gguf.part.bits": ("bits {hi}–{lo}", "第 {hi}–{lo} 位"),
    # the search
    "gguf.search.heading": ("The scale search (make_qkx2_quants), not min/max",
                            "缩放搜索（make_qkx2_quants），而非最小/最大值"),
    "gguf.fig.search": ("Sub-block {j} of block {i}: the error of each candidate",
                        "块 {i} 的子块 {j}：每个候选的误差"),
    "gguf.fig.search_x": ("candidate inverse scale (levels per unit of x)",
                          "候选的缩放倒数（每单位 x 的级数）"),
    "gguf.fig.search_y": ("Σ w (x_hat − x)²", "Σ w (x_hat − x)²"),
    "gguf.fig.tried": ("candidates tried", "尝试的候选"),
    "gguf.fig.better": ("better than all before", "优于之前所有候选"),
    "gguf.fig.kept": ("kept", "保留"),
    "gguf.fig.naive": ("min/max start", "最小/最大值起点"),
    "gguf.search.rule": ("ggml does not stop at scale = (max − min)/15. It tries {k} inverse "
                         "scales (15 − 1 + 0.1 k)/(max − min) for k = 0..20, codes the sub-block "
                         "with each, refits scale and min to those codes by weighted least "
                         "squares (w_i = RMS of the sub-block + |x_i|), and keeps the smallest "
                         "Σ w (x_hat − x)².",
                         "ggml 并不止步于 scale = (max − min)/15。它尝试 {k} 个缩放倒数 "
                         "(15 − 1 + 0.1 k)/(max − min)，k = 0..20，用每个候选编码子块，再按这些编码用"
                         "加权最小二乘（w_i = 子块均方根 + |x_i|）重新拟合缩放与最小值，保留 "
                         "Σ w (x_hat − x)² 最小者。"),
    "gguf.search.block": ("On this sub-block the search lowers the weighted error from {naive} "
                          "(min/max) to {kept}: {gain} dB.",
                          "在此子块上，搜索把加权误差从 {naive}（最小/最大值）降到 {kept}：{gain} dB。"),
    "gguf.search.tensor": ("On the studied values, Q4_K as ggml makes it reaches {search} dB; "
                           "the same Q4_K with plain min/max sub-block scales (what block-format "
                           "visualizers draw) reaches {naive} dB. The search buys {gain} dB.",
                           "在参与计算的数值上，ggml 生成的 Q4_K 达到 {search} dB；同样的 Q4_K 若子块"
                           "缩放只用最小/最大值（分块格式可视化工具的画法）只有 {naive} dB。搜索多得 "
                           "{gain} dB。"),
    # not k-means
    "gguf.kmeans.heading": ("Not k-means: what K and _S/_M/_L mean",
                            "不是 k-means：K 与 _S/_M/_L 的含义"),
    "gguf.kmeans.body": ("The K in Q4_K does not stand for k-means: no clustering runs. It marks "
                         "the k-quants, whose super-block of 256 weights carries a float16 d (and "
                         "dmin in the types with minima), and 8 (or 16) sub-blocks whose own "
                         "scales are themselves quantized to 6 (or 4, 8) bits against d: two "
                         "levels of scales. The k-quants came in llama.cpp's own pull requests "
                         "(2023), not in a paper; ggml's source is the reference.\n\n"
                         "_S, _M and _L are not types: a file such as Q4_K_M mixes types per "
                         "tensor. llama.cpp's `llama_tensor_get_type` gives some tensors more "
                         "bits: for Q4_K_M, `output.weight` gets Q6_K, and `attn_v` and "
                         "`ffn_down` get Q6_K in the layers where `use_more_bits` holds (the "
                         "first and last eighth, and every third layer between); the rest is "
                         "Q4_K, norms stay unquantized. The code gives a reason only for 70B "
                         "models: eight heads share attn_v, so it is eight times smaller than "
                         "attn_q and more bits cost almost nothing.",
                         "Q4_K 中的 K 不代表 k-means：没有任何聚类。它表示 k 量化：256 个权重的超块带有 "
                         "float16 的 d（有最小值的类型还带 dmin），以及 8（或 16）个子块，子块自己的 "
                         "scale 又相对 d 量化为 6（或 4、8）位：两级 scale。k 量化来自 llama.cpp 自己的"
                         "合并请求（2023），而不是论文；ggml 的源码就是参考。\n\n"
                         "_S、_M、_L 不是类型：Q4_K_M 这样的文件按张量混用类型。llama.cpp 的 "
                         "`llama_tensor_get_type` 给某些张量更多的位：Q4_K_M 中 `output.weight` 用 "
                         "Q6_K，`attn_v` 与 `ffn_down` 在 `use_more_bits` 成立的层（前后各八分之一，"
                         "其间每隔三层）用 Q6_K；其余用 Q4_K，归一化权重不量化。代码只为 70B 模型给出理由："
                         "八个头共用 attn_v，它比 attn_q 小八倍，多给位数几乎不花代价。"),
    "gguf.kmeans.table": ("The built-in file's {count} tensors under these rules ({layers} "
                          "layers: more bits in layers {more}):",
                          "内置文件的 {count} 个张量按这些规则（{layers} 层：第 {more} 层更多位）："),
    "gguf.kmeans.source": ("Transcribed from {file} in {repo}, commit {commit}.",
                           "转写自 {repo} 的 {file}，提交 {commit}。"),
    "gguf.reason.norm": ("1-D / norm: not quantized", "一维 / 归一化：不量化"),
    "gguf.reason.output": ("output.weight: Q6_K", "output.weight：Q6_K"),
    "gguf.reason.attn_v": ("attn_v in a use_more_bits layer", "use_more_bits 层的 attn_v"),
    "gguf.reason.ffn_down": ("ffn_down in a use_more_bits layer", "use_more_bits 层的 ffn_down"),
    "gguf.reason.default": ("the default type", "默认类型"),
    "gguf.col.name": ("tensor", "张量"),
    "gguf.col.shape": ("shape", "形状"),
    "gguf.col.why": ("why", "原因"),
    # imatrix
    "gguf.imatrix.heading": ("The importance matrix", "重要性矩阵（imatrix）"),
    "gguf.imatrix.body": ("llama.cpp's imatrix holds, for each input channel j of a weight, the "
                          "mean square activation E[a_j²] measured on calibration text. A weight "
                          "in a loud channel moves the output more, so ggml's `_impl` quantizers "
                          "minimise Σ w_j (x_hat − x)² with w_j built from the imatrix (for "
                          "most types imatrix_j · sqrt(σ² + x_j²): σ² is the row's mean square "
                          "in the legacy types, the super-block's in Q2_K, twice the "
                          "super-block's in Q3_K–Q5_K and the IQ4 types; Q6_K takes imatrix_j "
                          "alone) instead of the plain error. Here w is a seeded stand-in: channel RMS exp(0.5 z), "
                          "every {every}th channel {hot}× louder.",
                          "llama.cpp 的 imatrix 为权重的每个输入通道 j 记录校准文本上的激活均方 "
                          "E[a_j²]。响亮通道里的权重对输出影响更大，所以 ggml 的 `_impl` 量化器最小化 "
                          "Σ w_j (x_hat − x)²（w_j 由 imatrix 构成，多数类型为 imatrix_j · sqrt(σ² + x_j²)，"
                          "σ² 在传统类型中为该行的均方，在 Q2_K 中为超块的均方，在 Q3_K–Q5_K 与 IQ4 "
                          "类型中为超块均方的两倍；Q6_K 只用 imatrix_j），而不是普通误差。这里的 w 是带种子的"
                          "替身：通道均方根 exp(0.5 z)，每第 {every} 个通道响 {hot} 倍。"),
    "gguf.imatrix.block": ("Block {i} through {qtype}: plain error Σ e² {plain_e} without, "
                           "{imat_e} with the imatrix; weighted error Σ w e² {plain_w} without, "
                           "{imat_w} with.",
                           "块 {i} 经 {qtype}：普通误差 Σ e² 不用 imatrix 为 {plain_e}，用为 "
                           "{imat_e}；加权误差 Σ w e² 不用为 {plain_w}，用为 {imat_w}。"),
    "gguf.imatrix.tensor": ("On the studied values ({qtype}): SQNR {plain} dB without, {imat} dB "
                            "with; importance-weighted SQNR {plain_w} dB without, {imat_w} dB "
                            "with. The imatrix trades plain error for the error that matters.",
                            "在参与计算的数值上（{qtype}）：SQNR 不用 {plain} dB，用 {imat} dB；"
                            "重要性加权 SQNR 不用 {plain_w} dB，用 {imat_w} dB。imatrix 用普通误差"
                            "换取真正要紧的误差。"),
    "gguf.imatrix.ignored": ("ggml ignores the imatrix for Q8_0, TQ1_0 and TQ2_0.",
                             "ggml 对 Q8_0、TQ1_0 与 TQ2_0 忽略 imatrix。"),
    # families
    "gguf.families.heading": ("Legacy, k-, i-quants and ternary", "传统、k 量化、i 量化与三值"),
    "gguf.families.body": ("**Legacy** (Q4_0 … Q8_0): blocks of 32, one float16 scale (and a "
                           "min for _1). **k-quants**: super-blocks of 256 with quantized "
                           "sub-block scales. **i-quants** (IQ4_NL, IQ4_XS): a non-uniform grid "
                           "of 16 levels, denser near 0. **Ternary** (TQ1_0, TQ2_0): codes "
                           "−1, 0, +1 times one float16 scale per 256, which ggml sets to the "
                           "block's absmax (max |x|). BitNet b1.58 trains its weights with an "
                           "absmean rule instead: γ = mean |W|, W̃ = RoundClip(W / (γ + ε), −1, "
                           "1) (Ma et al. 2024, \"The Era of 1-bit LLMs\", arXiv:2402.17764, "
                           "section 2). So TQ types reproduce a BitNet model that was trained "
                           "ternary; on ordinary weights (here {tq} dB) they are not a way to "
                           "compress.",
                           "**传统**（Q4_0 … Q8_0）：32 个一块，一个 float16 缩放（_1 另有最小值）。"
                           "**k 量化**：256 个一超块，子块缩放再量化。**i 量化**（IQ4_NL、IQ4_XS）："
                           "16 级非均匀网格，靠近 0 更密。**三值**（TQ1_0、TQ2_0）：编码 −1、0、+1 乘以"
                           "每 256 个一个 float16 缩放，ggml 把它设为块的 absmax（max |x|）。BitNet "
                           "b1.58 训练时用的是 absmean 规则：γ = mean |W|，W̃ = RoundClip(W / (γ + ε), "
                           "−1, 1)（Ma 等 2024，\"The Era of 1-bit LLMs\"，arXiv:2402.17764，第 2 节）。"
                           "所以 TQ 类型用来还原训练时就是三值的 BitNet 模型；对普通权重（此处 {tq} dB）"
                           "并不是压缩手段。"),
    # the file
    "gguf.file.sidebar": ("GGUF file", "GGUF 文件"),
    "gguf.file.upload": ("A .gguf file", ".gguf 文件"),
    "gguf.file.upload.help": ("Read by quantviz's own bounded reader: counts and sizes are "
                              "checked from the header before any data is touched.",
                              "由 quantviz 自己的有界读取器解析：先按文件头检查计数和大小，再读数据。"),
    "gguf.file.orig": ("Its original .safetensors (optional)", "对应的原始 .safetensors（可选）"),
    "gguf.file.orig.help": ("Tensors of the same names (GGUF or Hugging Face names) are compared "
                            "with the file's.",
                            "同名张量（GGUF 名或 Hugging Face 名）与文件中的比较。"),
    "gguf.file.builtin": ("No file uploaded: the built-in GGUF (the synthetic LLM checkpoint as "
                          "Q4_K_M) is shown.",
                          "未上传文件：显示内置 GGUF（合成 LLM 检查点的 Q4_K_M）。"),
    "gguf.file.building": ("Quantizing the built-in checkpoint as Q4_K_M (tensor {i} of {k})…",
                           "正在把内置检查点量化为 Q4_K_M（第 {i} 个张量，共 {k} 个）…"),
    "gguf.file.refused": ("This .gguf file cannot be read: {reason}",
                          "无法读取此 .gguf 文件：{reason}"),
    "gguf.file.orig_refused": ("The .safetensors file cannot be read: {reason}",
                               "无法读取此 .safetensors 文件：{reason}"),
    "gguf.file.tensor": ("Tensor of the file", "文件中的张量"),
    "gguf.file.study": ("Study this tensor on the page", "在本页研究此张量"),
    "gguf.file.study.help": ("Dequantize the picked tensor and put it through every type above "
                             "(instead of the tensor chosen under Tensor).",
                             "反量化所选张量，并用上面的每种类型处理（代替“张量”中选的张量）。"),
    "gguf.file.tensor_refused": ("This tensor cannot be dequantized: {reason}",
                                 "此张量无法反量化：{reason}"),
    "gguf.file.label": ("{name} of {file}, dequantized from {qtype} ({n} values)",
                        "{file} 中的 {name}，由 {qtype} 反量化（{n} 个值）"),
    "gguf.file.heading": ("What the file holds", "文件里有什么"),
    "gguf.file.summary": ("{name}: GGUF v{version}, {count} tensors, {kv} metadata keys, "
                          "{bpw} bits per weight over all tensors.",
                          "{name}：GGUF v{version}，{count} 个张量，{kv} 个元数据键，全部张量平均每"
                          "权重 {bpw} 位。"),
    "gguf.col.error": ("SQNR vs original (dB)", "相对原始的 SQNR (dB)"),
    "gguf.col.note": ("note", "说明"),
    "gguf.file.rows_capped": ("The table lists the first {shown} of the file's {n} tensors; any "
                              "of them can be picked under \"Tensor of the file\" in the sidebar.",
                              "表中列出文件 {n} 个张量中的前 {shown} 个；任何一个都可在侧边栏的“文件中的张量”"
                              "中选取。"),
    "gguf.note.missing": ("no original of that name", "无同名原始张量"),
    "gguf.note.size": ("too large to compare here", "太大，此处不比较"),
    "gguf.note.count": ("not compared: only the first {n} tensors are",
                        "未比较：只比较前 {n} 个张量"),
    "gguf.note.type": ("type not dequantized", "类型无法反量化"),
    "gguf.note.shape": ("original has another size", "原始张量大小不同"),
    "gguf.file.errors_builtin": ("Errors against the synthetic checkpoint the file was made from.",
                                 "误差相对于生成此文件的合成检查点。"),
    "gguf.file.errors_upload": ("Errors against {file}.", "误差相对于 {file}。"),
    "gguf.file.no_orig": ("Upload the original .safetensors beside it to see each tensor's "
                          "error.",
                          "同时上传原始 .safetensors 即可看到每个张量的误差。"),
}

#: Where each claim about another tool, a paper or the notes comes from.
SOURCES: dict[str, str] = {
    'gguf.packing.rule': (
        'ggml-org/llama.cpp ggml/src/ggml-quants.c get_scale_min_k4, quantize_row_q4_K_ref (scales[] packing); byte-exact goldens tests/data/golden_gguf.npz'
    ),
    'gguf.search.rule': (
        'ggml-org/llama.cpp ggml/src/ggml-quants.c quantize_row_q4_K_ref: make_qkx2_quants(32, 15, x, w, ..., -1.f, 0.1f, 20, false), w = av_x + |x|; tests/library/test_gguf.py'
    ),
    'gguf.search.tensor': (
        'ggml-org/llama.cpp ggml/src/ggml-quants.c (search) against quantviz.studies.gguf plain min/max scales'
    ),
    'gguf.imatrix.ignored': (
        'ggml-org/llama.cpp ggml/src/ggml-quants.c quantize_q8_0, quantize_tq1_0, quantize_tq2_0 (quant_weights unused); tests/library/test_gguf.py'
    ),
    'gguf.families.body': (
        'ggml-org/llama.cpp ggml/src/ggml-quants.c (block_q4_0 ... block_tq2_0, kvalues_iq4nl, quantize_row_tq1_0_ref d = max |x|); Ma et al. 2024, arXiv:2402.17764 §2 (absmean)'
    ),
    'gguf.title': (
        'ggml-org/llama.cpp ggml/src/ggml-quants.c (quantize_row_*); byte-exact goldens '
        'tests/data/golden_gguf.npz (ggml-python 0.0.45)'
    ),
    'gguf.intro': (
        'ggml-quants.c quantizers via ggml-python 0.0.45 (tests/data/golden_gguf.npz); '
        'gguf 0.19.0 gguf/quants.py dequantize (tests/data/golden_gguf_dequant.npz)'
    ),
    'gguf.kmeans.body': (
        'llama.cpp src/llama-quant.cpp (commit 007dbbf): llama_tensor_get_type_impl, '
        'use_more_bits = i < n/8 || i >= 7n/8 || (i - n/8) % 3 == 2, OUTPUT -> Q6_K, the '
        '70B attn_v comment; tensor_allows_quantization (ggml_n_dims < 2, _norm.weight); '
        'ggml-common.h block_q4_K/q6_K layouts; k-quants pull requests #1684 '
        '(k-quants, June 2023, no paper per its author) and #2001'
    ),
    'gguf.imatrix.body': (
        'llama.cpp tools/imatrix (sum of a_j^2 / count per column); ggml-quants.c '
        'quantize_row_q4_K_impl etc. (weight = quant_weights * sqrtf(sigma2 + x^2); sigma2 = '
        'sum_x2/n_per_row in quantize_row_q4_0..q5_1_impl, sum_x2/QK_K in q2_K_impl, '
        '2*sum_x2/QK_K in q3_K/q4_K/q5_K_impl and quantize_row_iq4_nl_impl over its '
        'super-block; q6_K_impl passes quant_weights alone to make_qx_quants)'
    ),
}
