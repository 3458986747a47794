"""Lesson 03: a list of one aliased .grad, a descent loop and an SGD loop that never clear."""

LESSON = "03_gradient_clearing"

MISTAKES = {
    "q1-solution": (
        "def grads_after_each_backward(x, times):\n"
        "    x = x.detach().clone().requires_grad_(True)\n"
        "    grads = []\n"
        "    for _ in range(times):\n"
        "        (x ** 2).sum().backward()\n"
        "        grads.append(x.grad)\n"
        "    return grads\n",
        ["你存的是 x.grad 这个张量本身", "you stored the tensor x.grad itself"],
    ),
    "q2-solution": (
        "def descend(w0, lr, steps):\n"
        "    w = torch.tensor(w0, requires_grad=True)\n"
        "    path = []\n"
        "    for _ in range(steps):\n"
        "        loss = w ** 2 + 20\n"
        "        loss.backward()\n"
        "        with torch.no_grad():\n"
        "            w -= lr * w.grad\n"
        "        path.append(w.item())\n"
        "    return torch.tensor(path)\n",
        ["梯度从不清零", "梯度一直累积在 .grad 里",
         "the gradient is never cleared", "it accumulated in .grad"],
    ),
    "q3-solution": (
        "def train_sgd(params_init, lr, steps):\n"
        "    w = params_init.detach().clone().requires_grad_(True)\n"
        "    optimizer = torch.optim.SGD([w], lr=lr)\n"
        "    path = []\n"
        "    for _ in range(steps):\n"
        "        loss = w[0] ** 2 + 2 * w[1] ** 2\n"
        "        loss.backward()\n"
        "        optimizer.step()\n"
        "        path.append(w.detach().clone())\n"
        "    return torch.stack(path)\n",
        ["optimizer.zero_grad()", "梯度从不清零", "the gradient is never cleared"],
    ),
}
