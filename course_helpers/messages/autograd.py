"""Messages of lesson 02 (autograd)."""

MESSAGES: dict[str, dict[str, str]] = {
    "autograd.q1.hint": {
        "zh": "torch.tensor(values, dtype=..., requires_grad=True) 一步就能建好叶子张量。"
        "别忘了：整数列表默认得到整数张量。",
        "en": "torch.tensor(values, dtype=..., requires_grad=True) builds the leaf in one "
        "step. Remember: a list of ints gives an integer tensor by default.",
    },
    "autograd.q2.hint": {
        "zh": "先把 x 变成需要梯度的叶子张量：x = x.detach().clone().requires_grad_(True)；"
        "然后计算 y，调用 y.backward()，返回 x.grad。",
        "en": "First turn x into a leaf that requires grad: "
        "x = x.detach().clone().requires_grad_(True); then compute y, call y.backward(), "
        "and return x.grad.",
    },
    "autograd.q3.hint": {
        "zh": "mean() 会除以元素个数 n，所以每个梯度分量是 2x/n。注意别写成 sum()。",
        "en": "mean() divides by the number of elements n, so each gradient entry is 2x/n. "
        "Don't use sum() by mistake.",
    },
    "autograd.q4.hint": {
        "zh": "y = x * x 是向量，不能直接 y.backward()。用 y.sum().backward()，"
        "或 y.backward(gradient=torch.ones_like(y))。",
        "en": "y = x * x is a vector, so y.backward() alone fails. Use y.sum().backward() "
        "or y.backward(gradient=torch.ones_like(y)).",
    },
    "autograd.q5.hint": {
        "zh": "不要改动传进来的张量：先做两份副本，a = a.detach().clone().requires_grad_(True)，"
        "b 也一样。一次 backward() 会同时填好两份副本的 .grad，返回 (a.grad, b.grad)。",
        "en": "Leave the caller's tensors alone: work on copies, a = "
        "a.detach().clone().requires_grad_(True), and the same for b. A single backward() "
        "fills the .grad of both copies; return (a.grad, b.grad).",
    },
    "autograd.q6.hint": {
        "zh": "f 是逐元素函数，所以 f(x).sum() 对 x_i 的导数就是 f'(x_i)。对 x 的副本开启梯度，"
        "反向传播，返回 x.grad。",
        "en": "f acts element by element, so the derivative of f(x).sum() with respect to x_i "
        "is f'(x_i). Turn on grad for a copy of x, run backward, return x.grad.",
    },
    "autograd.diag.returned_loss": {
        "zh": "你返回的是函数值本身（也就是调用 backward() 的那个结果），而不是梯度。"
        "backward() 把梯度存进叶子张量的 .grad：返回 x.grad。",
        "en": "You returned the value of the function (the result you called backward() on), "
        "not the gradient. backward() stores the gradient in the leaf tensor's .grad: return "
        "x.grad.",
    },
    "autograd.diag.method_not_called": {
        "zh": "有个方法只写了名字，没有加括号调用：例如 x.requires_grad_ 是方法本身，不是张量。"
        "加上括号：x.requires_grad_(True)。",
        "en": "A method was named but not called: x.requires_grad_, for example, is the method "
        "itself, not a tensor. Add the parentheses: x.requires_grad_(True).",
    },
    "autograd.diag.not_autograd": {
        "zh": "f 从来没有收到需要梯度的张量，所以这个导数不是自动微分算出来的"
        "（是有限差分，或者直接写了公式？）。这道题要求用自动微分：对 xs 的副本开启梯度，"
        "把它传给 f，再调用 backward()。",
        "en": "f never received a tensor that requires grad, so this derivative did not come "
        "from autograd (a finite difference, or a formula typed in?). The exercise asks for "
        "autograd: turn on grad for a copy of xs, pass it to f, then call backward().",
    },
}
