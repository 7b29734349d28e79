"""Strings of the PTQ page (GPTQ, AWQ, HQQ on one layer)."""

TEXT = {
    "ptq.nav": ("GPTQ, AWQ, HQQ", "GPTQ、AWQ、HQQ"),
    "ptq.title": ("One layer, rounded four ways", "同一层，四种取整"),
    "ptq.intro": (
        "Round to nearest (RTN) judges each weight by its own error. GPTQ and AWQ round with "
        "the layer's inputs in view, HQQ optimises the zero points without them. What counts "
        "is the layer's output Y = X Wᵀ: below, the weight error and the output error of each "
        "method side by side, GPTQ column by column, the loss GPTQ logs, and AWQ's search.",
        "就近取整（RTN）只看每个权重自己的误差。GPTQ 和 AWQ 取整时会看这一层的输入，HQQ 不看输入，"
        "只优化零点。真正要紧的是这一层的输出 Y = X Wᵀ：下面把每种方法的权重误差和输出误差并排放在"
        "一起，逐列演示 GPTQ，解释 GPTQ 日志里的 loss，并展示 AWQ 的搜索。"),
    "ptq.sidebar.layer": ("The layer", "这一层"),
    "ptq.sidebar.grid": ("The grid", "量化网格"),
    "ptq.source": ("Layer and inputs", "层与输入"),
    "ptq.source.digits": ("digits network", "手写数字网络"),
    "ptq.source.synthetic": ("synthetic LLM layer", "合成 LLM 层"),
    "ptq.source.upload": ("upload", "上传"),
    "ptq.layer": ("Layer of the digits network", "手写数字网络的层"),
    "ptq.layer.0": ("fc1", "fc1"),
    "ptq.layer.1": ("fc2", "fc2"),
    "ptq.layer.2": ("fc3", "fc3"),
    "ptq.count": ("Massive input channels", "巨大输入通道的个数"),
    "ptq.bits": ("Bits", "位数"),
    "ptq.bits.help": ("Bits per weight code; every method uses an asymmetric grid.",
                      "每个权重码的位数；所有方法都用非对称网格。"),
    "ptq.group": ("Group size", "分组大小"),
    "ptq.group.help": (
        "Inputs that share one scale and zero point in each output row; 'one per row' is a "
        "single group per row. Only sizes that divide the layer's inputs are used.",
        "每个输出行中共用一个 scale 和零点的输入个数；“每行一组”即整行一组。只使用能整除输入数的大小。"),
    "ptq.group.-1": ("one per row", "每行一组"),
    "ptq.group.fallback": (
        "Group size {group} does not divide this layer's {inputs} inputs: one group per row.",
        "分组大小 {group} 不能整除这一层的 {inputs} 个输入：改为每行一组。"),
    "ptq.act_order": ("act_order (desc_act)", "act_order（desc_act）"),
    "ptq.act_order.help": (
        "Round the columns in order of decreasing diag(H), the inputs with the most energy "
        "first.", "按 diag(H) 从大到小的顺序取整各列，先处理能量最大的输入。"),
    "ptq.upload": ("File with W and X", "含 W 和 X 的文件"),
    "ptq.upload.help": (
        "A .npz or .safetensors holding W (out, in) and X (samples, in); at most {out} outputs, "
        "{inp} inputs and {n} samples.",
        "一个 .npz 或 .safetensors 文件，含 W（out, in）和 X（samples, in）；最多 {out} 个输出、"
        "{inp} 个输入、{n} 个样本。"),
    "ptq.upload.none": ("No file yet: the digits layer is shown.",
                        "还没有文件：先显示手写数字网络的层。"),
    "ptq.upload.busy": ("The server is busy with other uploads; try again in a moment.",
                        "服务器正在处理其他上传，请稍后再试。"),
    "ptq.upload.refused": ("This file cannot be used: {reason}", "这个文件无法使用：{reason}"),
    "ptq.upload.loaded": ("Loaded {name}", "已载入 {name}"),
    "ptq.upload.kept": ("Showing the digits network's layer until a usable file is uploaded.",
                        "在上传可用的文件之前，先显示手写数字网络的层。"),
    "ptq.layer.digits": (
        "Layer **{name}** of the digits network: W is {out} × {inp}, X holds the {n} "
        "calibration images' inputs to it, computed by the float network.",
        "手写数字网络的 **{name}** 层：W 为 {out} × {inp}，X 是浮点网络在 {n} 张校准图像上送给"
        "它的输入。"),
    "ptq.layer.synthetic": (
        "The synthetic LLM layer of the Outliers page: W is {out} × {inp}, X has {n} tokens "
        "with a few input channels 100× larger than the rest.",
        "离群通道页的合成 LLM 层：W 为 {out} × {inp}，X 有 {n} 个 token，其中少数输入通道比其余"
        "通道大 100 倍。"),
    "ptq.layer.upload": ("Your layer: W is {out} × {inp}, X has {n} samples.",
                         "你上传的层：W 为 {out} × {inp}，X 有 {n} 个样本。"),
    "ptq.setting": ("{bits} bits, groups: {group}.", "{bits} 位，分组：{group}。"),
    "ptq.progress": ("Rounding with {method} …", "正在用 {method} 取整……"),
    "ptq.method.rtn": ("RTN", "RTN"),
    "ptq.method.gptq": ("GPTQ", "GPTQ"),
    "ptq.method.gptq_act": ("GPTQ act_order", "GPTQ act_order"),
    "ptq.method.awq": ("AWQ", "AWQ"),
    "ptq.method.hqq": ("HQQ", "HQQ"),
    "ptq.h.four": ("Weight error against output error", "权重误差与输出误差"),
    "ptq.four.intro": (
        "Weight error is mean (W − Ŵ)²; output error is mean (X Wᵀ − X Ŵᵀ)² over the samples "
        "and outputs. RTN is GPTQ's reference quantizer (IST-DASLab/gptq); AWQ is llm-awq's "
        "scale search and clipping; HQQ is hqq 0.2.8.post1's zero-point solver.",
        "权重误差是 mean (W − Ŵ)²；输出误差是 (X Wᵀ − X Ŵᵀ)² 在样本和输出上的平均。RTN 是 GPTQ "
        "参考实现（IST-DASLab/gptq）的量化器；AWQ 是 llm-awq 的 scale 搜索加裁剪；HQQ 是 "
        "hqq 0.2.8.post1 的零点求解。"),
    "ptq.col.method": ("Method", "方法"),
    "ptq.col.weight_mse": ("Weight error", "权重误差"),
    "ptq.col.weight_sqnr": ("Weight SQNR (dB)", "权重 SQNR（dB）"),
    "ptq.col.output_mse": ("Output error", "输出误差"),
    "ptq.col.output_sqnr": ("Output SQNR (dB)", "输出 SQNR（dB）"),
    "ptq.col.changed": ("Values unlike RTN's", "与 RTN 不同的值"),
    "ptq.four.point": (
        "**The smallest weight error is not the smallest output error.** {w} leaves the "
        "smallest weight error ({w_mse}) but an output error of {w_y}; {y} leaves the smallest "
        "output error ({y_mse}) with a larger weight error ({y_w}). RTN's output error is "
        "{times}× that.",
        "**权重误差最小的，输出误差并不最小。**{w} 的权重误差最小（{w_mse}），输出误差却是 {w_y}；"
        "{y} 的输出误差最小（{y_mse}），权重误差反而更大（{y_w}）。RTN 的输出误差是它的 {times} 倍。"),
    "ptq.four.same": (
        "Here one method, {w}, leaves both the smallest weight error ({w_mse}) and the smallest "
        "output error ({y_mse}); RTN's output error is {times}× that.",
        "这里 {w} 的权重误差（{w_mse}）和输出误差（{y_mse}）都最小；RTN 的输出误差是它的 {times} 倍。"),
    "ptq.four.changed": (
        "“Values unlike RTN's”: weights whose rounded value differs from RTN's. GPTQ keeps "
        "RTN's grid (with groups: found on the updated weights) and moves codes; AWQ and HQQ "
        "change the grid itself, so nearly every value differs.",
        "“与 RTN 不同的值”：取整后的值与 RTN 不同的权重个数。GPTQ 沿用 RTN 的网格（分组时在更新后的"
        "权重上求），改变的是码；AWQ 和 HQQ 改变的是网格本身，所以几乎每个值都不同。"),
    "ptq.fig.four": ("Errors as multiples of RTN's (log scale)", "误差相对 RTN 的倍数（对数坐标）"),
    "ptq.fig.weight": ("weight error", "权重误差"),
    "ptq.fig.output": ("output error", "输出误差"),
    "ptq.fig.times_rtn": ("× RTN", "× RTN"),
    "ptq.h.steps": ("GPTQ step by step", "GPTQ 逐步演示"),
    "ptq.steps.intro": (
        "GPTQ rounds one input column at a time. The error it makes on that column is not left "
        "where it is: it is spread over the columns not yet rounded, through the inverse "
        "Hessian H⁻¹ with H = 2 XᵀX / n, so that the layer's output changes as little as "
        "possible. Those columns are rounded later, from where the updates moved them.",
        "GPTQ 每次取整一列输入。这一列的误差不会留在原地：它通过逆 Hessian H⁻¹（H = 2 XᵀX / n）"
        "分摊到尚未取整的列上，使这一层的输出变化尽量小。这些列之后再从被更新后的位置取整。"),
    "ptq.step": ("Step (columns in the order GPTQ rounds them)", "步骤（按 GPTQ 取整的列顺序）"),
    "ptq.step.help": ("Scrub through the columns.", "拖动查看每一列。"),
    "ptq.steps.say": (
        "Step {k} rounds input column {column}: its rounding error is {rms} (RMS over the "
        "rows), its share of the logged loss {loss}.",
        "第 {k} 步取整第 {column} 列输入：取整误差为 {rms}（各行的均方根），在日志 loss 中占 {loss}。"),
    "ptq.steps.spread": (
        "The update reaches the {n} columns still to come, most of all step {j} (column "
        "{target}, RMS {most}).",
        "更新会影响之后的 {n} 列，对第 {j} 步（第 {target} 列）影响最大（均方根 {most}）。"),
    "ptq.steps.dead": (
        "Step {k}: input {column} is 0 on every sample (diag(H) = 0), so GPTQ sets its "
        "weights to 0 and the output cannot tell.",
        "第 {k} 步：输入 {column} 在所有样本上都是 0（diag(H) = 0），GPTQ 把它的权重设为 0，"
        "输出不受影响。"),
    "ptq.steps.none": ("This step made no error, so nothing is spread.",
                       "这一步没有误差，所以没有东西要分摊。"),
    "ptq.steps.last": ("It is the last column: nothing is left to update.",
                       "这是最后一列：没有列需要再更新。"),
    "ptq.fig.steps": ("Rounding error, this step's update and how far columns moved",
                      "取整误差、这一步的更新和各列累计移动"),
    "ptq.fig.rounding": ("rounding error of rounded columns", "已取整列的取整误差"),
    "ptq.fig.spread": ("update from this step", "这一步带来的更新"),
    "ptq.fig.moved": ("moved so far", "累计移动"),
    "ptq.fig.step_x": ("step (processing order)", "步骤（处理顺序）"),
    "ptq.fig.rms": ("RMS over rows", "各行均方根"),
    "ptq.h.loss": ("The loss GPTQ logs", "GPTQ 日志中的 loss"),
    "ptq.loss.ist": ("IST-DASLab/gptq “error”", "IST-DASLab/gptq 的 “error”"),
    "ptq.loss.ist.help": ("sum over the layer of (w − q)² / d² / 2",
                          "整层 (w − q)² / d² / 2 之和"),
    "ptq.loss.auto": ("AutoGPTQ “avg loss”", "AutoGPTQ 的 “avg loss”"),
    "ptq.loss.auto.help": ("that sum / number of calibration sequences (here one sample each)",
                           "上面的和 / 校准序列数（这里每个样本一条）"),
    "ptq.loss.model": ("GPTQModel “avg_loss”", "GPTQModel 的 “avg_loss”"),
    "ptq.loss.model.help": ("the sum with H averaged over tokens / number of tokens",
                            "按 token 平均的 H 得到的和 / token 数"),
    "ptq.loss.what": (
        "GPTQ fills a matrix Losses column by column with (w − q)² / d², d the diagonal of the "
        "upper Cholesky factor of the damped H⁻¹, and halves it. Its sum, {error} here, is "
        "exactly half of tr((W − Q) H (W − Q)ᵀ) with the damped H: the output's squared error "
        "per sample, summed over the outputs (‖X (W − Q)ᵀ‖² / n = {out}, with the {n} "
        "samples), plus the damping term damp · ‖W − Q‖² / 2 = {damp} ({share} % of it).",
        "GPTQ 逐列把 (w − q)² / d² 填进矩阵 Losses（d 是加阻尼后 H⁻¹ 的上三角 Cholesky 因子的"
        "对角线），再除以 2。它的总和（这里是 {error}）恰好等于 tr((W − Q) H (W − Q)ᵀ) 的一半（H "
        "含阻尼）：即每个样本在各输出上平方误差之和（‖X (W − Q)ᵀ‖² / n = {out}，共 {n} 个样本），"
        "加上阻尼项 damp · ‖W − Q‖² / 2 = {damp}（占 {share} %）。"),
    "ptq.loss.tools": (
        "What each tool prints (read in their code): **IST-DASLab/gptq** (gptq.py, commit "
        "2d65066) prints `error` = sum(Losses), with H = 2/N Σ x xᵀ where N counts the batches "
        "given to add_batch, one per calibration sequence. **AutoGPTQ** v0.7.1 "
        "(auto_gptq/quantization/gptq.py) logs `avg loss` = sum(Losses) / nsamples, nsamples "
        "counting sequences, H as above. **GPTQModel** 7.3.4 (gptqmodel/quantization/gptq.py) "
        "logs `avg_loss` = sum(Losses) / nsamples with nsamples counting tokens and H = "
        "2/tokens Σ x xᵀ. Loss grows in proportion to H, so with n sequences of T tokens and E "
        "the sum for the token-averaged H: IST-DASLab prints T·E, AutoGPTQ T·E / n, GPTQModel "
        "E / (n·T). AutoGPTQ's number is T² times GPTQModel's for the same rounding (for 128 "
        "sequences of 2,048 tokens, four million times). Here every sample is one sequence of "
        "one token, so the last two agree.",
        "各工具打印的是什么（读它们的代码得出）：**IST-DASLab/gptq**（gptq.py，提交 2d65066）打印 "
        "`error` = sum(Losses)，其中 H = 2/N Σ x xᵀ，N 是传给 add_batch 的批数，每条校准序列一批。"
        "**AutoGPTQ** v0.7.1（auto_gptq/quantization/gptq.py）记录 `avg loss` = sum(Losses) / "
        "nsamples，nsamples 数的是序列，H 同上。**GPTQModel** 7.3.4（gptqmodel/quantization/gptq.py）"
        "记录 `avg_loss` = sum(Losses) / nsamples，nsamples 数的是 token，H = 2/tokens Σ x xᵀ。"
        "loss 与 H 成正比，所以若有 n 条长 T 个 token 的序列，E 为按 token 平均的 H 得到的和，则 "
        "IST-DASLab 打印 T·E，AutoGPTQ 打印 T·E / n，GPTQModel 打印 E / (n·T)。同样的取整，AutoGPTQ "
        "的数是 GPTQModel 的 T² 倍（128 条 2,048 token 的序列：四百万倍）。这里每个样本是只有一个 "
        "token 的序列，所以后两者相同。"),
    "ptq.loss.magnitude": (
        "**What magnitude is good?** The loss is in the units of the layer's output squared: it "
        "grows with the size of the activations and the number of outputs, so losses of "
        "different layers or models cannot be compared. Compare it with the output's own size: "
        "here Σ y² per sample is {energy} on average, and GPTQ's output term is {rel} % of "
        "it. Compare one layer's loss between settings (bits, groups, act_order), not across "
        "layers.",
        "**多大算好？**loss 的单位是这一层输出的平方：它随激活的大小和输出个数增长，所以不同层、不同"
        "模型的 loss 不能直接比较。应与输出自身的大小比较：这里每个样本的 Σ y² 平均为 {energy}，GPTQ 的"
        "输出项是它的 {rel} %。同一层在不同设置（位数、分组、act_order）之间比较 loss，而不是跨层比较。"),
    "ptq.h.act": ("Why act_order helps, and what it costs with groups",
                  "act_order 为什么有用，分组时代价是什么"),
    "ptq.act.why": (
        "An error made early can be spread over many columns still to come; the last columns "
        "have nowhere to send theirs. act_order (desc_act) rounds the inputs with the largest "
        "diag(H), those whose errors move the output most, first, while the most columns are "
        "left to absorb them.",
        "越早产生的误差，越能分摊到之后的许多列上；最后几列的误差已无处可去。act_order（desc_act）"
        "先取整 diag(H) 最大的输入，也就是误差对输出影响最大的那些，此时剩下吸收误差的列最多。"),
    "ptq.act.here": ("On this layer: output error {plain} without act_order, {act} with it "
                     "({ratio}× smaller).",
                     "在这一层：不用 act_order 输出误差为 {plain}，用了为 {act}（小 {ratio} 倍）。"),
    "ptq.act.rows": (
        "With one group per row act_order costs nothing at inference: every column of a row "
        "shares one scale. Choose a group size to see its cost.",
        "每行一组时，act_order 在推理时没有代价：一行的所有列共用一个 scale。选择一个分组大小来看"
        "它的代价。"),
    "ptq.act.groups": (
        "With groups of {group}, a group is a run of {group} columns **in the processing "
        "order**, so its members are scattered over the row: here {scattered} of {cols} "
        "columns belong to another group than column // {group}. The checkpoint then stores "
        "g_idx (each column's group), and the kernel must look a scale up per column instead "
        "of one per block of {group} ({groups} groups per row): slower on GPUs. AutoGPTQ's "
        "static_groups=True fixes the grids before the permutation to avoid this.",
        "分组大小为 {group} 时，一组是**按处理顺序**连续的 {group} 列，组员分散在整行中：这里 {cols} "
        "列中有 {scattered} 列所在的组不是 column // {group}。于是检查点要存 g_idx（每列属于哪组），"
        "核函数必须逐列查 scale，而不是每 {group} 列查一次（每行 {groups} 组）：在 GPU 上更慢。AutoGPTQ "
        "的 static_groups=True 在排列之前就定好网格来避免这一点。"),
    "ptq.h.awq": ("AWQ: the ratio search and the channels it protects",
                  "AWQ：ratio 搜索与它保护的通道"),
    "ptq.awq.intro": (
        "AWQ multiplies each input channel's weights by s = mean|x|^ratio (normalised) before "
        "rounding and divides after: channels with large inputs get a finer grid. It tries "
        "ratio = 0, 0.05, …, 0.95 and keeps the one with the least output error (llm-awq's "
        "auto_scale), then clips (auto_clip).",
        "AWQ 在取整前把每个输入通道的权重乘以 s = mean|x|^ratio（归一化后），取整后再除回去：输入大"
        "的通道得到更细的网格。它尝试 ratio = 0, 0.05, …, 0.95，保留输出误差最小的那个（llm-awq 的 "
        "auto_scale），再做裁剪（auto_clip）。"),
    "ptq.awq.say": (
        "Chosen ratio {ratio}: the output error is {gain}× smaller than at ratio 0 (plain "
        "rounding on AWQ's grid). The inputs with the largest mean |x|, {salient}, get the "
        "scales {s}.",
        "选中的 ratio 为 {ratio}：输出误差比 ratio 0（在 AWQ 网格上直接取整）小 {gain} 倍。平均 |x| "
        "最大的输入 {salient} 得到的 scale 为 {s}。"),
    "ptq.fig.awq": ("AWQ's search: output error against ratio", "AWQ 搜索：输出误差随 ratio 变化"),
    "ptq.fig.ratio": ("ratio", "指数 ratio"),
    "ptq.fig.awq_y": ("output MSE", "输出 MSE"),
    "ptq.fig.chosen": ("chosen", "选中"),
    "ptq.fig.scales": ("Mean |x| per input channel and AWQ's scale s",
                       "每个输入通道的平均 |x| 与 AWQ 的 scale s"),
    "ptq.fig.channel": ("input channel", "输入通道"),
}

