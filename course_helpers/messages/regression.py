"""Messages of lesson 06 (linear regression): hints, diagnoses, plot labels."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- hints ------------------------------------------------------------------------------
    "regression.q1.hint": {
        "zh": "均方误差：先求差 pred - target，再逐元素平方，最后取平均 .mean()。"
        "返回零维张量，不要调用 .item()，否则之后无法反向传播。",
        "en": "Mean squared error: take the difference pred - target, square it element by "
        "element, then average with .mean(). Return a 0-d tensor; don't call .item(), or "
        "the loss can no longer be used for backward().",
    },
    "regression.q2.hint": {
        "zh": "w 和 b 都从 0 开始：torch.zeros((), requires_grad=True)。每一轮：算出损失并记下"
        " loss.item()；把 w.grad 和 b.grad 清零（第一次时它们还是 None）；loss.backward()；"
        "在 with torch.no_grad() 里原地更新 w -= lr * w.grad（b 同理）。",
        "en": "Start w and b at 0: torch.zeros((), requires_grad=True). Each epoch: compute the "
        "loss and record loss.item(); zero w.grad and b.grad (they are None the first time); "
        "loss.backward(); then update in place inside with torch.no_grad(): "
        "w -= lr * w.grad (and the same for b).",
    },
    "regression.q3.hint": {
        "zh": "criterion = nn.MSELoss()，optimizer = torch.optim.SGD(model.parameters(), lr=lr)。"
        "每一轮依次：前向计算 model(x)，算损失，optimizer.zero_grad()，loss.backward()，"
        "optimizer.step()，并把 loss.item() 加进列表。训练传进来的 model，不要新建模型。",
        "en": "criterion = nn.MSELoss(), optimizer = torch.optim.SGD(model.parameters(), lr=lr). "
        "Each epoch: forward pass model(x), the loss, optimizer.zero_grad(), loss.backward(), "
        "optimizer.step(), and append loss.item() to a list. Train the model you are given; "
        "don't create a new one.",
    },
    "regression.q4.hint": {
        "zh": "设计矩阵有两列：x 和全 1 列，torch.stack([x, torch.ones_like(x)], dim=1)。"
        "torch.linalg.lstsq(A, y.unsqueeze(1)).solution 的两行依次是 w 和 b。",
        "en": "The design matrix has two columns, x and a column of ones: "
        "torch.stack([x, torch.ones_like(x)], dim=1). The two rows of "
        "torch.linalg.lstsq(A, y.unsqueeze(1)).solution are w and b, in that order.",
    },
    # --- what is being checked -----------------------------------------------------------------
    "regression.what.loss": {"zh": "返回的损失", "en": "the returned loss"},
    "regression.what.losses": {"zh": "损失列表", "en": "the list of losses"},
    "regression.what.loss_item": {
        "zh": "损失列表的第 {index} 项", "en": "entry {index} of the losses"},
    "regression.what.w": {"zh": "斜率 w", "en": "the slope w"},
    "regression.what.b": {"zh": "截距 b", "en": "the intercept b"},
    "regression.what.weight": {"zh": "训练后的 model.weight", "en": "model.weight after training"},
    "regression.what.bias": {"zh": "训练后的 model.bias", "en": "model.bias after training"},
    # --- diagnoses ------------------------------------------------------------------------------
    "regression.diag.not_scalar": {
        "zh": "{what}应该只有一个数，实际有 {count} 个元素。",
        "en": "{what} should hold a single number, but it has {count} elements.",
    },
    "regression.diag.losses_type": {
        "zh": "损失应该以列表（每轮一个数，共 {epochs} 个）或一维张量返回，实际得到的是 {type}。",
        "en": "The losses should come back as a list (one number per epoch, {epochs} in all) "
        "or a 1-D tensor, but they are a {type}.",
    },
    "regression.diag.losses_shape": {
        "zh": "损失张量的形状是 {shape}，应该是一维的，长度为 {epochs}（每轮一个数）。",
        "en": "The tensor of losses has shape {shape}; it should be 1-D with {epochs} entries "
        "(one per epoch).",
    },
    "regression.diag.loss_float": {
        "zh": "你返回的是 Python 数字（大概调用了 .item()）。损失函数要返回张量，"
        "这样训练时才能对它调用 backward()。",
        "en": "You returned a Python number (probably via .item()). A loss function must "
        "return a tensor, so that training can call backward() on it.",
    },
    "regression.diag.rmse": {
        "zh": "你返回的是均方根误差（开了平方根）。这里要的是均方误差：平方后取平均，不要再开方。",
        "en": "You returned the root mean squared error (you took a square root). The task "
        "asks for the mean squared error: square, average, and stop there.",
    },
    "regression.diag.abs_error": {
        "zh": "你算的是平均绝对误差：用了 abs()，没有平方。均方误差要用 (pred - target) ** 2。",
        "en": "You computed the mean absolute error: abs() instead of squaring. The mean "
        "squared error uses (pred - target) ** 2.",
    },
    "regression.diag.not_squared": {
        "zh": "你只对差值取了平均，没有平方：正负误差相互抵消了。先平方，再取平均。",
        "en": "You averaged the differences without squaring them, so positive and negative "
        "errors cancel out. Square first, then average.",
    },
    "regression.diag.half": {
        "zh": "结果正好是均方误差的一半：多乘了 1/2。nn.MSELoss 没有这个系数。",
        "en": "The result is exactly half the mean squared error: there is an extra factor "
        "1/2. nn.MSELoss has no such factor.",
    },
    "regression.diag.zero_none": {
        "zh": "第一次反向传播之前 .grad 还是 None，对它调用 .zero_() 就会出错。"
        "先判断 if w.grad is not None，或者把清零放到更新之后。",
        "en": "Before the first backward pass .grad is still None, so calling .zero_() on it "
        "fails. Check if w.grad is not None first, or clear it after the update instead.",
    },
    "regression.diag.rebind": {
        "zh": "循环里用到的 .grad 是 None：写成 w = w - lr * w.grad 会把 w 换成一个新的非叶子张量，"
        "下一轮它就没有 .grad 了。应在 with torch.no_grad() 里原地更新：w -= lr * w.grad。",
        "en": "A .grad used in the loop is None: w = w - lr * w.grad replaces w with a new, "
        "non-leaf tensor, which has no .grad in the next epoch. Update in place inside "
        "with torch.no_grad(): w -= lr * w.grad.",
    },
    "regression.diag.rebind_no_grad": {
        "zh": "第二轮的损失已经不需要梯度：在 torch.no_grad() 里写 w = w - lr * w.grad，"
        "新的 w 没有 requires_grad。请原地更新：w -= lr * w.grad。",
        "en": "By the second epoch the loss no longer requires grad: w = w - lr * w.grad "
        "inside torch.no_grad() makes a new w without requires_grad. Update in place: "
        "w -= lr * w.grad.",
    },
    "regression.diag.not_trained": {
        "zh": "训练前后参数完全没变（仍是 w = {w}，b = {b}）：更新没有作用在模型的参数上。"
        "优化器要拿到 model.parameters()（或你的 w、b 本身），而不是 x、detach() 得到的副本或新建的模型；"
        "手动更新时要原地修改，w = w - lr * w.grad 只会得到一个新张量。还要检查 zero_grad() 是否被放在了"
        " backward() 和 step() 之间：那样 step() 时梯度已被清空。",
        "en": "The parameters did not change at all (still w = {w}, b = {b}): the updates "
        "never reached the model's parameters. Give the optimizer model.parameters() (or your "
        "w and b themselves), not x, not copies made with detach(), not a new model; when "
        "updating by hand, change them in place: w = w - lr * w.grad only makes a new tensor. "
        "Also check that zero_grad() does not sit between backward() and step(): then "
        "step() finds the gradients already cleared.",
    },
    "regression.diag.no_zero_grad": {
        "zh": "梯度从不清零：每次 backward() 都把新梯度加到 .grad 上，{epochs} 轮的梯度累积在一起，"
        "更新越来越大，参数来回振荡。每次 backward() 之前调用 optimizer.zero_grad()（或 w.grad.zero_()）。",
        "en": "The gradient is never cleared: each backward() adds to .grad, so the gradients "
        "of all {epochs} epochs accumulate, the steps keep growing and the parameters "
        "oscillate. Call optimizer.zero_grad() (or w.grad.zero_()) before each backward().",
    },
    "regression.diag.sum_loss": {
        "zh": "损失用的是平方误差之和（sum 或 MSELoss(reduction='sum')），不是平均：梯度大了 {n} 倍"
        "（{n} 个数据点），相当于学习率也大了 {n} 倍，于是训练发散或走偏。用 mean()。",
        "en": "The loss is the sum of squared errors (sum or MSELoss(reduction='sum')), not "
        "the mean: the gradient is {n} times larger ({n} data points), as if the learning "
        "rate were {n} times larger, so training diverges or goes astray. Use mean().",
    },
    "regression.diag.uphill": {
        "zh": "参数沿梯度方向走了（加上了 lr * grad），损失因此越来越大。梯度下降要减：w -= lr * w.grad。",
        "en": "The parameters moved along the gradient (adding lr * grad), so the loss keeps "
        "growing. Gradient descent subtracts: w -= lr * w.grad.",
    },
    "regression.diag.not_number": {
        "zh": "{what}应该是一个数：Python 的 float（例如 loss.item() 的结果）或只含一个元素的张量，"
        "实际得到的是 {type}。",
        "en": "{what} should be a number: a Python float (such as loss.item() gives) or a "
        "tensor with a single element, but it is a {type}.",
    },
    "regression.diag.dtype_mismatch": {
        "zh": "数据和参数的数据类型不一致（{detail}）。nn.Linear 和 torch.zeros 默认是 float32，"
        "而这里的数据是 float64。让参数跟随数据：torch.zeros((), dtype=x.dtype, "
        "requires_grad=True)，或者用 nn.Linear(1, 1, dtype=x.dtype)。",
        "en": "The data and the parameters have different dtypes ({detail}). nn.Linear and "
        "torch.zeros are float32 by default, while this data is float64. Make the parameters "
        "follow the data: torch.zeros((), dtype=x.dtype, requires_grad=True), or "
        "nn.Linear(1, 1, dtype=x.dtype).",
    },
    "regression.diag.broadcast": {
        "zh": "PyTorch 警告：{warning} model(x) 的形状是 ({n}, 1)，目标值却是 ({n},)（或者反过来）："
        "MSELoss 会把两者广播成 {n}×{n} 的表，拿每个预测值去和每个目标值比较，模型学到的只是"
        "目标值的平均数。让两者形状相同：直接用给定的 y（形状 ({n}, 1)），不要 squeeze() 或 "
        "flatten() 它，也不要只压平 model(x)。",
        "en": "PyTorch warned: {warning} model(x) has shape ({n}, 1) but the target has shape "
        "({n},) (or the other way round): MSELoss broadcasts them to an {n}×{n} table that "
        "compares every prediction with every target, so the model only learns the mean of "
        "the targets. Keep both shapes the same: use y as given (shape ({n}, 1)) without "
        "squeeze() or flatten(), and don't flatten model(x) alone either.",
    },
    "regression.diag.per_sample": {
        "zh": "你在每一轮里对 {n} 个数据点逐个做了一步更新（每轮 {n} 步）。任务要求每一轮用全部数据"
        "算一次损失、只更新一次：loss = criterion(model(x), y) 作用在整个 x 上。逐点更新在"
        "学习率不变时不会停在最小二乘解上。",
        "en": "You took one update per data point inside each epoch ({n} steps per epoch). "
        "The task asks for one loss over all the data and one update per epoch: "
        "loss = criterion(model(x), y) on the whole of x. With a fixed learning rate, "
        "per-point updates do not settle on the least-squares line.",
    },
    "regression.diag.diverged": {
        "zh": "训练发散了：损失从 {first} 变成了 {last}（或变成 inf/NaN）。步长太大。"
        "在 lr = {lr} 时，正确的循环在这组数据上是收敛的：请使用传入的 lr 参数，不要写死一个数，"
        "并检查损失是不是平均值。",
        "en": "Training diverged: the loss went from {first} to {last} (or became inf/NaN). "
        "The steps are too large. With lr = {lr} a correct loop converges on this data: use "
        "the lr argument rather than a fixed number, and check that the loss is a mean.",
    },
    "regression.diag.not_converged": {
        "zh": "训练后 w = {w}，b = {b}，而最小二乘解是 w = {slope}，b = {intercept}；"
        "要求误差不超过 {tol} ×（1 + |参考值|）。请确认训练了全部 {epochs} 轮，"
        "w 和 b 都从 0（或给定的模型参数）开始，并且两个参数都被更新。",
        "en": "After training w = {w}, b = {b}, but the least-squares solution is "
        "w = {slope}, b = {intercept}; the allowed error is {tol} × (1 + |reference|). Check "
        "that you train for all {epochs} epochs, start from 0 (or the model you are given), "
        "and update both parameters.",
    },
    "regression.diag.first_loss": {
        "zh": "参数训练对了，但损失列表的第一项是 {actual}，而起点的损失是 {expected}。"
        "每一轮记录的应是用这一轮的参数算出的损失。",
        "en": "The parameters are right, but the first recorded loss is {actual} while the "
        "loss at the start is {expected}. Record, in each epoch, the loss computed with that "
        "epoch's parameters.",
    },
    "regression.diag.last_loss": {
        "zh": "参数训练对了，但损失列表的最后一项是 {actual}，而最小二乘解的损失是 {expected}。"
        "记录的是不是别的量？",
        "en": "The parameters are right, but the last recorded loss is {actual} while the "
        "loss of the least-squares line is {expected}. Are you recording something else?",
    },
    "regression.diag.swapped_wb": {
        "zh": "w 和 b 的顺序反了：请按（斜率 w，截距 b）的顺序返回。设计矩阵里哪一列在前，"
        "解里对应的数就在前。",
        "en": "w and b are swapped: return (slope w, intercept b) in that order. The column "
        "that comes first in the design matrix gives the first number of the solution.",
    },
    "regression.diag.no_ones_column": {
        "zh": "你拟合的是一条过原点的直线：设计矩阵里少了全 1 的那一列，所以截距被固定为 0。"
        "用 torch.stack([x, torch.ones_like(x)], dim=1)。",
        "en": "You fitted a line through the origin: the design matrix lacks the column of "
        "ones, so the intercept is stuck at 0. Use torch.stack([x, torch.ones_like(x)], dim=1).",
    },
    "regression.diag.closed_form_values": {
        "zh": "得到 w = {w}，b = {b}，而最小二乘解是 w = {slope}，b = {intercept}。",
        "en": "Got w = {w}, b = {b}, but the least-squares solution is w = {slope}, "
        "b = {intercept}.",
    },
    # --- plots and the explorer ---------------------------------------------------------------
    "regression.plot.data": {"zh": "数据", "en": "data"},
    "regression.plot.fitted": {
        "zh": "拟合直线", "en": "fitted line"},
    "regression.plot.closed_form": {
        "zh": "最小二乘解", "en": "least squares"},
    "regression.plot.data_title": {"zh": "数据与直线", "en": "Data and line"},
    "regression.plot.epoch": {"zh": "轮（epoch）", "en": "epoch"},
    "regression.plot.loss": {"zh": "损失（MSE）", "en": "loss (MSE)"},
    "regression.plot.loss_title": {"zh": "每一轮的损失", "en": "Loss per epoch"},
    "regression.plot.explorer_title": {
        "zh": "学习率 {lr}，{epochs} 轮：{verdict}",
        "en": "learning rate {lr}, {epochs} epochs: {verdict}",
    },
    "regression.widget.lr": {"zh": "学习率", "en": "learning rate"},
    "regression.widget.epochs": {"zh": "轮数（epochs）", "en": "epochs"},
    "regression.verdict.converged": {
        "zh": "已接近最小二乘解", "en": "close to the least-squares line"},
    "regression.verdict.slow": {
        "zh": "损失还在下降，但还没到最小二乘解：增加轮数",
        "en": "the loss is still falling but not there yet: train for more epochs"},
    "regression.verdict.diverged": {
        "zh": "发散（损失在增大）：学习率太大", "en": "diverging (the loss grows): the rate is too large"},
}
