"""Strings of the Start page: the path through the source notes' story, one idea per step.

Every term is defined in the step that first uses it, in plain words, before the pages that
use it without a definition. Strings formatted with numbers use ``{name}`` fields, so they
hold no other braces.
"""

TEXT = {
    "start.nav": ("Start here", "从这里开始"),
    "start.title": ("Start here: quantization in ten steps", "从这里开始：十步读懂量化"),
    "start.intro": (
        "A neural network stores millions of numbers as 32-bit floats, in arrays called "
        "**tensors** (a layer's weights, its outputs). **Quantization** "
        "stores each one as a small whole number, a **code**, plus one rule to turn codes "
        "back into floats. The model gets 4 to 8 times smaller and runs on fast integer "
        "hardware; the price is a small error, which these steps teach you to see and to "
        "control.",
        "神经网络用 32 位浮点数存储数以百万计的数值，这些数组称为**张量**（tensor，比如一层的权重"
        "或输出）。**量化**把每个数存成一个小的整数，即**码**"
        "（code），再加上一条把码变回浮点数的规则。模型因此缩小 4 到 8 倍，并能在快速的整数硬件上"
        "运行；代价是一点误差，下面这些步骤教你看见并控制它。"),
    "start.path": ("The path", "学习路径"),
    "start.path_help": (
        "Each step is one idea, one figure you can move, and one question to check yourself. "
        "Follow them in order: each step uses only words defined before it.",
        "每一步讲一个概念、配一张可以操作的图、一道自测题。请按顺序阅读：每一步只用到前面已经"
        "定义过的词。"),
    "start.begin": ("Begin with step 1", "从第 1 步开始"),
    "start.overview": ("All steps", "全部步骤"),
    "start.step_of": ("Step {i} of {n}", "第 {i} 步，共 {n} 步"),
    "start.next": ("Next: {name}", "下一步：{name}"),
    "start.previous": ("Back: {name}", "上一步：{name}"),
    "start.done": ("You have finished the path. Pick a page from the list above.",
                   "你已走完整条路径。请从上面的列表中选择一个页面。"),
    "start.try": ("Try it", "动手试试"),
    "start.check": ("Check yourself", "自测"),
    "start.answer": ("Your answer", "你的答案"),
    "start.right": ("Right. {why}", "答对了。{why}"),
    "start.wrong": ("Not quite. {why}", "不太对。{why}"),
    "start.open": ("Open this case", "打开这个例子"),

    # --- the steps' names ---------------------------------------------------------------------
    "start.step.roundtrip": ("From float to integer and back", "从浮点到整数，再回来"),
    "start.step.scale": ("Scale and zero point", "scale 与零点"),
    "start.step.schemes": ("Asymmetric or symmetric", "非对称还是对称"),
    "start.step.zero": ("Why 0.0 must come back exactly", "为什么 0.0 必须原样回来"),
    "start.step.relu": ("The ReLU case: wasted codes", "ReLU 的情形：被浪费的码"),
    "start.step.errors": ("Rounding error and clipping error", "取整误差与截断误差"),
    "start.step.bits": ("Each bit buys about 6 dB", "每多一位约多 6 dB"),
    "start.step.calibration": ("Calibration: choosing the range", "校准：选择范围"),
    "start.step.per_channel": ("Per-channel: one scale per row", "逐通道：每行一个 scale"),
    "start.step.practice": ("The practitioner pages", "实践页面"),

    # --- 1. round trip ------------------------------------------------------------------------
    "start.roundtrip.idea": (
        "A float x becomes an integer **code** q in three moves: divide by a step size, round "
        "to the nearest whole number, and keep the result among the codes that n **bits** can "
        "hold (2ⁿ codes: 8 bits give 256). Going back, **dequantization** multiplies the code "
        "by the step size again; the float it gives is called **x̂** (\"x hat\", x_hat in the "
        "figures' labels), the **reconstruction** of x. x̂ is not "
        "x: every x between two neighbouring values of the grid lands on the nearer one, so "
        "the mapping is a staircase.",
        "浮点数 x 经过三步变成整数**码** q：除以一个步长，四舍五入到最近的整数，再把结果限制在 "
        "n **位**（bit）能表示的码之内（共 2ⁿ 个码：8 位有 256 个）。回来时，**反量化**再乘以"
        "步长；得到的浮点数记作 **x̂**（读作 \"x hat\"，图中标签写作 x_hat），即 x 的**重建值**"
        "（reconstruction）。x̂ 不等于 x：落在两个相邻网格值之间的 x "
        "都会落到较近的那个上，所以映射是一道阶梯。"),
    "start.roundtrip.bits": ("bits n", "位数 n"),
    "start.roundtrip.fig": ("Data in [{lo}, {hi}] at {bits} bits", "数据范围 [{lo}, {hi}]，{bits} 位"),
    "start.roundtrip.q": ("code q", "码 q"),
    "start.roundtrip.x_hat": ("x̂ (right axis)", "x̂（右轴）"),
    "start.roundtrip.identity": ("x̂ = x", "x̂ = x"),
    "start.roundtrip.read": (
        "How to read it: the solid steps are the codes q (left axis), the dotted steps are "
        "x̂ (right axis), the grey diagonal is x̂ = x. The vertical gap between a step and "
        "the diagonal is the error. At {bits} bits there are {levels} steps, {step} apart.",
        "读图：实线台阶是码 q（左轴），虚线台阶是 x̂（右轴），灰色对角线是 x̂ = x。台阶与对角线"
        "之间的竖直距离就是误差。{bits} 位时共有 {levels} 级台阶，间距 {step}。"),
    "start.roundtrip.q_text": ("At {bits} bits, how many different values can x̂ take?",
                               "{bits} 位时，x̂ 能取多少个不同的值？"),
    "start.roundtrip.a.3": ("3", "3"),
    "start.roundtrip.a.8": ("8", "8"),
    "start.roundtrip.a.256": ("256", "256"),
    "start.roundtrip.a.any": ("as many as there are values of x", "和 x 的取值一样多"),
    "start.roundtrip.why": (
        "n bits give 2ⁿ codes and each code comes back as one value: 2^{bits} = {levels}.",
        "n 位给出 2ⁿ 个码，每个码回来时对应一个值：2^{bits} = {levels}。"),
    "start.roundtrip.link.0": (
        "Explore: uniform data in [{uniform_low}, {uniform_high}] at {bits} bits, asymmetric "
        "unsigned",
        "探索页：[{uniform_low}, {uniform_high}] 上均匀分布的数据，{bits} 位，非对称无符号"),

    # --- 2. scale and zero point --------------------------------------------------------------
    "start.scale.idea": (
        "The step size is the **scale** s: the float distance between two neighbouring "
        "codes. To cover a range [x_min, x_max] with the codes q_min … q_max, "
        "s = (x_max − x_min) / (q_max − q_min). The grid need not be centred on 0.0, so a "
        "second number, the **zero point** Z (zero_point in labels), says which code stands for "
        "0.0. Then "
        "q = clamp(round(x / s) + Z, q_min, q_max), where **clamp** turns a result below "
        "q_min into q_min and one above q_max into q_max, and x̂ = s · (q − Z). This is "
        "PyTorch's convention (Z is added), the one every page here uses; other tools write "
        "the same numbers differently (the Learn page lists them).",
        "步长就是 **scale** s：相邻两个码之间的浮点距离。要用码 q_min … q_max 覆盖"
        "范围 [x_min, x_max]，s = (x_max − x_min) / (q_max − q_min)。网格不必以 0.0 为中心，"
        "所以还需要第二个数，**零点** Z（zero point，标签中写作 zero_point），说明哪个码代表 0.0。于是 "
        "q = clamp(round(x / s) + Z, q_min, q_max)，其中 **clamp（截断）**把小于 q_min 的结果"
        "变成 q_min、大于 q_max 的变成 q_max；反量化为 x̂ = s · (q − Z)。这是 PyTorch 的约定"
        "（Z 是加上去的），本应用所有页面都用它；其他工具用不同的写法表示同样的数（学习页列出了"
        "它们）。"),
    "start.scale.x_min": ("x_min (x_max stays 3)", "x_min（x_max 固定为 3）"),
    "start.scale.fig": ("[{lo}, {hi}] onto codes 0 … 255", "[{lo}, {hi}] 映射到码 0 … 255"),
    "start.scale.read": (
        "s = ({hi} − ({lo})) / 255 = {scale}, and 0.0 is {ratio} steps above x_min, so "
        "Z = {Z}. The dotted lines join x_min to q_min, x_max to q_max and 0.0 to Z.",
        "s = ({hi} − ({lo})) / 255 = {scale}；0.0 比 x_min 高 {ratio} 个步长，所以 Z = {Z}。"
        "虚线把 x_min 连到 q_min、x_max 连到 q_max、0.0 连到 Z。"),
    "start.scale.q_text": (
        "Range [{lo}, {hi}], {bits} bits (codes 0 … {top}). Which code Z stands for 0.0?",
        "范围 [{lo}, {hi}]，{bits} 位（码 0 … {top}）。代表 0.0 的码 Z 是多少？"),
    "start.scale.why": (
        "s = ({hi} − ({lo})) / {top} = {scale}; 0.0 lies −({lo}) / s = {ratio} steps above "
        "{lo}, and Z is that rounded to a whole code: Z = {Z}.",
        "s = ({hi} − ({lo})) / {top} = {scale}；0.0 比 {lo} 高 −({lo}) / s = {ratio} 个步长，"
        "把它取整成一个码就是 Z = {Z}。"),
    "start.scale.link.0": ("Learn: the derivation, step by step, for [{ex_min}, {ex_max}] at "
                           "{bits} bits",
                           "学习页：[{ex_min}, {ex_max}]、{bits} 位的逐步推导"),

    # --- 3. schemes ---------------------------------------------------------------------------
    "start.schemes.idea": (
        "**Asymmetric** quantization maps x_min to q_min and x_max to q_max, so every code can "
        "be used, at the price of storing Z. **Symmetric** quantization takes the largest "
        "magnitude m = max(|x_min|, |x_max|), maps [−m, m] onto **signed** codes centred on 0 "
        "(8 bits: −128 … 127) and fixes Z = 0: nothing to store, and integer arithmetic "
        "needs no Z terms. When the data are not centred on 0, part of the symmetric grid "
        "covers values that never occur: those codes are **wasted**.",
        "**非对称量化**把 x_min 映射到 q_min、x_max 映射到 q_max，每个码都能用上，代价是要存储 "
        "Z。**对称量化**取最大的绝对值 m = max(|x_min|, |x_max|)，把 [−m, m] 映射到以 0 为中心"
        "的**有符号**码（8 位为 −128 … 127），并固定 Z = 0：不必存储，整数运算也不需要 Z 项。"
        "当数据不以 0 为中心时，对称网格有一部分覆盖了永远不会出现的数值：这些码就被**浪费**了。"),
    "start.schemes.pick": ("scheme", "方案"),
    "start.schemes.pick.asymmetric": ("asymmetric, unsigned", "非对称，无符号"),
    "start.schemes.pick.symmetric": ("symmetric, signed", "对称，有符号"),
    "start.schemes.fig": ("[−1, 3], {name}, 8 bits", "[−1, 3]，{name}，8 位"),
    "start.schemes.read": (
        "The data reach codes {lo} … {hi}: {used} of {levels} codes; {wasted} wasted "
        "(grey).",
        "数据能到达的码为 {lo} … {hi}：{levels} 个码中用到 {used} 个，浪费 {wasted} 个（灰色）。"),
    "start.schemes.q_text": (
        "A trained layer's weights are spread about evenly around 0, say [−0.5, 0.5]. Which "
        "scheme wastes (almost) no codes there?",
        "训练好的层的权重大致均匀地分布在 0 两侧，比如 [−0.5, 0.5]。哪种方案在这里（几乎）不浪费码？"),
    "start.schemes.a.asym": ("only asymmetric", "只有非对称"),
    "start.schemes.a.sym": ("only symmetric", "只有对称"),
    "start.schemes.a.both": ("both", "两者都是"),
    "start.schemes.why": (
        "the range is centred on 0, so symmetric reaches {used} of {levels} codes too, and it "
        "is the simpler of the two: weights are usually quantized symmetrically.",
        "范围以 0 为中心，对称量化同样能用到 {levels} 个码中的 {used} 个，而且更简单：所以权重"
        "通常用对称量化。"),
    "start.schemes.link.0": ("Explore: bell-shaped weights, symmetric signed, {bits} bits",
                             "探索页：钟形权重，对称有符号，{bits} 位"),
    "start.schemes.link.1": ("Compare: the two schemes side by side on the same weights",
                             "比较页：同一组权重上两种方案并排"),

    # --- 4. zero ------------------------------------------------------------------------------
    "start.zero.idea": (
        "0.0 is special in a network. A **convolution** slides a small filter (a few weights, "
        "the **kernel**) along a signal; at the borders the signal is extended with 0.0, "
        "called **padding**. Because Z is a whole number, 0.0 goes to code Z and comes back "
        "as s · (Z − Z) = 0.0 exactly. If Z were left as a fraction ({z_exact} in step 2), the "
        "padding would come back as a small non-zero number and shift every output near a "
        "border.",
        "0.0 在网络里很特殊。**卷积**把一个小的滤波器（几个权重，称为**卷积核**）沿信号滑动；"
        "在边界处信号用 0.0 延长，这叫**填充**（padding）。因为 Z 是整数，0.0 映射到码 Z，回来时"
        "是 s · (Z − Z) = 0.0，分毫不差。如果 Z 保留成小数（如第 2 步中的 {z_exact}），填充值回来时会"
        "变成一个很小的非零数，使靠近边界的每个输出都产生偏移。"),
    "start.zero.offset": ("shift of the signal", "信号的平移量"),
    "start.zero.read": (
        "{bits} bits. With a whole-number zero point the padding comes back as {pad_int}; with the "
        "fractional one (Z = {z_exact}) as {pad_exact}, and a border output moves by up to "
        "{bias}. The shaded positions are the ones whose window reaches into the padding.",
        "{bits} 位。零点取整时，填充值回来是 {pad_int}；零点为小数（Z = {z_exact}）时回来是 {pad_exact}，"
        "边界处的输出最多偏移 {bias}。阴影位置是窗口伸进填充区的输出。"),
    "start.zero.q_text": (
        "Data in [{lo}, {hi}], {bits} bits, zero point left unrounded ({z_exact}). After "
        "quantize and dequantize, is 0.0 exactly 0.0 again?",
        "数据在 [{lo}, {hi}]，{bits} 位，零点不取整（{z_exact}）。经过量化与反量化后，0.0 还严格"
        "等于 0.0 吗？"),
    "start.zero.a.yes": ("yes", "是"),
    "start.zero.a.no": ("no", "否"),
    "start.zero.why": (
        "0.0 goes to code round({z_exact}) = {code} and comes back as s · ({code} − {z_exact}) "
        "= {x_hat}: rounding moved the code by {frac} of a step, and dequantizing with the "
        "unrounded zero point brings that shift back as a non-zero value.",
        "0.0 映射到码 round({z_exact}) = {code}，回来时是 s · ({code} − {z_exact}) = {x_hat}："
        "取整把码移动了 {frac} 个步长，而用未取整的零点反量化时，这段偏移就作为一个非零值回来"
        "了。"),
    "start.zero.link.0": ("Learn: the same padded convolution at {pad_bits} bits, then other "
                          "kernels and shifts",
                          "学习页：同一个 {pad_bits} 位的零填充卷积，再换卷积核和平移量"),

    # --- 5. relu ------------------------------------------------------------------------------
    "start.relu.idea": (
        "After each layer a network applies an **activation function**; the most common one, "
        "**ReLU** (rectified linear unit), is max(0, x): its outputs, the **activations**, are "
        "never negative. Quantize them symmetrically with signed codes and every negative "
        "code is wasted, half of them. Asymmetric unsigned codes start at 0.0 and use "
        "them all. **Effective bits** = log₂(codes reached) says how many bits the codes in "
        "use are really worth.",
        "网络在每一层之后会施加一个**激活函数**；最常见的 **ReLU**（线性整流单元）就是 max(0, x)："
        "它的输出，即**激活值**，永远不为负。用有符号的码对称量化它们，所有负码都被浪费，正好一半。"
        "非对称无符号的码从 0.0 开始，全部用上。**有效位数** = log₂(用到的码数)，表示真正用到的码"
        "值多少位。"),
    "start.relu.fig": ("ReLU outputs in [0, 6], {name}, 8 bits",
                       "ReLU 输出 [0, 6]，{name}，8 位"),
    "start.relu.read": (
        "Codes {lo} … {hi} are reached: {used} of {levels}, {wasted} wasted; "
        "{eff} effective bits of 8.",
        "能到达的码为 {lo} … {hi}：{levels} 个中用到 {used} 个，浪费 {wasted} 个；有效位数 "
        "{eff}（共 8 位）。"),
    "start.relu.q_text": (
        "ReLU outputs in [0, 6], symmetric signed 8 bits (−128 … 127). How many codes are "
        "wasted?",
        "ReLU 输出在 [0, 6]，对称有符号 8 位（−128 … 127）。有多少个码被浪费？"),
    "start.relu.a.none": ("none", "没有"),
    "start.relu.a.one": ("one", "一个"),
    "start.relu.a.quarter": ("about a quarter", "约四分之一"),
    "start.relu.a.half": ("about half", "约一半"),
    "start.relu.why": (
        "{wasted} of {levels}: the codes {lo} … {hi} stand for negative values, which ReLU "
        "never outputs. That is {eff} effective bits of 8.",
        "{levels} 个中有 {wasted} 个：码 {lo} … {hi} 代表负值，而 ReLU 从不输出负值。有效位数只有 "
        "{eff}（共 8 位）。"),
    "start.relu.link.0": ("Explore: ReLU activations, symmetric signed (wasteful)",
                          "探索页：ReLU 激活，对称有符号（浪费）"),
    "start.relu.link.1": ("Explore: ReLU activations, asymmetric unsigned",
                          "探索页：ReLU 激活，非对称无符号"),

    # --- 6. errors ----------------------------------------------------------------------------
    "start.errors.idea": (
        "The error of one value is x̂ − x. Inside the range it is **rounding error**: at most "
        "half a step, s/2, either way, and spread evenly over [−s/2, s/2], so its mean square "
        "is s²/12. A value outside the range is clamped to the range's end: its **clipping "
        "error** can be many steps. A narrower range makes s smaller (less rounding error) "
        "but clips more values: choosing the range is a trade-off.",
        "单个数值的误差是 x̂ − x。范围之内的是**取整误差**：向任一方向最多半个步长 s/2，并且均匀"
        "分布在 [−s/2, s/2] 上，所以它的均方值是 s²/12。范围之外的数值被截断到范围端点：它的**截断"
        "误差**可以有许多个步长。范围越窄，s 越小（取整误差越小），但被截断的数值越多：选择范围是"
        "一种权衡。"),
    "start.errors.sigmas": ("range ± this many standard deviations", "范围 ± 若干个标准差"),
    "start.errors.fig": ("Error x̂ − x, range ±{sigmas} std, {bits} bits",
                         "误差 x̂ − x，范围 ±{sigmas} 个标准差，{bits} 位"),
    "start.errors.read": (
        "How to read it: the blue block counts the values inside the range; their errors fill "
        "[−s/2, s/2] = [−{half}, {half}] evenly (the flat line is what perfectly even rounding "
        "gives). The orange bars, if any, are the {clipped} % of values clipped, with errors "
        "up to {worst}. The mean square error (MSE), the mean of (x̂ − x)² over all values, "
        "is the sum of two parts: rounding {rounding} + clipping {clipping}.",
        "读图：蓝色块统计范围内的数值，它们的误差均匀地铺满 [−s/2, s/2] = [−{half}, {half}]"
        "（水平线是完全均匀的取整给出的高度）。橙色柱（若有）是被截断的 {clipped} % 的数值，误差最大 "
        "{worst}。均方误差（MSE）即所有数值上 (x̂ − x)² 的均值，它是两部分之和：取整 {rounding} + "
        "截断 {clipping}。"),
    "start.errors.q_text": (
        "You shrink the range from ±4 to ±2 standard deviations. What happens?",
        "把范围从 ±4 个标准差缩小到 ±2 个标准差，会怎样？"),
    "start.errors.a.both_down": ("both errors shrink", "两种误差都变小"),
    "start.errors.a.trade": ("rounding error shrinks, clipping error grows",
                             "取整误差变小，截断误差变大"),
    "start.errors.a.reverse": ("rounding error grows, clipping error shrinks",
                               "取整误差变大，截断误差变小"),
    "start.errors.a.same": ("nothing changes", "没有变化"),
    "start.errors.why": (
        "on this tensor at {bits} bits the rounding mean square goes from {r4} to {r2}, the "
        "clipping one from {c4} to {c2}.",
        "在这个张量上（{bits} 位），取整均方误差从 {r4} 变为 {r2}，截断均方误差从 {c4} 变为 {c2}。"),
    "start.errors.link.0": (
        "Explore: the same tensor at {bits} bits, its range cut at about ±{sigmas} std "
        "({tail} % of the values lie beyond each end of [x_min, x_max])",
        "探索页：同一个张量，{bits} 位，范围截在约 ±{sigmas} 个标准差处（[x_min, x_max] 两端之外"
        "各有 {tail} % 的数值）"),

    # --- 7. bits ------------------------------------------------------------------------------
    "start.bits.idea": (
        "To sum up the error in one number, compare the power of the signal with the power of "
        "the error: **SQNR** (signal-to-quantization-noise ratio) = 10 · log₁₀(mean x² / "
        "mean (x − x̂)²), in **decibels** (dB); every 10 dB more means 10 times less error "
        "power. One more bit doubles the codes, halves s and so quarters the rounding error's "
        "mean square s²/12: 10 · log₁₀ 4 = 6.02 dB per bit.",
        "要用一个数概括误差，就比较信号的功率与误差的功率：**SQNR**（信号与量化噪声之比）= "
        "10 · log₁₀(x² 的均值 / (x − x̂)² 的均值)，单位是**分贝**（dB）；每多 10 dB，误差功率就"
        "小 10 倍。多一位，码数翻倍，s 减半，取整误差的均方值 s²/12 变为四分之一："
        "10 · log₁₀ 4 = 每位 6.02 dB。"),
    "start.bits.dist": ("tensor", "张量"),
    "start.bits.fig": ("SQNR against bits", "SQNR 随位数的变化"),
    "start.bits.x": ("bits n", "位数 n"),
    "start.bits.sym": ("symmetric, signed", "对称，有符号"),
    "start.bits.asym": ("asymmetric, unsigned", "非对称，无符号"),
    "start.bits.reference": ("6.02 dB per bit", "每位 6.02 dB"),
    "start.bits.read": (
        "Range = the data's own minimum and maximum, so only rounding error is left. From 4 to "
        "8 bits the symmetric line rises by {gain} dB; the dashed line is the ideal "
        "6.02 dB per bit.",
        "范围取数据自身的最小值与最大值，因此只剩取整误差。从 4 位到 8 位，对称方案的曲线上升 "
        "{gain} dB；虚线是理想的每位 6.02 dB。"),
    "start.live.heading": ("Now drag the bits yourself", "现在自己拖动位数"),
    "start.live.intro": (
        "The tensor picked above, with its own minimum and maximum as the range; symmetric "
        "uses signed codes and asymmetric unsigned ones, as in steps 3 and 5. While you drag, "
        "your browser redraws from a **histogram** of the tensor (its range cut into 4,096 "
        "equal **bins**, each holding how many values fall in it); when you let "
        "go, the server quantizes all {n} values and its exact numbers replace the preview. "
        "As the bits grow, the step s shrinks, and with it the band ±s/2 the errors stay in.",
        "上面选的张量，以它自身的最小值与最大值为范围；对称方案用有符号的码，非对称方案用无符号的码，"
        "与第 3、5 步相同。拖动时，浏览器用张量的**直方图**（把范围等分成 4096 个**格**，每格记下落在"
        "其中的数值个数）即时重画；松手后，服务器量化全部 {n} 个数值，用精确数字替换预览。位数越多，步长 s 越小，误差"
        "所在的 ±s/2 区间也随之变窄。"),
    "start.bits.q_text": ("From 4 to 8 bits, SQNR rises by about how much?",
                          "从 4 位到 8 位，SQNR 大约提高多少？"),
    "start.bits.a.6": ("6 dB", "6 dB"),
    "start.bits.a.12": ("12 dB", "12 dB"),
    "start.bits.a.24": ("24 dB", "24 dB"),
    "start.bits.a.48": ("48 dB", "48 dB"),
    "start.bits.why": ("4 more bits × 6.02 dB = 24.1 dB; on this tensor: {gain} dB.",
                       "多 4 位 × 6.02 dB = 24.1 dB；在这个张量上：{gain} dB。"),
    "start.bits.link.0": ("Bit width: every width at once, on the same bell-shaped tensor",
                          "位宽页：在同一个钟形张量上一次看所有位宽"),

    # --- 8. calibration -----------------------------------------------------------------------
    "start.calibration.idea": (
        "So far the range was given. In a real network you choose it by running a few sample "
        "inputs through the network and watching each tensor: this is **calibration**, and "
        "the rule that turns what it saw into [x_min, x_max] is an **observer**. The simplest, "
        "**min/max**, takes the smallest and largest value seen, so one rare huge value "
        "stretches the range and the other values share few codes. A **percentile** observer "
        "ignores the most extreme values (say the top and bottom {tail} %): it clips them on "
        "purpose to get a smaller s. Which one wins depends on how much those few values "
        "matter.",
        "到目前为止范围都是给定的。在真实网络中，要让几个样本输入流过网络、观察每个张量来选择范围："
        "这叫**校准**（calibration），把观察结果变成 [x_min, x_max] 的规则叫**观察器**"
        "（observer）。最简单的 **min/max** 取见到的最小值与最大值，因此一个罕见的巨大值就会把范围"
        "撑宽，其余数值只能共用少数几个码。**百分位**（percentile）观察器忽略最极端的数值（比如最高"
        "和最低的 {tail} %）：故意截断它们以换取更小的 s。哪种更好，取决于这少数数值有多重要。"),
    "start.calibration.pct": ("percentile kept", "保留的百分位"),
    "start.calibration.fig": ("Normal values with a few outliers", "带少数离群值的正态数据"),
    "start.calibration.counts": ("count of x", "x 的计数"),
    "start.calibration.grid": ("grid of the percentile range", "百分位范围的网格"),
    "start.calibration.minmax": ("min/max range", "min/max 范围"),
    "start.calibration.percentile": ("percentile range", "百分位范围"),
    "start.calibration.count": ("count", "计数"),
    "start.calibration.read": (
        "8 bits, asymmetric. Min/max: [{mm_lo}, {mm_hi}], s = {mm_s}, the data reach {mm_used} "
        "codes, SQNR {mm_db} dB. Percentile: [{pc_lo}, {pc_hi}], s = {pc_s}, {pc_used} codes, "
        "{pc_clip} % clipped, SQNR {pc_db} dB.",
        "8 位，非对称。min/max：[{mm_lo}, {mm_hi}]，s = {mm_s}，数据用到 {mm_used} 个码，"
        "SQNR {mm_db} dB。百分位：[{pc_lo}, {pc_hi}]，s = {pc_s}，用到 {pc_used} 个码，截断 "
        "{pc_clip} %，SQNR {pc_db} dB。"),
    "start.calibration.q_text": (
        "A tensor has a few values 20 times larger than the rest. With min/max calibration "
        "at 8 bits, the bulk of the values…",
        "一个张量中有少数数值比其余的大 20 倍。用 min/max 校准、8 位量化时，大部分数值……"),
    "start.calibration.a.all": ("use all 256 codes", "用上全部 256 个码"),
    "start.calibration.a.few": ("share a small part of the codes", "只共用一小部分码"),
    "start.calibration.a.clipped": ("are clipped", "被截断"),
    "start.calibration.why": (
        "the range [{lo}, {hi}] is set by the outliers; all the values together reach only "
        "{used} of 256 codes ({eff} effective bits).",
        "范围 [{lo}, {hi}] 由离群值决定；全部数值加起来只用到 256 个码中的 {used} 个（有效位数 "
        "{eff}）。"),
    "start.calibration.link.0": ("Calibration: every observer on this tensor",
                                 "校准页：这个张量上的所有观察器"),

    # --- 9. per channel -----------------------------------------------------------------------
    "start.per_channel.idea": (
        "A layer's weights form a matrix; each row computes one output **channel** (one "
        "feature of the layer's output). Rows can have very different ranges. **Per-tensor** "
        "quantization uses one scale for the whole matrix, set by the widest row, so narrow "
        "rows get only a few codes. **Per-channel** quantization stores one scale (and zero "
        "point) per row: a few more numbers to store, much less error on the narrow rows.",
        "一层的权重是一个矩阵；每一行计算一个输出**通道**（channel，即该层输出的一个特征）。"
        "各行的范围可能差别很大。**逐张量**（per-tensor）量化整个矩阵只用一个 scale，由最宽的行"
        "决定，于是窄的行只能用到少数几个码。**逐通道**（per-channel）量化每行存一个 scale（和零点）："
        "多存几个数，窄行的误差却小得多。"),
    "start.per_channel.spread": ("widest row / narrowest row (standard deviation)",
                                 "最宽行 / 最窄行（标准差之比）"),
    "start.per_channel.fig": ("Range of each row of a 16 × 64 weight",
                              "16 × 64 权重每一行的范围"),
    "start.per_channel.x": ("row (output channel)", "行（输出通道）"),
    "start.per_channel.x_min": ("x_min of the row", "该行的 x_min"),
    "start.per_channel.x_max": ("x_max of the row", "该行的 x_max"),
    "start.per_channel.tensor": ("per-tensor range", "逐张量范围"),
    "start.per_channel.read": (
        "8 bits, symmetric. SQNR of the whole weight: {tensor} dB per tensor, {channel} dB per "
        "channel. Of the narrowest row (row 0): {narrow_t} dB per tensor, {narrow_c} dB per "
        "channel.",
        "8 位，对称。整个权重的 SQNR：逐张量 {tensor} dB，逐通道 {channel} dB。最窄的一行"
        "（第 0 行）：逐张量 {narrow_t} dB，逐通道 {narrow_c} dB。"),
    "start.per_channel.q_text": ("Which rows gain the most from per-channel scales?",
                                 "哪些行从逐通道 scale 中获益最多？"),
    "start.per_channel.a.wide": ("the widest rows", "最宽的行"),
    "start.per_channel.a.narrow": ("the narrowest rows", "最窄的行"),
    "start.per_channel.a.equal": ("all rows equally", "所有行一样"),
    "start.per_channel.why": (
        "the widest row sets the per-tensor scale, so it loses nothing; the narrowest row "
        "goes from {narrow_t} dB to {narrow_c} dB here.",
        "最宽的行决定了逐张量的 scale，所以它没有损失；最窄的行在这里从 {narrow_t} dB 提高到 "
        "{narrow_c} dB。"),
    "start.per_channel.link.0": (
        "Per-channel: a larger weight with the same spread ({pc_spread}), {bits}-bit "
        "symmetric, per tensor, per channel and per group",
        "逐通道页：一个更大、同样差距（{pc_spread}）的权重，{bits} 位对称，逐张量、逐通道与逐组"),

    # --- 10. practice -------------------------------------------------------------------------
    "start.practice.idea": (
        "You now know every word the other pages use. Each one takes one question further:",
        "现在你已认识其他页面用到的所有词。每个页面把一个问题推进一步："),
    "start.practice.learn": ("Learn: the source notes retold, with their formulas and slips",
                             "学习：重述原始笔记，含公式与笔误"),
    "start.practice.explore": ("Explore: any tensor, any scheme, every number at once",
                               "探索：任意张量、任意方案，所有数字一目了然"),
    "start.practice.compare": ("Compare: two schemes on the same tensor",
                               "比较：同一张量上的两种方案"),
    "start.practice.bits": ("Bit width: every bit width at once", "位宽：一次看所有位宽"),
    "start.practice.calibration": ("Calibration: every observer on one tensor",
                                   "校准：一个张量上的所有观察器"),
    "start.practice.per_channel": ("Per-channel: per tensor, per channel, per group",
                                   "逐通道：逐张量、逐通道、逐组"),
    "start.practice.toolchains": (
        "Toolchains: PyTorch, ONNX Runtime, TensorRT and others on the same tensor",
        "工具链：PyTorch、ONNX Runtime、TensorRT 等在同一张量上的结果"),
    "start.practice.formats": ("Formats: integers against 8- and 4-bit floating point",
                               "数值格式：整数与 8 位、4 位浮点格式对比"),
    "start.practice.layer": ("Integer layer: a whole layer computed in integers",
                             "整数层：整层用整数计算"),
    "start.practice.model": ("Model: a small digit-recognition network, quantized",
                             "模型：量化一个识别手写数字的小网络"),
    "start.practice.outliers": ("Outliers: the huge activations of large language models",
                                "离群通道：大语言模型中的巨大激活值"),
    "start.practice.checkpoint": ("Checkpoint: every tensor of a model file",
                                  "检查点：模型文件中的每个张量"),

    # --- sidebar sections and the practitioner pages' place on the path -----------------------
    "section.basics.nav": ("Learn the basics", "基础入门"),
    "section.calibrate.nav": ("Calibrate and choose granularity", "校准与粒度"),
    "section.toolchains.nav": ("Toolchains and formats", "工具链与数值格式"),
    "section.networks.nav": ("Layers, networks and LLMs", "层、网络与大语言模型"),
    "path.where": ("On the path: {where}. Read first: {first}.",
                   "在学习路径中：{where}。建议先读：{first}。"),
    "path.learn": ("the notes in full, beside steps 1 to 5", "完整的笔记，与第 1 至 5 步对照"),
    "path.explore": ("the playground of steps 1 to 7", "第 1 至 7 步的实验场"),
    "path.compare": ("after step 3, asymmetric or symmetric", "第 3 步（非对称还是对称）之后"),
    "path.bits": ("after step 7, bits and 6 dB", "第 7 步（位数与 6 dB）之后"),
    "path.calibration": ("step 8, calibration, in depth", "深入第 8 步：校准"),
    "path.per_channel": ("step 9, per-channel, in depth", "深入第 9 步：逐通道"),
    "path.toolchains": ("after the whole path", "走完整条路径之后"),
    "path.formats": ("after step 7, beyond integers", "第 7 步之后：整数之外的格式"),
    "path.layer": ("after step 9, a layer in integers", "第 9 步之后：用整数计算一层"),
    "path.model": ("after the whole path, a network end to end", "走完整条路径之后：端到端的网络"),
    "path.outliers": ("after steps 8 and 9, for large language models",
                      "第 8、9 步之后：大语言模型"),
    "path.checkpoint": ("after the whole path, a real model file", "走完整条路径之后：真实的模型文件"),
    "path.gguf": ("after step 9, the block types of llama.cpp's files",
                  "第 9 步之后：llama.cpp 文件中的分块类型"),
    "path.ptq": ("after the whole path, rounding a layer with its inputs in view",
                 "走完整条路径之后：结合一层的输入来取整"),
    "path.qat": ("after the whole path, training with the rounding in the loop",
                 "走完整条路径之后：把取整放进训练中"),
}

#: Where each claim about another tool, a paper or the notes comes from.
SOURCES: dict[str, str] = {
    "start.scale.idea": (
        "PyTorch 2.13 torch.quantize_per_tensor: q = clamp(round(x / scale) + zero_point), "
        "x_hat = scale (q - zero_point) (run: 0.0 at scale 0.1, zero_point 10 -> code 10); "
        "other conventions: the Learn page, section 5"
    ),
    "start.practice.toolchains": "a link to the Toolchains page; its claims carry its sources",
    "path.learn": "the source notes, retold on the Learn page (its claims carry their sources)",
    "path.gguf": "a link to the GGUF page; its claims carry their sources",
}