#: Where each claim about another tool, a paper or the notes comes from.
SOURCES: dict[str, str] = {
    "ptq.intro": (
        "IST-DASLab/gptq gptq.py fasterquant; mit-han-lab/llm-awq awq/quantize/auto_scale.py; "
        "hqq 0.2.8.post1 hqq/core/optimize.py optimize_weights_proximal (updates zero only)"
    ),
    "ptq.four.intro": (
        "IST-DASLab/gptq quant.py Quantizer (asymmetric min/max, the RTN of its README); "
        "llm-awq auto_scale_block + auto_clip_block; hqq 0.2.8.post1 optimize_weights_proximal"
    ),
    "ptq.four.changed": (
        "IST-DASLab/gptq gptq.py fasterquant: find_params(W) once before the loop, or on "
        "W[:, i1+i : i1+i+groupsize] (the updated weights) when groupsize != -1"
    ),
    "ptq.steps.intro": (
        "IST-DASLab/gptq gptq.py add_batch (H = 2/N sum x x^T) and fasterquant (Err1 = (w - q) "
        "/ d, W1[:, i:] -= Err1 Hinv1[i, i:]); Frantar et al. 2022, arXiv:2210.17323 §3"
    ),
    "ptq.steps.dead": (
        "IST-DASLab/gptq gptq.py fasterquant: dead = diag(H) == 0; H[dead, dead] = 1; "
        "W[:, dead] = 0"
    ),
    "ptq.loss.what": (
        "IST-DASLab/gptq gptq.py fasterquant: Losses1[:, i] = (w - q)**2 / d**2, Losses = "
        "Losses1 / 2, Hinv = cholesky(cholesky_inverse(cholesky(H + damp I)), upper=True)"
    ),
    "ptq.loss.tools": (
        "IST-DASLab/gptq gptq.py (commit 2d65066) print('error', sum(Losses)); AutoGPTQ "
        "v0.7.1 auto_gptq/quantization/gptq.py logger.info(avg loss = sum / nsamples), "
        "nsamples += inp.shape[0]; GPTQModel 7.3.4 gptqmodel/quantization/gptq.py "
        "nsamples += batch_token_size, H scaled by 2.0 / total_samples, avg_loss = sum / "
        "nsamples"
    ),
    "ptq.act.why": "IST-DASLab/gptq gptq.py: perm = argsort(diag(H), descending=True)",
    "ptq.act.groups": (
        "IST-DASLab/gptq gptq.py (groups found in processing order, g_idx); AutoGPTQ "
        "auto_gptq/quantization/gptq.py static_groups (groups found before the permutation)"
    ),
    "ptq.awq.intro": (
        "mit-han-lab/llm-awq awq/quantize/auto_scale.py _search_module_scale: n_grid = 20, "
        "ratio = i / 20, scales = x_max.pow(ratio), / sqrt(max * min), x_max = mean |x| per "
        "channel (get_act_scale); auto_clip.py auto_clip_layer"
    ),
}
