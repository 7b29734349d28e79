"""Strings of the Learn page: the source notes retold in our words, in English and Chinese.

Strings formatted with numbers use ``{name}`` fields, so they hold no other braces.
"""

TEXT = {
    "learn.nav": ("Learn", "学习"),
    "learn.title": ("Learn: linear quantization, step by step, with live numbers",
                    "学习：一步步理解线性量化，数字实时计算"),
    "learn.intro": (
        "This page retells a set of study notes on neural-network quantization (Zhang Ge, "
        "2021, in Chinese) in their order and in our own words. Every number is computed by "
        "the same code as the rest of the app, from the example in the sidebar. Where the "
        "notes stop short, the page says so and shows what happens.",
        "本页按原顺序、用我们自己的话重述一份关于神经网络量化的学习笔记（Zhang Ge，2021）。每个"
        "数字都由与本应用其他部分相同的代码、根据侧边栏中的例子实时算出。笔记没有讲到的地方，本页"
        "会指出来，并演示实际会发生什么。"),

    # --- the example --------------------------------------------------------------------------
    "learn.sidebar.example": ("Your example", "你的例子"),
    "learn.sidebar.example_help": (
        "A float range [x_min, x_max], one value x to follow through the formulas, and the "
        "bit width n. Sections 1 to 6 use them.",
        "一个浮点范围 [x_min, x_max]、一个用来跟踪公式的数值 x，以及位宽 n。第 1 到 6 节都会"
        "用到它们。"),
    "learn.ex_min": ("x_min", "x_min"),
    "learn.ex_max": ("x_max", "x_max"),
    "learn.ex_x": ("value x to follow", "要跟踪的数值 x"),
    "learn.ex_bad": (
        "x_min must be smaller than x_max (now [{lo}, {hi}]): equation (1) divides by "
        "x_max − x_min, and the scale s = (x_max − x_min) / (2ⁿ − 1) must be positive "
        "(section 2). The page uses the default range until you fix it.",
        "x_min 必须小于 x_max（当前为 [{lo}, {hi}]）：式 (1) 要除以 x_max − x_min，而 scale "
        "s = (x_max − x_min) / (2ⁿ − 1) 必须为正（见第 2 节）。在你改正之前，本页使用默认范围。"),

    # --- predict, then reveal -----------------------------------------------------------------
    "learn.quiz.reveal": ("Reveal the answer", "揭晓答案"),
    "learn.quiz.right": ("**Right.**", "**答对了。**"),
    "learn.quiz.wrong": ("**Not quite.**", "**不太对。**"),
    "learn.quiz.no_guess": ("(No guess made.)", "（你还没有作答。）"),
    "learn.quiz.no_codes": ("none", "无"),
    "learn.q1.heading": ("**Predict, then reveal: which codes are wasted?**",
                         "**先猜再看：哪些码被浪费了？**"),
    "learn.q1.question": (
        "**ReLU6**, min(max(x, 0), 6), is an activation function a network applies after a "
        "layer; its outputs lie in [{lo}, {hi}]. They are quantized to signed symmetric "
        "{bits}-bit integers, [{qmin}, {qmax}]. Which codes can no output ever reach?",
        "**ReLU6** 即 min(max(x, 0), 6)，是网络在层后施加的一种激活函数，它的输出位于 "
        "[{lo}, {hi}]。这些输出被量化为有符号对称的 {bits} 位整数 [{qmin}, {qmax}]。哪些码是任何"
        "输出都到不了的？"),
    "learn.q1.choice": ("Your answer", "你的答案"),
    "learn.quiz1.none": ("none: every code can occur", "没有：每个码都可能出现"),
    "learn.quiz1.negative": ("the negative codes, q_min … −1", "负码 q_min … −1"),
    "learn.quiz1.positive": ("the positive codes, 1 … q_max", "正码 1 … q_max"),
    "learn.quiz1.lowest": ("only the lowest code, q_min", "只有最小的码 q_min"),
    "learn.quiz1.upper_half": ("the upper half of the codes", "上半部分的码"),
    "learn.q1.answer": (
        "{verdict} s = {top} / {div} = {scale}; {bottom} goes to code {lo} and {top} "
        "to code {hi}. Unreachable: {spans}, that is {wasted} of {levels} codes.",
        "{verdict} s = {top} / {div} = {scale}；{bottom} 映射到码 {lo}，{top} 映射到码 {hi}。"
        "到不了的码：{spans}，共 {wasted} 个（总共 {levels} 个）。"),
    "learn.q2.heading": ("**Predict, then reveal: the zero point**", "**先猜再看：零点**"),
    "learn.q2.range": ("Range", "范围"),
    "learn.q2.range.a": ("[−1, 3]", "[−1, 3]"),
    "learn.q2.range.b": ("[−0.5, 2]", "[−0.5, 2]"),
    "learn.q2.range.c": ("[−4.2, 1.3]", "[−4.2, 1.3]"),
    "learn.q2.question": (
        "A tensor's values span [{lo}, {hi}]. Under unsigned asymmetric {bits}-bit "
        "quantization in PyTorch's convention, q = round(x / s) + Z, which code Z stands for "
        "0.0?",
        "一个张量的数值范围是 [{lo}, {hi}]。按 PyTorch 的约定 q = round(x / s) + Z 做无符号非"
        "对称 {bits} 位量化，代表 0.0 的码 Z 是多少？"),
    "learn.q2.guess": ("Your guess for Z", "你猜的 Z"),
    "learn.q2.answer": (
        "{verdict} s = ({hi} − ({lo})) / {levels} = {scale}, and Z = {qmin} − round({lo} / s) "
        "= {qmin} − round({ratio}) = **{Z}**.",
        "{verdict} s = ({hi} − ({lo})) / {levels} = {scale}，Z = {qmin} − round({lo} / s) = "
        "{qmin} − round({ratio}) = **{Z}**。"),
    "learn.q3.heading": ("**Predict, then reveal: does 0.0 survive?**",
                         "**先猜再看：0.0 能原样回来吗？**"),
    "learn.q3.case": ("Situation", "情形"),
    "learn.q3.case.notes_pos": ("equation (4) on the data's own range [1, 3], 8 bits",
                                "式 (4) 用数据自身的范围 [1, 3]，8 位"),
    "learn.q3.case.pytorch_pos": ("PyTorch, data in [1, 3], 8 bits", "PyTorch，数据在 [1, 3]，8 位"),
    "learn.q3.case.unrounded": ("Z left unrounded, data in [−1, 3], 8 bits",
                                "Z 不取整，数据在 [−1, 3]，8 位"),
    "learn.q3.question": ("After quantize and dequantize, is 0.0 exactly 0.0 again?",
                          "经过量化与反量化之后，0.0 还严格等于 0.0 吗？"),
    "learn.q3.choice": ("Your answer", "你的答案"),
    "learn.q3.answer.yes": ("yes", "是"),
    "learn.q3.answer.no": ("no", "否"),
    "learn.q3.in_grid": ("{verdict} 0.0 goes to code {code} and comes back as **{x_hat}**.",
                         "{verdict} 0.0 映射到码 {code}，回来时是 **{x_hat}**。"),
    "learn.q3.out_grid": (
        "{verdict} 0.0 goes to code {code}, outside [0, {top}]; clamped into the grid it "
        "comes back as **{x_hat}**.",
        "{verdict} 0.0 映射到码 {code}，超出 [0, {top}]；截断回网格内后，回来时是 **{x_hat}**。"),

    # --- 1. the two schemes -------------------------------------------------------------------
    "learn.s1.heading": ("1. Two ways to map floats onto integers", "1. 把浮点数映射到整数的两种方式"),
    "learn.s1.asym": (
        "**Asymmetric** quantization sends the smallest float, x_min, to the smallest integer "
        "**code**, q_min, and the largest, x_max, to the largest code, q_max (a code is one of "
        "the integers n bits can hold: 0 … 2ⁿ − 1 unsigned). Neighbouring codes stand for "
        "floats one **step** apart; the float width of a step is the **scale**, s. The grid "
        "need not be centred on 0.0, so one more integer, the **zero point** Z, records which "
        "code stands for 0.0.",
        "**非对称量化**把最小的浮点数 x_min 映射到最小的整数**码** q_min，把最大的 x_max 映射到"
        "最大的码 q_max（码就是 n 位能存下的整数之一：无符号时为 0 … 2ⁿ − 1）。相邻两个码所代表"
        "的浮点数相差一个**步长**；一个步长对应的浮点宽度就是 **scale**，记作 s。网格不必以 0.0 "
        "为中心，因此还要再记一个整数，即**零点**（zero point，记作 Z），表示哪个码代表 0.0。"),
    "learn.s1.sym": (
        "**Symmetric** quantization takes the largest magnitude, max(|x_min|, |x_max|), builds "
        "the interval [−max, +max] around 0 and maps it onto a signed integer interval "
        "centred on 0. Then Z = 0, which need not be stored.",
        "**对称量化**取绝对值最大者 max(|x_min|, |x_max|)，以 0 为中心构造区间 [−max, +max]，"
        "再把它映射到以 0 为中心的有符号整数区间。此时 Z = 0，不必存储。"),
    "learn.s1.fig_asym": ("Asymmetric, unsigned {bits}-bit", "非对称，无符号 {bits} 位"),
    "learn.s1.fig_sym": ("Symmetric, signed {bits}-bit", "对称，有符号 {bits} 位"),
    "learn.s1.caption": (
        "s = {scale}, Z = {Z}. The data reach codes {lo} … {hi}: {used} of {levels} "
        "codes; {wasted} wasted.",
        "s = {scale}，Z = {Z}。数据能到达的码为 {lo} … {hi}：共 {levels} 个码中用到 {used} "
        "个，浪费 {wasted} 个。"),
    "learn.fig.data": ("data range [x_min, x_max]", "数据范围 [x_min, x_max]"),
    "learn.fig.reached": ("codes the data reach", "数据能到达的码"),
    "learn.fig.wasted": ("wasted codes", "被浪费的码"),
    "learn.fig.join": ("x → q (grid ends and 0.0)", "x → q（网格两端与 0.0）"),
    "learn.s1.compare_heading": ("How the two compare", "两种方式的比较"),
    "learn.s1.full": (
        "- **Asymmetric uses the whole integer range.** Your range reaches {used_a} of "
        "{levels_a} codes under asymmetric quantization and {used_s} of {levels_s} under "
        "symmetric.",
        "- **非对称量化能用满整个整数范围。** 你的范围在非对称量化下用到 {levels_a} 个码中的 "
        "{used_a} 个，在对称量化下用到 {levels_s} 个中的 {used_s} 个。"),
    "learn.s1.relu": (
        "- **Symmetric wastes codes when the data lean to one side.** The classic case is the "
        "output of a ReLU: nothing is negative, so the negative half of a signed symmetric grid "
        "is never used. For ReLU6 outputs in [{r_lo}, {r_hi}] at {bits} bits only codes {lo} … "
        "{hi} can "
        "occur: {wasted} of {levels} codes are wasted, and what is left carries {eff} bits "
        "instead of {bits}.",
        "- **数据偏向一侧时，对称量化会浪费码。** 典型的例子是 ReLU 的输出：没有负值，所以有符号"
        "对称网格的负半边永远用不到。ReLU6 的输出在 [{r_lo}, {r_hi}]，{bits} 位时只可能出现码 {lo} … "
        "{hi}：{levels} 个码中浪费了 {wasted} 个，剩下的只相当于 {eff} 位而不是 {bits} 位。"),
    "learn.s1.simple": (
        "- **Symmetric is simpler to compute with.** An integer matrix product multiplies "
        "codes from which the zero points must be taken away. One dot product, expanded:",
        "- **对称量化在计算上更简单。** 整数矩阵乘法要把零点从码中减掉再相乘。把一个点积展开："),
    "learn.s1.terms": (
        "Read it term by term: i counts the pairs of the dot product, from 1 to **N**, the "
        "number of products it adds up (N = {n} in the example below); q_w,i and q_x,i are the "
        "codes of the i-th weight and the i-th activation, Z_w and Z_x the zero points of the "
        "weights and of the activations.",
        "逐项来读：i 给点积中的每一对编号，从 1 到 **N**，N 是点积要相加的乘积个数（下面的例子中 "
        "N = {n}）；q_w,i 和 q_x,i 是第 i 个权重和第 i 个激活值的码，Z_w 和 Z_x 分别是权重和激活值"
        "的零点。"),
    "learn.s1.simple2": (
        "With symmetric weights (Z_w = 0) the last two terms vanish, and Z_x · Σ q_w depends "
        "only on the weights, so it can be folded into the bias ahead of time: the operator is "
        "left with the plain integer product. The same dot product with four activations "
        "spread over your range and the weights ({w}):",
        "权重对称（Z_w = 0）时，后两项消失；而 Z_x · Σ q_w 只与权重有关，可以预先并入偏置：算子"
        "只剩下纯粹的整数乘积。用你的范围内均匀取的四个激活值和权重（{w}）算一个同样的点积："),
    "learn.s1.dot_asym": ("asymmetric weights, Z_w = {zw}: all four terms",
                          "非对称权重，Z_w = {zw}：四项都在"),
    "learn.s1.dot_sym": ("symmetric weights, Z_w = 0: two terms are 0",
                         "对称权重，Z_w = 0：有两项为 0"),

    # --- 2. the derivation --------------------------------------------------------------------
    "learn.s2.heading": ("2. Quantization, derived step by step", "2. 量化公式的逐步推导"),
    "learn.s2.intro": (
        "Where do s and Z come from? The notes derive them for an unsigned n-bit grid, codes "
        "0 … {top} here. Follow the derivation with your numbers: x_min = {lo}, x_max = {hi}, "
        "n = {bits}, and the value x = {x}. Each step shows the general formula, then the same "
        "with your numbers.",
        "s 和 Z 从哪里来？笔记针对无符号 n 位网格推导它们，这里码为 0 … {top}。用你的数字跟着"
        "推导走：x_min = {lo}，x_max = {hi}，n = {bits}，要量化的数值 x = {x}。每一步先给出一般"
        "公式，再代入你的数字。"),
    "learn.s2.eq1": (
        "**Equation (1).** Shift the range so that x_min sits at 0, stretch [0, x_max − x_min] "
        "onto [0, 2ⁿ − 1], and round to the nearest integer:",
        "**式 (1)。** 先平移使 x_min 落在 0，再把 [0, x_max − x_min] 拉伸到 [0, 2ⁿ − 1]，最后"
        "取整到最近的整数："),
    "learn.s2.eqscale": ("**The scale** s is the float width of one step, from one code to the "
                         "next:",
                         "**scale** s 是一个步长（从一个码到下一个码）对应的浮点宽度："),
    "learn.s2.eq2": (
        "**Equation (2).** With the scale, equation (1) becomes a division, and the division "
        "splits in two:",
        "**式 (2)。** 有了 scale，式 (1) 就成了一次除法，而这个除法可以拆成两项："),
    "learn.s2.eqz": (
        "**The zero point** Z is the second part with its sign turned: Z = −x_min / s counts "
        "how many steps 0.0 lies above x_min. Put x = 0 into equation (2) and you get "
        "round(Z): the code of 0.0.",
        "**零点**（Z）就是第二项取相反数：Z = −x_min / s，表示 0.0 比 x_min 高出多少个步长。把 "
        "x = 0 代入式 (2)，得到的 round(Z) 就是 0.0 的码。"),
    "learn.s2.eq3": ("**Equation (3).** So the code is the value in steps plus the zero point:",
                     "**式 (3)。** 于是整数码等于以步长计的数值加上零点："),
    "learn.s2.eq4": (
        "**Equation (4).** In practice Z is rounded to a whole number (section 4 explains "
        "why). A whole number can then leave the rounding: adding it moves every value by "
        "whole steps, so it may as well be done after rounding (only a value exactly half-way "
        "between two codes can land differently, depending on how ties are broken):",
        "**式 (4)。** 实践中 Z 会被取整为整数（原因见第 4 节）。整数可以从取整里提出来：加上它"
        "只是把每个数值平移整数个步长，放在取整之后做也一样（只有恰好位于两个码正中间的数值，"
        "会因平局的处理方式不同而落到另一边）："),
    "learn.s2.same": ("Here equations (3) and (4) give the same code, {q}.",
                      "这里式 (3) 与式 (4) 给出同一个码：{q}。"),
    "learn.s2.differ": (
        "Here they differ: equation (3) gives {q3}, equation (4) gives {q4}. Rounding the "
        "zero point first moved the grid by {frac} of a step, which can move a code by one.",
        "这里两者不同：式 (3) 得到 {q3}，式 (4) 得到 {q4}。先对零点取整使网格移动了 {frac} "
        "个步长，这足以让某个码相差 1。"),
    "learn.s2.outside": (
        "The code {q} lies outside [0, {top}]: x is beyond the range, and equation (4) has no "
        "clamp, so it does not fit in n bits (see section 6).",
        "码 {q} 超出了 [0, {top}]：x 在范围之外，而式 (4) 没有截断这一步，所以它放不进 n 位"
        "（见第 6 节）。"),
    "learn.s2.credit": (
        "Equations (1) to (4) retell the notes' section 量化 (quantization), whose first "
        "steps follow the Distiller documentation; rounding the zero point is the notes "
        "author's own last step, offered with an invitation to correct it. The notes write "
        "the zero point with the opposite sign: section 5 translates (“Other conventions”).",
        "式 (1) 至 (4) 重述了笔记中“量化”一节，其前几步参考了 Distiller 文档；对零点取整这最后"
        "一步是笔记作者自己加的，并欢迎读者指正。笔记中零点的符号与这里相反：第 5 节"
        "（“其他约定”）给出两者的换算。"),
    "learn.s2.pytorch": (
        "**The same in PyTorch.** PyTorch's observers (the objects that record a tensor's "
        "range) compute s and Z this way, with three additions: they first widen the range to "
        "include 0 (`_calculate_qparams` in torch/ao/quantization/observer.py); the quantize "
        "operator then **clamps** the code into [q_min, q_max] (clip in the formulas: a result "
        "below q_min becomes q_min, one above q_max becomes q_max); and everything is "
        "float32. With q_min = 0 the zero point below is equation (4)'s Z on the widened "
        "range. ONNX's QuantizeLinear and TFLite add Z the same way:",
        "**PyTorch 中的同一件事。** PyTorch 的观察器（observer，记录张量数值范围的对象）也这样"
        "计算 s 和 Z，只多了三点：先把范围扩展到包含 0（torch/ao/quantization/observer.py 中的 "
        "`_calculate_qparams`）；量化算子再把码**截断**（clamp）到 [q_min, q_max] 之内（公式中"
        "写作 clip：小于 q_min 的结果变成 q_min，大于 q_max 的变成 q_max）；全部用 float32 "
        "计算。q_min = 0 时，下面的零点就是式 (4) 的 Z 在扩展后范围上的值。ONNX 的 "
        "QuantizeLinear 和 TFLite 也同样加上 Z："),
    "learn.s2.widening_heading": ("Who widens the range: ONNX Runtime, TFLite, TensorFlow",
                                  "谁来扩展范围：ONNX Runtime、TFLite、TensorFlow"),
    "learn.s2.widening": (
        "Widening the range is the calibrator's job, not the quantize operator's. ONNX's "
        "QuantizeLinear only divides, rounds half to even and saturates: "
        "y = saturate(round(x / y_scale) + y_zero_point) (the operator's specification). "
        "ONNX Runtime's calibration widens in `quant_utils.compute_scale_zp` (rmin = min(rmin, "
        "0), rmax = max(rmax, 0)). Today's TFLite converter (`experimental_new_quantizer=True`, "
        "the default in tensorflow/lite/python/lite.py) quantizes int8 through its MLIR "
        "quantizer, which widens in `ConvertStatsToQDQs` and then computes in double "
        "(`getNudgedScaleAndZeroPoint`, FakeQuantSupport.cc); the legacy "
        "`GetAsymmetricQuantizationParams` (tensorflow/lite/tools/optimize/"
        "quantization_utils.cc, float32) runs only for 16-bit activations or when that flag is "
        "off. TensorFlow's fake-quant op for "
        "training nudges instead: for 0 < min it shifts [min, max] to [0, max − min] "
        "(`tf.quantization.fake_quant_with_min_max_args`).",
        "扩展范围是校准器的工作，而不是量化算子的工作。ONNX 的 QuantizeLinear 只做除法、四舍六入"
        "五成双取整和饱和截断：y = saturate(round(x / y_scale) + y_zero_point)（见该算子的规范）。"
        "ONNX Runtime 的校准在 `quant_utils.compute_scale_zp` 中扩展范围（rmin = min(rmin, 0)，"
        "rmax = max(rmax, 0)）。如今的 TFLite 转换器（tensorflow/lite/python/lite.py 中默认 "
        "`experimental_new_quantizer=True`）用 MLIR 量化器做 int8 量化：它在 `ConvertStatsToQDQs` "
        "中扩展范围，再用双精度计算（FakeQuantSupport.cc 中的 `getNudgedScaleAndZeroPoint`）；"
        "旧的 `GetAsymmetricQuantizationParams`（tensorflow/lite/tools/optimize/"
        "quantization_utils.cc，float32）只在 16 位激活或关掉该选项时才运行。TensorFlow 训练用的伪量化算子则是“微调”"
        "范围：当 0 < min 时，它把 [min, max] 平移为 [0, max − min]"
        "（`tf.quantization.fake_quant_with_min_max_args`）。"),
    "learn.s2.pytorch_numbers": (
        "With your numbers, in float32 (x̂, “x hat”, is the float the code q stands for; "
        "section 3 computes it):",
        "代入你的数字（float32；x̂ 读作“x hat”，是码 q 所代表的浮点数，第 3 节会计算它）："),
    "learn.s2.link_same": ("PyTorch's Z equals equation (4)'s: Z = {Z} both ways.",
                           "PyTorch 的 Z 与式 (4) 的相同：两者都是 Z = {Z}。"),
    "learn.s2.link_widened": (
        "Here PyTorch's Z = {Z}, but equation (4) gave Z = {z}: your range does not contain 0, "
        "so PyTorch widened it to include 0 and got different parameters (section 6 shows "
        "why).",
        "这里 PyTorch 的 Z = {Z}，而式 (4) 得到 Z = {z}：你的范围不包含 0，PyTorch 把它扩展到"
        "包含 0，因此参数不同（原因见第 6 节）。"),
    "learn.s2.link_tie": (
        "Here PyTorch's Z = {Z}, but equation (4) gave Z = {z}: −x_min / s = {exact} lies on a "
        "half step, and float32 rounding tipped PyTorch's the other way.",
        "这里 PyTorch 的 Z = {Z}，而式 (4) 得到 Z = {z}：−x_min / s = {exact} 恰好落在半步上，"
        "float32 的舍入误差让 PyTorch 的零点往另一边取整了。"),

    # --- 3. dequantization --------------------------------------------------------------------
    "learn.s3.heading": ("3. Dequantization: back to floats", "3. 反量化：回到浮点数"),
    "learn.s3.intro": (
        "Going back subtracts the zero point from the code and multiplies by the scale; the "
        "float a code stands for is written x̂ (“x hat”). Written out it is a product plus a "
        "constant, −s · Z (the notes call that constant the bias):",
        "反量化就是从码中减去零点，再乘以 scale；一个码所代表的浮点数记作 x̂（读作“x hat”）。"
        "展开后是一个乘积加一个常数 −s · Z（笔记称这个常数为偏置，bias）："),
    "learn.s3.error": (
        "x came back as {x_hat}: an error of {err}. That is within half a step "
        "(s / 2 = {half}), as it is for every value inside the range: rounding moves a "
        "value to the nearest grid point and no further.",
        "x 回来时是 {x_hat}，误差 {err}。它不超过半个步长（s / 2 = {half}），范围内的每个"
        "数值都是如此：取整只会把数值移到最近的网格点，不会更远。"),
    "learn.s3.error_out": (
        "x would come back as {x_hat} (error {err}), but only because its code {q} was kept "
        "as is: it does not fit in [0, {top}]. Stored in n bits it must be clamped, and then "
        "the error is no longer bounded by half a step (section 6).",
        "x 会回到 {x_hat}（误差 {err}），但这只是因为码 {q} 被原样保留了：它放不进 [0, {top}]。"
        "真正用 n 位存储时必须截断，误差就不再以半个步长为界（见第 6 节）。"),

    # --- 4. the zero point and 0.0 ------------------------------------------------------------
    "learn.s4.heading": ("4. Why 0.0 must come back exactly", "4. 为什么 0.0 必须精确地回来"),
    "learn.s4.intro": (
        "Equation (4) rounded the zero point to a whole number, Z = {Z} here. That is what "
        "makes 0.0 exact: 0.0 / s = 0 needs no rounding, so 0.0 quantizes to "
        "round(0) + Z = Z, and the code Z dequantizes to s · (Z − Z) = 0.0:",
        "式 (4) 把零点取整成了整数，这里 Z = {Z}。正是这一点让 0.0 精确：0.0 / s = 0 不需要取整，"
        "所以 0.0 量化为 round(0) + Z = Z，而码 Z 反量化后是 s · (Z − Z) = 0.0："),
    "learn.s4.outside": (
        "Here Z = {Z} lies outside [0, {top}]: your range does not contain 0, so 0.0 has no "
        "code on this grid. Section 6 shows what happens then, and how PyTorch avoids it.",
        "这里 Z = {Z} 超出了 [0, {top}]：你的范围不包含 0，所以 0.0 在这个网格上没有码。第 6 节"
        "展示这时会发生什么，以及 PyTorch 如何避免它。"),
    "learn.s4.why": (
        "This matters because networks are full of zeros that mean something: the padding "
        "around an image or a sequence, masked positions, the zeros a ReLU outputs. If 0.0 "
        "came back as some other number, every one of them would carry the same small error, "
        "always with the same sign.",
        "这很重要，因为网络里到处是有含义的 0：图像或序列四周的填充（padding）、被遮盖的位置、"
        "ReLU 输出的 0。如果 0.0 回来时变成了别的数，它们每一个都会带上同样的小误差，而且符号总"
        "是相同的。"),
    "learn.s4.demo_heading": ("See it happen: zero padding", "动手看看：零填充"),
    "learn.s4.demo": (
        "A short 1-D signal is padded with zeros on both ends and convolved with a small "
        "kernel (a few weights slid along the signal; the output is as long as the input). "
        "Signal and padding are quantized together on an unsigned grid whose range holds the "
        "padding's 0, twice: once with Z rounded to a whole number (equation 4), once with Z "
        "left as a fraction (equation 3). The offset moves x_min and with it the fraction "
        "of Z.",
        "一个短的一维信号两端补 0，再与一个小卷积核（沿信号滑动的几个权重）做卷积（输出与输入"
        "等长）。信号和填充一起在一个包含填充之 0 的无符号网格上量化两次：一次把 Z 取整为整数"
        "（式 4），一次让 Z 保留小数（式 3）。偏移量会改变 x_min，从而改变 Z 的小数部分。"),
    "learn.pad_kernel": ("Kernel", "卷积核"),
    "learn.kernel.box3": ("box blur [1, 1, 1] / 3", "均值模糊 [1, 1, 1] / 3"),
    "learn.kernel.gauss5": ("Gaussian [1, 4, 6, 4, 1] / 16", "高斯 [1, 4, 6, 4, 1] / 16"),
    "learn.kernel.edge3": ("edge detector [−1, 0, 1]", "边缘检测 [−1, 0, 1]"),
    "learn.pad_offset": ("Signal offset", "信号偏移"),
    "learn.pad_bits": ("Bits", "位宽"),
    "learn.s4.z": (
        "x_min = {lo} (the padding's 0 included), s = {scale}, Z = −x_min / s = {z_exact}, "
        "rounded: {Z}. What a padded 0.0 comes back as with the unrounded Z:",
        "x_min = {lo}（包括填充的 0），s = {scale}，Z = −x_min / s = {z_exact}，取整后为 {Z}。"
        "Z 不取整时，填充的 0.0 回来时变成："),
    "learn.s4.m_pad_integer": ("padded 0.0 → (whole-number Z)", "填充 0.0 →（整数 Z）"),
    "learn.s4.m_pad_exact": ("padded 0.0 → (unrounded Z)", "填充 0.0 →（不取整的 Z）"),
    "learn.s4.m_bias": ("largest bias at the border", "边界处最大偏差"),
    "learn.s4.m_rounding": ("rounding error inside (RMS)", "内部取整误差（均方根）"),
    "learn.s4.rms": (
        "**RMS** (root mean square) is the typical size of one error: square each output's "
        "error, take the mean of the squares, then the square root. \"Inside\" counts only the "
        "outputs whose window stays within the signal, away from the padding.",
        "**均方根**（RMS）是单个误差的典型大小：把每个输出的误差平方，求这些平方的平均值，再开平方。"
        "“内部”只统计窗口完全落在信号之内、不碰到填充的输出。"),
    "learn.fig.pad.title": ("Convolution with zero padding, after quantization",
                            "量化后的零填充卷积"),
    "learn.fig.pad.reference": ("exact (float, true zeros)", "精确值（浮点，真正的 0）"),
    "learn.fig.pad.integer": ("integer zero point", "整数零点"),
    "learn.fig.pad.exact": ("unrounded zero point", "不取整的零点"),
    "learn.fig.pad.x": ("output position (shaded: window reaches the padding)",
                        "输出位置（阴影：窗口覆盖到填充）"),
    "learn.fig.pad.y": ("output", "输出"),
    "learn.fig.pad.bias": ("added by padding", "填充带来的偏差"),
    "learn.s4.result": (
        "With the integer zero point the padding adds nothing: its bars in the lower panel "
        "are all 0. With the unrounded one, every padded zero comes back as {pad}, and the "
        "outputs whose window reaches the padding shift by up to {bias}, while the outputs in "
        "the middle are untouched. Unlike rounding error this does not average out: it has "
        "the same sign at every border, and a network that pads at every layer adds it again "
        "and again.",
        "用整数零点时，填充不带来任何偏差：下方面板中它的柱子全为 0。用不取整的零点时，每个填充"
        "的 0 都会变成 {pad}，窗口覆盖到填充的输出最多偏移 {bias}，而中间的输出不受影响。与取整"
        "误差不同，这种偏差不会相互抵消：它在每个边界处符号都相同，而每一层都做填充的网络会一次次"
        "叠加它。"),
    "learn.s4.result_none": (
        "With this offset the unrounded Z happens to be a whole number ({z_exact}), so 0.0 "
        "survives either way. Move the offset to see the bias appear.",
        "在这个偏移下，不取整的 Z 恰好是整数（{z_exact}），所以 0.0 两种方式下都能精确回来。"
        "调一调偏移量，就能看到偏差出现。"),
    "learn.s4.credit": (
        "The notes credit this point to the survey *Efficient Deep Learning* by G. Menghani "
        "(2021).",
        "笔记中这一点引自 G. Menghani 的综述 *Efficient Deep Learning*（2021）。"),

    # --- 5. conventions -----------------------------------------------------------------------
    "learn.s5.heading": ("5. One convention here; how others write it",
                         "5. 本应用的约定，以及其他写法"),
    "learn.s5.intro": (
        "**All of them side by side.** Libraries and papers disagree on the sign of the zero "
        "point and on what to store. Here are the parameters of your example (unsigned "
        "asymmetric, {bits} bits) in each convention, and x = {x} through each one's formula: "
        "every line lands on the same code and the same value (the multiplier form subtracts "
        "its zero point before rounding, round(m·x − zp), which can move a value exactly "
        "half-way between two codes by one).",
        "**并排比较。** 各个库与论文在零点的符号和存储内容上并不统一。下面是你的例子（无符号非"
        "对称，{bits} 位）在各种约定下的参数，以及 x = {x} 分别代入各自公式的结果：每一行得到的"
        "码和数值都相同（乘数形式在取整之前减去零点，即 round(m·x − zp)，恰好位于两个码正中间"
        "的数值可能因此相差一个码）。"),
    "learn.s5.notes_zp": (
        "**The notes' zp.** The notes write x_f for x, x_q for the code q and scale for s. "
        "Their section 量化 (equations (3) and (4)) calls x_min counted in steps the zero point "
        "(zp for short), “设 zeropoint = x_f^min / scale”, rounds it and *subtracts* it: "
        "x_q = round(x_f / scale) − zeropoint. Its sign follows x_min (negative when "
        "x_min < 0), and 0.0 lands on code −zp. So the notes' zp and PyTorch's Z describe the "
        "same grid with opposite signs: Z = −zp whenever the range contains 0 and float32 "
        "does not tip a half step. Here zp = {zp} and Z = {Z}.",
        "**笔记的 zp。** 笔记把 x 写作 x_f、把码 q 写作 x_q、把 s 写作 scale。其“量化”一节"
        "（式 (3)、(4)）把以步长计的 x_min 称为零点（下文简记为 zp），“设 zeropoint = "
        "x_f^min / scale”，取整后再*减去*它：x_q = round(x_f / scale) − zeropoint。"
        "它的符号随 x_min（x_min < 0 时为负），0.0 落在码 −zp 上。所以笔记的 zp 与 PyTorch 的 Z "
        "描述的是同一个网格，只是符号相反：只要范围包含 0、且 float32 没有把半步翻到另一边，就有 "
        "Z = −zp。这里 zp = {zp}，Z = {Z}。"),
    "learn.s5.notes_widened": (
        "Here Z ≠ −zp: your range does not contain 0, so −zp = {code} lies outside [0, {top}], "
        "while PyTorch widened the range and got Z = {Z} (section 6).",
        "这里 Z ≠ −zp：你的范围不包含 0，所以 −zp = {code} 超出 [0, {top}]，而 PyTorch 扩展了范围，"
        "得到 Z = {Z}（见第 6 节）。"),
    "learn.s5.notes_tie": (
        "Here Z ≠ −zp: x_min / scale = {exact} lies on a half step, and float32 rounding tipped "
        "PyTorch's zero point the other way.",
        "这里 Z ≠ −zp：x_min / scale = {exact} 恰好落在半步上，float32 的舍入让 PyTorch 的零点往"
        "另一边取整了。"),
    "learn.s5.slip": (
        "**A slip in the notes.** Their note on the zero point (section 反量化, “NOTE：关于"
        "`zeropoint`”) opens with “zeropoint is the integer that 0.0 maps to after "
        "quantization” (“`zeropoint`浮点数0.0量化后对应的整型数”), yet the formula right below "
        "it, 0.0 → −zeropoint → 0.0, and their equation (4) send 0.0 to −zeropoint. The "
        "sentence describes PyTorch's convention, where the zero point is added and Z is the "
        "code of 0.0. Read each formula with its own sign: the notes' zp is subtracted, "
        "PyTorch's Z is added.",
        "**笔记中的一处笔误。** 笔记关于零点的说明（“反量化”一节，“NOTE：关于`zeropoint`”）开头"
        "写道“`zeropoint`浮点数0.0量化后对应的整型数”，可紧接着的公式 0.0 → −zeropoint → 0.0 "
        "以及式 (4) 都把 0.0 映射到 −zeropoint。那句话描述的其实是 PyTorch 的约定：零点是加上的，"
        "Z 才是 0.0 的码。每个公式要按它自己的符号来读：笔记的 zp 是被减去的，PyTorch 的 Z 是"
        "被加上的。"),
    "learn.col.convention": ("convention", "约定"),
    "learn.col.parameter": ("parameters", "参数"),
    "learn.col.value": ("value", "数值"),
    "learn.conv.pytorch": ("PyTorch, ONNX, TFLite: q = round(x/s) + Z",
                           "PyTorch、ONNX、TFLite：q = round(x/s) + Z"),
    "learn.conv.notes": ("The notes, Distiller: q = round(x/s) − zp, with zp = −Z",
                         "笔记、Distiller：q = round(x/s) − zp，其中 zp = −Z"),
    "learn.conv.aimet": ("AIMET: offset = −Z", "AIMET：offset = −Z"),
    "learn.conv.multiplier": (
        "Multiplier form (Distiller's scale factor): m = 1/s, q = round(m·x − zp)",
        "乘数形式（Distiller 的 scale factor）：m = 1/s，q = round(m·x − zp)"),
    "learn.s5.nvidia": (
        "NVIDIA's pytorch-quantization (for TensorRT) multiplies too, by m = (2^(b−1) − 1) / "
        "amax. Its default quantizer is symmetric, with no zero point (`_tensor_quant` in "
        "tensor_quant.py: q = clamp(round(x · m))), so by default it cannot write this "
        "asymmetric example. Two other paths exist: `unsigned=True` maps [0, amax] onto "
        "0 … 2^b − 1, still without a zero point, and `fake_affine_tensor_quant` "
        "(`FakeAffineTensorQuantFunction`, marked experimental) is affine: step = (max − min) "
        "/ (2^b − 1), q = round(x / step) − zero point, the notes' sign, on the signed range. "
        "Section 6 shows its symmetric scale beside the others.",
        "NVIDIA 的 pytorch-quantization（用于 TensorRT）也用乘数，m = (2^(b−1) − 1) / amax。它"
        "默认的量化器是对称的，没有零点（tensor_quant.py 中的 `_tensor_quant`："
        "q = clamp(round(x · m))），所以默认写不出这个非对称的例子。另有两条路径：`unsigned=True` "
        "把 [0, amax] 映射到 0 … 2^b − 1，仍然没有零点；`fake_affine_tensor_quant`"
        "（`FakeAffineTensorQuantFunction`，标注为实验性）是仿射的：step = (max − min) / "
        "(2^b − 1)，q = round(x / step) − 零点，与笔记的符号相同，用的是有符号范围。第 6 节把它的"
        "对称 scale 与其他工具并列展示。"),
    "learn.conv.nncf": ("NNCF: input_low, input_high, levels (codes counted from 0)",
                        "NNCF：input_low、input_high、levels（码从 0 开始计）"),

    # --- 6. what the notes leave out ----------------------------------------------------------
    "learn.s6.heading": ("6. What the notes leave out", "6. 笔记没有讲到的地方"),
    "learn.s6.intro": (
        "The derivation above assumes a tidy case: 0.0 inside the range, every value inside "
        "it, a range of non-zero width. Real tensors break each assumption.",
        "上面的推导假设了一个理想情形：0.0 在范围内、所有数值都在范围内、范围宽度不为零。真实的"
        "张量会打破其中每一条。"),
    "learn.s6.zero.heading": ("Data that do not contain 0", "不包含 0 的数据"),
    "learn.gap_min": ("x_min", "x_min"),
    "learn.gap_max": ("x_max", "x_max"),
    "learn.s6.zero.text": (
        "The notes take for granted that 0.0 lies in [x_min, x_max]. Take data that stay "
        "away from 0 instead, such as all-positive activations ({bits} bits; set the range "
        "here):",
        "笔记默认 0.0 位于 [x_min, x_max] 之内。换成远离 0 的数据，比如全为正的激活值（{bits} "
        "位；可在此设置范围）："),
    "learn.s6.zero.notes": (
        "Equation (4) on the data's own range, as the notes do it, gives s = {scale} and "
        "Z = −round(x_min / s) = {code}: 0.0 maps to code Z = {code}, outside [0, {top}]. "
        "Clamped into the grid, 0.0 comes back as {hat}: zero padding would no longer be zero.",
        "按笔记的做法，在数据自身的范围上用式 (4)，得到 s = {scale}，Z = −round(x_min / s) = "
        "{code}：0.0 映射到码 Z = {code}，超出了 [0, {top}]。截断回网格后，0.0 回来时是 {hat}："
        "零填充不再是零。"),
    "learn.s6.zero.inside": (
        "This range contains 0: equation (4) sends 0.0 to code Z = {code}, inside [0, {top}], "
        "and it comes back exactly. Pick a range without 0 to see the problem.",
        "这个范围包含 0：按式 (4)，0.0 映射到码 Z = {code}，位于 [0, {top}] 之内，能精确回来。"
        "选一个不含 0 的范围才能看到问题。"),
    "learn.s6.zero.pytorch": (
        "PyTorch's observers first widen the range to [min(x_min, 0), max(x_max, 0)]: "
        "s = {scale}, "
        "Z = {Z}, and 0.0 comes back as {hat}. The price: {wasted} of {levels} codes lie "
        "between 0 and the data, where no value falls.",
        "PyTorch 的观察器先把范围扩展到 [min(x_min, 0), max(x_max, 0)]：s = {scale}，Z = {Z}，0.0 "
        "回来时是 {hat}。代价是：{levels} 个码中有 {wasted} 个落在 0 与数据之间，没有任何数值用"
        "到它们。"),
    "learn.s6.clamp.heading": ("Values beyond the range: clamping", "超出范围的数值：截断"),
    "learn.s6.clamp.text": (
        "Equation (4) has no clamp. A value beyond the calibrated range [{lo}, {hi}] gets a "
        "code that does not fit in n bits. Real quantize operators add the clamp:",
        "式 (4) 没有截断。超出校准范围 [{lo}, {hi}] 的数值会得到一个 n 位放不下的码。真实的算子"
        "会加上截断："),
    "learn.clamp_x": ("A value beyond the range", "范围之外的一个数值"),
    "learn.s6.clamp.fits": (
        "x = {x} lies inside [{lo}, {hi}]: its code {code} fits, nothing to clamp. Enter a "
        "value beyond the range.",
        "x = {x} 位于 [{lo}, {hi}] 之内：它的码 {code} 放得下，无需截断。请输入一个范围之外的"
        "数值。"),
    "learn.s6.clamp.result": (
        "x = {x}: round(x / s) + Z = {code}. Stored in an unsigned {bits}-bit integer "
        "without a clamp, it wraps around to {wrapped}, which comes back as {wrapped_hat}: a "
        "wild error. Clamped to [0, {top}], the code is {clamped} and comes back as "
        "{clamped_hat}. What remains, {err}, is **clipping error**: it grows with the "
        "distance beyond the range, whereas rounding error never exceeds half a step.",
        "x = {x}：round(x / s) + Z = {code}。不截断就存进无符号 {bits} 位整数时会回绕成 "
        "{wrapped}，回来时变成 {wrapped_hat}：误差离谱。截断到 [0, {top}] 后码为 {clamped}，回来"
        "时是 {clamped_hat}。剩下的 {err} 是**截断误差**：它随超出范围的距离增长，而取整误差永远"
        "不超过半个步长。"),
    "learn.s6.sym.heading": ("Symmetric: the full or the narrow integer range",
                             "对称量化：全范围还是窄范围"),
    "learn.s6.sym.text": (
        "The notes map [−max, +max] onto \"the symmetric integer interval\", but a signed "
        "{bits}-bit integer is not symmetric: it holds {qmin} … {qmax}. Dividing by "
        "(q_max − q_min) / 2 = {div_full} keeps all the codes but puts ±max on ±{div_full}, "
        "half a step off the grid. The narrow range {nmin} … {qmax} divides by {div_narrow} and "
        "puts ±max exactly on a code. Largest magnitude:",
        "笔记把 [−max, +max] 映射到“对称的整数区间”，但有符号 {bits} 位整数并不对称：它是 "
        "{qmin} … {qmax}。除以 (q_max − q_min) / 2 = {div_full} 能保留所有的码，却让 ±max 落在 "
        "±{div_full}，正好偏离网格半步。窄范围 {nmin} … {qmax} 除以 {div_narrow}，使 ±max 恰好落"
        "在码上。最大绝对值："),
    "learn.s6.rules.heading": ("**Which toolchain divides by what.**",
                               "**各工具链分别除以多少。**"),
    "learn.s6.rules.text": (
        "The same max |x| = {amax} at {bits} bits, under each toolchain's own rule, computed "
        "here the way each computes it:",
        "同一个 max |x| = {amax}、{bits} 位，按各工具链自己的规则、以各自的计算方式得到："),
    "learn.col.toolchain": ("toolchain (source checked)", "工具链（核对过的来源）"),
    "learn.col.steps": ("+max lands on (steps)", "+max 落在（步数）"),
    "learn.rule.pytorch_observer": ("PyTorch Python observers (observer.py)",
                                    "PyTorch Python 观察器（observer.py）"),
    "learn.rule.pytorch_fused": ("PyTorch fused QAT observer (C++, run)",
                                 "PyTorch 融合 QAT 观察器（C++，实际运行）"),
    "learn.rule.onnxruntime": ("ONNX Runtime (compute_scale_zp)",
                               "ONNX Runtime（compute_scale_zp）"),
    "learn.rule.tensorrt": ("TensorRT (pytorch-quantization)",
                            "TensorRT（pytorch-quantization）"),
    "learn.s6.rules.sources": (
        "Checked against: PyTorch 2.13's `_calculate_qparams` (torch/ao/quantization/"
        "observer.py), used by MinMaxObserver and MovingAverageMinMaxObserver; its "
        "FusedMovingAvgObsFakeQuantize (`torch.fused_moving_avg_obs_fake_quant`, C++), by "
        "running it; ONNX Runtime 1.32's `quant_utils.compute_scale_zp` with "
        "`get_qmin_qmax_for_qType(..., symmetric=True)`; NVIDIA pytorch-quantization's "
        "`_tensor_quant` (tensor_quant.py), whose operator multiplies by (2^(b−1) − 1) / amax. "
        "Its range column is where calibrated values land: `TensorQuantFunction` defaults to "
        "narrow_range=True, while `QuantDescriptor`, which TensorQuantizer and ModelOpt pass "
        "on, defaults to narrow_range=False and clamps one code lower, which only a value "
        "beyond amax reaches.",
        "核对来源：PyTorch 2.13 的 `_calculate_qparams`（torch/ao/quantization/observer.py），"
        "MinMaxObserver 与 MovingAverageMinMaxObserver 都用它；FusedMovingAvgObsFakeQuantize"
        "（`torch.fused_moving_avg_obs_fake_quant`，C++），通过实际运行核对；ONNX Runtime 1.32 的 "
        "`quant_utils.compute_scale_zp` 配合 `get_qmin_qmax_for_qType(..., symmetric=True)`；"
        "NVIDIA pytorch-quantization 的 `_tensor_quant`（tensor_quant.py），其算子乘以 "
        "(2^(b−1) − 1) / amax。表中它的范围一栏是校准数据落到的码：`TensorQuantFunction` 默认 "
        "narrow_range=True，而 TensorQuantizer 与 ModelOpt 传下去的 `QuantDescriptor` 默认 "
        "narrow_range=False，截断处再低一个码，只有超出 amax 的值才会到达。"),
    "learn.s6.rules.after": (
        "Only PyTorch's Python observers divide by {div_observer}. PyTorch's own fused observer "
        "for quantization-aware training divides by {div_fused} on the same {qmin} … {qmax}, so "
        "moving from post-training quantization to quantization-aware training changes the "
        "scale of the same max |x| by the factor {ratio}.",
        "只有 PyTorch 的 Python 观察器除以 {div_observer}。PyTorch 自己用于量化感知训练的融合观察"
        "器在同样的 {qmin} … {qmax} 上除以 {div_fused}，因此从训练后量化换到量化感知训练，同一个 "
        "max |x| 的 scale 会变为原来的 {ratio} 倍。"),
    "learn.s6.rules.ort": (
        "ONNX Runtime computes its scale for {ort_min} … {ort_max} in float64 and stores it as "
        "float32; its QuantizeLinear still saturates to the full integer type, but values "
        "within ±max never reach the code below {ort_min}.",
        "ONNX Runtime 针对 {ort_min} … {ort_max} 用 float64 计算 scale，再以 float32 存储；它的 "
        "QuantizeLinear 仍按整个整数类型做饱和截断，但 ±max 以内的数值永远到不了比 {ort_min} "
        "更小的码。"),
    "learn.s6.rules.no_ort": (
        "ONNX Runtime quantizes to {ort_bits}-bit integers only, so it has no row at {bits} bits.",
        "ONNX Runtime 只量化到 {ort_bits} 位整数，所以 {bits} 位时没有它的一行。"),
    "learn.s6.rules.floor": (
        "The fused observer's scale sits at its floor of {floor} here (the Python observers "
        "go down to eps = {eps}), so +max lands on only {steps} steps.",
        "这里融合观察器的 scale 停在它的下限 {floor}（Python 观察器的下限是 eps = {eps}），"
        "所以 +max 只落在 {steps} 步处。"),
    "learn.sym_amax": ("max |x|", "max |x|"),
    "learn.col.range": ("integer range", "整数范围"),
    "learn.col.divisor": ("divisor", "除数"),
    "learn.s6.sym.full": ("full, {qmin} … {qmax}", "全范围 {qmin} … {qmax}"),
    "learn.s6.sym.narrow": ("narrow, {qmin} … {qmax}", "窄范围 {qmin} … {qmax}"),
    "learn.s6.sym.after": (
        "Full range: +{amax} comes back as {pos} and −{amax} as {neg}, half a step short or "
        "long.",
        "全范围：+{amax} 回来时是 {pos}，−{amax} 回来时是 {neg}，差了半个步长。"),
    "learn.s6.sym.narrow_exact": (
        "Narrow range returns both exactly, and simply never uses code {qmin}.",
        "窄范围两端都能精确回来，只是永远不用码 {qmin}。"),
    "learn.s6.sym.narrow_near": (
        "Narrow range lands both on ±{nmax} and returns them as {pos} and {neg}: off only in "
        "the last bit of float32, since {nmax} × scale is rounded once more. It never uses "
        "code {qmin}.",
        "窄范围让两端都落在 ±{nmax}，回来时是 {pos} 和 {neg}：只在 float32 的最后一位上有偏差，"
        "因为 {nmax} × scale 又舍入了一次。它永远不用码 {qmin}。"),
    "learn.s6.sym.reaches": (
        "Here −max · (1/scale) = {t} rounds to {qmin}.",
        "这里 −max · (1/scale) = {t}，取整为 {qmin}。"),
    "learn.s6.sym.misses": (
        "Here −max · (1/scale) = {t}, a hair inside {half} after float32 rounding of 1/scale, "
        "so even the full range never reaches {qmin}: which way the half step goes depends on "
        "the last bit of a float32.",
        "这里 −max · (1/scale) = {t}：1/scale 在 float32 中舍入后，它落在 {half} 之内一丝，所以即使是全范围"
        "也到不了 {qmin}。半步往哪边走，取决于一个 float32 的最后一位。"),
    "learn.s6.edge.heading": ("Degenerate ranges", "退化的范围"),
    "learn.s6.edge.text": (
        "When x_max = x_min the notes' scale is 0 and their formula divides by zero. PyTorch's "
        "observers floor the scale at eps = {eps} (torch.finfo(torch.float32).eps) instead. "
        "Each small tensor below goes through MinMax and the scheme you pick here (bits from "
        "the sidebar):",
        "当 x_max = x_min 时，笔记中的 scale 为 0，公式会除以零。PyTorch 的观察器则给 scale 设"
        "下限 eps = {eps}（torch.finfo(torch.float32).eps）。下面每个小张量都用 MinMax 和你在这里"
        "选的方案量化（位宽取自侧边栏）："),
    "learn.col.case": ("tensor", "张量"),
    "learn.col.eps": ("eps floor", "eps 下限"),
    "learn.col.error": ("max |x_hat − x|", "最大 |x_hat − x|"),
    "learn.col.notes_scale": ("notes' scale", "笔记的 scale"),
    "learn.edge.all_zeros": ("all zeros", "全为 0"),
    "learn.edge.constant": ("constant 0.5", "常数 0.5"),
    "learn.edge.constant_negative": ("constant −2", "常数 −2"),
    "learn.edge.single": ("one value", "单个数值"),
    "learn.edge.small": ("a narrow range", "很窄的范围"),
    "learn.edge.tiny": ("values below eps / 2", "小于 eps / 2 的数值"),
    "learn.edge.all_positive": ("all positive", "全为正"),
    "learn.edge.undefined": ("0: divides by zero", "0：除以零"),
    "learn.s6.edge.after": (
        "Read the table row by row: the all-zero tensor needs the eps floor to avoid 0 / 0 "
        "and then comes back exactly; a constant comes back exactly only if it lands on a "
        "code (under asymmetric quantization it is an end of the widened range, under "
        "symmetric full range it sits half a step off). A narrow range alone does not "
        "collapse: {small} gets scale = {small_scale} (eps = {eps} is the floor) and still "
        "distinct codes {small_q}. "
        "Values collapse onto the zero point only when |x| is below half a step, eps / 2 = "
        "{half_eps} at the floor: {tiny} comes back as zeros.",
        "逐行看这张表：全 0 张量需要 eps 下限来避免 0 / 0，之后能精确回来；常数只有落在某个码上"
        "时才能精确回来（非对称时它是扩展后范围的一端，对称全范围时它偏离网格半步）。仅仅范围窄"
        "并不会塌缩：{small} 的 scale = {small_scale}（下限 eps = {eps}），码仍各不相同："
        "{small_q}。只有 |x| 小于半个步长（在下限处为 eps / 2 = {half_eps}）时，数值才都取整到"
        "零点：{tiny} 回来时全为 0。"),
    "learn.s6.relu.heading": ("ReLU outputs under signed symmetric: half the codes",
                              "有符号对称量化下的 ReLU 输出：只用一半的码"),
    "learn.s6.relu.text": (
        "Section 1 showed it on a range; the notes mention it without a number. Counted as "
        "effective bits, log2(codes used): ReLU6 outputs at {bits} bits use {used} of "
        "{levels} codes, {eff} effective bits. The Explore page measures it on a whole tensor "
        "(preset \"ReLU, signed symmetric\").",
        "第 1 节已在一个范围上演示过；笔记提到了这一点，但没有给出数字。用有效位数 log2(已用码数) "
        "来衡量：{bits} 位时 ReLU6 的输出只用到 {levels} 个码中的 {used} 个，有效位数为 {eff}。"
        "“探索”页面在整个张量上测量它（预设“ReLU + 有符号对称”）。"),

    # --- 7. practice --------------------------------------------------------------------------
    "learn.s7.heading": ("7. In practice", "7. 实践经验"),
    "learn.s7.text": (
        "The notes end with rules of thumb they take from PyTorch's blog post *Practical "
        "Quantization in PyTorch*:",
        "笔记最后给出几条经验，引自 PyTorch 博客文章 *Practical Quantization in PyTorch*："),
    "learn.s7.weights": (
        "- **Weights: symmetric quantization with a MinMax observer.** Trained weights sit "
        "roughly centred on 0, so symmetric costs little range and removes the zero-point "
        "terms from the integer product; weights are fixed, so their min and max are known "
        "exactly. One scale per output channel is the usual refinement.",
        "- **权重：对称量化 + MinMax 观察器。** 训练好的权重大致以 0 为中心，对称量化几乎不损失"
        "范围，又能去掉整数乘积中的零点项；权重是固定的，它们的最小值和最大值可以精确得到。常见的"
        "改进是每个输出通道一个 scale。"),
    "learn.s7.activations": (
        "- **Activations: asymmetric quantization with a moving-average MinMax observer.** "
        "Activations are often one-sided (ReLU) and change from batch to batch; averaging "
        "each batch's min and max keeps one unusual batch from stretching the range.",
        "- **激活：非对称量化 + 滑动平均 MinMax 观察器。** 激活往往只在一侧（ReLU），并且逐批"
        "变化；对每批的最小值和最大值做滑动平均，可以避免某一批异常数据把范围拉宽。"),
    "learn.s7.defaults": (
        "**What PyTorch itself uses.** The rules above are the notes' advice. PyTorch 2.13's "
        "own x86 defaults, read by running `get_default_qconfig(\"x86\")` (post-training) "
        "and `get_default_qat_qconfig(\"x86\")` (quantization-aware training), are below: "
        "the moving average is its quantization-aware-training default; after training it "
        "observes activations with a histogram instead. In both stages activations use "
        "reduce_range, one bit less ({r_min} … {r_max}). Weights are per-channel symmetric in both: plain MinMax "
        "after training, a moving-average MinMax in quantization-aware training.",
        "**PyTorch 自己用什么。** 上面是笔记给出的建议。PyTorch 2.13 在 x86 上的默认设置见下表，"
        "它们是运行 `get_default_qconfig(\"x86\")`（训练后量化）和 "
        "`get_default_qat_qconfig(\"x86\")`（量化感知训练）读出来的：滑动平均是它量化感知训练"
        "的默认；训练后量化则用直方图观察激活。两个阶段的激活都用 reduce_range，少用一位"
        "（{r_min} … {r_max}）。两种情形下权重都是逐通道对称量化：训练后量化用普通 MinMax，量化感知训练用滑动"
        "平均 MinMax。"),
    "learn.col.stage": ("stage", "阶段"),
    "learn.col.tensor": ("tensor", "张量"),
    "learn.col.observer": ("observer", "观察器"),
    "learn.col.codes": ("codes", "码"),
    "learn.col.averaging": ("averaging constant", "平均系数"),
    "learn.stage.ptq": ("post-training", "训练后量化"),
    "learn.stage.qat": ("quantization-aware training", "量化感知训练"),
    "learn.tensor.activation": ("activations", "激活"),
    "learn.tensor.weight": ("weights", "权重"),
    "learn.s7.see": ("See each rule at work:", "在这些页面上看这些经验如何起作用："),
    "learn.link.per_channel": ("Per-channel: weights, one scale per channel or group",
                               "逐通道：权重按通道或按组各用一个 scale"),
    "learn.link.calibration": ("Calibration: observers, batch by batch",
                               "校准：观察器逐批更新"),
    "learn.link.compare": ("Compare: schemes side by side", "比较：并排对比量化方案"),
    "learn.link.explore": ("Explore: one tensor, with presets for weights and activations",
                           "探索：一个张量，带权重与激活的预设"),
    "learn.link.missing": ("{label} (this page is not available yet)", "{label}（该页面尚未上线）"),

    # --- 8. sources ---------------------------------------------------------------------------
    "learn.s8.heading": ("Sources", "参考资料"),
    "learn.s8.text": (
        "- The notes this page follows: Zhang Ge, *神经网络量化方式* (ways to quantize neural "
        "networks), 2021.\n"
        "- The derivation of scale and zero point: the [Distiller documentation on "
        "quantization](https://intellabs.github.io/distiller/algo_quantization.html) (Intel "
        "AI Lab).\n"
        "- Why 0.0 must be exact: G. Menghani, [*Efficient Deep Learning: A Survey on Making "
        "Deep Learning Models Smaller, Faster, and Better*](https://arxiv.org/abs/2106.08962), "
        "2021.\n"
        "- The rules of thumb: [*Practical Quantization in PyTorch*]"
        "(https://pytorch.org/blog/quantization-in-practice/), PyTorch blog.\n"
        "- Further reading the notes recommend: Lei Mao, [*Quantization for Neural Networks*]"
        "(https://leimao.github.io/article/Neural-Networks-Quantization/); [an overview of "
        "model quantization on Zhihu](https://zhuanlan.zhihu.com/p/349678095) (in Chinese); "
        "tinyML Talks, [*A Practical Guide to Neural Network Quantization*]"
        "(https://www.youtube.com/watch?v=KASuxB3XoYQ).\n"
        "\nThe wording and every number on this page are our own; the notes' figures are "
        "redrawn from the numbers.",
        "- 本页依据的笔记：Zhang Ge，《神经网络量化方式》，2021。\n"
        "- scale 与零点的推导：[Distiller 文档中的量化部分]"
        "(https://intellabs.github.io/distiller/algo_quantization.html)（Intel AI Lab）。\n"
        "- 为什么 0.0 必须精确：G. Menghani，[*Efficient Deep Learning: A Survey on Making "
        "Deep Learning Models Smaller, Faster, and Better*](https://arxiv.org/abs/2106.08962)，"
        "2021。\n"
        "- 实践经验：[*Practical Quantization in PyTorch*]"
        "(https://pytorch.org/blog/quantization-in-practice/)，PyTorch 博客。\n"
        "- 笔记推荐的延伸阅读：Lei Mao，[*Quantization for Neural Networks*]"
        "(https://leimao.github.io/article/Neural-Networks-Quantization/)；"
        "[知乎：浅谈深度学习模型量化](https://zhuanlan.zhihu.com/p/349678095)；tinyML Talks，"
        "[*A Practical Guide to Neural Network Quantization*]"
        "(https://www.youtube.com/watch?v=KASuxB3XoYQ)。\n"
        "\n本页的文字与所有数字均出自我们自己；笔记中的示意图根据数字重新绘制。"),
}

