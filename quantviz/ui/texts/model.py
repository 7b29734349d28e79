"""Strings of the Model page (its navigation title is in common.py)."""

TEXT = {
    "model.title": ("A real network: what quantization does to a digit classifier",
                    "真实网络：量化对数字分类器的影响"),
    "model.intro": ("Every other page ends at one tensor's error. Here a small trained network "
                    "is quantized with the app's own code and judged by what matters: how many "
                    "test images it still gets right, and how often it answers as the float "
                    "model does.",
                    "其他页面都止步于单个张量的误差。这里用本应用自己的代码量化一个训练好的小网络，"
                    "并用真正重要的标准来评判：它还能答对多少测试图像，以及它的回答有多常与浮点模型一致。"),
    "model.data": ("**The network:** an MLP {arch} with ReLU, trained by "
                   "`scripts/train_digits_model.py` (seeded, one thread) on the UCI ML "
                   "hand-written digits data set (E. Alpaydin and C. Kaynak, 1998), which "
                   "scikit-learn ships with its package: 8x8 images, each pixel counting the "
                   "set pixels of a 4x4 block of a 32x32 bitmap. Test set: {n} images. "
                   "Calibration: {calib} images of the training split, {batches} batches of "
                   "{batch}.",
                   "**网络：** 一个带 ReLU 的 MLP {arch}，由 `scripts/train_digits_model.py`"
                   "（固定种子、单线程）在 UCI ML 手写数字数据集（E. Alpaydin 与 C. Kaynak，1998）"
                   "上训练，该数据集随 scikit-learn 一起发布：8x8 图像，每个像素是 32x32 位图中一个 "
                   "4x4 块里被点亮的像素数。测试集：{n} 张图像。校准：训练集中的 {calib} 张图像，"
                   "共 {batches} 批，每批 {batch} 张。"),
    "model.setting": ("Current setting: {mode} at {bits} bits; {w}; activations calibrated by "
                      "{observer} on {batches} batches.",
                      "当前设置：{mode}，{bits} 位；{w}；激活由 {observer} 在 {batches} 批数据上校准。"),
    "model.net.heading": ("Network", "网络"),
    "model.net.label": ("Weights", "权重来源"),
    "model.net.label.builtin": ("trained here", "本项目训练"),
    "model.net.label.upload": ("upload", "上传"),
    "model.net.help": ("The committed network, or a checkpoint of your own with the same layers "
                       "(for example trained with another seed).",
                       "项目自带的网络，或你自己的、层结构相同的检查点（例如用另一个种子训练的）。"),
    "model.net.upload": ("Checkpoint (.safetensors or .npz)", "检查点（.safetensors 或 .npz）"),
    "model.net.upload.help": ("Tensors fc1.weight (64, 64), fc1.bias, fc2.weight (32, 64), "
                              "fc2.bias, fc3.weight (10, 32), fc3.bias, in PyTorch's nn.Linear "
                              "layout; other tensors are ignored. Pickles are refused.",
                              "张量 fc1.weight (64, 64)、fc1.bias、fc2.weight (32, 64)、fc2.bias、"
                              "fc3.weight (10, 32)、fc3.bias，采用 PyTorch nn.Linear 的布局；其他张量会被"
                              "忽略。拒绝 pickle 文件。"),
    "model.net.none": ("No file yet: the network trained here is shown until you upload one.",
                       "尚未上传：在上传之前显示本项目训练的网络。"),
    "model.net.refused": ("This checkpoint cannot be used: {reason}", "无法使用该检查点：{reason}"),
    "model.net.kept": ("The uploaded checkpoint could not be used (see the sidebar); showing the "
                       "network trained here.",
                       "上传的检查点无法使用（见侧边栏）；仍显示本项目训练的网络。"),
    "model.net.loaded": ("Using {name}.", "正在使用 {name}。"),
    "model.net.uploaded": ("Weights from your upload; the data, the split and the calibration "
                           "images are the committed ones.",
                           "权重来自你的上传；数据、划分与校准图像仍为项目自带的。"),
    "model.sidebar": ("Quantize the network", "量化网络"),
    "model.mode.label": ("What is quantized", "量化哪些部分"),
    "model.mode.label.weights": ("weights only", "仅权重"),
    "model.mode.label.activations": ("activations only", "仅激活"),
    "model.mode.label.both": ("weights and activations", "权重与激活"),
    "model.mode.help": ("Weights only keeps every activation in float (W-bits/A32), "
                        "activations only keeps the weights in float (W32/A-bits), as AIMET's "
                        "quant analyzer separates them.",
                        "仅权重时所有激活保持浮点（W 位/A32），仅激活时权重保持浮点（W32/A 位），"
                        "与 AIMET 量化分析器的区分方式相同。"),
    "model.bits.label": ("Bits (weights and activations)", "位宽（权重与激活）"),
    "model.bits.help": ("One bit width for every quantized tensor of the network.",
                        "网络中所有被量化的张量使用同一位宽。"),
    "model.wscheme.label": ("Weights", "权重"),
    "model.wscheme.help": ("Signed codes with a MinMax range, as PyTorch's weight observers; "
                           "symmetric puts the zero point at 0.",
                           "有符号码，MinMax 范围，与 PyTorch 的权重观察器相同；对称时零点为 0。"),
    "model.perch.label": ("Per output channel", "逐输出通道"),
    "model.perch.help": ("One scale and zero point per row of each weight matrix instead of "
                         "one per matrix.",
                         "每个权重矩阵的每一行各用一组 scale 和零点，而不是整个矩阵一组。"),
    "model.perch.on": ("per channel", "逐通道"),
    "model.perch.off": ("per tensor", "逐张量"),
    "model.ascheme.label": ("Activations", "激活"),
    "model.ascheme.help": ("Asymmetric activations use unsigned codes (quint8), symmetric ones "
                           "signed codes with the zero point at 0 (qint8).",
                           "非对称激活使用无符号码（quint8），对称激活使用零点为 0 的有符号码（qint8）。"),
    "model.calib.label": ("Activation calibration", "激活校准"),
    "model.calib.help": ("The observer that sets each activation's range from the calibration "
                         "batches, run through the float network.",
                         "根据校准批次（经过浮点网络）确定各激活范围的观察器。"),
    "model.ncal.label": ("Calibration batches", "校准批数"),
    "model.ncal.help": ("How many batches of training images the observers see.",
                        "观察器看到多少批训练图像。"),
    "model.metric.float": ("Float accuracy", "浮点准确率"),
    "model.metric.float.help": ("{correct} of {n} test images right.",
                                "{n} 张测试图像中答对 {correct} 张。"),
    "model.metric.quant": ("Quantized accuracy", "量化后准确率"),
    "model.metric.quant.help": ("{correct} of {n} test images right.",
                                "{n} 张测试图像中答对 {correct} 张。"),
    "model.metric.delta": ("{d} images", "{d} 张图像"),
    "model.metric.agree": ("Agreement with float", "与浮点一致率"),
    "model.metric.agree.help": ("The quantized network gives the float network's answer on "
                                "{agree} of {n} images, right or wrong.",
                                "在 {n} 张图像中，量化网络有 {agree} 张与浮点网络的回答相同（无论对错）。"),
    "model.metric.flipped": ("Broken by quantization", "被量化弄错"),
    "model.metric.flipped.help": ("Test images the float network gets right and the quantized "
                                  "one gets wrong.",
                                  "浮点网络答对、量化网络答错的测试图像数。"),
    "model.sweep.heading": ("Accuracy and agreement against bits", "准确率、一致率与位宽"),
    "model.fig.bits": ("bits", "位宽"),
    "model.fig.float": ("float network", "浮点网络"),
    "model.fig.accuracy": ("Test accuracy against bits", "测试准确率与位宽"),
    "model.fig.agreement": ("Agreement with the float network against bits",
                            "与浮点网络的一致率与位宽"),
    "model.fig.accuracy_y": ("accuracy (%)", "准确率（%）"),
    "model.fig.agreement_y": ("agreement (%)", "一致率（%）"),
    "model.sweep.lowest": ("Keeps the float accuracy (at most {slack} image fewer) from "
                           "**{weights}** bits with weights only, **{activations}** bits with "
                           "activations only, **{both}** bits with both.",
                           "保持浮点准确率（最多少答对 {slack} 张）所需位宽：仅权重 **{weights}** 位，"
                           "仅激活 **{activations}** 位，两者都量化 **{both}** 位。"),
    "model.fig.formats": ("{name}: formats", "{name}：数字格式"),
    "model.axis.zoom": ("The y axis runs from {lo} % to {hi} %, not from 0, so that the few "
                        "points between schemes show.",
                        "纵轴从 {lo}% 到 {hi}%，不从 0 开始，以便看清各方案之间几个百分点的差别。"),
    "model.axis.below_bits": ("At {keys} bits a line falls below it (the lowest value is "
                              "{lowest} %).",
                              "在 {keys} 位时有曲线低于纵轴下限（最低为 {lowest}%）。"),
    "model.axis.below_layers": ("For {keys} a bar falls below it (the lowest value is "
                                "{lowest} %).",
                                "{keys} 有柱低于纵轴下限（最低为 {lowest}%）。"),
    "model.fig.bpv": ("bits per value", "每个值的位数"),
    "model.fmt.intro": (
        "**Number formats on the same axis.** The markers are formats of the Formats page, "
        "each at its bits per weight over this network with its scales counted (the integer "
        "lines sit at their code width, scales not counted), scored with weights only and "
        "with weights and activations. Here formats take no calibration: "
        "the weights' scales come from the weights (blocks along each layer's inputs), and "
        "activations in a format are fake-quantized in the same format with scales taken at "
        "run time from each image's own values (per block along the features; per image for "
        "FP8 per tensor and NVFP4's tensor scale), so the calibration controls do not move "
        "them. Scaling per image is this page's choice: deployed FP8 and NVFP4 per-tensor "
        "activation scales are calibrated ahead of time (ModelOpt's max calibration, see "
        "Toolchains); only MX and NVFP4 block scales are computed at run time. {weight_only} are scored with weights only: their kernels (bitsandbytes' "
        "Linear4bit, torchao's Int4WeightOnlyConfig) multiply 16-bit float activations by "
        "dequantized weights. The layers have at most {inputs} inputs, so NF4's block of "
        "{nf4_block} and the INT4 group of {group} hold one scale per row of weights here.",
        "**同一坐标轴上的数字格式。**图中的标记是“格式”页面中的格式，每个都放在这个网络的权重在该格式下"
        "的每值位数处，scale 已计入（整数曲线位于其码宽处，未计入 scale），分别计算仅量化权重和"
        "权重与激活都量化两种情形。这里格式不经校准：权重的 scale "
        "来自权重本身（沿每层的输入分块）；以格式表示的激活用同一格式做伪量化，scale 在运行时从每张图像"
        "自己的数值中得到（沿特征分块；FP8 逐张量和 NVFP4 的张量级 scale 按每张图像计算），因此校准相关"
        "的控件不会改变它们。按每张图像定 scale 是本页的选择：实际部署时 FP8 与 NVFP4 的逐张量激活 scale "
        "是事先校准好的（ModelOpt 的 max 校准，见“工具链”页）；只有 MX 与 NVFP4 的块 scale 在运行时"
        "计算。{weight_only} 只计算仅量化权重的情形：它们的计算核（bitsandbytes 的 "
        "Linear4bit、torchao 的 Int4WeightOnlyConfig）用 16 位浮点激活乘以反量化后的权重。各层最多 "
        "{inputs} 个输入，因此这里 NF4 的 {nf4_block} 个一块和 INT4 的 {group} 个一组都相当于每行"
        "权重一个 scale。"),
    "model.fmt.col.format": ("format", "格式"),
    "model.fmt.col.bpv": ("bits per weight (scales counted)", "每个权重的位数（含 scale）"),
    "model.fmt.col.acc": ("accuracy, {mode} (%)", "准确率，{mode}（%）"),
    "model.fmt.col.agree": ("agreement, {mode} (%)", "一致率，{mode}（%）"),
    "model.fmt.kept": (
        "With {mode}, {k} of {total} formats keep the float accuracy (at most {slack} image "
        "fewer); the fewest bits per weight among them: **{fmt}** at {bpv} bits, {acc}.",
        "{mode}：{total} 种格式中有 {k} 种保持浮点准确率（最多少答对 {slack} 张）；其中每个权重"
        "位数最少的是 **{fmt}**，{bpv} 位，准确率 {acc}。"),
    "model.fmt.none_kept": ("With {mode}, no format keeps the float accuracy (at most "
                            "{slack} image fewer).",
                            "{mode}：没有任何格式能保持浮点准确率（最多少答对 {slack} 张）。"),
    "model.kind.symmetric": ("symmetric", "对称"),
    "model.kind.asymmetric": ("asymmetric", "非对称"),
    "model.scheme.row": ("weights {w}, {g}; activations {a}", "权重{w}、{g}；激活{a}"),
    "model.table.heading": ("Every scheme", "所有方案"),
    "model.table.intro": ("Test accuracy (%) of each scheme; activations calibrated by "
                          "{observer} on {batches} batches.",
                          "各方案的测试准确率（%）；激活由 {observer} 在 {batches} 批数据上校准。"),
    "model.table.scheme": ("scheme", "方案"),
    "model.table.col": ("{mode}, {bits} bits", "{mode}，{bits} 位"),
    "model.layers.heading": ("Which layer hurts? Each layer quantized alone at {bits} bits",
                             "哪一层最受影响？每次只量化一层（{bits} 位）"),
    "model.fig.layers": ("Test accuracy with one layer quantized", "只量化一层时的测试准确率"),
    "model.fig.layer": ("layer", "层"),
    "model.layers.worst": ("Quantized alone at {bits} bits, **{name}** hurts most: "
                           "{acc} correct, {lost} images fewer than float, and the float "
                           "answer kept on {agree} of {n} images.",
                           "在 {bits} 位下单独量化时，**{name}** 影响最大：准确率 {acc}，"
                           "比浮点少答对 {lost} 张，{n} 张中有 {agree} 张保持浮点的回答。"),
    "model.layers.none": ("Quantized alone at {bits} bits, no layer changes a single answer of "
                          "the float network on the {n} test images.",
                          "在 {bits} 位下单独量化任何一层，{n} 张测试图像上浮点网络的回答都一个不变。"),
    "model.layers.how": ("As AIMET's quant analyzer does it (per-layer analysis by enabling "
                         "one layer's quantizers): the layer's weights and its output are "
                         "quantized (fc1 also its input), every other layer stays in float. "
                         "A difference of a few images out of the test set is noise.",
                         "与 AIMET 量化分析器的做法相同（逐层只开启一层的量化器）：量化该层的权重和输出"
                         "（fc1 还包括其输入），其他层保持浮点。测试集中相差几张图像属于噪声。"),
    "model.calib.heading": ("Calibrators compared", "校准方法比较"),
    "model.calib.intro": ("Each observer sets the activation ranges from {batches} batches "
                          "({images} images); the weights follow the sidebar.",
                          "各观察器根据 {batches} 批（{images} 张图像）确定激活范围；权重按侧边栏设置。"),
    "model.calib.col.name": ("calibrator", "校准方法"),
    "model.point.input": ("input range, {bits} bits", "输入范围，{bits} 位"),
    "model.point.fc1_relu": ("fc1 ReLU range, {bits} bits", "fc1 ReLU 范围，{bits} 位"),
    "model.point.fc2_relu": ("fc2 ReLU range, {bits} bits", "fc2 ReLU 范围，{bits} 位"),
    "model.point.logits": ("logits range, {bits} bits", "logits 范围，{bits} 位"),
    "model.point.input.name": ("input", "输入"),
    "model.point.fc1_relu.name": ("fc1 ReLU output", "fc1 ReLU 输出"),
    "model.point.fc2_relu.name": ("fc2 ReLU output", "fc2 ReLU 输出"),
    "model.point.logits.name": ("logits", "logits（输出层）"),
    "model.calib.clip": ("{worst} clips hardest at the {point}: [{lo}, {hi}] where MinMax keeps "
                         "[{mlo}, {mhi}], {share} % of its width. Every value above the range "
                         "saturates at the top code.",
                         "{worst} 在{point}处截断最严重：范围为 [{lo}, {hi}]，而 MinMax 为 [{mlo}, {mhi}]，"
                         "只有其宽度的 {share} %。超出范围的值全部饱和到最大码。"),
    "model.calib.result": ("At {bits} bits with weights and activations quantized, "
                           "{best} does best ({best_acc}) and {worst} worst ({worst_acc}): "
                           "{d} images apart.",
                           "在 {bits} 位、权重与激活都量化时，{best} 最好（{best_acc}），"
                           "{worst} 最差（{worst_acc}）：相差 {d} 张图像。"),
    "model.advice.heading": ("The notes' advice, put to the test", "检验笔记中的建议"),
    "model.advice.intro": ("The notes advise, citing PyTorch's blog post \"Practical Quantization "
                           "in PyTorch\" (pytorch.org/blog/quantization-in-practice): weights "
                           "symmetric with MinMax, activations asymmetric with the moving-average "
                           "MinMax. The notes do not say per tensor or per channel; \"the advice\" "
                           "below is per tensor, and one variant makes the weights per channel "
                           "(PyTorch's own x86 default for weights). Each variant changes one "
                           "thing; weights and activations are quantized.",
                           "笔记引用 PyTorch 的博客文章《Practical Quantization in PyTorch》"
                           "（pytorch.org/blog/quantization-in-practice）建议：权重用对称量化与 "
                           "MinMax，激活用非对称量化与滑动平均 MinMax。笔记没有说逐张量还是逐通道；"
                           "下面的“笔记的建议”按逐张量处理，另有一个变体把权重改为逐通道（PyTorch 在 "
                           "x86 上对权重的默认做法）。每个变体只改一处，权重与激活都量化。"),
    "model.advice.col.variant": ("variant", "变体"),
    "model.advice.col.acc": ("accuracy (%), {bits} bits", "准确率（%），{bits} 位"),
    "model.advice.col.agree": ("agreement (%), {bits} bits", "一致率（%），{bits} 位"),
    "model.advice.advice": ("the advice", "笔记的建议"),
    "model.advice.weights_asymmetric": ("weights asymmetric", "权重改为非对称"),
    "model.advice.weights_per_channel": ("weights per channel", "权重改为逐通道"),
    "model.advice.activations_minmax": ("activations with MinMax", "激活改用 MinMax"),
    "model.advice.activations_symmetric": ("activations symmetric", "激活改为对称"),
    "model.advice.verdict": ("**{bits} bits:** the advice gets {a} of {n} right.",
                             "**{bits} 位：** 建议方案答对 {n} 张中的 {a} 张。"),
    "model.advice.item": ("{name} ({d:+d} ± {se})", "{name}（{d:+d} ± {se}）"),
    "model.advice.sep": (", ", "、"),
    "model.advice.better": ("Better beyond noise: {items}.", "超出噪声地更好：{items}。"),
    "model.advice.no_better": ("No variant is better beyond noise.",
                               "没有变体超出噪声地更好。"),
    "model.advice.worse": ("Worse beyond noise: {items}.", "超出噪声地更差：{items}。"),
    "model.advice.same": ("Within noise: {items}.", "在噪声范围内：{items}。"),
    "model.advice.how": ("Each variant against the advice on the same images (McNemar's test): "
                         "+d images it gets right that the advice gets wrong, net; ± one "
                         "standard error, the square root of the images where exactly one of the "
                         "two is right. Beyond noise: more than two standard errors. The "
                         "test covers which test images were drawn, not which calibration "
                         "batches: each verdict holds for this calibration and bit width only.",
                         "每个变体与建议方案在同一批图像上比较（McNemar 检验）：+d 为该变体答对而建议方案"
                         "答错的图像净数；± 为一个标准误差，即两者恰有一个答对的图像数的平方根。超出噪声："
                         "超过两个标准误差。该检验只涵盖抽到了哪些测试图像，不涵盖用了哪些校准批次：每个结论只对"
                         "当前的校准与位宽成立。"),
    "model.advice.none_better": ("On this network no single change beats the advice beyond "
                                 "noise: it is a sound default here. Where a variant is worse "
                                 "beyond noise, the advice's choice matters, at this calibration "
                                 "and bit width.",
                                 "在这个网络上，没有任何单项改动超出噪声地胜过该建议：它在这里是可靠的默认选择。"
                                 "若某个变体超出噪声地更差，说明在当前校准与位宽下，建议中的那一项选择确实重要。"),
    "model.advice.some_better": ("On this network a single change beats the advice beyond the "
                                 "noise of the test set: see the variants marked better.",
                                 "在这个网络上，有单项改动超出测试集噪声地胜过该建议：见标为更好的变体。"),
    "model.mistakes.heading": ("What the quantized network gets wrong", "量化网络答错的图像"),
    "model.mistakes.count": ("{total} of {n} test images wrong under this setting, {flipped} "
                             "of them right in float (shown first); {shown} shown.",
                             "当前设置下 {n} 张测试图像中答错 {total} 张，其中 {flipped} 张浮点网络"
                             "答对（排在前面）；显示 {shown} 张。"),
    "model.mistakes.title": ("{label}: q {q}, float {f}", "{label}：量化 {q}，浮点 {f}"),
    "model.fig.mistakes": ("Label: quantized answer, float answer", "标签：量化回答，浮点回答"),
    "model.fig.no_mistakes": ("No test image is wrong.", "没有答错的测试图像。"),
    "model.how.heading": ("How the quantized network is computed", "量化网络是如何计算的"),
    "model.how": (
        "**Fake quantization.** Every number stays float32 but passes through "
        "`x_hat = (clip(round(x / scale) + zero_point, qmin, qmax) - zero_point) * scale` "
        "where a quantized network would hold integers: the weights of each layer, the "
        "network's input, each ReLU output and the logits, the places where PyTorch's eager "
        "mode puts its fake quantizers for fused Linear+ReLU layers. The result equals "
        "PyTorch's `fake_quantize_per_tensor_affine` / `_per_channel_affine` forward pass "
        "code for code (checked by running torch 2.13 on this network). The bias stays "
        "float32.\n\n"
        "**Calibration.** The observers watch the float network's activations on the "
        "calibration batches, as PyTorch's post-training calibration does. Moving average "
        "uses PyTorch's default constant c unless the sidebar sets another; with few batches "
        "its range stays close to the first batch's.\n\n"
        "**Scores.** Accuracy counts right answers on the test set; agreement counts answers "
        "equal to the float network's, right or wrong. A test set of this size cannot tell "
        "apart two schemes a few images apart.",
        "**伪量化。** 所有数值仍为 float32，但在量化网络本应保存整数的地方经过 "
        "`x_hat = (clip(round(x / scale) + zero_point, qmin, qmax) - zero_point) * scale`："
        "每层的权重、网络输入、各 ReLU 输出以及 logits，也就是 PyTorch eager 模式为融合的 "
        "Linear+ReLU 层放置伪量化器的位置。结果与 PyTorch 的 `fake_quantize_per_tensor_affine` / "
        "`_per_channel_affine` 前向计算逐码相同（在本网络上用 torch 2.13 实际运行核对）。偏置保持 "
        "float32。\n\n"
        "**校准。** 观察器观察浮点网络在校准批次上的激活，与 PyTorch 的训练后校准相同。滑动平均"
        "默认使用 PyTorch 的默认系数 c（除非侧边栏另行设置）；批数很少时，其范围接近第一批的范围。\n\n"
        "**评分。** 准确率统计测试集上答对的数量；一致率统计与浮点网络回答相同的数量（无论对错）。"
        "这样大小的测试集无法区分只相差几张图像的两种方案。"),
    "model.int.heading": ("The same network in integers (x86, FBGEMM), {bits} bits",
                          "同一网络的纯整数计算（x86，FBGEMM），{bits} 位"),
    "model.int.intro": ("Weights and activations quantized, computed as PyTorch's converted model "
                        "runs on x86: uint8 activation codes and int8 weight codes, an int32 "
                        "accumulator, a float32 bias and requantization to the next layer's uint8 "
                        "codes (the Layer page shows each step). Checked code for code against "
                        "torch 2.13's quantized modules on this network. Fake quantization computes "
                        "the same numbers in float32; below, where the two part.",
                        "权重与激活都量化，按 PyTorch 转换后的模型在 x86 上的方式计算：uint8 激活码、int8 "
                        "权重码、int32 累加器、float32 偏置，以及重新量化为下一层的 uint8 码（“整数层”页面"
                        "展示每一步）。已在本网络上与 torch 2.13 的量化模块逐码核对。伪量化用 float32 计算"
                        "同样的数；下面列出两者的差别。"),
    "model.int.metric.acc": ("Integer accuracy", "整数网络准确率"),
    "model.int.metric.acc.help": ("Fake-quantized network: {fake}.", "伪量化网络：{fake}。"),
    "model.int.metric.agree": ("Same answer as fake quantization", "与伪量化回答相同"),
    "model.int.metric.codes": ("Output codes equal", "输出码相同"),
    "model.int.metric.codes.help": ("Each layer fed the same input codes by both paths; its "
                                    "output codes compared.",
                                    "两条路径给每层相同的输入码，比较其输出码。"),
    "model.int.col.equal": ("output codes equal", "相同的输出码"),
    "model.int.col.total": ("output codes", "输出码总数"),
    "model.int.col.diff": ("largest difference (codes)", "最大差（码）"),
    "model.int.same": ("Every output code is the same: here the float32 dot product of fake "
                       "quantization rounds to the same code as the exact int32 sum.",
                       "所有输出码都相同：在这里，伪量化的 float32 点积与精确的 int32 求和取整到同一个码。"),
    "model.int.differ": ("{count} output codes differ, by at most {diff}: fake quantization sums "
                         "the products in float32 (each addition rounded), the integer path sums "
                         "them exactly in int32, so a value near a half step can round the other "
                         "way.",
                         "有 {count} 个输出码不同，最多相差 {diff}：伪量化用 float32 累加乘积（每次加法都有"
                         "舍入），整数路径用 int32 精确累加，所以接近半步的值可能取整到另一侧。"),
    "model.int.avx2": ("**On AVX2 without VNNI** FBGEMM adds pairs of uint8 x int8 products in "
                       "int16 and saturates: with full-range uint8 activations {sat} of {pairs} "
                       "pair sums over the test set overflow, and the network gets {correct} right "
                       "instead of {exact} ({acc}). PyTorch's x86 default configuration uses 7-bit "
                       "activations (reduce_range) for this reason.",
                       "**在没有 VNNI 的 AVX2 上**，FBGEMM 把成对的 uint8 x int8 乘积在 int16 中相加并饱和："
                       "使用全范围 uint8 激活时，测试集上 {pairs} 个成对和中有 {sat} 个溢出，网络答对 "
                       "{correct} 张而不是 {exact} 张（{acc}）。正因如此，PyTorch 的 x86 默认配置使用 7 位"
                       "激活（reduce_range）。"),
    "model.int.avx2_none": ("**On AVX2 without VNNI** FBGEMM adds pairs of uint8 x int8 products "
                            "in int16 and saturates; at {bits} bits the activation codes are small "
                            "enough that none of the {pairs} pair sums over the test set overflows.",
                            "**在没有 VNNI 的 AVX2 上**，FBGEMM 把成对的 uint8 x int8 乘积在 int16 中相加并"
                            "饱和；在 {bits} 位时激活码足够小，测试集上 {pairs} 个成对和没有一个溢出。"),
    "model.int.no.activations": ("No integer path here: FBGEMM's quantized linear takes unsigned "
                                 "(quint8) activations, so symmetric signed activations have no "
                                 "x86 kernel. Switch the activations to asymmetric.",
                                 "这里没有整数路径：FBGEMM 的量化线性层只接受无符号（quint8）激活，对称有符号激活"
                                 "在 x86 上没有对应的算子。请把激活改为非对称。"),
    "model.int.no.bits": ("No integer path above {max} bits: the kernels hold uint8 and int8 "
                          "codes.",
                          "超过 {max} 位时没有整数路径：算子只容纳 uint8 与 int8 码。"),
}

