"""Strings of the Layer page."""

TEXT = {
    "layer.nav": ("Integer layer", "整数层"),
    "layer.title": ("One linear layer in integers: Y = X Wᵀ + b",
                    "用整数算一个线性层：Y = X Wᵀ + b"),
    "layer.intro": (
        "Quantizing a tensor is half the story: an int8 kernel multiplies uint8 activation codes "
        "by int8 weight codes, adds them up in int32, and turns the sum back into uint8 output "
        "codes. This page runs that pipeline the way PyTorch's x86 kernel (FBGEMM) does, code for "
        "code, and shows every number on the way.",
        "量化一个张量只是一半：int8 内核把 uint8 激活码与 int8 权重码相乘，在 int32 中累加，再把"
        "和转换回 uint8 输出码。本页按 PyTorch 的 x86 内核（FBGEMM）的方式逐码复现这条流水线，"
        "并展示途中的每个数。"),
    "layer.sidebar.w": ("Weights W", "权重 W"),
    "layer.sidebar.x": ("Activations X", "激活 X"),
    "layer.sidebar.scheme": ("Quantization", "量化方式"),
    "layer.wsrc": ("Source", "来源"),
    "layer.wsrc.synthetic": ("Synthetic layer", "合成层"),
    "layer.wsrc.upload": ("Checkpoint", "检查点"),
    "layer.out": ("Output channels N", "输出通道数 N"),
    "layer.in": ("Inputs K", "输入数 K"),
    "layer.spread": ("Spread of channel scales", "通道 scale 的差距"),
    "layer.spread.help": ("The widest channel's standard deviation over the narrowest's.",
                          "最宽通道与最窄通道标准差之比。"),
    "layer.synthetic_label": (
        "W: synthetic layer, {out} output channels × {inn} inputs, channel scales {spread}× "
        "apart (seed {seed}).",
        "W：合成层，{out} 个输出通道 × {inn} 个输入，通道 scale 相差 {spread} 倍（种子 {seed}）。"),
    "layer.synthetic_params": ("Synthetic layer", "合成层"),
    "layer.upload": ("Upload a checkpoint", "上传检查点"),
    "layer.upload.help": (
        "A .safetensors file (or .npz, .npy). A tensor with more than two dimensions (a "
        "convolution's weights) is read as a matrix of its first dimension by all the rest.",
        ".safetensors 文件（或 .npz、.npy）。多于两维的张量（如卷积权重）按“第一维 × 其余各维”"
        "读成矩阵。"),
    "layer.upload_none": ("No file yet: the synthetic layer is used.",
                          "还没有文件：使用合成层。"),
    "layer.tensor": ("Weight tensor", "权重张量"),
    "layer.upload_label": ("W: {name} from {file}, shape {shape}, used as {n} × {k}.",
                           "W：{file} 中的 {name}，形状 {shape}，按 {n} × {k} 使用。"),
    "layer.first_rows": ("The page runs its first {shown} of {n} output channels.",
                         "本页只计算前 {shown} 个输出通道（共 {n} 个）。"),
    "layer.one_d": ("{name} has shape {shape}: a layer needs a matrix. Pick another tensor.",
                    "{name} 的形状是 {shape}：一个层需要矩阵。请选另一个张量。"),
    "layer.too_wide": (
        "{name} has {k} inputs per output channel; this page runs at most {max}.",
        "{name} 每个输出通道有 {k} 个输入；本页最多计算 {max} 个。"),
    "layer.fallback": ("Showing the synthetic layer until a matrix is uploaded.",
                       "在上传矩阵之前，显示合成层。"),
    "layer.x": ("Distribution of X", "X 的分布"),
    "layer.x.help": (
        "Each row of X is one input vector. The activation stream gives ReLU rows whose scale "
        "drifts from row to row, with spikes.",
        "X 的每一行是一个输入向量。激活流给出 ReLU 行，scale 逐行漂移，并带尖峰。"),
    "dist.stream": ("Activation stream", "激活流"),
    "layer.rows": ("Rows of X (batch)", "X 的行数（批大小）"),
    "layer.rows.help": ("How many input vectors go through the layer.",
                        "有多少个输入向量经过这一层。"),
    "layer.x_label": ("X: {name}, {rows} rows × {k}.", "X：{name}，{rows} 行 × {k}。"),
    "layer.gran": ("Weight scales", "权重 scale"),
    "layer.gran.per_tensor": ("Per tensor", "逐张量"),
    "layer.gran.per_channel": ("Per output channel", "逐输出通道"),
    "layer.rr": ("reduce_range (7-bit activations)", "reduce_range（7 位激活）"),
    "layer.rr.help": (
        "PyTorch's observers for the x86 backend use activation codes {rqmin}..{rqmax} instead "
        "of {qmin}..{qmax}.",
        "PyTorch 为 x86 后端准备的观察器把激活码限制在 {rqmin}..{rqmax}，而不是 {qmin}..{qmax}。"),
    "layer.bias": ("Bias", "偏置"),
    "layer.bias.help": (
        "A seeded bias the size of each output channel (half its standard deviation).",
        "按种子生成、与每个输出通道同量级的偏置（其标准差的一半）。"),
    "layer.busy": ("Running the layer in integers...", "正在用整数计算这一层……"),
    "layer.head.sqnr": ("SQNR of Y (integer layer)", "Y 的 SQNR（整数层）"),
    "layer.head.cosine": ("Cosine similarity of Y", "Y 的余弦相似度"),
    "layer.head.acc": ("Accumulator bits used", "累加器用到的位数"),
    "layer.head.acc_value": ("{bits} of 32", "{bits} / 32"),
    "layer.head.acc_help": ("{room} bits of int32 to spare on this layer.",
                            "这一层上 int32 还余 {room} 位。"),
    "layer.head.differ": ("Codes where TFLite differs", "TFLite 结果不同的输出码"),
    "layer.pipe.heading": ("The integer pipeline, stage by stage", "整数流水线，逐级来看"),
    "layer.pipe.x": ("1. activation codes x_q (uint8)", "1. 激活码 x_q（uint8）"),
    "layer.pipe.x_value": (
        "codes {lo}..{hi} of 0..{qmax} ({bits} bits); scale = {scale}, zero_point = {zp}",
        "码 {lo}..{hi}，范围 0..{qmax}（{bits} 位）；scale = {scale}，zero_point = {zp}"),
    "layer.pipe.w": ("2. weight codes w_q (int8, symmetric)", "2. 权重码 w_q（int8，对称）"),
    "layer.pipe.w_value": ("codes {lo}..{hi}; zero_point = 0; scale = {scale}",
                           "码 {lo}..{hi}；zero_point = 0；scale = {scale}"),
    "layer.pipe.per_channel_scales": ("one per output channel, {n} in all, in [{lo}, {hi}]",
                                      "每个输出通道一个，共 {n} 个，范围 [{lo}, {hi}]"),
    "layer.pipe.products": ("3. Σ x_q·w_q (the work per product)", "3. Σ x_q·w_q（每个乘积都要做的工作）"),
    "layer.pipe.products_value": ("{k} products per output, sums in {r}",
                                  "每个输出 {k} 个乘积，和的范围 {r}"),
    "layer.pipe.row_term": ("4. w_zp · Σ x_q (per input row, at run time)",
                            "4. w_zp · Σ x_q（每个输入行，运行时计算）"),
    "layer.pipe.row_term_value": ("{r}: zero, since symmetric weights have w_zp = 0",
                                  "{r}：为零，因为对称权重的 w_zp = 0"),
    "layer.pipe.col_term": ("5. x_zp · Σ w_q (folded ahead of time)", "5. x_zp · Σ w_q（提前折叠）"),
    "layer.pipe.col_term_value": (
        "x_zp = {zp}; one constant per output channel, in {r}, computed once from the weights",
        "x_zp = {zp}；每个输出通道一个常数，范围 {r}，由权重一次算好"),
    "layer.pipe.acc": ("6. int32 accumulator acc = Σ (x_q − x_zp)(w_q − w_zp)",
                       "6. int32 累加器 acc = Σ (x_q − x_zp)(w_q − w_zp)"),
    "layer.pipe.acc_value": (
        "[{lo}, {hi}]: needs {bits} bits, {room} bits of int32 to spare; worst case for these "
        "zero points ±{worst} ({worst_bits} bits) against int32's {int32}",
        "[{lo}, {hi}]：需要 {bits} 位，int32 还余 {room} 位；按这些零点的最坏情况 ±{worst}"
        "（{worst_bits} 位），int32 上限 {int32}"),
    "layer.pipe.bias": ("7. bias, in accumulator units (float32)", "7. 偏置，以累加器为单位（float32）"),
    "layer.pipe.bias_value": (
        "b / (x_scale · w_scale) in {r}; FBGEMM keeps it a float and adds it to the accumulator",
        "b / (x_scale · w_scale) 的范围 {r}；FBGEMM 把它保留为浮点数加到累加器上"),
    "layer.pipe.requant": ("8. requantization multiplier M", "8. 重量化乘数 M"),
    "layer.pipe.requant_value": (
        "M = x_scale · w_scale / y_scale in {r} (float32); y_scale = {scale}, y_zero_point = {zp}",
        "M = x_scale · w_scale / y_scale，范围 {r}（float32）；y_scale = {scale}，"
        "y_zero_point = {zp}"),
    "layer.pipe.y": ("9. output codes y_q (uint8)", "9. 输出码 y_q（uint8）"),
    "layer.pipe.y_value": ("codes {lo}..{hi}, {m} × {n} outputs", "码 {lo}..{hi}，共 {m} × {n} 个输出"),
    "layer.pipe.zero_points": (
        "Where the zero points go: expanding Σ (x_q − x_zp)(w_q − w_zp) gives Σ x_q·w_q − "
        "w_zp·Σ x_q − x_zp·Σ w_q + K·x_zp·w_zp. Only the first sum costs a multiply per "
        "product. The last two depend on the weights and x_zp alone, so they can be computed "
        "once per output column: this page's pipeline, like FBGEMM, subtracts x_zp·Σ w_q (the "
        "weights' column sums, kept beside them) in the int32 accumulator, and adds the bias "
        "as a float after scaling. The second needs each input row's sum at run time; with "
        "symmetric weights (w_zp = 0), as here and in PyTorch's default x86 qconfig, it "
        "vanishes.",
        "零点去了哪里：展开 Σ (x_q − x_zp)(w_q − w_zp) 得到 Σ x_q·w_q − w_zp·Σ x_q − "
        "x_zp·Σ w_q + K·x_zp·w_zp。只有第一项需要每个乘积做一次乘法。后两项只取决于权重和 "
        "x_zp，所以每个输出列只需算一次：本页的流水线与 FBGEMM 一样，在 int32 累加器中减去 "
        "x_zp·Σ w_q（权重的列和，与权重一起保存），偏置则在缩放之后以浮点数加上。第二项要在运行时求每个输入行的和；权重用对称量化"
        "（w_zp = 0）时，比如这里和 PyTorch 默认的 x86 qconfig，这一项就消失了。"),
    "layer.pipe.formula": (
        "FBGEMM's output, as found by running PyTorch 2.13's quantized linear on x86 and "
        "matching every code: ${y}$ with everything in float32, ${bias_tensor}$ per tensor "
        "and ${bias_channel}$ per channel, rint rounding half to even.",
        "FBGEMM 的输出（运行 PyTorch 2.13 在 x86 上的量化线性层、逐码比对得出）："
        "${y}$，全部为 float32；逐张量时 ${bias_tensor}$，逐通道时 ${bias_channel}$，"
        "rint 为四舍六入五成双。"),
    "layer.acc.title": ("int32 accumulators of this layer (worst case ±{worst})",
                        "这一层的 int32 累加器（最坏情况 ±{worst}）"),
    "layer.acc.x": ("accumulator acc", "累加器 acc"),
    "layer.fig.count": ("count", "个数"),
    "layer.req.heading": ("Requantization: FBGEMM's float32 multiplier against TFLite's fixed point",
                          "重量化：FBGEMM 的 float32 乘数与 TFLite 的定点数"),
    "layer.req.explain": (
        "TFLite and gemmlowp avoid floats: M is written as M0 · 2^(shift − 31) with a 31-bit "
        "M0 (QuantizeMultiplier), the product is rounded to its high 32 bits "
        "(SaturatingRoundingDoublingHighMul) and shifted right with rounding "
        "(RoundingDivideByPOT), and the bias is rounded to an int32 first. For output channel 0: "
        "M = {real} (float64), FBGEMM's float32 M = {float}, M0 = {m0}, shift = {shift}. "
        "Largest relative error of the multiplier over the channels: float32 {err_float}, "
        "fixed point {err_fixed}. Checked against TensorFlow Lite's "
        "quantization_util.cc and common.h and gemmlowp's fixedpoint.h.",
        "TFLite 和 gemmlowp 不用浮点数：M 写成 M0 · 2^(shift − 31)，M0 为 31 位"
        "（QuantizeMultiplier）；乘积取高 32 位并舍入（SaturatingRoundingDoublingHighMul），"
        "再带舍入右移（RoundingDivideByPOT）；偏置先舍入成 int32。输出通道 0："
        "M = {real}（float64），FBGEMM 的 float32 M = {float}，M0 = {m0}，shift = {shift}。"
        "各通道乘数的最大相对误差：float32 为 {err_float}，定点为 {err_fixed}。已对照 "
        "TensorFlow Lite 的 quantization_util.cc、common.h 和 gemmlowp 的 fixedpoint.h 核对。"),
    "layer.elem.heading": ("**One output, y_q[{i}, {j}], both ways:**",
                           "**一个输出 y_q[{i}, {j}]，两种算法：**"),
    "layer.elem.heading_differ": ("**The first output where they differ, y_q[{i}, {j}]:**",
                                  "**第一个结果不同的输出 y_q[{i}, {j}]：**"),
    "layer.elem.fbgemm": (
        "FBGEMM: acc[{i}, {j}] = {products} − {row} − {col} + {const} = {acc}; bias {bias} is "
        "{bias_acc} accumulator units; ({acc} + {bias_acc}) × {mult} = {v}; rint → {r}; "
        "+ {zp} → **{y}**. (Exactly: {exact}.)",
        "FBGEMM：acc[{i}, {j}] = {products} − {row} − {col} + {const} = {acc}；偏置 {bias} 折合 "
        "{bias_acc} 个累加器单位；({acc} + {bias_acc}) × {mult} = {v}；rint → {r}；"
        "+ {zp} → **{y}**。（精确值：{exact}。）"),
    "layer.elem.fixed": (
        "TFLite: bias_q = {bias_q}; acc + bias_q = {total}; × {m0} · 2^({shift} − 31) "
        "(= {m}) with two roundings; + {zp} → **{y}**.",
        "TFLite：bias_q = {bias_q}；acc + bias_q = {total}；× {m0} · 2^({shift} − 31)"
        "（= {m}），两次舍入；+ {zp} → **{y}**。"),
    "layer.req.same": ("On this layer all {n} output codes agree.",
                       "在这一层上，全部 {n} 个输出码一致。"),
    "layer.req.differ": (
        "{n} of {total} output codes differ, by at most {d}. They are near-ties: the exact value lies "
        "close to a half, where a rounded bias, the multiplier's last bits, or the rounding rule "
        "(half to even in FBGEMM; ties up, then half away from zero in TFLite) decide.",
        "{total} 个输出码中有 {n} 个不同，最多相差 {d}。它们都是接近 .5 的情形：精确值离半整数很近，"
        "此时由舍入后的偏置、乘数的最后几位或舍入规则（FBGEMM 为四舍六入五成双；TFLite 先向上"
        "再远离零）决定结果。"),
    "layer.req.col.bias_acc": ("bias (acc units)", "偏置（累加器单位）"),
    "layer.req.col.exact": ("exact value", "精确值"),
    "layer.rr.heading": ("Why reduce_range: vpmaddubsw saturates", "为什么要 reduce_range：vpmaddubsw 会饱和"),
    "layer.rr.explain": (
        "On x86 CPUs with AVX2 but without VNNI, FBGEMM multiplies with `vpmaddubsw`: it "
        "multiplies uint8 by int8 and adds each pair of neighbouring products into an int16, "
        "saturating at [{lo}, {hi}]. Two full-range products reach 2 × {xmax} × ({wmin}) = {full}, "
        "which does not fit; with 7-bit activations the extreme is 2 × {rmax} × ({wmin}) = "
        "{reduced}, which does. That is why PyTorch's default x86 qconfig observes activations "
        "with reduce_range (qconfig.py sets it; observer.py gives this reason). Checked "
        "by running PyTorch 2.13 with FBGEMM held to AVX2 (FBGEMM_ENABLE_INSTRUCTIONS=AVX2): "
        "its outputs equal this page's simulation on every golden case. CPUs with VNNI "
        "(vpdpbusd) add in int32 and do not saturate.",
        "在支持 AVX2 但没有 VNNI 的 x86 CPU 上，FBGEMM 用 `vpmaddubsw` 做乘法：uint8 乘 int8，"
        "并把相邻两个乘积加到一个 int16 里，超出 [{lo}, {hi}] 就饱和。两个满范围乘积可达 "
        "2 × {xmax} × ({wmin}) = {full}，放不下；激活只用 7 位时，极值为 2 × {rmax} × ({wmin}) = "
        "{reduced}，放得下。这就是 PyTorch 默认的 x86 qconfig 用 reduce_range 观察激活的原因"
        "（qconfig.py 设置了它，observer.py 的注释给出了这个原因）。已通过把 "
        "FBGEMM 限制在 AVX2（FBGEMM_ENABLE_INSTRUCTIONS=AVX2）运行 PyTorch 2.13 核对："
        "在每个参考（golden）用例上，其输出都与本页的模拟一致。带 VNNI（vpdpbusd）的 CPU "
        "在 int32 中累加，不会饱和。"),
    "layer.rr.rows": (
        "Counted on the first {r} of {m} rows of X: the model walks every pair, and this layer "
        "would make more than {pairs} of them.",
        "只在 X 的前 {r} 行（共 {m} 行）上统计：模型要逐对计算，而这一层的乘积对会超过 {pairs} 个。"),
    "layer.rr.sat_full": ("Saturated pairs, 8-bit X", "饱和的乘积对（8 位 X）"),
    "layer.rr.sat_reduced": ("Saturated pairs, 7-bit X", "饱和的乘积对（7 位 X）"),
    "layer.rr.sat_help": ("Out of {pairs} pairs of products on this layer.",
                          "这一层共有 {pairs} 对乘积。"),
    "layer.rr.changed": ("Outputs changed (8-bit X)", "受影响的输出（8 位 X）"),
    "layer.rr.result": (
        "SQNR of Y with 8-bit activations: {exact} dB where the sum is exact (VNNI), {avx2} dB "
        "on AVX2, where an accumulator is off by up to {err} here. With 7-bit activations: "
        "{reduced} dB on either: one bit of activation resolution for no saturation.",
        "8 位激活时 Y 的 SQNR：精确求和（VNNI）为 {exact} dB，在 AVX2 上为 {avx2} dB，"
        "累加器最多偏差 {err}。7 位激活时：两者都是 {reduced} dB——用一位激活精度换来不饱和。"),
    "layer.rr.fig.title": ("Sums of two neighbouring products, against int16",
                           "相邻两个乘积之和与 int16 的范围"),
    "layer.rr.fig.x": ("x_q[2p]·w_q[2p] + x_q[2p+1]·w_q[2p+1]", "x_q[2p]·w_q[2p] + x_q[2p+1]·w_q[2p+1]"),
    "layer.rr.fig.full": ("8-bit activations", "8 位激活"),
    "layer.rr.fig.reduced": ("7-bit activations (reduce_range)", "7 位激活（reduce_range）"),
    "layer.err.heading": ("Output error: what hurts Y", "输出误差：是什么损害了 Y"),
    "layer.err.col.what": ("quantized", "量化了什么"),
    "layer.err.col.cosine": ("cosine similarity", "余弦相似度"),
    "layer.err.weights": ("weights only", "只量化权重"),
    "layer.err.activations": ("activations only", "只量化激活"),
    "layer.err.both": ("both (before the output is rounded)", "两者（输出舍入之前）"),
    "layer.err.integer": ("integer layer (uint8 output)", "整数层（uint8 输出）"),
    "layer.err.worse.weights": (
        "Here the weights cost more than the activations ({w} dB against {x} dB); together "
        "{both} dB, and rounding the output to uint8 leaves {integer} dB.",
        "这里权重的损失比激活大（{w} dB 对 {x} dB）；两者一起为 {both} dB，把输出舍入成 uint8 "
        "后为 {integer} dB。"),
    "layer.err.worse.activations": (
        "Here the activations cost more than the weights ({x} dB against {w} dB); together "
        "{both} dB, and rounding the output to uint8 leaves {integer} dB.",
        "这里激活的损失比权重大（{x} dB 对 {w} dB）；两者一起为 {both} dB，把输出舍入成 uint8 "
        "后为 {integer} dB。"),
    "layer.err.fig.title": ("SQNR of each output channel", "每个输出通道的 SQNR"),
    "layer.err.fig.x": ("output channel j", "输出通道 j"),
    "layer.err.worst": (
        "The worst output channel with both quantized: {j}, at {db} dB; after the uint8 output: "
        "{j_int}, at {db_int} dB. The output has one scale for every channel, so a channel with "
        "small outputs gets few of its codes.",
        "两者都量化时最差的输出通道：{j}，{db} dB；输出为 uint8 之后：{j_int}，{db_int} dB。"
        "输出的所有通道共用一个 scale，所以输出值小的通道只能用到很少的码。"),
    "layer.sources": (
        "Sources: FBGEMM's arithmetic was found by running torch.ao.nn.quantized.functional."
        "linear (PyTorch 2.13, x86 engine) and is checked code for code on committed goldens; "
        "the fixed-point path follows TensorFlow Lite's QuantizeMultiplier and "
        "MultiplyByQuantizedMultiplier and gemmlowp's fixedpoint.h.",
        "来源：FBGEMM 的算法是通过运行 torch.ao.nn.quantized.functional.linear（PyTorch 2.13，"
        "x86 引擎）得出的，并在提交的参考（golden）数据上逐码核对；定点路径按 TensorFlow Lite 的 "
        "QuantizeMultiplier、MultiplyByQuantizedMultiplier 与 gemmlowp 的 fixedpoint.h 实现。"),
}

