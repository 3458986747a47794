"""Lesson 05: the defaults' learning rate, a momentum buffer from zeros, a shallow checkpoint."""

LESSON = "05_custom_optimizers"

MISTAKES = {
    "q1-solution": (
        "class CustomSGD(torch.optim.Optimizer):\n"
        "    def __init__(self, params, lr=0.01):\n"
        "        super().__init__(params, dict(lr=lr))\n"
        "\n"
        "    @torch.no_grad()\n"
        "    def step(self, closure=None):\n"
        "        loss = None\n"
        "        if closure is not None:\n"
        "            with torch.enable_grad():\n"
        "                loss = closure()\n"
        "        lr = self.defaults['lr']\n"
        "        for group in self.param_groups:\n"
        "            for p in group['params']:\n"
        "                if p.grad is not None:\n"
        "                    p.add_(p.grad, alpha=-lr)\n"
        "        return loss\n",
        ["用错了学习率", "uses the wrong learning rate", "param_groups[1]"],
    ),
    "q2-solution": (
        "class MomentumSGD(torch.optim.Optimizer):\n"
        "    def __init__(self, params, lr=0.01, momentum=0.0, dampening=0.0,\n"
        "                 weight_decay=0.0):\n"
        "        super().__init__(params, dict(lr=lr, momentum=momentum,\n"
        "                                      dampening=dampening, weight_decay=weight_decay))\n"
        "\n"
        "    @torch.no_grad()\n"
        "    def step(self, closure=None):\n"
        "        for group in self.param_groups:\n"
        "            for p in group['params']:\n"
        "                if p.grad is None:\n"
        "                    continue\n"
        "                d_p = p.grad.add(p, alpha=group['weight_decay'])\n"
        "                if group['momentum'] != 0:\n"
        "                    state = self.state[p]\n"
        "                    if 'momentum_buffer' not in state:\n"
        "                        state['momentum_buffer'] = torch.zeros_like(p)\n"
        "                    buf = state['momentum_buffer']\n"
        "                    buf.mul_(group['momentum']).add_(d_p, alpha=1 - group['dampening'])\n"
        "                    d_p = buf\n"
        "                p.add_(d_p, alpha=-group['lr'])\n",
        ["动量缓冲区从 0 开始", "your momentum buffer starts at zeros", "From step 1 on"],
    ),
    "q4-solution": (
        "def resume_training(make_optimizer, w0, loss_fn, steps, pause):\n"
        "    w = w0.detach().clone().requires_grad_(True)\n"
        "    optimizer = make_optimizer([w])\n"
        "    path = []\n"
        "    for step in range(steps):\n"
        "        optimizer.zero_grad()\n"
        "        loss_fn(w).backward()\n"
        "        optimizer.step()\n"
        "        path.append(w.detach().clone())\n"
        "        if step + 1 == pause:\n"
        "            checkpoint = {'w': w.detach().clone(), 'opt': optimizer.state_dict()}\n"
        "    w2 = checkpoint['w'].requires_grad_(True)\n"
        "    optimizer2 = make_optimizer([w2])\n"
        "    optimizer2.load_state_dict(checkpoint['opt'])\n"
        "    resumed = []\n"
        "    for _ in range(steps - pause):\n"
        "        optimizer2.zero_grad()\n"
        "        loss_fn(w2).backward()\n"
        "        optimizer2.step()\n"
        "        resumed.append(w2.detach().clone())\n"
        "    return torch.stack(path), torch.stack(resumed)\n",
        ["state_dict() 返回的字典引用着优化器正在用的缓冲区",
         "refers to the buffers the optimizer is using", "copy.deepcopy(optimizer.state_dict())"],
    ),
}
