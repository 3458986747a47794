"""Lesson 01: an int64 grid from arange, a slice that drops two elements, and >= in a mask."""

LESSON = "01_tensors"

MISTAKES = {
    "q1-solution": (
        "def make_grid(n):\n"
        "    return torch.arange(n * n).view(n, n)\n",
        ["实际是 torch.int64", "but it has torch.int64"],
    ),
    "q3-solution": (
        "def rest_and_last(x):\n"
        "    return x[:-2], x[-1]\n",
        ["x[:-2] 去掉了最后两个元素", "is one element short"],
    ),
    "q4-solution": (
        "def positives_mean(x):\n"
        "    return x[x >= 0].mean()\n",
        ["把等于 0 的元素也算进了平均值", "counts the zeros in the mean too"],
    ),
}