#: Where each claim about another toolchain, a paper or the notes was checked (file and
#: version, paper section, notes line), keyed like TEXT.
SOURCES: dict[str, str] = {
    'model.net.upload.help': (
        'torch 2.13.0 torch/nn/modules/linear.py (weight (out_features, in_features)); '
        'quantviz.loaders (no pickles)'
    ),
    'model.wscheme.help': (
        'torch 2.13.0 torch/ao/quantization/observer.py default_weight_observer '
        '(MinMaxObserver, qint8)'
    ),
    'model.advice.intro': (
        'the notes (Zhang Ge, 神经网络量化方式, 2021-08-15) lines 106-109; torch 2.13.0 '
        "torch/ao/quantization/qconfig.py get_default_qconfig('x86') "
        'weight=default_per_channel_weight_observer'
    ),
    'model.how': (
        'torch 2.13.0 eager fake_quantize / quantized modules on the digits network, run:'
        ' tests/data/golden_model.npz; torch 2.13.0 torch/ao/quantization/quantize.py '
        'prepare (eager mode, fused LinearReLU)'
    ),
    'model.int.heading': (
        'torch 2.13.0 eager fake_quantize / quantized modules on the digits network, run:'
        ' tests/data/golden_model.npz'
    ),
    'model.int.intro': (
        'torch 2.13.0 eager fake_quantize / quantized modules on the digits network, run:'
        ' tests/data/golden_model.npz'
    ),
    'model.int.avx2': (
        'torch 2.13.0 torch/ao/quantization/observer.py (vpmaddubsw comment), qconfig.py '
        'reduce_range; torch 2.13 with FBGEMM_ENABLE_INSTRUCTIONS=AVX2, '
        'tests/library/test_layers.py'
    ),
    'model.int.avx2_none': (
        'as model.int.avx2'
    ),
    'model.int.no.activations': (
        'torch 2.13.0 aten/src/ATen/native/quantized/cpu/qlinear.cpp (FBGEMM linear takes'
        ' quint8 input)'
    ),
    'model.fmt.intro': (
        "NVIDIA ModelOpt max calibration (static per-tensor amax); OCP MX v1.0 and "
        "torchao 0.18 NVFP4Tensor (block scales at run time)"
    ),
    'model.advice.how': (
        "McNemar's test over the test images; the notes' advice"
    ),
}
