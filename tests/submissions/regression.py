"""Lesson 06: an MSE that sums, a loop that never clears, an optimizer given x."""

LESSON = "06_linear_regression"

MISTAKES = {
    "q1-solution": (
        "def mse(pred, target):\n"
        "    return ((pred - target) ** 2).sum()\n",
        ["你用的是 sum()（求和）", "but you used sum()"],
    ),
    "q2-solution": (
        "def train_by_hand(x, y, lr, epochs):\n"
        "    w = torch.zeros((), requires_grad=True)\n"
        "    b = torch.zeros((), requires_grad=True)\n"
        "    losses = []\n"
        "    for _ in range(epochs):\n"
        "        loss = ((w * x + b - y) ** 2).mean()\n"
        "        losses.append(loss.item())\n"
        "        loss.backward()\n"
        "        with torch.no_grad():\n"
        "            w -= lr * w.grad\n"
        "            b -= lr * b.grad\n"
        "    return w, b, losses\n",
        ["梯度从不清零", "The gradient is never cleared"],
    ),
    "q3-solution": (
        "def train_with_module(model, x, y, lr, epochs):\n"
        "    criterion = nn.MSELoss()\n"
        "    optimizer = torch.optim.SGD([x], lr=lr)\n"
        "    losses = []\n"
        "    for _ in range(epochs):\n"
        "        loss = criterion(model(x), y)\n"
        "        optimizer.zero_grad()\n"
        "        loss.backward()\n"
        "        optimizer.step()\n"
        "        losses.append(loss.item())\n"
        "    return losses\n",
        ["训练前后参数完全没变", "The parameters did not change at all"],
    ),
}