#: Where each claim about another toolchain, a paper or the notes was checked (file and
#: version, paper section, notes line), keyed like TEXT.
SOURCES: dict[str, str] = {
    'learn.intro': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) (front matter: author, date)'
    ),
    'learn.ex_bad': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15), 量化 eq. (1): (2^n - 1) / (x_max - '
        'x_min)'
    ),
    'learn.q2.question': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams (q = '
        'round(x/s) + Z)'
    ),
    'learn.q3.case.notes_pos': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) eq. (4)'
    ),
    'learn.q3.case.pytorch_pos': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams; goldens '
        'tests/data/golden_torch.npz (torch 2.13.0, tests/library/test_golden.py)'
    ),
    'learn.s2.intro': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15), section 量化, eq. (1)-(4) '
        '(lines 36-70: unsigned grid [0, 2^n - 1])'
    ),
    'learn.s2.outside': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) eq. (1)-(4) (no clamp)'
    ),
    'learn.s2.credit': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) line 74 (derivation after the '
        "Distiller docs; rounding the zero point is the author's own step, corrections "
        'invited)'
    ),
    'learn.s2.pytorch': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams; ONNX '
        'QuantizeLinear spec (y = saturate(round(x / y_scale) + y_zero_point)); TFLite '
        'quantization spec (real = scale * (q - zero_point))'
    ),
    'learn.s2.widening_heading': (
        "onnxruntime 1.32 quantization/quant_utils.py compute_scale_zp; "
        "tensorflow/lite/python/lite.py (TF 2.x); compiler/mlir/lite/quantization "
        "ConvertStatsToQDQs; tf.quantization.fake_quant_with_min_max_args"
    ),
    'learn.s2.link_same': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams (zero_point = '
        'quant_min - round(min_val_neg / scale)); quantviz.studies.lessons.notes_steps'
    ),
    'learn.s2.link_tie': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams (float32 round'
        ' of quant_min - min_val_neg / scale)'
    ),
    'learn.s2.link_widened': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams (min_val_neg, '
        'max_val_pos)'
    ),
    'learn.s3.intro': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15), section 反量化, line 82: '
        'x_f = scale * (x_q + zeropoint) = scale * x_q + bias'
    ),
    'learn.s4.outside': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams (min_val_neg, '
        'max_val_pos)'
    ),
    'learn.s5.notes_zp': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15), section 量化, line 57 (设 zeropoint'
        ' = x_f^min / scale), line 65 (rounded), eq. (4) line 69 (subtracted); torch 2.13.0 '
        'observer.py _calculate_qparams (added)'
    ),
    'learn.s5.slip': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15), section 反量化, NOTE on zeropoint '
        '(lines 86-98) against eq. (4) (line 69); ONNX QuantizeLinear, TFLite spec, torch '
        'observer.py (+ zero point)'
    ),
    'learn.s5.notes_widened': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams'
    ),
    'learn.s5.notes_tie': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams (float32 round'
        ' of quant_min - min_val_neg / scale)'
    ),
    'learn.s6.zero.notes': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) eq. (4) on [x_min, x_max] (no '
        'widening to 0)'
    ),
    'learn.s4.demo': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) eq. (3) and (4); line 100 (0.0 for '
        'padding)'
    ),
    'learn.conv.pytorch': (
        'torch observer.py, ONNX QuantizeLinear, TFLite quantization spec: + zero point'
    ),
    'learn.conv.notes': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) eq. (4); Distiller docs, quantization'
        ' algorithms'
    ),
    'learn.conv.multiplier': (
        'Distiller docs, quantization algorithms (scale factor as multiplier)'
    ),
    'learn.s6.heading': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) (no clamp, no eps, no widening to 0)'
    ),
    'learn.s6.zero.inside': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) eq. (4)'
    ),
    'learn.s6.zero.pytorch': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams (min_val_neg, '
        'max_val_pos)'
    ),
    'learn.rule.pytorch_observer': (
        'torch 2.13.0 torch/ao/quantization/observer.py _calculate_qparams (symmetric: '
        'max_val_pos / ((quant_max - quant_min) / 2))'
    ),
    'learn.rule.pytorch_fused': (
        'torch 2.13.0 fused_moving_avg_obs_fake_quant (C++ ChooseQuantizationParams), '
        'run: goldens tests/data/golden_toolchains.npz (tests/library/test_toolchains.py)'
    ),
    'learn.rule.onnxruntime': (
        'onnxruntime 1.32.0 onnxruntime/quantization/quant_utils.py compute_scale_zp, '
        'get_qmin_qmax_for_qType'
    ),
    'learn.rule.tensorrt': (
        'NVIDIA/TensorRT tools/pytorch-quantization 2.2.1 tensor_quant.py (scale = 127 / '
        'amax); NVIDIA TensorRT-Model-Optimizer modelopt/torch/quantization: config.py '
        'QuantizerAttributeConfig narrow_range=False, tensor_quant.py _tensor_quant '
        '(scale = max_bound / amax, clamp(round(x * scale)))'
    ),
    'learn.s6.rules.after': (
        'quantviz.studies.lessons.symmetric_rules: torch 2.13.0 '
        'torch/ao/quantization/observer.py (divisor (qmax - qmin) / 2) and fused observer'
        ' (divisor qmax), goldens tests/data/golden_toolchains.npz '
        '(tests/library/test_toolchains.py)'
    ),
    'learn.s6.rules.ort': (
        'onnxruntime 1.32.0 onnxruntime/quantization/quant_utils.py compute_scale_zp (dr,'
        ' dq in float64, stored_scale = scale.astype(float32)); QuantizeLinear saturates '
        'to the type'
    ),
    'learn.s6.rules.no_ort': (
        'onnxruntime 1.32.0 onnxruntime/quantization/quant_utils.py ONNX_INT_TYPE_RANGE /'
        ' ONNX_INT_TYPE_SYMMETRIC_RANGE (INT4, INT8, INT16; live: '
        'tests/library/test_toolchains.py)'
    ),
    'learn.s6.edge.text': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) eq. (1) (divides by x_max - x_min); '
        'torch 2.13.0 torch/ao/quantization/observer.py '
        'eps=torch.finfo(torch.float32).eps'
    ),
    'learn.s6.relu.text': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15), 线性量化 line 30 (ReLU output, no '
        'number)'
    ),
    'learn.s7.text': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) lines 106-109 (citing '
        'pytorch.org/blog/quantization-in-practice)'
    ),
    'learn.s7.defaults': (
        "torch 2.13.0 torch/ao/quantization/qconfig.py get_default_qconfig('x86'), "
        "get_default_qat_qconfig('x86'); fake_quantize.py "
        'default_fused_per_channel_wt_fake_quant (MovingAveragePerChannelMinMaxObserver) '
        '(live: tests/library/test_toolchains.py); run: both activation observers have '
        'quant_min 0, quant_max 127 (reduce_range)'
    ),
    'learn.s8.text': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) lines 74, 102, 107, 114-118 '
        '(references)'
    ),
    'learn.s5.nvidia': (
        "NVIDIA/TensorRT tools/pytorch-quantization 2.2.1: "
        "pytorch_quantization/tensor_quant.py (_tensor_quant, "
        "FakeAffineTensorQuantFunction, unsigned)"
    ),
    'learn.s6.rules.sources': (
        "NVIDIA/TensorRT tools/pytorch-quantization 2.2.1: "
        "pytorch_quantization/tensor_quant.py (TensorQuantFunction narrow_range=True; "
        "QuantDescriptor narrow_range=False; nn/modules/tensor_quantizer.py); torch 2.13 "
        "torch/ao/quantization/observer.py; onnxruntime 1.32 quant_utils.py"
    ),
    'learn.s2.widening': (
        "onnxruntime 1.32 quantization/quant_utils.py compute_scale_zp; "
        "tensorflow/lite/python/lite.py (TF 2.x, experimental_new_quantizer = True, "
        "_quantize); compiler/mlir/lite/quantization: FakeQuantSupport.cc "
        "getNudgedScaleAndZeroPoint, ConvertStatsToQDQs; "
        "lite/tools/optimize/quantization_utils.cc GetAsymmetricQuantizationParams"
    ),
    'learn.s5.intro': (
        "Distiller documentation, quantization algorithms (multiplier form)"
    ),
    'learn.s6.edge.after': (
        "quantviz.studies.lessons.EDGE_CASES run through compute_qparams (PyTorch 2.13 "
        "observer.py eps floor)"
    ),
}
