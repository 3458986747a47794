"""Messages of lesson 05 (custom optimizers): hints, diagnoses and plot labels."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- hints ----------------------------------------------------------------------------
    "optim.q1.hint": {
        "zh": "在 __init__ 里调用 super().__init__(params, dict(lr=lr))。step 加上 @torch.no_grad()，"
        "遍历 self.param_groups 和每组的 group[\"params\"]，跳过 p.grad 为 None 的参数，"
        "再用 p.add_(p.grad, alpha=-group[\"lr\"]) 原地更新。有 closure 时，先在 "
        "torch.enable_grad() 之下调用它，最后返回它给出的损失。",
        "en": "In __init__ call super().__init__(params, dict(lr=lr)). Decorate step with "
        "@torch.no_grad(), loop over self.param_groups and each group[\"params\"], skip "
        "parameters whose p.grad is None, and update in place with "
        "p.add_(p.grad, alpha=-group[\"lr\"]). With a closure, call it first inside "
        "with torch.enable_grad(): and return the loss it gives.",
    },
    "optim.q2.hint": {
        "zh": "顺序和 torch.optim.SGD 一样：d_p = p.grad.add(p, alpha=weight_decay)（新张量，不改 p.grad）；"
        "momentum 不为 0 时，取 self.state[p] 里的 \"momentum_buffer\"：第一次用 d_p.clone() 创建，"
        "以后 buf.mul_(momentum).add_(d_p, alpha=1 - dampening)，再令 d_p = buf；"
        "最后 p.add_(d_p, alpha=-lr)。所有超参数都从 group 里取。",
        "en": "Follow torch.optim.SGD's order: d_p = p.grad.add(p, alpha=weight_decay) (a new "
        "tensor; p.grad stays as it is); with momentum, take \"momentum_buffer\" from "
        "self.state[p]: create it the first time as d_p.clone(), afterwards "
        "buf.mul_(momentum).add_(d_p, alpha=1 - dampening), then d_p = buf; finally "
        "p.add_(d_p, alpha=-lr). Read every hyperparameter from the group.",
    },
    "optim.q3.hint": {
        "zh": "每个参数在 self.state[p] 里保存自己的 \"step\" 和 \"sum\"（初值为 "
        "initial_accumulator_value）。每步：step 加 1；grad = p.grad.add(p, alpha=weight_decay)；"
        "clr = lr / (1 + (step - 1) * lr_decay)；sum += grad * grad；"
        "p -= clr * grad / (sum.sqrt() + eps)。注意 eps 加在开方之后。",
        "en": "Every parameter keeps its own \"step\" and \"sum\" in self.state[p] (the sum "
        "starts at initial_accumulator_value). Each step: step += 1; "
        "grad = p.grad.add(p, alpha=weight_decay); clr = lr / (1 + (step - 1) * lr_decay); "
        "sum += grad * grad; p -= clr * grad / (sum.sqrt() + eps). Note that eps is added "
        "after the square root.",
    },
    "optim.q4.hint": {
        "zh": "state_dict() 返回的字典引用的是优化器正在使用的缓冲区，训练继续时它们会被原地修改。"
        "保存检查点时做副本：w.detach().clone() 和 copy.deepcopy(optimizer.state_dict())。"
        "恢复时新建张量和优化器，再调用 load_state_dict。",
        "en": "The dict that state_dict() returns refers to the buffers the optimizer is "
        "using, and training changes them in place. Save copies in the checkpoint: "
        "w.detach().clone() and copy.deepcopy(optimizer.state_dict()). To resume, build a "
        "new tensor and a new optimizer, then call load_state_dict.",
    },
    # --- what is being checked ---------------------------------------------------------------
    "optim.what.path": {"zh": "第一次训练的路径 path", "en": "the path of the first run"},
    "optim.what.resumed": {"zh": "恢复后的路径 resumed", "en": "the resumed path"},
    # --- the answer is not an optimizer class -------------------------------------------------
    "optim.not_a_class": {
        "zh": "这里需要传入你写的类本身（例如 {name}），而不是 {type}。",
        "en": "Pass the class you wrote (for example {name}) itself, not a {type}.",
    },
    "optim.not_optimizer_subclass": {
        "zh": "你的类没有继承 torch.optim.Optimizer。请写成 class {name}(torch.optim.Optimizer):。",
        "en": "Your class does not subclass torch.optim.Optimizer. Write "
        "class {name}(torch.optim.Optimizer):.",
    },
    "optim.uses_builtin": {
        "zh": "你的类把工作交给了 torch.optim 自带的优化器（继承或内部调用了它）。"
        "这道题要求你自己写出更新规则。",
        "en": "Your class hands the work to one of torch.optim's own optimizers (it "
        "subclasses or wraps one). The task is to write the update rule yourself.",
    },
    "optim.init_signature": {
        "zh": "创建优化器失败：{detail}。检查时会这样创建它：YourClass(params, {options})，"
        "请让 __init__ 接受这些参数。",
        "en": "Creating the optimizer failed: {detail}. The check creates it as "
        "YourClass(params, {options}); make __init__ accept these arguments.",
    },
    "optim.init_raised": {
        "zh": "创建优化器时，__init__ 抛出了异常 {error}：{detail}",
        "en": "Creating the optimizer failed: __init__ raised {error}: {detail}",
    },
    "optim.no_super_init": {
        "zh": "优化器没有 param_groups：__init__ 里忘了调用 super().__init__(params, defaults)。",
        "en": "The optimizer has no param_groups: __init__ never calls "
        "super().__init__(params, defaults).",
    },
    # --- errors raised while training --------------------------------------------------------
    "optim.no_grad_missing": {
        "zh": "第 {step} 步出错：你在原地修改了需要梯度的参数，而这时自动微分还在记录。"
        "给 step 加上 @torch.no_grad() 装饰器（或把更新放进 with torch.no_grad():）。",
        "en": "Step {step} failed: you changed a parameter that requires grad in place while "
        "autograd was still recording. Decorate step with @torch.no_grad() (or put the "
        "update inside with torch.no_grad():).",
    },
    "optim.closure_no_grad": {
        "zh": "第 {step} 步出错：closure 在 @torch.no_grad() 里运行，算出的损失没有计算图，"
        "无法反向传播。调用 closure 时包一层 with torch.enable_grad():。",
        "en": "Step {step} failed: the closure ran under @torch.no_grad(), so its loss has no "
        "graph to go backward through. Call the closure inside with torch.enable_grad():.",
    },
    "optim.no_closure": {
        "zh": "step 不接受 closure 参数。请写成 def step(self, closure=None):，"
        "有 closure 时先调用它。",
        "en": "step does not accept a closure. Write def step(self, closure=None): and "
        "call the closure first when one is given.",
    },
    "optim.closure_not_returned": {
        "zh": "第 {step} 步：传入 closure 时，step 应该返回 closure() 算出的损失，"
        "你的 step 没有返回它。",
        "en": "Step {step}: when given a closure, step should return the loss that "
        "closure() computed, but yours does not return it.",
    },
    "optim.shared_state_shapes": {
        "zh": "第 {step} 步出错：形状不同的参数撞在了一起。很可能你把缓冲区存在一个所有参数共用的地方"
        "（例如 self.buf 或 self.state[\"buf\"]）。每个参数的状态要单独存在 self.state[p] 里。",
        "en": "Step {step} failed: parameters of different shapes got mixed up. Most likely "
        "the buffer lives in one place shared by all parameters (such as self.buf or "
        "self.state[\"buf\"]). Keep each parameter's state in its own self.state[p].",
    },
    "optim.key_error": {
        "zh": "第 {step} 步出错：找不到键 {name}。超参数要从 group 里取（group[\"lr\"]），"
        "状态要先创建再读取。",
        "en": "Step {step} failed: there is no key {name}. Read hyperparameters from the group "
        "(group[\"lr\"]) and create a state entry before reading it.",
    },
    "optim.grad_left_off": {
        "zh": "第 {step} 步之后，梯度追踪被关掉了，没有再打开：step 里调用了 torch.set_grad_enabled(False)。"
        "请改用 @torch.no_grad() 或 with torch.no_grad():，它们结束时会自动恢复。",
        "en": "After step {step}, gradient tracking was switched off and never back on: step "
        "called torch.set_grad_enabled(False). Use @torch.no_grad() or "
        "with torch.no_grad(): instead, which switch it back on when they end.",
    },
    "optim.step_raised": {
        "zh": "第 {step} 步出错，你的代码抛出了异常 {error}：{detail}",
        "en": "Step {step} failed: your code raised {error}: {detail}",
    },
    "optim.grad_cleared": {
        "zh": "第 {step} 步：step() 清空了 param_groups[{group}][\"params\"][{index}] 的 p.grad"
        "（p.grad.zero_() 或 p.grad = None）。清零梯度是 zero_grad() 的事，由训练循环在 "
        "backward() 之前调用；step() 只读 p.grad，不改它。只做一次 backward()、连续 step() "
        "两次时，第二步要用同一个梯度。把 step() 里清零梯度的那一行删掉。",
        "en": "Step {step}: step() cleared p.grad of param_groups[{group}][\"params\"][{index}] "
        "(p.grad.zero_() or p.grad = None). Clearing gradients is zero_grad()'s job, which the "
        "training loop calls before backward(); step() only reads p.grad and leaves it as it "
        "is. After one backward(), a second step() must use the same gradient again. Remove "
        "the line in step() that clears the gradient.",
    },
    "optim.grad_changed": {
        "zh": "第 {step} 步：step() 修改了 param_groups[{group}][\"params\"][{index}] 的 p.grad。"
        "step() 只读 p.grad，不改它：d_p = p.grad 之后的原地运算（如 d_p.mul_(...)）改的就是梯度"
        "本身，同一个梯度再 step() 一次就会出错。请用不带下划线的运算得到新张量。",
        "en": "Step {step}: step() changed p.grad of param_groups[{group}][\"params\"][{index}]. "
        "step() only reads p.grad and leaves it as it is: after d_p = p.grad, an in-place "
        "operation such as d_p.mul_(...) changes the gradient itself, and a second step() "
        "with the same gradient goes wrong. Use the operation without the underscore, which "
        "makes a new tensor.",
    },
    "optim.grad_modified": {
        "zh": "第 {step} 步：step() 修改了 param_groups[{group}][\"params\"][{index}] 的 p.grad。"
        "d_p = p.grad 之后再 d_p.add_(...)，改的就是梯度本身；同一个梯度再 step() 一次就会出错。"
        "请用 d_p = p.grad.add(p, alpha=weight_decay) 得到新张量。",
        "en": "Step {step}: step() changed p.grad of param_groups[{group}][\"params\"][{index}]. "
        "After d_p = p.grad, d_p.add_(...) changes the gradient itself, and a second step() "
        "with the same gradient goes wrong. Use d_p = p.grad.add(p, alpha=weight_decay), "
        "which makes a new tensor.",
    },
    # --- a path that parts from torch.optim, and why ----------------------------------------
    "optim.diverged": {
        "zh": "从第 {step} 步起，你的优化器与 {builtin} 的结果不同：param_groups[{group}][\"params\"]"
        "[{index}] 应为 {expected}，实际是 {actual}。",
        "en": "From step {step} on, your optimizer and {builtin} disagree: "
        "param_groups[{group}][\"params\"][{index}] should be {expected} but is {actual}.",
    },
    "optim.params_unchanged": {
        "zh": "第 {step} 步之后参数根本没有变：p = p - lr * p.grad 只是让局部变量指向了一个新张量。"
        "要原地更新：p.add_(p.grad, alpha=-lr) 或 p -= lr * p.grad。",
        "en": "After step {step} the parameters have not changed at all: p = p - lr * p.grad "
        "only points a local name at a new tensor. Update in place: "
        "p.add_(p.grad, alpha=-lr) or p -= lr * p.grad.",
    },
    "optim.wrong_sign": {
        "zh": "从第 {step} 步起，参数朝梯度方向走，损失越来越大：更新的符号反了。"
        "应该是 p -= lr * d_p（或 alpha=-lr）。",
        "en": "From step {step} on, the parameters move along the gradient and the loss "
        "grows: the update has the wrong sign. It should be p -= lr * d_p (or alpha=-lr).",
    },
    "optim.no_lr": {
        "zh": "从第 {step} 步起，每一步都走了整整一个梯度：更新时忘了乘学习率 group[\"lr\"]。",
        "en": "From step {step} on, every step moves by a whole gradient: the update never "
        "multiplies by the learning rate group[\"lr\"].",
    },
    "optim.defaults_lr": {
        "zh": "从第 {step} 步起，param_groups[{group}] 用错了学习率：你用的是 self.defaults[\"lr\"]，"
        "而这一组有自己的学习率。请在循环里用 group[\"lr\"]（其他超参数同理）。",
        "en": "From step {step} on, param_groups[{group}] uses the wrong learning rate: you "
        "used self.defaults[\"lr\"], but this group has its own. Use group[\"lr\"] inside the "
        "loop (and the same for every other hyperparameter).",
    },
    "optim.shared_state": {
        "zh": "从第 {step} 步起，参数之间互相影响：所有参数共用了同一份状态（一个缓冲区）。"
        "每个参数要有自己的状态：state = self.state[p]。",
        "en": "From step {step} on, the parameters influence each other: they all share one "
        "state (one buffer). Every parameter needs its own: state = self.state[p].",
    },
    "optim.momentum_zero_buffer": {
        "zh": "从第 {step} 步起与 torch.optim.SGD 不同：你的动量缓冲区从 0 开始，"
        "第一步就乘上了 (1 - dampening)。PyTorch 第一次直接用梯度创建缓冲区：buf = d_p.clone()，"
        "从第二步起才用 buf.mul_(momentum).add_(d_p, alpha=1 - dampening)。",
        "en": "From step {step} on you differ from torch.optim.SGD: your momentum buffer starts "
        "at zeros, so the first step is already scaled by (1 - dampening). PyTorch creates "
        "the buffer from the first gradient, buf = d_p.clone(), and only from the second "
        "step on uses buf.mul_(momentum).add_(d_p, alpha=1 - dampening).",
    },
    "optim.decay_after_momentum": {
        "zh": "从第 {step} 步起与 torch.optim.SGD 不同：权重衰减加的位置不对。你在动量之后"
        "（或直接对参数）做了衰减；PyTorch 先把 weight_decay * p 加到梯度上，再更新动量缓冲区。",
        "en": "From step {step} on you differ from torch.optim.SGD: weight decay is applied in "
        "the wrong place. You applied it after momentum (or to the parameter directly); "
        "PyTorch adds weight_decay * p to the gradient first and then updates the momentum "
        "buffer.",
    },
    "optim.decay_ignored": {
        "zh": "从第 {step} 步起与 torch.optim.SGD 不同：weight_decay 完全没起作用。"
        "把 weight_decay * p 加到梯度上：d_p = p.grad.add(p, alpha=group[\"weight_decay\"])。",
        "en": "From step {step} on you differ from torch.optim.SGD: weight_decay has no "
        "effect. Add weight_decay * p to the gradient: "
        "d_p = p.grad.add(p, alpha=group[\"weight_decay\"]).",
    },
    "optim.decay_sign": {
        "zh": "从第 {step} 步起与 torch.optim.SGD 不同：权重衰减的符号反了，参数被推离 0。"
        "应该是 d_p = p.grad + weight_decay * p。",
        "en": "From step {step} on you differ from torch.optim.SGD: weight decay has the wrong "
        "sign and pushes the parameters away from 0. It should be "
        "d_p = p.grad + weight_decay * p.",
    },
    "optim.momentum_not_kept": {
        "zh": "从第 {step} 步起与 torch.optim.SGD 不同：动量没有起作用，每一步都像普通 SGD。"
        "缓冲区要保存在 self.state[p][\"momentum_buffer\"] 里，下一步接着用。",
        "en": "From step {step} on you differ from torch.optim.SGD: momentum has no effect and "
        "every step is plain SGD. Keep the buffer in self.state[p][\"momentum_buffer\"] so the "
        "next step can use it.",
    },
    "optim.dampening_ignored": {
        "zh": "从第 {step} 步起与 torch.optim.SGD 不同：dampening 没有起作用。"
        "更新缓冲区时要写 buf.mul_(momentum).add_(d_p, alpha=1 - dampening)。",
        "en": "From step {step} on you differ from torch.optim.SGD: dampening has no effect. "
        "Update the buffer with buf.mul_(momentum).add_(d_p, alpha=1 - dampening).",
    },
    "optim.adagrad_not_accumulated": {
        "zh": "从第 {step} 步起与 torch.optim.Adagrad 不同：你只用了这一步的 grad * grad，"
        "没有把它累加起来。sum 要保存在 self.state[p] 里，每步 sum += grad * grad。",
        "en": "From step {step} on you differ from torch.optim.Adagrad: you used only this "
        "step's grad * grad instead of accumulating it. Keep sum in self.state[p] and add "
        "grad * grad to it every step.",
    },
    "optim.adagrad_eps_inside": {
        "zh": "从第 {step} 步起与 torch.optim.Adagrad 不同：eps 放进了开方里。"
        "PyTorch 用的是 sum.sqrt() + eps。",
        "en": "From step {step} on you differ from torch.optim.Adagrad: eps went inside the "
        "square root. PyTorch uses sum.sqrt() + eps.",
    },
    "optim.adagrad_initial_ignored": {
        "zh": "从第 {step} 步起与 torch.optim.Adagrad 不同：sum 没有从 initial_accumulator_value "
        "开始。用 torch.full_like(p, group[\"initial_accumulator_value\"]) 创建它。",
        "en": "From step {step} on you differ from torch.optim.Adagrad: sum does not start at "
        "initial_accumulator_value. Create it with "
        "torch.full_like(p, group[\"initial_accumulator_value\"]).",
    },
    "optim.adagrad_decay_off_by_one": {
        "zh": "从第 {step} 步起与 torch.optim.Adagrad 不同：学习率衰减多算了一步。"
        "第一步不衰减：clr = lr / (1 + (step - 1) * lr_decay)。",
        "en": "From step {step} on you differ from torch.optim.Adagrad: the learning-rate decay "
        "counts one step too many. The first step is not decayed: "
        "clr = lr / (1 + (step - 1) * lr_decay).",
    },
    "optim.adagrad_counter_shared": {
        "zh": "从第 {step} 步起与 torch.optim.Adagrad 不同：步数计数器是整个优化器共用的，"
        "每处理一个参数就加 1。每个参数在 self.state[p][\"step\"] 里记自己的步数。",
        "en": "From step {step} on you differ from torch.optim.Adagrad: one step counter is "
        "shared by the whole optimizer and grows with every parameter. Keep a count per "
        "parameter in self.state[p][\"step\"].",
    },
    # --- q4: checkpoints ---------------------------------------------------------------------
    "optim.q4.includes_start": {
        "zh": "{what}多了一行：它只应包含每一步之后的值（{rows} 行），不包含起点。",
        "en": "{what} has one row too many: it should hold the values after each step "
        "({rows} rows), without the start.",
    },
    "optim.q4.not_cleared": {
        "zh": "第一次训练从第 {step} 步起就不对：梯度从不清零，一直累积。每步 backward() 之前先调用 "
        "optimizer.zero_grad()。",
        "en": "The first run goes wrong from step {step} on: the gradient is never cleared, so "
        "it accumulates. Call optimizer.zero_grad() before every backward().",
    },
    "optim.q4.path_diverged": {
        "zh": "第一次训练从第 {step} 步起就与 torch.optim 不同：w 应为 {expected}，实际是 {actual}。",
        "en": "The first run parts from torch.optim at step {step}: w should be {expected} "
        "but is {actual}.",
    },
    "optim.q4.state_not_loaded": {
        "zh": "恢复后的训练从第 {step} 步起不对：新优化器的状态是空的，动量之类的缓冲区从头开始了。"
        "创建新优化器之后要调用 load_state_dict(检查点里的 state_dict)。",
        "en": "The resumed run goes wrong from step {step} on: the new optimizer starts with "
        "empty state, so buffers such as momentum start over. After creating the new "
        "optimizer, call load_state_dict(the state_dict in the checkpoint).",
    },
    "optim.q4.state_not_copied": {
        "zh": "恢复后的训练从第 {step} 步起不对：检查点里的优化器状态是训练结束时的，而不是暂停时的。"
        "state_dict() 返回的字典引用着优化器正在用的缓冲区，之后的训练原地修改了它们。"
        "保存时要做副本：copy.deepcopy(optimizer.state_dict())。",
        "en": "The resumed run goes wrong from step {step} on: the optimizer state in the "
        "checkpoint is the state at the end of training, not at the pause. The dict from "
        "state_dict() refers to the buffers the optimizer is using, and the training after "
        "the save changed them in place. Save a copy: copy.deepcopy(optimizer.state_dict()).",
    },
    "optim.q4.weights_not_copied": {
        "zh": "恢复后的训练从第 {step} 步起不对：它从训练结束时的 w 出发，而不是暂停时的 w。"
        "w.detach() 与 w 共享内存，之后的训练也改变了检查点里的值。保存 w.detach().clone()。",
        "en": "The resumed run goes wrong from step {step} on: it starts from w at the end of "
        "training, not at the pause. w.detach() shares memory with w, so the training after "
        "the save changed the checkpoint too. Save w.detach().clone().",
    },
    "optim.q4.resume_diverged": {
        "zh": "恢复后的训练从第 {step} 步起与不中断的训练不同：w 应为 {expected}，实际是 {actual}。",
        "en": "From step {step} on, the resumed run differs from the uninterrupted one: w "
        "should be {expected} but is {actual}.",
    },
    # --- plots and widgets -------------------------------------------------------------------
    "optim.plot.seed_title": {
        "zh": "SGD 在 f(x) = x² − 4x + 5 上的路径（学习率 0.1）",
        "en": "SGD on f(x) = x² − 4x + 5 (learning rate 0.1)",
    },
    "optim.plot.contour_title": {
        "zh": "损失 w0² + 2·w1² 的等高线与优化器路径",
        "en": "Contours of the loss w0² + 2·w1² and optimizer paths",
    },
    "optim.plot.settings": {
        "zh": "学习率 {lr}，动量 {momentum}，{steps} 步",
        "en": "learning rate {lr}, momentum {momentum}, {steps} steps",
    },
    "optim.plot.sgd": {"zh": "SGD", "en": "SGD"},
    "optim.plot.momentum": {"zh": "SGD + 动量 {momentum}", "en": "SGD + momentum {momentum}"},
    "optim.plot.adagrad": {"zh": "Adagrad", "en": "Adagrad"},
    "optim.plot.start": {"zh": "起点", "en": "start"},
    "optim.plot.minimum": {"zh": "最小值点", "en": "minimum"},
    "optim.plot.step": {"zh": "步数", "en": "step"},
    "optim.plot.loss": {"zh": "损失", "en": "loss"},
    "optim.plot.loss_per_step": {"zh": "每一步的损失", "en": "Loss at each step"},
    "optim.plot.diverged": {"zh": "（发散）", "en": "(diverged)"},
    "optim.widget.lr": {"zh": "学习率", "en": "learning rate"},
    "optim.widget.momentum": {"zh": "动量", "en": "momentum"},
}
