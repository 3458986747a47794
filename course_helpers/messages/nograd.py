"""Messages of lesson 04 (no_grad and detach): hints, this lesson's diagnoses, plot labels."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- hints ------------------------------------------------------------------------------
    "nograd.q1.hint": {
        "zh": "把 w * x 放进 with torch.no_grad() 代码块里计算再返回，或者返回 (w * x).detach()。"
        "不要改动 w 本身的 requires_grad：它还要继续训练。",
        "en": "Compute w * x inside a with torch.no_grad() block and return it, or return "
        "(w * x).detach(). Don't touch the requires_grad of w itself: it is still being trained.",
    },
    "nograd.q2.hint": {
        "zh": "在 with torch.no_grad() 代码块里原地更新：w -= lr * w.grad；然后 w.grad.zero_()。"
        "不要写 w = w - lr * w.grad，那只是让名字 w 指向一个新张量，调用者的 w 不会变。",
        "en": "Update in place inside a with torch.no_grad() block: w -= lr * w.grad; then "
        "call w.grad.zero_(). Don't write w = w - lr * w.grad: that only points the name w at "
        "a new tensor, and the caller's w stays as it was.",
    },
    "nograd.q3.hint": {
        "zh": "需要梯度的张量不能直接 .numpy()。先 .detach()，再 .numpy()；张量可能在 GPU 上时，"
        "通用写法是 t.detach().cpu().numpy()。",
        "en": "A tensor that requires grad refuses .numpy(). Call .detach() first, then "
        ".numpy(); when the tensor may live on a GPU, the general form is "
        "t.detach().cpu().numpy().",
    },
    "nograd.q4.hint": {
        "zh": "detach() 让结果不再需要梯度，但它和 t 共用同一块内存；clone() 复制内存，"
        "但结果仍在计算图里。两个都要：t.detach().clone()。",
        "en": "detach() gives a result that needs no grad but shares memory with t; clone() "
        "copies the memory but stays in the graph. You need both: t.detach().clone().",
    },
    "nograd.q5.hint": {
        "zh": "model[0] 就是第一层。对 model[0].parameters() 里的每个参数调用 "
        "p.requires_grad_(False)，或者直接 model[0].requires_grad_(False)。其他层不要动。",
        "en": "model[0] is the first layer. Call p.requires_grad_(False) on every parameter in "
        "model[0].parameters(), or simply model[0].requires_grad_(False). Leave the other "
        "layers alone.",
    },
    "nograd.q6.hint": {
        "zh": "先 w = w0.detach().clone().requires_grad_(True)。每一步：loss = (w ** 2).sum()，"
        "loss.backward()，在 with torch.no_grad() 里 w -= lr * w.grad，再 w.grad.zero_()，"
        "最后把 w.detach().clone() 存进列表。循环结束后返回 torch.stack(列表)。",
        "en": "Start with w = w0.detach().clone().requires_grad_(True). Each step: "
        "loss = (w ** 2).sum(), loss.backward(), w -= lr * w.grad inside with "
        "torch.no_grad(), then w.grad.zero_(), and append w.detach().clone() to a list. "
        "After the loop return torch.stack(the_list).",
    },
    # --- names of the things being checked --------------------------------------------------
    "nograd.what.prediction": {"zh": "预测结果", "en": "the prediction"},
    "nograd.what.w": {"zh": "更新后的 w", "en": "the updated w"},
    "nograd.what.array": {"zh": "数组", "en": "the array"},
    "nograd.what.copy": {"zh": "副本", "en": "the copy"},
    "nograd.what.history": {"zh": "历史记录", "en": "the history"},
    # --- diagnoses ---------------------------------------------------------------------------
    "nograd.froze_input": {
        "zh": "你的函数关掉了传入的 {name} 的 requires_grad（比如 {name}.requires_grad_(False)）。"
        "这改的是调用者手里的那个张量：它从此不再得到梯度，也就不会再被训练。不要改动 {name}，"
        "只让结果不需要梯度：用 torch.no_grad() 或 .detach()。",
        "en": "Your function switched off requires_grad on the {name} it was given (e.g. "
        "{name}.requires_grad_(False)). That changes the caller's own tensor: it gets no more "
        "gradients and will not be trained any more. Leave {name} alone and make only the "
        "result gradient-free, with torch.no_grad() or .detach().",
    },
    "nograd.q1.requires_grad": {
        "zh": "预测结果仍然需要梯度（grad_fn={grad_fn}）：自动微分记录了 w * x 这一步，"
        "白白建了一张没人用的计算图。把计算放进 with torch.no_grad() 代码块，"
        "或者返回 (w * x).detach()。",
        "en": "The prediction still requires grad (grad_fn={grad_fn}): autograd recorded w * x "
        "and built a graph that nobody will use. Compute it inside a with torch.no_grad() "
        "block, or return (w * x).detach().",
    },
    "nograd.inplace_outside_no_grad": {
        "zh": "你在 torch.no_grad() 之外原地修改了需要梯度的叶子张量，PyTorch 因此报错"
        "（a leaf Variable that requires grad is being used in an in-place operation）。"
        "把 w -= lr * w.grad 放进 with torch.no_grad() 代码块里。",
        "en": "You changed a leaf tensor that requires grad in place outside torch.no_grad(), "
        "so PyTorch refused (a leaf Variable that requires grad is being used in an in-place "
        "operation). Put w -= lr * w.grad inside a with torch.no_grad() block.",
    },
    "nograd.q2.requires_grad_off": {
        "zh": "更新之后 w 不再需要梯度了：为了能原地修改而关掉了 requires_grad"
        "（w.requires_grad_(False) 或 w.requires_grad = False），却没有改回来，这个参数从此被“冻结”。"
        "原地更新应该放进 with torch.no_grad() 代码块，不用动 requires_grad。",
        "en": "After the step, w no longer requires grad: switching requires_grad off "
        "(w.requires_grad_(False) or w.requires_grad = False) to allow the in-place update, "
        "and never switching it back, freezes the parameter for good. Put the in-place update "
        "inside a with torch.no_grad() block and leave requires_grad alone.",
    },
    "nograd.q2.tracked": {
        "zh": "w 现在带着 grad_fn={grad_fn}：这次更新被自动微分记录了下来，w 不再是叶子张量。"
        "把更新放进 with torch.no_grad() 代码块。",
        "en": "w now has grad_fn={grad_fn}: the update was recorded by autograd and w is no "
        "longer a leaf tensor. Put the update inside a with torch.no_grad() block.",
    },
    "nograd.q2.unchanged": {
        "zh": "调用者的 w 没有变，还是原来的值。w = w - lr * w.grad 只是让函数里的名字 w "
        "指向一个新张量，调用者手里的 w 不受影响。请原地更新：在 with torch.no_grad() 代码块里写 "
        "w -= lr * w.grad（或 w.sub_(lr * w.grad)）。",
        "en": "The caller's w did not change; it still holds its old values. "
        "w = w - lr * w.grad only points the function's local name w at a new tensor and "
        "leaves the caller's w alone. Update in place: w -= lr * w.grad (or "
        "w.sub_(lr * w.grad)) inside a with torch.no_grad() block.",
    },
    "nograd.q2.rebound_tracked": {
        "zh": "你的函数返回了一个带 grad_fn={grad_fn} 的新张量，调用者的 w 却没有变："
        "w = w - lr * w.grad 被自动微分记录了下来，而且只是让名字指向了新张量。"
        "请在 with torch.no_grad() 代码块里原地更新：w -= lr * w.grad。",
        "en": "Your function returned a new tensor with grad_fn={grad_fn} and left the "
        "caller's w unchanged: w = w - lr * w.grad was recorded by autograd, and it only "
        "points the name at a new tensor. Update in place inside a with torch.no_grad() block: "
        "w -= lr * w.grad.",
    },
    "nograd.q2.rebound": {
        "zh": "你的函数返回了一个新张量，调用者的 w 却没有变：w = w - lr * w.grad 新建了一个张量，"
        "只是让名字指向了它，训练循环手里的仍然是旧的 w。请原地更新：w -= lr * w.grad。",
        "en": "Your function returned a new tensor and left the caller's w unchanged: "
        "w = w - lr * w.grad creates a new tensor and only points the name at it, so the "
        "training loop still holds the old w. Update in place: w -= lr * w.grad.",
    },
    "nograd.q2.rebound_grad_none": {
        "zh": "w.grad 是 None，所以 w.grad.zero_() 出错了。w = w - lr * w.grad 新建了一个张量，"
        "只是让名字 w 指向它；新张量没有梯度，调用者的 w 也没有变。请在 with torch.no_grad() "
        "代码块里原地更新：w -= lr * w.grad，然后 w.grad.zero_()。",
        "en": "w.grad is None, so w.grad.zero_() failed. w = w - lr * w.grad creates a new "
        "tensor and only points the name w at it: the new tensor has no gradient, and the "
        "caller's w did not change. Update in place inside a with torch.no_grad() block: "
        "w -= lr * w.grad, then w.grad.zero_().",
    },
    "nograd.q2.zeroed_first": {
        "zh": "w 没有移动，而它的梯度已经是 0：你在更新之前就把梯度清零了，减去的是 0。"
        "先更新，再清零。",
        "en": "w did not move, and its gradient is already zero: you cleared the gradient "
        "before using it, so the update subtracted zero. Update first, then zero the gradient.",
    },
    "nograd.q2.wrong_sign": {
        "zh": "w 沿着梯度方向走了一步（w + lr * w.grad），这是在往上坡走。"
        "梯度下降要减去梯度：w -= lr * w.grad。",
        "en": "w moved along the gradient (w + lr * w.grad), which is uphill. Gradient "
        "descent subtracts it: w -= lr * w.grad.",
    },
    "nograd.q2.no_lr": {
        "zh": "w 减去了整个梯度，忘了乘学习率 lr：应为 w -= lr * w.grad。",
        "en": "w moved by the whole gradient: the learning rate lr is missing. It should be "
        "w -= lr * w.grad.",
    },
    "nograd.q2.step_scaled": {
        "zh": "w 移动的方向对了，但步长是正确步长 lr * w.grad 的 {factor} 倍。检查学习率和更新公式。",
        "en": "w moved in the right direction, but by {factor} times the correct step "
        "lr * w.grad. Check the learning rate and the update formula.",
    },
    "nograd.q2.grad_not_zeroed": {
        "zh": "w 更新对了，但梯度没有清零：下一次 backward() 会把新梯度加到旧梯度上。"
        "更新之后调用 w.grad.zero_()（或者设置 w.grad = None）。",
        "en": "w was updated correctly, but its gradient was not cleared: the next backward() "
        "would add the new gradient to the old one. Call w.grad.zero_() (or set "
        "w.grad = None) after the update.",
    },
    "nograd.q3.none": {
        "zh": "返回值是 None，这里需要一个 NumPy 数组。是不是忘了 return？",
        "en": "The returned value is None where a NumPy array was expected. Did you forget to "
        "return it?",
    },
    "nograd.q3.tensor": {
        "zh": "你返回的是 torch.Tensor，题目要的是 NumPy 数组：在 .detach() 之后再调用 .numpy()。",
        "en": "You returned a torch.Tensor, but the task asks for a NumPy array: call .numpy() "
        "after .detach().",
    },
    "nograd.q3.not_array": {
        "zh": "返回值应该是 numpy.ndarray，实际得到的是 {type}。用 t.detach().numpy() 得到数组。",
        "en": "The returned value should be a numpy.ndarray, but it is a {type}. Use "
        "t.detach().numpy() to get an array.",
    },
    "nograd.q3.dtype": {
        "zh": "数组的数据类型是 {actual}，而张量是 {expected}。常见原因：经过 .tolist() 或 Python "
        "数字转了一圈，数值变成了 float64。t.detach().numpy() 会保留原来的数据类型。",
        "en": "The array has dtype {actual}, but the tensor is {expected}. A usual cause: a "
        "detour through .tolist() or Python numbers, which turns the values into float64. "
        "t.detach().numpy() keeps the original dtype.",
    },
    "nograd.q3.shape": {
        "zh": "数组的形状应为 {expected}，实际是 {actual}。",
        "en": "The array should have shape {expected}, but it has {actual}.",
    },
    "nograd.q4.same_object": {
        "zh": "你返回的就是 t 本身，不是副本。用 t.detach().clone()。",
        "en": "You returned t itself, not a copy. Use t.detach().clone().",
    },
    "nograd.q4.inference": {
        "zh": "副本是推理张量（在 torch.inference_mode() 里创建）。只拿来读的结果可以这样算，"
        "比如练习 1 的预测值；但副本是要当普通张量继续用的：出了推理模式，推理张量不能原地修改，"
        "也不能再设 requires_grad 参与训练。请在推理模式之外复制：t.detach().clone()。",
        "en": "The copy is an inference tensor (made inside torch.inference_mode()). That is "
        "fine for a result that is only read, such as the prediction of exercise 1, but a copy "
        "is meant to be used like any other tensor: outside inference mode an inference "
        "tensor cannot be changed in place, nor get requires_grad to be trained. Copy outside "
        "inference mode: t.detach().clone().",
    },
    "nograd.q4.in_graph": {
        "zh": "副本仍然在 t 的计算图里（grad_fn={grad_fn}）：clone() 会被自动微分记录，"
        "梯度会顺着它流回 t。先 detach 再 clone：t.detach().clone()。",
        "en": "The copy is still part of t's computation graph (grad_fn={grad_fn}): clone() is "
        "recorded by autograd, so gradients flow back through it to t. Detach first, then "
        "clone: t.detach().clone().",
    },
    "nograd.q4.requires_grad": {
        "zh": "副本是一个需要梯度的新叶子张量（例如 copy.deepcopy(t) 会保留 requires_grad）。"
        "这里要的是普通的副本：t.detach().clone()。",
        "en": "The copy is a new leaf tensor that requires grad (copy.deepcopy(t), for "
        "instance, keeps requires_grad). The task wants a plain copy: t.detach().clone().",
    },
    "nograd.q4.shares": {
        "zh": "副本和 t 共用同一块内存：检查修改了副本，t 也跟着变了。detach() 只是换一个不求梯度的"
        "视图看同一份数据（.data 和 torch.from_numpy 也一样）。再加上 .clone()：t.detach().clone()。",
        "en": "The copy shares memory with t: the check changed the copy and t changed too. "
        "detach() only gives a gradient-free view of the same data (so do .data and "
        "torch.from_numpy). Add .clone(): t.detach().clone().",
    },
    "nograd.q5.structure": {
        "zh": "模型的参数已经不是原来那些了（被替换、增加或删除）。冻结只需要改 requires_grad，"
        "不要替换参数或层。",
        "en": "The model's parameters are no longer the original ones (replaced, added or "
        "removed). Freezing only changes requires_grad; do not replace parameters or layers.",
    },
    "nograd.q5.assigned_tensor": {
        "zh": "model[0].weight = model[0].weight.detach() 这样的赋值会报错：模块的参数只能换成 "
        "nn.Parameter。其实不用替换参数：p.requires_grad_(False) 就能原地冻结它。",
        "en": "An assignment like model[0].weight = model[0].weight.detach() fails: a module's "
        "parameter can only be replaced by an nn.Parameter. There is no need to replace it: "
        "p.requires_grad_(False) freezes it in place.",
    },
    "nograd.q5.bias_none": {
        "zh": "第一层没有偏置（用 bias=False 创建），model[0].bias 是 None，"
        "所以对它设 requires_grad 会出错。不要逐个写出参数名：遍历 model[0].parameters() "
        "只会拿到真正存在的参数，或者直接 model[0].requires_grad_(False)。",
        "en": "The first layer has no bias (it was made with bias=False): model[0].bias is "
        "None, so setting its requires_grad fails. Don't name the parameters one by one: "
        "model[0].parameters() yields only the parameters that exist, or simply call "
        "model[0].requires_grad_(False).",
    },
    "nograd.q5.values_changed": {
        "zh": "参数 {name} 的数值变了。冻结不应该改变参数的值，只改 requires_grad。",
        "en": "The values of parameter {name} changed. Freezing must not change values, only "
        "requires_grad.",
    },
    "nograd.q5.nothing_frozen": {
        "zh": "没有任何参数被冻结，每个参数都仍然是 requires_grad=True。注意：torch.no_grad() "
        "只影响代码块里的运算，不会改变参数的 requires_grad。请对 model[0] 的每个参数调用 "
        "p.requires_grad_(False)。",
        "en": "No parameter was frozen: every parameter still has requires_grad=True. Note "
        "that torch.no_grad() only affects the operations inside its block; it does not "
        "change any parameter's requires_grad. Call p.requires_grad_(False) on each parameter "
        "of model[0].",
    },
    "nograd.q5.froze_rest": {
        "zh": "冻结得太多了，这些参数也不再需要梯度：{names}。model.requires_grad_(False) "
        "会冻结整个模型；只冻结 model[0] 的参数。",
        "en": "Too much is frozen; these parameters no longer require grad either: {names}. "
        "model.requires_grad_(False) freezes the whole model; freeze only the parameters of "
        "model[0].",
    },
    "nograd.q5.partly": {
        "zh": "第一层只冻结了一部分，这些参数仍然需要梯度：{names}。别忘了偏置（bias）："
        "遍历 model[0].parameters() 就能拿到第一层的全部参数。",
        "en": "The first layer is only partly frozen; these parameters still require grad: "
        "{names}. Don't forget the bias: looping over model[0].parameters() reaches every "
        "parameter of the first layer.",
    },
    "nograd.q6.requires_grad": {
        "zh": "返回的历史记录仍然需要梯度（grad_fn={grad_fn}）：存进列表的是 w 本身或 w.clone()，"
        "它们都还连在计算图上。每一步存 w.detach().clone()。",
        "en": "The returned history still requires grad (grad_fn={grad_fn}): the list holds "
        "w itself or w.clone(), which are still connected to the graph. Store "
        "w.detach().clone() at each step.",
    },
    "nograd.q6.includes_start": {
        "zh": "历史记录有 {rows} 行，应为 {steps} 行：只记录每一步更新之后的 w，不要把起点 w0 也放进去。",
        "en": "The history has {rows} rows instead of {steps}: record w after each step only, "
        "without the starting point w0.",
    },
    "nograd.q6.all_final": {
        "zh": "历史记录的每一行都等于最后的 w：存进列表的 w.detach()（或 w.data）和 w 共用内存，"
        "w 每次被原地更新，所有记录也跟着变了。存 w.detach().clone()。",
        "en": "Every row of the history equals the final w: the w.detach() (or w.data) stored "
        "in the list shares memory with w, so every in-place update changed all the records "
        "too. Store w.detach().clone().",
    },
    "nograd.q6.not_zeroed": {
        "zh": "轨迹和“每一步都不清零梯度”的结果完全一致：梯度在各步之间累积了。"
        "每次更新之后调用 w.grad.zero_()。",
        "en": "The trajectory matches exactly what you get when the gradient is never "
        "cleared: it accumulated from step to step. Call w.grad.zero_() after each update.",
    },
    "nograd.q6.mean": {
        "zh": "轨迹和梯度缩小为 1/{n} 时的结果一致：用 mean() 代替 sum()，梯度就会除以元素个数 {n}。"
        "题目里的损失是 (w ** 2).sum()。",
        "en": "The trajectory matches a gradient {n} times too small: mean() instead of sum() "
        "divides the gradient by the number of elements, {n}. The task's loss is "
        "(w ** 2).sum().",
    },
    "nograd.q6.rebound_under_no_grad": {
        "zh": "后面一步的 backward() 报错，因为 w 已经不需要梯度了：在 torch.no_grad() 里写 "
        "w = w - lr * w.grad，得到的是一个不需要梯度的新张量，它顶替了原来的叶子张量。"
        "请原地更新：w -= lr * w.grad。",
        "en": "backward() failed in a later step because w no longer requires grad: "
        "w = w - lr * w.grad inside torch.no_grad() makes a new tensor without requires_grad, "
        "which replaces the leaf. Update in place: w -= lr * w.grad.",
    },
    "nograd.q6.grad_none": {
        "zh": "你的代码用到 w.grad 时它是 None。两个常见原因：在第一次 backward() 之前就调用了 "
        "w.grad.zero_()（先判断 if w.grad is not None，或者放到更新之后）；或者在 torch.no_grad() "
        "之外写了 w = w - lr * w.grad，w 变成了非叶子张量，它的 .grad 不会被填写。"
        "请在 with torch.no_grad() 代码块里原地更新：w -= lr * w.grad。",
        "en": "w.grad was None when your code used it. Two usual causes: w.grad.zero_() "
        "before the first backward() (check if w.grad is not None, or zero after the update); "
        "or w = w - lr * w.grad outside torch.no_grad(), which turns w into a non-leaf tensor "
        "whose .grad is never filled in. Update in place inside a with torch.no_grad() block: "
        "w -= lr * w.grad.",
    },
    # --- plot labels ---------------------------------------------------------------------------
    "nograd.plot.title": {
        "zh": "记录梯度下降的轨迹",
        "en": "Recording a gradient-descent trajectory",
    },
    "nograd.plot.clone": {
        "zh": "存副本 w.detach().clone()",
        "en": "stored w.detach().clone()",
    },
    "nograd.plot.detach": {
        "zh": "只存 w.detach()",
        "en": "stored w.detach() only",
    },
    "nograd.plot.step": {"zh": "步数", "en": "step"},
    "nograd.plot.value": {"zh": "记录下的 w", "en": "recorded w"},
}
