"""Messages shared by every lesson: outcomes, the verification core, diagnoses, plots, CLI."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- outcomes -------------------------------------------------------------------
    "outcome.title": {"zh": "练习 {number}", "en": "Exercise {number}"},
    "outcome.correct": {"zh": "正确！", "en": "Correct!"},
    "outcome.correct_visible": {
        "zh": "通过了公开检查。评分时还会用更多输入检验你的函数。",
        "en": "The visible checks pass. Grading will try your function on more inputs.",
    },
    "outcome.correct_hidden": {
        "zh": "隐藏检查也全部通过。",
        "en": "The hidden checks pass as well.",
    },
    "outcome.incorrect": {"zh": "还不对", "en": "Not yet"},
    "outcome.not_attempted": {"zh": "尚未作答", "en": "Not attempted yet"},
    "outcome.not_passed": {"zh": "{title} 未通过", "en": "{title} not passed"},
    "diag.grad_left_off": {
        "zh": "你的函数运行之后，梯度追踪被全局关掉了（torch.is_grad_enabled() 为 False）：它调用了 "
        "torch.set_grad_enabled(False)，却没有再打开。这样，之后的每个单元格都会悄悄地不再记录计算图。"
        "改用 with torch.no_grad() 代码块；或者把 torch.set_grad_enabled(False) 写成 with 语句，"
        "只关掉一段代码。检查已经替你重新打开了梯度追踪。",
        "en": "After your function ran, gradient tracking was switched off globally "
        "(torch.is_grad_enabled() is False): the function called torch.set_grad_enabled(False) "
        "and never switched it back on, so every later cell would silently stop recording "
        "graphs. Use a with torch.no_grad() block instead, or use torch.set_grad_enabled(False) "
        "in a with statement to switch it off for one block only. The check has switched "
        "tracking back on for you.",
    },
    "diag.grad_was_off": {
        "zh": "注意：这次检查开始之前，梯度追踪是关着的，多半是前面某个单元格调用了 "
        "torch.set_grad_enabled(False) 却没有再打开。检查已经把它重新打开了。",
        "en": "Note: gradient tracking was switched off before this check, probably by an "
        "earlier cell that called torch.set_grad_enabled(False) and never switched it back on. "
        "The check has switched it back on.",
    },
    "diag.state_kept": {
        "zh": "用同样的参数再调用一次，结果就不对了：第二次调用接着第一次留下的状态继续计算。"
        "参数、优化器或梯度放在了函数外面，就像在笔记本里把训练单元格多运行了一次。"
        "把它们都放到函数内部创建。",
        "en": "A second call with the same arguments gives a wrong result: it carried on from "
        "the state the first call left behind. A parameter, an optimizer or a gradient lives "
        "outside the function, just like re-running a training cell in a notebook. Create "
        "them inside the function.",
    },
    "diag.input_changed": {
        "zh": "你的函数改动了传给它的张量（第 {position} 个参数）：{how}调用者手里的张量因此变了，"
        "同样的张量再调用一次，就会接着上一次留下的状态算，得到不同的结果。先复制一份再操作："
        "x = x.detach().clone()，需要梯度时再加 .requires_grad_(True)。",
        "en": "Your function changed a tensor it was given (argument {position}): {how} The "
        "caller's tensor is no longer what it was, and a second call on the same tensor starts "
        "from what the first one left. Work on a copy: x = x.detach().clone(), then "
        ".requires_grad_(True) if it needs gradients.",
    },
    "diag.input_changed.requires_grad": {
        "zh": "它打开了 requires_grad。",
        "en": "it switched requires_grad on.",
    },
    "diag.input_changed.grad": {
        "zh": "它的 .grad 里存下了梯度。",
        "en": "its .grad now holds a gradient.",
    },
    "diag.input_changed.values": {
        "zh": "它的数值被改了。",
        "en": "its values were changed.",
    },
    "outcome.hints_off": {
        "zh": "这门课的老师关闭了提示。先重读本节的讲解，再用检查单元格试试你的答案。",
        "en": "Your instructor has switched hints off for this course. Reread this "
        "section's explanation, then try your answer with the check cell.",
    },
    "outcome.no_key": {
        "zh": "隐藏测试只在教师评分时运行：这份课程是用于计分的版本，不含答案和隐藏用例。"
        "请用可见检查（check）检验你的答案。",
        "en": "Hidden tests run only when your instructor grades: this is the assessed edition "
        "of the course, without the answers or the hidden cases. Use the visible check "
        "(check) to test your answer.",
    },
    "outcome.not_attempted_detail": {
        "zh": "把 raise NotImplementedError() 换成你的代码，运行该单元格，再运行本检查单元格。",
        "en": "Replace raise NotImplementedError() with your code, run that cell, "
        "then run this check cell again.",
    },
    "judge.no_observation": {
        "zh": "评分时没能读到这道题的运行结果（{reason}）：可能是内核在这之前崩溃、超时，"
        "或者笔记本改动了评分需要的东西。先在自己的电脑上从头运行整个笔记本，确认没有错误。",
        "en": "While grading, no result of this exercise could be read ({reason}): the kernel "
        "may have crashed or run out of time before it, or the notebook changed something "
        "grading needs. Run the whole notebook from the top on your own machine and make "
        "sure it has no errors.",
    },
    "judge.not_observed": {
        "zh": "你的答案没有在这组输入上运行完（超时、崩溃或中途被打断）。",
        "en": "Your answer did not finish on this input (it ran out of time, crashed or was "
        "interrupted).",
    },
    "judge.timed_out": {
        "zh": "你的答案在这组输入上超过了时间限制，没有运行完。检查循环能否结束，"
        "以及运算量是否比题目需要的大得多。",
        "en": "Your answer ran past the time limit on this input and did not finish. Check "
        "that its loops end, and that it does not compute far more than the exercise needs.",
    },
    "judge.unreadable": {
        "zh": "评分时读不懂你的答案返回的结果（{reason}）：返回值太大，或者不是普通的张量、数字或列表。",
        "en": "While grading, what your answer returned could not be read ({reason}): it is "
        "too large, or not plain tensors, numbers and lists.",
    },
    "judge.not_judged": {
        "zh": "这个测试单元格不属于任何一道题，评分时不计分。",
        "en": "This test cell belongs to no exercise, so it earns no points when graded.",
    },
    "judge.unknown_diagnosis": {
        "zh": "你的答案运行出错（{name}）。",
        "en": "Your answer raised an error ({name}).",
    },
    "outcome.hint_pointer": {
        "zh": "需要提示？运行 {name}.hint()。",
        "en": "Need a hint? Run {name}.hint().",
    },
    "outcome.case": {"zh": "输入：{case}", "en": "Input: {case}"},
    "outcome.hidden_case": {
        "zh": "出错的是一组隐藏输入。",
        "en": "The failing input is one of the hidden ones.",
    },
    "outcome.hint_title": {"zh": "提示", "en": "Hint"},
    "outcome.solution_title": {"zh": "参考答案", "en": "Reference solution"},
    "outcome.solution_note": {
        "zh": "先自己尝试，再对照参考答案：看懂之后，试着不看答案重写一遍。",
        "en": "Try it yourself first. Once you understand the reference, "
        "rewrite it without looking.",
    },
    # --- names of the things being checked --------------------------------------------
    "what.result": {"zh": "返回值", "en": "the returned value"},
    "what.gradient": {"zh": "梯度", "en": "the gradient"},
    "what.item": {"zh": "第 {index} 个返回值", "en": "returned value #{index}"},
    "what.tensor": {"zh": "返回的张量", "en": "the returned tensor"},
    # --- the verification core --------------------------------------------------------
    "compare.none": {
        "zh": "{what}是 None，这里需要一个张量。是不是忘了 return？",
        "en": "{what} is None where a tensor was expected. Did you forget to return it?",
    },
    "compare.not_tensor": {
        "zh": "{what}应该是 torch.Tensor，实际得到的是 {type}。",
        "en": "{what} should be a torch.Tensor, but it is a {type}.",
    },
    "compare.tensor_subclass": {
        "zh": "{what}的类型是 {type}，不是普通的 torch.Tensor（而是张量的子类，或冒充张量的对象）。"
        "检查只接受真正的 torch.Tensor 或 nn.Parameter，请返回普通的 torch.Tensor。",
        "en": "{what} is a {type}, not a plain torch.Tensor (a tensor subclass, or an object "
        "posing as one). The checks accept only a real torch.Tensor or nn.Parameter; return a "
        "plain torch.Tensor.",
    },
    "compare.not_tuple": {
        "zh": "{what}应该是包含 {count} 个元素的元组，实际得到的是 {type}。",
        "en": "{what} should be a tuple of {count} items, but it is a {type}.",
    },
    "compare.length": {
        "zh": "{what}应该有 {expected} 个元素，实际有 {actual} 个。",
        "en": "{what} should have {expected} items, but it has {actual}.",
    },
    "compare.not_float": {
        "zh": "{what}的数据类型是 {dtype}，不是浮点型。只有浮点型张量才能求梯度：写 1.0 而不是 1，"
        "或指定 dtype=torch.float32。",
        "en": "{what} has dtype {dtype}, which is not floating point. Only floating-point "
        "tensors can have gradients: write 1.0 instead of 1, or pass dtype=torch.float32.",
    },
    "compare.complex": {
        "zh": "{what}是复数张量（{dtype}），这里需要实数浮点型张量。",
        "en": "{what} is a complex tensor ({dtype}); a real floating-point tensor is expected.",
    },
    "compare.dtype": {
        "zh": "{what}的数据类型应为 {expected}，实际是 {actual}。",
        "en": "{what} should have dtype {expected}, but it has {actual}.",
    },
    "compare.shape": {
        "zh": "{what}的形状应为 {expected}，实际是 {actual}。",
        "en": "{what} should have shape {expected}, but it has {actual}.",
    },
    "compare.device": {
        "zh": "{what}在设备 {actual} 上，应在 {expected} 上。",
        "en": "{what} is on device {actual}; it should be on {expected}.",
    },
    "compare.needs_requires_grad": {
        "zh": "{what}没有开启梯度：创建时加上 requires_grad=True，或调用 .requires_grad_()。",
        "en": "{what} does not require grad: pass requires_grad=True when creating it, "
        "or call .requires_grad_().",
    },
    "compare.unwanted_requires_grad": {
        "zh": "{what}仍然需要梯度（requires_grad=True），还连在计算图上。返回前用 .detach() 把它取下来。",
        "en": "{what} still requires grad: it is still attached to the graph. Detach it with "
        ".detach() before returning it.",
    },
    "compare.not_leaf": {
        "zh": "{what}不是叶子张量：它是由运算 {grad_fn} 得到的。先把数值准备好，"
        "最后再设置 requires_grad。",
        "en": "{what} is not a leaf tensor: it was produced by {grad_fn}. Prepare the values "
        "first and set requires_grad last.",
    },
    "compare.not_finite": {
        "zh": "{what}中含有 NaN 或无穷大。",
        "en": "{what} contains NaN or infinity.",
    },
    "compare.values": {
        "zh": "{what}的数值不对：最大误差为 {error}（允许 rtol={rtol}，atol={atol}）。",
        "en": "{what} has wrong values: the largest error is {error} "
        "(allowed: rtol={rtol}, atol={atol}).",
    },
    "compare.same_object": {
        "zh": "两次调用返回了同一个张量对象：每次调用都应该新建张量。",
        "en": "Two calls returned the very same tensor object; each call should create "
        "a new tensor.",
    },
    "compare.finite_difference": {
        "zh": "{what}与有限差分的估计不符：最大误差为 {error}。",
        "en": "{what} disagrees with the finite-difference estimate: the largest error "
        "is {error}.",
    },
    # --- diagnoses: the likely mistake behind a wrong answer ---------------------------------
    "diag.grad_none": {
        "zh": "{what}是 None。常见原因：函数忘了 return；没有调用 backward()；张量没有设置 "
        "requires_grad=True；或者写了 w = w - lr * w.grad，把 w 换成了一个新的非叶子张量。",
        "en": "{what} is None. Usual causes: the function does not return it; backward() was "
        "never called; the tensor does not have requires_grad=True; or w = w - lr * w.grad "
        "replaced w with a new, non-leaf tensor.",
    },
    "diag.accumulated": {
        "zh": "{what}正好是正确值的 {factor} 倍：backward() 被调用了 {factor} 次而中间没有清零，"
        "梯度累积了起来。每次反向传播之前先用 x.grad.zero_() 或 optimizer.zero_grad() 清零，"
        "或者每次都新建张量。",
        "en": "{what} is exactly {factor} times the correct value: backward() ran {factor} "
        "times without clearing in between, so the gradients accumulated. Zero them before "
        "each backward pass with x.grad.zero_() or optimizer.zero_grad(), or create a fresh "
        "tensor each time.",
    },
    "diag.sum_not_mean": {
        "zh": "{what}是正确值的 {factor} 倍，{factor} 正好是元素个数：题目要求 mean()（平均），"
        "你用的是 sum()（求和）。",
        "en": "{what} is {factor} times the correct value, and {factor} is the number of "
        "elements: the task asks for mean(), but you used sum().",
    },
    "diag.mean_not_sum": {
        "zh": "{what}只有正确值的 1/{factor}，{factor} 正好是元素个数：这里应该用 sum()（求和），"
        "你用的是 mean()（平均）。",
        "en": "{what} is 1/{factor} of the correct value, and {factor} is the number of "
        "elements: use sum() here, not mean().",
    },
    "diag.wrong_sign": {
        "zh": "{what}的符号反了：数值大小正确，正负号相反。检查表达式里的减号。",
        "en": "{what} has the wrong sign: the size is right but the sign is flipped. Check "
        "the minus signs in your expression.",
    },
    "diag.scaled": {
        "zh": "{what}和正确值成比例，但差了一个系数 {factor}。检查公式里的常数。",
        "en": "{what} is proportional to the correct value but off by a factor of {factor}. "
        "Check the constants in your formula.",
    },
    "diag.all_zero": {
        "zh": "{what}全是 0：是不是在读取之前就把梯度清零了？",
        "en": "{what} is all zeros: were the gradients cleared before you read them?",
    },
    "diag.swapped": {
        "zh": "两个梯度的顺序反了：请按（对 a 的梯度，对 b 的梯度）的顺序返回。",
        "en": "The two gradients are swapped: return (gradient for a, gradient for b) "
        "in that order.",
    },
    "diag.raised": {
        "zh": "你的代码抛出了异常 {error}：{detail}",
        "en": "Your code raised {error}: {detail}",
    },
    "diag.int_requires_grad": {
        "zh": "你的代码给整数张量设置了 requires_grad。只有浮点型张量才能求梯度：写 1.0 而不是 1，"
        "或指定 dtype=torch.float32。",
        "en": "Your code set requires_grad on an integer tensor. Only floating-point tensors "
        "can have gradients: write 1.0 instead of 1, or pass dtype=torch.float32.",
    },
    "diag.nonscalar_backward": {
        "zh": "你对一个非标量（向量）调用了 backward()，却没有传 gradient=。先用 .sum() 得到标量，"
        "或者调用 y.backward(gradient=torch.ones_like(y))。",
        "en": "You called backward() on a non-scalar (a vector) without gradient=. Reduce it "
        "to a scalar with .sum() first, or call y.backward(gradient=torch.ones_like(y)).",
    },
    "diag.no_grad_tensor_backward": {
        "zh": "你对一个不需要梯度的张量调用了 backward()。可能是计算它的输入都没有 requires_grad=True，"
        "也可能是它在 torch.no_grad()、torch.set_grad_enabled(False) 或 inference_mode 里算出来的，"
        "或者经过了 detach()。先对输入设置 requires_grad，并在梯度追踪打开时计算损失。",
        "en": "You called backward() on a tensor that does not require grad. Either none of "
        "the inputs it was computed from has requires_grad=True, or it was computed inside "
        "torch.no_grad(), torch.set_grad_enabled(False) or inference_mode, or it went through "
        "detach(). Set requires_grad on the inputs and compute the loss with gradient "
        "tracking on.",
    },
    "diag.backward_twice": {
        "zh": "你的代码第二次沿同一张计算图做反向传播，而第一次之后图已经被释放。每次都重新计算前向，"
        "或者（确实需要时）第一次调用 backward(retain_graph=True)。",
        "en": "Your code ran backward through the same graph a second time, after the first "
        "pass had freed it. Recompute the forward pass each time, or (if you really need "
        "to) call backward(retain_graph=True) the first time.",
    },
    "diag.numpy_requires_grad": {
        "zh": "你对需要梯度的张量调用了 .numpy()。先 .detach() 再 .numpy()。",
        "en": "You called .numpy() on a tensor that requires grad. Call .detach() first, "
        "then .numpy().",
    },
    "diag.inplace_leaf": {
        "zh": "你在原地修改了一个需要梯度的叶子张量。参数更新要放在 with torch.no_grad() 代码块里。",
        "en": "You changed a leaf tensor that requires grad in place. Put parameter updates "
        "inside a with torch.no_grad() block.",
    },
    "diag.not_callable": {
        "zh": "这里需要传入你写的函数本身（例如 {name}），而不是 {type}。",
        "en": "Pass the function you wrote (for example {name}) itself, not a {type}.",
    },
    "diag.mutated_input": {
        "zh": "你的函数修改了传入的张量。请在副本上计算：x = x.detach().clone()。",
        "en": "Your function changed the tensor it was given. Work on a copy: "
        "x = x.detach().clone().",
    },
    "diag.not_independent": {
        "zh": "同样的输入调用两次，结果却不一样（第二次是第一次的 {factor} 倍）：函数在多次调用之间"
        "共享了张量，梯度累积了。在函数内部新建张量，或在反向传播之前清零。",
        "en": "Two calls with the same input gave different results (the second is "
        "{factor} times the first): the function shares a tensor between calls and the "
        "gradients accumulate. Create the tensor inside the function, or zero the gradient "
        "before backward.",
    },
    "diag.tampered": {
        "zh": "检查所依赖的内容被改动过（tampered: {name}）。改动已被撤销，本次检查不通过、不得分。"
        "请删掉改动它们的代码，重启内核，从头运行全部单元格。",
        "en": "Something the checks rely on was tampered with ({name}). It has been put back; "
        "this check fails and scores nothing. Remove the code that changes it, restart the "
        "kernel and run all cells from the top.",
    },
    # --- plots and widgets ------------------------------------------------------------------
    "plot.function": {"zh": "函数 f(x)", "en": "function f(x)"},
    "plot.derivative": {"zh": "导数 f'(x)（自动微分）", "en": "derivative f'(x) (autograd)"},
    "plot.function_and_derivative": {
        "zh": "函数及其导数",
        "en": "A function and its derivative",
    },
    "plot.tangent": {"zh": "x = {x} 处的切线，斜率 {slope}", "en": "tangent at x = {x}, slope {slope}"},
    "plot.graph_title": {"zh": "计算图", "en": "Computation graph"},
    "plot.leaf": {"zh": "叶子张量", "en": "leaf tensor"},
    "widget.x0": {"zh": "切点 x", "en": "point x"},
    # --- setup and command line ------------------------------------------------------------
}
