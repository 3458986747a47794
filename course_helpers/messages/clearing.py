"""Messages of lesson 03 (gradient accumulation and clearing): hints, diagnoses, plot labels."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- hints --------------------------------------------------------------------------
    "clearing.q1.hint": {
        "zh": "在函数里建一个叶子张量：x = x.detach().clone().requires_grad_(True)。循环 times 次，"
        "每次重新计算 (x ** 2).sum() 并调用 backward()，中间不要清零，然后把 x.grad.clone() 放进列表。"
        "一定要 clone()：backward() 每次都原地累加到同一个 x.grad 张量上。",
        "en": "Make a leaf inside the function: x = x.detach().clone().requires_grad_(True). "
        "Loop times times: recompute (x ** 2).sum(), call backward(), do not clear, and append "
        "x.grad.clone() to a list. The clone() matters: backward() adds into the same x.grad "
        "tensor in place every time.",
    },
    "clearing.q2.hint": {
        "zh": "w = torch.tensor(w0, requires_grad=True)。每一步：loss = w ** 2 + 20；清零"
        "（if w.grad is not None: w.grad.zero_()）；loss.backward()；在 with torch.no_grad() 里"
        "原地更新 w -= lr * w.grad；再用 w.item() 记下新的值。最后 return torch.tensor(path)。",
        "en": "w = torch.tensor(w0, requires_grad=True). At every step: loss = w ** 2 + 20; "
        "clear (if w.grad is not None: w.grad.zero_()); loss.backward(); update in place inside "
        "with torch.no_grad(): w -= lr * w.grad; then record the new value with w.item(). "
        "Finally return torch.tensor(path).",
    },
    "clearing.q3.hint": {
        "zh": "w = params_init.detach().clone().requires_grad_(True)，"
        "optimizer = torch.optim.SGD([w], lr=lr)。每一步依次调用 optimizer.zero_grad()、计算损失、"
        "loss.backward()、optimizer.step()，再记下 w.detach().clone()。最后 return torch.stack(path)。",
        "en": "w = params_init.detach().clone().requires_grad_(True), "
        "optimizer = torch.optim.SGD([w], lr=lr). At every step call optimizer.zero_grad(), "
        "compute the loss, loss.backward(), optimizer.step(), then record w.detach().clone(). "
        "Finally return torch.stack(path).",
    },
    "clearing.q4.hint": {
        "zh": "先建 w 的叶子副本：w = w.detach().clone().requires_grad_(True)。用 x.chunk(k) 和 "
        "y.chunk(k) 切出 k 个微批量，对每个微批量计算 ((xb @ w - yb) ** 2).mean()，除以 k 再 "
        "backward()，中间不要清零。循环结束后返回 w.grad。",
        "en": "Make a leaf copy of w first: w = w.detach().clone().requires_grad_(True). Split the "
        "data into k micro-batches with x.chunk(k) and y.chunk(k); for each one compute "
        "((xb @ w - yb) ** 2).mean(), divide it by k and call backward(), without clearing in "
        "between. After the loop, return w.grad.",
    },
    # --- what is being checked ------------------------------------------------------------
    "clearing.what.path": {"zh": "w 的路径", "en": "the path of w"},
    "clearing.what.params_path": {"zh": "参数的路径", "en": "the path of the parameters"},
    # --- diagnoses ------------------------------------------------------------------------
    "clearing.diag.grads_aliased": {
        "zh": "列表里的每一项都等于最后一次的梯度：你存的是 x.grad 这个张量本身。backward() 每次都"
        "原地累加到同一个 x.grad 上，所以列表里其实是同一个张量存了 {count} 遍。改为存副本："
        "grads.append(x.grad.clone())。",
        "en": "Every entry equals the last gradient: you stored the tensor x.grad itself. "
        "backward() adds into that same x.grad in place every time, so your list holds one "
        "tensor {count} times. Store a copy: grads.append(x.grad.clone()).",
    },
    "clearing.diag.grads_cleared": {
        "zh": "每一项都只是一次反向传播的梯度 2x：每次 backward() 之前梯度被清零了，或者 x 被重新创建了。"
        "这道题要观察梯度的累积：只建一次叶子张量 x，中间不要清零，第 k 项应当是 2k·x。",
        "en": "Every entry is the gradient of a single backward pass, 2x: the gradient was "
        "cleared, or x re-created, before each backward(). This exercise is about watching it "
        "accumulate: create the leaf x once, do not clear, and entry k should be 2k·x.",
    },
    "clearing.diag.never_cleared": {
        "zh": "这正是梯度从不清零时的路径：梯度一直累积在 .grad 里，第 t 步用的是前 t 步梯度之和，"
        "步子越迈越大，冲过了最小值点。在每次迭代中清零：if w.grad is not None: w.grad.zero_()；"
        "用优化器时调用 optimizer.zero_grad()。",
        "en": "This is exactly the path you get when the gradient is never cleared: it "
        "accumulated in .grad, so step t used the sum of all t gradients so far, the steps "
        "kept growing and overshot the minimum. Clear it in every iteration: if w.grad is not "
        "None: w.grad.zero_(); with an optimizer, call optimizer.zero_grad().",
    },
    "clearing.diag.path_stuck": {
        "zh": "参数始终没有动：梯度在 backward() 和参数更新之间被清零了，每次更新减去的都是 0"
        "（也可能更新根本没有作用到参数上）。清零要放在 backward() 之前或参数更新之后，"
        "不能夹在两者中间。",
        "en": "The parameters never move: the gradient was cleared between backward() and the "
        "update, so every update subtracted 0 (or the update never reached the parameters). "
        "Clear before backward() or after the update, never in between.",
    },
    "clearing.diag.path_ascent": {
        "zh": "参数在往上坡走：更新时加上了 lr * grad。梯度下降要减去它：w -= lr * w.grad。",
        "en": "The parameters walk uphill: the update adds lr * grad. Gradient descent "
        "subtracts it: w -= lr * w.grad.",
    },
    "clearing.diag.path_before_step": {
        "zh": "你记录的是每次更新之前的值（第一项是起点）。题目要的是每一步更新之后的值："
        "先更新，再记录。",
        "en": "You recorded the values before each update (the first entry is the starting "
        "point). The task asks for the values after each step: update first, then record.",
    },
    "clearing.diag.path_aliased": {
        "zh": "每一项都等于参数的最终值：你记录的是参数张量本身，而原地更新一直在修改这同一个张量。"
        "记录它的副本：w.item() 或 w.detach().clone()。",
        "en": "Every entry equals the final value of the parameters: you recorded the "
        "parameter tensor itself, and the in-place updates keep changing that one tensor. "
        "Record a copy: w.item() or w.detach().clone().",
    },
    "clearing.diag.path_includes_start": {
        "zh": "结果有 {actual} 项，第一项是起点。题目只要每一步之后的 {expected} 个值，不包括起点。",
        "en": "The result has {actual} entries and the first one is the starting point. The "
        "task asks only for the {expected} values after each step, without the start.",
    },
    "clearing.diag.path_differs": {
        "zh": "{what}从第 {step} 步起与正确的梯度下降不符。检查这一步用到的梯度、学习率和更新公式。",
        "en": "{what} departs from correct gradient descent at step {step}. Check the gradient, "
        "the learning rate and the update used in that step.",
    },
    "clearing.diag.step_twice": {
        "zh": "每次迭代参数都移动了应有距离的两倍，同一个梯度被用了两次：要么 step() 连续调用了两次，"
        "中间没有新的 backward()（step() 只会机械地按 .grad 里的值再更新一遍）；要么一次更新之前"
        "backward() 运行了两次而没有清零，梯度翻了一倍。每次迭代只做一次 backward() 和一次更新。",
        "en": "Every iteration moved the parameters twice as far as it should, as if the same "
        "gradient were applied twice: either step() ran twice with no new backward() in "
        "between (step() simply applies whatever is in .grad again), or backward() ran twice "
        "before one update without clearing, which doubled the gradient. Do one backward() "
        "and one update per iteration.",
    },
    "clearing.diag.microbatch_unscaled": {
        "zh": "梯度是整批梯度的 {k} 倍：每个微批量的损失已经是对它自己那部分样本求的平均，"
        "把 {k} 个这样的梯度加起来，等于把数据算了 {k} 遍。backward() 之前把每个微批量的损失除以 k。",
        "en": "The gradient is {k} times the full-batch gradient: each micro-batch loss is "
        "already a mean over its own samples, so adding {k} such gradients counts the data "
        "{k} times. Divide each micro-batch loss by k before backward().",
    },
    "clearing.diag.microbatch_last_only": {
        "zh": "这只是最后一个微批量的梯度：循环里清零了梯度（或重新创建了 w），只有最后一次 "
        "backward() 的结果留了下来。只在循环开始之前清零一次，让 k 次反向传播的梯度累积起来。",
        "en": "This is the gradient of the last micro-batch alone: the gradient was cleared "
        "(or w re-created) inside the loop, so only the last backward() survived. Clear once "
        "before the loop and let the k backward passes accumulate.",
    },
    "clearing.diag.microbatch_split_size": {
        "zh": "torch.split(x, {k}) 把 x 切成每块 {k} 行，而不是切成 {k} 块：这里得到的是 {count} 个微批量。"
        "要切成 k 块，用 x.chunk(k)，或者 torch.split(x, len(x) // k)。",
        "en": "torch.split(x, {k}) cuts x into pieces of {k} rows each, not into {k} pieces: "
        "here it made {count} micro-batches. For k pieces use x.chunk(k), or "
        "torch.split(x, len(x) // k).",
    },
    "clearing.diag.grad_as_list": {
        "zh": "第 {index} 项是 Python 列表，不是张量：列表里的每一项都应当是梯度张量。"
        "存 x.grad.clone()，不要存 x.grad.tolist()。",
        "en": "Entry #{index} is a Python list, not a tensor: every entry of the list must be "
        "a gradient tensor. Store x.grad.clone(), not x.grad.tolist().",
    },
    "clearing.diag.method_not_called": {
        "zh": "有个方法只写了名字，没有加括号调用：例如 x.requires_grad_ 是方法本身，不是张量。"
        "加上括号：x.requires_grad_(True)。",
        "en": "A method was named but not called: x.requires_grad_, for example, is the method "
        "itself, not a tensor. Add the parentheses: x.requires_grad_(True).",
    },
    "clearing.diag.zero_none": {
        "zh": "第一次 backward() 之前 .grad 是 None，所以第一次迭代里的 .grad.zero_() 出错了。"
        "先判断：if w.grad is not None: w.grad.zero_()；或者把清零放在参数更新之后；"
        "用优化器时直接调用 optimizer.zero_grad()。",
        "en": ".grad is None before the first backward(), so .grad.zero_() failed in the first "
        "iteration. Check first: if w.grad is not None: w.grad.zero_(); or clear after the "
        "update; with an optimizer, just call optimizer.zero_grad().",
    },
    "clearing.diag.rebind_none": {
        "zh": "更新时 w.grad 是 None：w = w - lr * w.grad 用一个新张量替换了 w，新的 w 不是叶子张量，"
        "backward() 不会再填写它的 .grad。改为在 torch.no_grad() 里原地更新：w -= lr * w.grad。",
        "en": "w.grad was None when the update used it: w = w - lr * w.grad replaced w with a "
        "new tensor that is not a leaf, and backward() does not fill its .grad. Update in place "
        "inside torch.no_grad() instead: w -= lr * w.grad.",
    },
    "clearing.diag.rebind_no_grad": {
        "zh": "backward() 找不到需要求梯度的张量。要么创建 w 时没有设置 requires_grad=True；"
        "要么在 torch.no_grad() 里写了 w = w - lr * w.grad，把 w 换成了一个不需要梯度的新张量，"
        "于是从第二步起出错。创建时加上 requires_grad=True，并原地更新：w -= lr * w.grad。",
        "en": "backward() found nothing that requires grad. Either w was created without "
        "requires_grad=True, or w = w - lr * w.grad inside torch.no_grad() replaced w with a "
        "new tensor that does not require grad, so the second step fails. Create w with "
        "requires_grad=True and update it in place: w -= lr * w.grad.",
    },
    "clearing.diag.state_kept": {
        "zh": "用同样的参数再调用一次，结果就不对了：第二次调用接着第一次留下的状态继续计算。"
        "参数、优化器或梯度放在了函数外面，就像在笔记本里把训练单元格多运行了一次。"
        "把它们都放到函数内部创建。",
        "en": "A second call with the same arguments gives a wrong result: it carried on from "
        "the state the first call left behind. A parameter, an optimizer or a gradient lives "
        "outside the function, just like re-running a training cell in a notebook. Create "
        "them inside the function.",
    },
    # --- plots and widgets ------------------------------------------------------------------
    "clearing.plot.loss_fn": {"zh": "损失函数", "en": "loss function"},
    "clearing.plot.parameter": {"zh": "参数 w", "en": "parameter w"},
    "clearing.plot.loss": {"zh": "损失", "en": "loss"},
    "clearing.plot.step": {"zh": "步数", "en": "step"},
    "clearing.plot.start": {"zh": "起点", "en": "start"},
    "clearing.plot.path": {"zh": "梯度下降", "en": "gradient descent"},
    "clearing.plot.path_title": {"zh": "梯度下降的路径", "en": "Path of gradient descent"},
    "clearing.plot.loss_title": {"zh": "每一步的损失", "en": "Loss at each step"},
    "clearing.plot.cleared": {"zh": "每步清零", "en": "cleared every step"},
    "clearing.plot.not_cleared": {"zh": "从不清零", "en": "never cleared"},
    "clearing.plot.lr_title": {
        "zh": "学习率 {lr}：{verdict}",
        "en": "learning rate {lr}: {verdict}",
    },
    "clearing.widget.lr": {"zh": "学习率", "en": "learning rate"},
    "clearing.lr.too_small": {
        "zh": "太小，{steps} 步之后离最小值点还很远",
        "en": "too small, still far from the minimum after {steps} steps",
    },
    "clearing.lr.good": {
        "zh": "合适，平稳地收敛到最小值点",
        "en": "good, converges smoothly to the minimum",
    },
    "clearing.lr.oscillating": {
        "zh": "偏大，在最小值点两侧来回跳",
        "en": "large, jumps back and forth across the minimum",
    },
    "clearing.lr.diverging": {
        "zh": "太大，越跳越远，发散了",
        "en": "too large, every jump lands farther away: it diverges",
    },
}
