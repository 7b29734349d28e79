"""Strings of the QAT page (training with quantization)."""

TEXT = {
    "qat.nav": ("Training (QAT)", "量化感知训练"),
    "qat.title": ("Training with quantization: how does anything learn through round()?",
                  "带着量化训练：梯度如何穿过 round()？"),
    "qat.intro": ("When post-training quantization loses too much, the network is trained with "
                  "the quantizer in the loop (quantization-aware training, QAT). Every number "
                  "here comes from numpy code that equals PyTorch's fake-quantize kernels and "
                  "their gradients bit for bit.",
                  "当训练后量化损失太大时，就把量化器放进训练回路里（量化感知训练，QAT）。"
                  "本页每个数字都来自与 PyTorch 伪量化内核及其梯度逐位一致的 numpy 代码。"),
    # -- one weight through one fake quantizer --
    "qat.one.heading": ("One weight through one fake quantizer", "一个权重穿过一个伪量化器"),
    "qat.one.bits": ("bits", "位数"),
    "qat.one.bits.help": ("Signed symmetric codes: qmin = -2^(bits-1), qmax = 2^(bits-1) - 1, "
                          "zero_point 0.",
                          "有符号对称整数码：qmin = -2^(bits-1)，qmax = 2^(bits-1) - 1，"
                          "zero_point 为 0。"),
    "qat.one.scale": ("scale", "scale（步长）"),
    "qat.one.scale.help": ("The step between two neighbouring values of x_hat.",
                           "x_hat 相邻两个取值之间的步长。"),
    "qat.one.w": ("the weight w", "权重 w"),
    "qat.one.w.help": ("Where the gradients below are read.", "在这里读出下方的各个梯度。"),
    "qat.one.intro": (
        "A single weight w goes through the fake quantizer (quantize, clip to codes "
        "{qmin}..{qmax}, dequantize: x_hat) and the loss is L = (x_hat - {target})^2 / 2. "
        "Weights outside [{lo}, {hi}] are clipped (shaded).",
        "一个权重 w 穿过伪量化器（量化、截断到整数码 {qmin}..{qmax}、反量化，得到 x_hat），"
        "损失为 L = (x_hat - {target})^2 / 2。[{lo}, {hi}] 之外的权重被截断（阴影部分）。"),
    "qat.one.m.loss": ("loss L", "损失 L"),
    "qat.one.m.true": ("true dL/dw", "真实 dL/dw"),
    "qat.one.m.ste": ("STE dL/dw", "STE 的 dL/dw"),
    "qat.one.m.lsq": ("LSQ dL/dscale", "LSQ 的 dL/dscale"),
    "qat.one.alt": (
        "The loss is flat between {steps} jumps inside [{lo}, {hi}]. At w = {w}: x_hat = {x_hat}, "
        "the true gradient is 0, the STE's is {ste}, LSQ's gradient for the scale is {lsq}.",
        "在 [{lo}, {hi}] 内，损失在 {steps} 次跳变之间保持平坦。在 w = {w} 处：x_hat = {x_hat}，"
        "真实梯度为 0，STE 给出 {ste}，LSQ 对 scale 的梯度为 {lsq}。"),
    "qat.one.clipped": (
        "w = {w} is clipped: the STE passes no gradient to it (the mask is 0), but LSQ's "
        "gradient for the scale is {lsq}: a negative value asks for a larger scale, which "
        "widens the range until w fits.",
        "w = {w} 被截断：STE 不向它传任何梯度（掩码为 0），但 LSQ 对 scale 的梯度为 {lsq}："
        "负值意味着要增大 scale，把范围拉宽直到容下 w。"),
    "qat.one.round": (
        "**Why round() stops gradient descent.** round() is a staircase: between two half "
        "steps its output does not move when its input moves, so its derivative is 0; at a "
        "half step the output jumps and the derivative does not exist. The loss through the "
        "fake quantizer inherits this: its true gradient is 0 almost everywhere (the grey "
        "line at 0) with a spike at each jump. Gradient descent on it never moves a weight.",
        "**为什么 round() 让梯度下降停下来。** round() 是一道阶梯：在两个半步之间，输入变化时"
        "输出不动，所以导数为 0；在半步处输出跳变，导数不存在。经过伪量化器的损失继承了这一点："
        "它的真实梯度几乎处处为 0（位于 0 的灰线），只在每次跳变处有一个尖峰。"
        "在它上面做梯度下降，权重永远不会移动。"),
    "qat.one.ste": (
        "**The straight-through estimator (STE)** pretends round() is the identity in the "
        "backward pass, and keeps the clip: inside the range the gradient of x_hat passes "
        "straight through to w, outside it is 0. This is exactly what "
        "torch.fake_quantize_per_tensor_affine's backward computes (grad times the mask).",
        "**直通估计器（STE）** 在反向传播时把 round() 当作恒等函数，但保留截断：范围之内，"
        "x_hat 的梯度原样传给 w；范围之外为 0。torch.fake_quantize_per_tensor_affine 的反向"
        "正是这样计算的（梯度乘以掩码）。"),
    "qat.one.lsq": (
        "**LSQ learns the scale** (Esser et al., \"Learned Step Size Quantization\", ICLR "
        "2020). Its gradient of x_hat for the scale, with q = round(x/s) + Z, is the rounding "
        "error round(x/s) − x/s inside the range and the clipped code less Z (qmin − Z or "
        "qmax − Z) outside, and it is scaled by g so that "
        "N values sharing one scale do not swamp it. PyTorch's "
        "_fake_quantize_learnable_per_tensor_affine computes it; its sum over a tensor is "
        "the scale's gradient.",
        "**LSQ 学习 scale**（Esser 等，“Learned Step Size Quantization”，ICLR 2020）。"
        "记 q = round(x/s) + Z，x_hat 对 scale 的梯度在范围内是舍入误差 round(x/s) − x/s，在范围外"
        "是截断后的整数码减去 Z（qmin − Z 或 qmax − Z）；再乘以 g，使共享同一个 scale 的 N 个数值不会把它淹没。PyTorch 的 "
        "_fake_quantize_learnable_per_tensor_affine 计算的就是它；对整个张量求和即 scale 的梯度。"),
    "qat.fig.landscape": ("The loss along w: a staircase", "沿 w 的损失：一道阶梯"),
    "qat.fig.loss": ("loss L(w)", "损失 L(w)"),
    "qat.fig.clip": ("clipped", "被截断"),
    "qat.fig.w0": ("this weight", "当前权重"),
    "qat.fig.gradients": ("Gradients along w", "沿 w 的梯度"),
    "qat.fig.true": ("true dL/dw (0)", "真实 dL/dw（0）"),
    "qat.fig.spike": ("true dL/dw at a jump: a spike", "真实 dL/dw 在跳变处：尖峰"),
    "qat.fig.ste": ("STE dL/dw", "STE 的 dL/dw"),
    "qat.fig.lsq": ("LSQ dL/dscale", "LSQ 的 dL/dscale"),
    "qat.fig.gradient": ("gradient", "梯度"),
    # -- training live --
    "qat.train.heading": ("Training the digits network live", "现场训练手写数字网络"),
    "qat.train.intro": (
        "The digits network (the Model page's) is fine-tuned with its weights and activations "
        "fake-quantized: weights per tensor, signed symmetric; the input and both ReLU outputs "
        "unsigned; starting from MinMax ranges. The committed images have no training labels, "
        "so it learns from the float network's answers (distillation), in batches of {batch} "
        "images, SGD with momentum. Accuracy is on the test images.",
        "手写数字网络（即模型页的网络）在权重和激活都伪量化的情况下微调：权重按张量、有符号对称；"
        "输入和两个 ReLU 输出为无符号；从 MinMax 范围开始。提交的图像没有训练标签，所以它向浮点"
        "网络的输出学习（蒸馏），每批 {batch} 张图，使用带动量的 SGD。准确率在测试图像上计算。"),
    "qat.train.bits": ("bits", "位数"),
    "qat.train.bits.help": ("Bits of every weight and activation quantizer.",
                            "每个权重与激活量化器的位数。"),
    "qat.train.method": ("method", "方法"),
    "qat.train.method.help": ("STE keeps the MinMax scales; LSQ learns them; freezing also "
                              "stops weights that oscillate.",
                              "STE 保持 MinMax 的 scale；LSQ 学习它们；冻结还会停住来回振荡的权重。"),
    "qat.train.method.ste": ("STE", "STE"),
    "qat.train.method.lsq": ("LSQ", "LSQ"),
    "qat.train.method.lsq_freeze": ("LSQ + freezing", "LSQ + 冻结"),
    "qat.train.epochs": ("epochs", "轮数"),
    "qat.train.epochs.help": ("Runs of up to {auto} epochs are shown at once; longer ones wait "
                              "for the Train button.",
                              "不超过 {auto} 轮的训练会直接显示；更长的要按“训练”按钮。"),
    "qat.train.seed": ("seed", "随机种子"),
    "qat.train.seed.help": ("Draws the batch order: same seed, same numbers.",
                            "决定批次顺序：相同种子，相同结果。"),
    "qat.train.start": ("Train {epochs} epochs", "训练 {epochs} 轮"),
    "qat.train.stop": ("Stop", "停止"),
    "qat.train.resume": ("Resume", "继续"),
    "qat.train.progress": ("{done} of {epochs} epochs", "已完成 {done} / {epochs} 轮"),
    "qat.train.stopped": ("Stopped after {done} of {epochs} epochs: Resume continues from "
                          "epoch {done}.",
                          "在第 {done} / {epochs} 轮后停止：“继续”会从第 {done} 轮接着训练。"),
    "qat.train.partial": ("This run has {done} of {epochs} epochs: Resume continues from "
                          "epoch {done}.",
                          "这次训练已完成 {done} / {epochs} 轮：“继续”会从第 {done} 轮接着训练。"),
    "qat.train.press": ("{epochs} epochs take a few seconds: press Train to watch them run "
                        "(up to {auto} epochs are shown at once).",
                        "{epochs} 轮需要几秒钟：按“训练”观看训练过程（不超过 {auto} 轮的会直接显示）。"),
    "qat.m.ptq": ("PTQ, {bits} bits, per tensor", "训练后量化，{bits} 位，按张量"),
    "qat.m.ptq_channel": ("PTQ, {bits} bits, per channel", "训练后量化，{bits} 位，按通道"),
    "qat.m.qat": ("{method} after {epochs} epochs", "{method}，{epochs} 轮后"),
    "qat.m.float": ("float network", "浮点网络"),
    "qat.acc.heading": ("Accuracy per epoch at {bits} bits (seed {seed})",
                        "{bits} 位下每轮的准确率（种子 {seed}）"),
    "qat.acc.alt": ("{method} starts at {start} (the per-tensor PTQ network) and reaches {end} "
                    "after {epochs} epochs (best {best}); per-channel PTQ gets {ptq_c}.",
                    "{method} 从 {start}（按张量的训练后量化网络）开始，{epochs} 轮后达到 {end}"
                    "（最好 {best}）；按通道的训练后量化为 {ptq_c}。"),
    "qat.acc.missing": ("Not trained yet with these settings: {methods}. Pick one and train it "
                        "to add its line.",
                        "这些方法在当前设置下还没有训练：{methods}。选中并训练后即可加入曲线。"),
    "qat.fig.accuracy": ("Test accuracy per epoch", "每轮的测试准确率"),
    "qat.fig.epoch": ("epoch", "轮次"),
    "qat.fig.accuracy_y": ("accuracy (%)", "准确率（%）"),
    "qat.fig.ptq": ("PTQ per tensor", "训练后量化（按张量）"),
    "qat.fig.ptq_channel": ("PTQ per channel", "训练后量化（按通道）"),
    "qat.fig.float": ("float", "浮点"),
    "qat.scales.heading": ("Learned scales against MinMax ones", "学到的 scale 与 MinMax 的对比"),
    "qat.scales.weight": ("{name} weights", "{name} 权重"),
    "qat.point.input": ("input", "输入"),
    "qat.point.fc1_relu": ("fc1 ReLU", "fc1 ReLU"),
    "qat.point.fc2_relu": ("fc2 ReLU", "fc2 ReLU"),
    "qat.fig.scales": ("Each quantizer's scale", "每个量化器的 scale"),
    "qat.fig.quantizer": ("quantizer", "量化器"),
    "qat.fig.learned": ("after training", "训练之后"),
    "qat.scales.ste": ("The STE keeps every scale at its MinMax value: the two bars are equal. "
                       "Choose LSQ to learn them.",
                       "STE 让每个 scale 保持 MinMax 值：两根柱子一样高。选择 LSQ 来学习它们。"),
    "qat.scales.alt": ("MinMax → learned: {pairs}.", "MinMax → 学到的：{pairs}。"),
    "qat.osc.heading": ("Weights that oscillate across a rounding boundary",
                        "在舍入边界两侧来回振荡的权重"),
    "qat.osc.intro": (
        "A latent weight that sits near a half step flips its integer code up, then down, then "
        "up again, from batch to batch: the STE gradient pushes it across the boundary and the "
        "other side pushes it back (Nagel et al., \"Overcoming Oscillations in "
        "Quantization-Aware Training\", ICML 2022). Counted here: a code change opposite to "
        "the weight's previous change.",
        "停在半步附近的潜在权重会随批次把整数码先往上翻、再往下翻、再往上翻：STE 梯度把它推过"
        "边界，另一侧又把它推回来（Nagel 等，“Overcoming Oscillations in Quantization-Aware "
        "Training”，ICML 2022）。这里的计数：与该权重上一次变化方向相反的一次整数码变化。"),
    "qat.fig.oscillations": ("Oscillations per epoch", "每轮的振荡"),
    "qat.fig.events": ("oscillations", "振荡次数"),
    "qat.fig.oscillating": ("weights that oscillated", "振荡过的权重数"),
    "qat.fig.count": ("count", "计数"),
    "qat.osc.alt": ("{events} oscillations in {epochs} epochs; in the last epoch {last}, by "
                    "{weights} of the {total} weights.",
                    "{epochs} 轮共 {events} 次振荡；最后一轮 {last} 次，来自 {total} 个权重中的 "
                    "{weights} 个。"),
    "qat.osc.frozen": ("Freezing stopped {frozen} weights (moving-average momentum m = {m}, "
                       "threshold {th} oscillations per step).",
                       "冻结停住了 {frozen} 个权重（滑动平均动量 m = {m}，阈值为每步 {th} 次振荡）。"),
    "qat.osc.damp": (
        "**What damps them.** Nagel et al. (section 4.2) freeze a weight once it oscillates "
        "too often: each weight keeps a moving average f of its oscillations o, and when f "
        "passes a threshold the weight is fixed at its most frequent recent code (the rounded "
        "moving average of its codes) and no longer updated. A smaller learning rate near the "
        "end also damps them, at the price of slower training.",
        "**如何抑制振荡。** Nagel 等（第 4.2 节）在权重振荡过于频繁时将其冻结：每个权重维护其"
        "振荡 o 的滑动平均 f，一旦 f 超过阈值，权重就固定在它近期的整数码上（整数码滑动平均的"
        "取整值），不再更新。训练后期减小学习率也能抑制振荡，代价是训练更慢。"),
    # -- where this sits --
    "qat.where.heading": ("Where this sits in PyTorch, torchao and ModelOpt",
                          "它在 PyTorch、torchao 与 ModelOpt 中的位置"),
    "qat.where.pytorch": (
        "**PyTorch 2.13** (torch/ao/quantization, checked in its source): "
        "`prepare_qat(model)` swaps each module for its QAT version, whose weights and outputs "
        "go through `FakeQuantize` modules: a MovingAverageMinMaxObserver and "
        "`torch.fake_quantize_per_tensor_affine`, the STE whose forward and backward this page "
        "computes. `get_default_qat_qconfig(\"x86\")` uses `FusedMovingAvgObsFakeQuantize` "
        "instead, observer and fake quantize in one op (the Toolchains page's "
        "\"PyTorch x86 QAT\" row). LSQ is the private `_LearnableFakeQuantize` "
        "(`use_grad_scaling=True` gives g = 1/sqrt(numel · quant_max)). In 2.13 "
        "`prepare_qat` carries a deprecation warning pointing to torchao.",
        "**PyTorch 2.13**（torch/ao/quantization，已对照源码核实）：`prepare_qat(model)` 把每个"
        "模块换成其 QAT 版本，其权重和输出都经过 `FakeQuantize` 模块：一个 "
        "MovingAverageMinMaxObserver 加上 `torch.fake_quantize_per_tensor_affine`，也就是本页"
        "计算其前向与反向的 STE。`get_default_qat_qconfig(\"x86\")` 改用 "
        "`FusedMovingAvgObsFakeQuantize`，把观察器与伪量化合成一个算子（工具链页的"
        "“PyTorch x86 量化感知训练”一行）。LSQ 是私有的 `_LearnableFakeQuantize`"
        "（`use_grad_scaling=True` 时 g = 1/sqrt(numel · quant_max)）。在 2.13 中 "
        "`prepare_qat` 带有弃用警告，指向 torchao。"),
    "qat.where.torchao": (
        "**torchao 0.18** (torchao/quantization/qat, checked in its source): "
        "`quantize_(model, QATConfig(base_config, step=\"prepare\"))`, train, then "
        "`step=\"convert\"`. Its fake quantizers round with `_Round`, whose backward is the "
        "identity (the STE). `IntxFakeQuantizeConfig(..., range_learning=True)` (a prototype) "
        "turns the scales (and asymmetric zero points) into trainable `nn.Parameter`s after "
        "`initialize_fake_quantizers`, learned by autograd through that rounding.",
        "**torchao 0.18**（torchao/quantization/qat，已对照源码核实）："
        "`quantize_(model, QATConfig(base_config, step=\"prepare\"))`，训练，然后 "
        "`step=\"convert\"`。它的伪量化器用 `_Round` 取整，其反向是恒等（即 STE）。"
        "`IntxFakeQuantizeConfig(..., range_learning=True)`（原型功能）在 "
        "`initialize_fake_quantizers` 之后把 scale（以及非对称时的零点）变成可训练的 "
        "`nn.Parameter`，由穿过这种取整的自动求导来学习。"),
    "qat.where.modelopt": (
        "**NVIDIA ModelOpt** (TensorRT Model Optimizer; described from NVIDIA's QAT blog post, "
        "\"How Quantization Aware Training Enables Low-Precision Accuracy Recovery\", its "
        "source not checked here): QAT is calibrate with `mtq.quantize`, then train the "
        "quantized model with the usual training loop.",
        "**NVIDIA ModelOpt**（TensorRT Model Optimizer；依据 NVIDIA 的 QAT 博文"
        "“How Quantization Aware Training Enables Low-Precision Accuracy Recovery”描述，"
        "此处未核对其源码）：QAT 即先用 `mtq.quantize` 校准，再用常规训练循环训练量化后的模型。"),
}

