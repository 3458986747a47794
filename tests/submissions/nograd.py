"""Lesson 04: tracking switched off globally and left off, an update outside no_grad, and a
"copy" that only detaches (it still shares memory)."""

LESSON = "04_no_grad_detach"

MISTAKES = {
    "q1-solution": (
        "def predict(w, x):\n"
        "    torch.set_grad_enabled(False)\n"
        "    return w * x\n",
        ["梯度追踪被全局关掉了", "gradient tracking was switched off globally"],
    ),
    "q2-solution": (
        "def sgd_step_(w, lr):\n"
        "    w -= lr * w.grad\n"
        "    w.grad.zero_()\n",
        ["在 torch.no_grad() 之外原地修改了需要梯度的叶子张量",
         "in place outside torch.no_grad()"],
    ),
    "q4-solution": (
        "def independent_copy(t):\n"
        "    return t.detach()\n",
        ["副本和 t 共用同一块内存", "The copy shares memory with t"],
    ),
}