#: Where each claim about another toolchain, a paper or the notes was checked (file and
#: version, paper section, notes line), keyed like TEXT.
SOURCES: dict[str, str] = {
    'layer.intro': (
        'torch 2.13.0 torch.ao.nn.quantized.functional.linear, x86/FBGEMM, run: '
        'tests/data/golden_layers.npz (tests/library/test_layers.py)'
    ),
    'layer.rr.help': (
        "torch 2.13.0 torch/ao/quantization/qconfig.py get_default_qconfig('x86') "
        'HistogramObserver(reduce_range=True); observer.py (quant range 0..127)'
    ),
    'layer.head.differ': (
        'tensorflow/lite/kernels/internal/quantization_util.cc QuantizeMultiplier; '
        'common.h MultiplyByQuantizedMultiplier; gemmlowp fixedpoint/fixedpoint.h '
        'SaturatingRoundingDoublingHighMul, RoundingDivideByPOT; quantviz.layers '
        'fixed-point path (tests/library/test_layers.py)'
    ),
    'layer.pipe.bias_value': (
        'torch 2.13.0 torch.ao.nn.quantized.functional.linear, x86/FBGEMM, run: '
        'tests/data/golden_layers.npz (tests/library/test_layers.py)'
    ),
    'layer.pipe.formula': (
        'torch 2.13.0 torch.ao.nn.quantized.functional.linear, x86/FBGEMM, run: '
        'tests/data/golden_layers.npz (tests/library/test_layers.py)'
    ),
    'layer.req.heading': (
        'torch 2.13.0 torch.ao.nn.quantized.functional.linear, x86/FBGEMM, run: '
        'tests/data/golden_layers.npz (tests/library/test_layers.py); '
        'tensorflow/lite/kernels/internal/quantization_util.cc QuantizeMultiplier; '
        'common.h MultiplyByQuantizedMultiplier; gemmlowp fixedpoint/fixedpoint.h '
        'SaturatingRoundingDoublingHighMul, RoundingDivideByPOT'
    ),
    'layer.req.explain': (
        'tensorflow/lite/kernels/internal/quantization_util.cc QuantizeMultiplier; '
        'common.h MultiplyByQuantizedMultiplier; gemmlowp fixedpoint/fixedpoint.h '
        'SaturatingRoundingDoublingHighMul, RoundingDivideByPOT'
    ),
    'layer.elem.fbgemm': (
        'torch 2.13.0 torch.ao.nn.quantized.functional.linear, x86/FBGEMM, run: '
        'tests/data/golden_layers.npz (tests/library/test_layers.py)'
    ),
    'layer.elem.fixed': (
        'tensorflow/lite/kernels/internal/quantization_util.cc QuantizeMultiplier; '
        'common.h MultiplyByQuantizedMultiplier; gemmlowp fixedpoint/fixedpoint.h '
        'SaturatingRoundingDoublingHighMul, RoundingDivideByPOT'
    ),
    'layer.req.differ': (
        'torch 2.13.0 torch.ao.nn.quantized.functional.linear, x86/FBGEMM, run: '
        'tests/data/golden_layers.npz (tests/library/test_layers.py); '
        'tensorflow/lite/kernels/internal/quantization_util.cc QuantizeMultiplier; '
        'common.h MultiplyByQuantizedMultiplier; gemmlowp fixedpoint/fixedpoint.h '
        'SaturatingRoundingDoublingHighMul, RoundingDivideByPOT (nudge 2^30: ties up; '
        'RoundingDivideByPOT: half away from zero)'
    ),
    'layer.rr.explain': (
        'torch 2.13.0 torch/ao/quantization/observer.py MinMaxObserver comment '
        '(vpmaddubsw must not overflow, reduce_range); qconfig.py; Intel SDM VPMADDUBSW '
        '(int16 saturation); torch 2.13 run with FBGEMM_ENABLE_INSTRUCTIONS=AVX2: '
        'tests/library/test_layers.py'
    ),
    'layer.sources': (
        'torch 2.13.0 torch.ao.nn.quantized.functional.linear, x86/FBGEMM, run: '
        'tests/data/golden_layers.npz (tests/library/test_layers.py); '
        'tensorflow/lite/kernels/internal/quantization_util.cc QuantizeMultiplier; '
        'common.h MultiplyByQuantizedMultiplier; gemmlowp fixedpoint/fixedpoint.h '
        'SaturatingRoundingDoublingHighMul, RoundingDivideByPOT'
    ),
    'layer.pipe.zero_points': (
        "torch 2.13 quantized Linear on x86 (FBGEMM), run: tests/data/golden_layers.npz"
    ),
}