#: Where each claim about another tool, a paper or the notes comes from.
SOURCES: dict[str, str] = {
    'qat.intro': (
        'torch 2.13.0 fake_quantize_per_tensor_affine and '
        '_fake_quantize_learnable_per_tensor_affine, forward and backward: '
        'tests/data/golden_qat.npz (tests/library/test_qat.py)'
    ),
    'qat.one.lsq': (
        'Esser et al., LSQ, ICLR 2020, §2 (the step-size gradient and its scale g); torch 2.13.0 '
        'torch/ao/quantization/_learnable_fake_quantize.py (grad_factor); run: '
        '_fake_quantize_learnable_per_tensor_affine(x, s=0.1, Z=5, 0, 15) gives dx_hat/ds = '
        '-5, 0.4, 10 for x = -10, 0.26, 10 (qmin - Z, round(x/s) - x/s, qmax - Z); '
        'tests/data/golden_qat.npz'
    ),
    'qat.where.heading': (
        'see qat.where.pytorch, qat.where.torchao, qat.where.modelopt'
    ),
    'qat.where.pytorch': (
        'torch 2.13.0 torch/ao/quantization/quantize.py prepare_qat '
        '(@deprecated(DEPRECATION_WARNING), utils.py); fake_quantize.py FakeQuantize, '
        'default_fake_quant, default_weight_fake_quant (MovingAverageMinMaxObserver); '
        "qconfig.py get_default_qat_qconfig('x86') FusedMovingAvgObsFakeQuantize; "
        '_learnable_fake_quantize.py use_grad_scaling (grad_factor = 1 / sqrt(numel * '
        'quant_max)) (live: tests/library/test_qat.py)'
    ),
    'qat.where.torchao': (
        'torchao 0.18.0 torchao/quantization/qat/api.py QATConfig(step), '
        'initialize_fake_quantizers; quant_primitives.py _Round (backward returns gy); '
        'qat/fake_quantize_config.py IntxFakeQuantizeConfig range_learning (prototype); '
        'qat/fake_quantizer.py _maybe_update_qparams_for_range_learning (nn.Parameter '
        'scale, zero point only when asymmetric) (live: tests/library/test_qat.py)'
    ),
    'qat.where.modelopt': (
        "NVIDIA technical blog, 'How Quantization Aware Training Enables Low-Precision "
        "Accuracy Recovery' (source not checked, as the sentence says)"
    ),
}
