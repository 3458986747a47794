"""Lesson 02: summing where the task asks for a mean, and returning gradients swapped."""

LESSON = "02_autograd"

MISTAKES = {
    "q3-solution": (
        "def mean_square_grad(x):\n"
        "    x = x.detach().clone().requires_grad_(True)\n"
        "    (x ** 2 + 20).sum().backward()\n"
        "    return x.grad\n",
        ["你用的是 sum()（求和）", "but you used sum()"],
    ),
    "q5-solution": (
        "def two_input_grads(a, b):\n"
        "    a = a.detach().clone().requires_grad_(True)\n"
        "    b = b.detach().clone().requires_grad_(True)\n"
        "    (a ** 2 + b ** 2 + a * b).sum().backward()\n"
        "    return b.grad, a.grad\n",
        ["两个梯度的顺序反了", "The two gradients are swapped"],
    ),
}
