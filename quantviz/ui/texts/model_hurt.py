"""Strings of the Model page's "which layer hurts" sections (weights only, PTQ methods)."""

TEXT = {
    "model.hurt.heading": ("Which layer hurts: the output, not the weights",
                           "哪一层最伤：看输出，而不是看权重"),
    "model.hurt.intro": (
        "One layer's weights rounded at a time (every other layer and every activation in "
        "float), at low bits, with a method of the GPTQ, AWQ, HQQ page. Each is judged by what "
        "the output loses on the test images, with the measures of llama.cpp's "
        "`llama-perplexity --kl-divergence` (tools/perplexity/perplexity.cpp, commit 050fc7f), "
        "one image standing for one token: **mean KL** = mean of Σ p_float (ln p_float − ln "
        "p_quant) (classes with ln p_float ≤ {floor} left out, as there), **same top-1** = share "
        "of images whose most probable class is the float network's, **Δp** = mean change of "
        "the probability of the right answer. Beside them the weights' own facts: SQNR, "
        "kurtosis, outlier input channels.",
        "每次只把一层的权重取整（其余各层和所有激活保持浮点），用低位宽，方法取自 GPTQ、AWQ、HQQ 页。"
        "每种情况都按测试图像上输出损失了多少来评判，度量与 llama.cpp 的 "
        "`llama-perplexity --kl-divergence` 相同（tools/perplexity/perplexity.cpp，提交 050fc7f），"
        "一张图像相当于一个 token：**平均 KL** = Σ p_float (ln p_float − ln p_quant) 的平均（与那里"
        "一样，略去 ln p_float ≤ {floor} 的类别），**top-1 相同** = 最可能类别与浮点网络相同的图像比例，"
        "**Δp** = 正确答案概率变化的平均。旁边列出权重本身的情况：SQNR、峰度、离群输入通道。"),
    "model.hurt.bits": ("Bits", "位数"),
    "model.hurt.group": ("Group size", "分组大小"),
    "model.hurt.method": ("Method", "方法"),
    "model.hurt.col.acc": ("Accuracy (%)", "准确率（%）"),
    "model.hurt.col.kl": ("Mean KL", "平均 KL"),
    "model.hurt.col.same": ("Same top-1 (%)", "top-1 相同（%）"),
    "model.hurt.col.dp": ("Mean Δp (%)", "平均 Δp（%）"),
    "model.hurt.col.wsqnr": ("Weight SQNR (dB)", "权重 SQNR（dB）"),
    "model.hurt.col.kurt": ("Kurtosis", "峰度"),
    "model.hurt.col.outliers": ("Outlier channels", "离群通道"),
    "model.hurt.worst": (
        "At {bits} bits the layer that hurts most: by accuracy **{accuracy}**, by mean KL "
        "**{kl}**, by same top-1 **{same_top}**, by Δp **{delta_p}**; by weight error alone "
        "**{weight}**. With 450 test images accuracy moves by single images; KL sees every "
        "probability and is the steadier measure.",
        "{bits} 位时最伤的层：按准确率是 **{accuracy}**，按平均 KL 是 **{kl}**，按 top-1 相同是 "
        "**{same_top}**，按 Δp 是 **{delta_p}**；只看权重误差则是 **{weight}**。测试图像只有 450 张，"
        "准确率按单张图像跳动；KL 看的是每个概率，更稳定。"),
    "model.hurt.explain": (
        "The weight error points at {weight}, the output at {kl}: how much a layer's error "
        "matters depends on its inputs and on what follows it, which the weights cannot show. "
        "{kl}'s weights have kurtosis {kurt} and {out} input channels beyond {sigmas} σ.",
        "权重误差指向 {weight}，输出却指向 {kl}：一层的误差有多要紧，取决于它的输入和它后面的网络，"
        "这些从权重上看不出来。{kl} 的权重峰度为 {kurt}，有 {out} 个输入通道超出 {sigmas} σ。"),
    "model.hurt.explain_same": (
        "Here the weight error and the output agree on {kl} (kurtosis {kurt}, {out} input "
        "channels beyond {sigmas} σ).",
        "这里权重误差与输出一致，都指向 {kl}（峰度 {kurt}，{out} 个输入通道超出 {sigmas} σ）。"),
    "model.hurt.fig.kl": ("Mean KL from float, one layer rounded at a time",
                          "每次只取整一层时与浮点的平均 KL"),
    "model.hurt.fig.kl_y": ("Mean KL × 1000", "平均 KL × 1000"),
    "model.hurt.run.budget": ("Compute the budget (every per-layer choice: a few seconds, once "
                              "for everyone)",
                              "计算预算（每层的所有选择：需要几秒，算一次后所有人都能看到）"),
    "model.hurt.run.methods": ("Round the whole network with each method (a few seconds, once "
                               "for everyone)",
                               "用每种方法对整个网络取整（需要几秒，算一次后所有人都能看到）"),
    "model.hurt.progress.budget": ("Rounding {what} …", "正在取整 {what} ……"),
    "model.hurt.progress.methods": ("Rounding the network with {what} …",
                                    "正在用 {what} 取整整个网络……"),
    "model.budget.heading": ("A mixed-precision budget", "混合精度预算"),
    "model.budget.intro": (
        "Each layer gets its own bit width from {levels} (round to nearest): all {count} "
        "choices, each at its bits per weight (codes plus a float16 scale and zero point, "
        "{overhead} bits, per group) and its mean KL. The Pareto front holds the choices no "
        "other beats on both; the greedy allocation starts with every layer at the fewest bits "
        "and raises, one step at a time, the layer that cuts the KL most per added bit.",
        "每层从 {levels} 中选自己的位宽（就近取整）：全部 {count} 种选择，各自按每权重位数（码加上每组"
        "一个 float16 scale 和零点，共 {overhead} 位）和平均 KL 画出。Pareto 前沿是两项都没有被别的"
        "选择同时超过的那些；贪心分配从所有层都用最少位开始，每步把每增加一位 KL 降得最多的那一层提高一级。"),
    "model.budget.fig": ("Bits per weight against mean KL", "每权重位数与平均 KL"),
    "model.budget.bpw": ("Bits per weight", "每权重位数"),
    "model.budget.all": ("every choice", "全部选择"),
    "model.budget.front": ("Pareto front", "Pareto 前沿"),
    "model.budget.greedy": ("greedy", "贪心"),
    "model.budget.col.bits": ("Bits per layer", "各层位数"),
    "model.budget.say": (
        "{front} of the {total} choices are on the front; the greedy path takes {greedy} "
        "steps, {on_front} of them on the front.",
        "{total} 种选择中有 {front} 种在前沿上；贪心路径共 {greedy} 步，其中 {on_front} 步在前沿上。"),
    "model.methods.heading": ("GPTQ, AWQ, HQQ against RTN on the whole network",
                              "整个网络上 GPTQ、AWQ、HQQ 与 RTN 的比较"),
    "model.methods.intro": (
        "Every layer's weights rounded by one method (activations float). GPTQ quantizes layer "
        "after layer, each fed the outputs of those already quantized, as its reference does; "
        "AWQ sees the float network's inputs, as llm-awq does; RTN and HQQ see no data.",
        "用同一种方法取整每一层的权重（激活保持浮点）。GPTQ 像其参考实现那样逐层量化，每层的输入来自"
        "已量化的前几层；AWQ 像 llm-awq 那样看浮点网络的输入；RTN 和 HQQ 不看数据。"),
    "model.methods.col.acc": ("Accuracy at {bits} bits (%)", "{bits} 位准确率（%）"),
    "model.methods.col.kl": ("Mean KL at {bits} bits", "{bits} 位平均 KL"),
    "model.methods.best": ("At {bits} bits the smallest KL is {method}'s ({kl}; RTN {rtn}).",
                           "{bits} 位时 KL 最小的是 {method}（{kl}；RTN 为 {rtn}）。"),
    "checkpoint.hurts": (
        "Which tensor hurts, by weight error only: the {k} tensors that add the most squared "
        "error with groups of {g}:",
        "哪个张量最伤（只看权重误差）：按 {g} 分组时平方误差贡献最大的 {k} 个张量："),
    "checkpoint.hurts.row": ("{name}: {share} of all the error ({n} values, SQNR {sqnr} dB)",
                             "{name}：占全部误差的 {share}（{n} 个值，SQNR {sqnr} dB）"),
    "checkpoint.hurts.limits": (
        "Only weights are known here, so this ranks the error in the weights, not in the "
        "outputs: it cannot see the activations each weight multiplies (GPTQ and AWQ weigh "
        "errors by them), nor what follows a tensor in the network, and a big tensor adds much "
        "error by its size alone. The Model page ranks the digits network's layers by what the "
        "output loses (KL divergence), and the two rankings can differ.",
        "这里只知道权重，所以排的是权重中的误差，而不是输出中的误差：它看不到每个权重要乘的激活"
        "（GPTQ 和 AWQ 会按激活加权误差），也看不到网络中这个张量之后的部分，而且大张量单凭尺寸就贡献"
        "很多误差。模型页按输出的损失（KL 散度）给手写数字网络的各层排序，两种排序可能不同。"),
}

#: Where each claim about another tool, a paper or the notes comes from.
SOURCES: dict[str, str] = {
    "model.hurt.intro": (
        "llama.cpp tools/perplexity/perplexity.cpp (commit 050fc7f), log_softmax with "
        "kl_divergence_result: sum += p_base (p_log_base - ln p) over p_log_base > -16.f; "
        "n_same_top when imax == imax_base; p_diff = p - p_base of the right token"
    ),
    "model.methods.intro": (
        "IST-DASLab/gptq opt.py opt_sequential (each layer's outs recomputed after quantizing "
        "it, then inps, outs = outs, inps); mit-han-lab/llm-awq awq/quantize/pre_quant.py "
        "run_awq (inps = layer(inps) before the scales are searched and applied)"
    ),
    "checkpoint.hurts.limits": (
        "Frantar et al. 2022 (GPTQ, arXiv:2210.17323 §3, H = 2XX^T); Lin et al. 2023 (AWQ, "
        "arXiv:2306.00978 §3.2, activation-aware scales)"
    ),
}
