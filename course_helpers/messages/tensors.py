"""Messages of lesson 01 (tensor basics): hints, the lesson's own diagnoses, plot labels."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- hints ------------------------------------------------------------------------------
    "tensors.q1.hint": {
        "zh": "torch.arange(n * n) 给出 0 到 n*n-1，但参数是整数时结果是 int64：加上 "
        "dtype=torch.float32（或者之后调用 .float()）。再用 .view(n, n) 或 .reshape(n, n) "
        "把它按行排成 n 行 n 列。",
        "en": "torch.arange(n * n) gives 0 to n*n-1, but with an integer argument the result is "
        "int64: pass dtype=torch.float32 (or call .float() afterwards). Then .view(n, n) or "
        ".reshape(n, n) lays it out row by row in n rows and n columns.",
    },
    "tensors.q2.hint": {
        "zh": "torch.tensor(values, dtype=torch.float64) 得到一维张量；再用 .view(-1, 1) "
        "把它变成一列。-1 的意思是“这一维的长度由 PyTorch 自己算出来”。",
        "en": "torch.tensor(values, dtype=torch.float64) gives a 1-D tensor; .view(-1, 1) then "
        "turns it into a column. The -1 means \"let PyTorch work out this dimension\".",
    },
    "tensors.q3.hint": {
        "zh": "x[:-1] 是除最后一个元素以外的全部（切片，得到一维张量）；x[-1] 是最后一个元素"
        "（索引，得到零维张量）。返回 (x[:-1], x[-1])，不要调用 .item()。",
        "en": "x[:-1] is everything except the last element (a slice, giving a 1-D tensor); "
        "x[-1] is the last element (an index, giving a 0-d tensor). Return (x[:-1], x[-1]) "
        "and don't call .item().",
    },
    "tensors.q4.hint": {
        "zh": "x > 0 得到一个布尔掩码；x[x > 0] 只取出掩码为 True 的元素，结果总是一维的。"
        "再对它调用 .mean()。注意是“大于”，不是“大于等于”。",
        "en": "x > 0 gives a boolean mask; x[x > 0] keeps only the entries where the mask is "
        "True, and the result is always 1-D. Then call .mean() on it. Note: greater than, "
        "not greater than or equal.",
    },
    "tensors.q5.hint": {
        "zh": "x 在内存中可能不连续（比如转置之后），这时 .view() 会报错。.reshape(-1, 1) "
        "能共享内存时就共享，不能时复制一份，所以总能成功。",
        "en": "x may not be contiguous in memory (after a transpose, say), and then .view() "
        "fails. .reshape(-1, 1) shares memory when it can and copies when it must, so it "
        "always works.",
    },
    "tensors.q6.hint": {
        "zh": "torch.cuda.is_available() 告诉你有没有可用的 GPU。用条件表达式选出 \"cuda\" "
        "或 \"cpu\"，再交给 torch.device(...)。",
        "en": "torch.cuda.is_available() tells you whether a GPU is usable. Pick \"cuda\" or "
        "\"cpu\" with a conditional expression and pass it to torch.device(...).",
    },
    # --- names of the things being checked --------------------------------------------------
    "tensors.what.rest": {"zh": "返回的其余部分", "en": "the returned rest"},
    "tensors.what.last": {"zh": "返回的最后一个元素", "en": "the returned last element"},
    # --- diagnoses ----------------------------------------------------------------------------
    "tensors.diag.transposed": {
        "zh": "{what}是正确结果的转置：它是按列填充的。.view(n, n) 本来就按行填充，"
        "不要再加 .T 或 .t()。",
        "en": "{what} is the transpose of the right grid: it was filled column by column. "
        ".view(n, n) already fills row by row; drop the .T or .t().",
    },
    "tensors.diag.starts_at_one": {
        "zh": "{what}的每个元素都大了 1：它是从 1 开始数的。torch.arange(m) 给出 0, 1, …, m-1，"
        "从 0 开始。",
        "en": "Every entry of {what} is 1 too large: it counts from 1. torch.arange(m) gives "
        "0, 1, …, m-1, starting at 0.",
    },
    "tensors.diag.row_not_column": {
        "zh": "{shape}形状 (1, {n}) 是一行；题目要的是一列，形状 ({n}, 1)。用 .view(-1, 1) "
        "或 .reshape(-1, 1)，而不是 .view(1, -1)。",
        "en": "{shape} Shape (1, {n}) is a row; the task asks for a column, shape ({n}, 1). "
        "Use .view(-1, 1) or .reshape(-1, 1), not .view(1, -1).",
    },
    "tensors.diag.vector_not_column": {
        "zh": "{shape}形状 ({n},) 是一维向量，还不是一列：再用 .view(-1, 1) 或 .reshape(-1, 1) "
        "变成 ({n}, 1)。",
        "en": "{shape} Shape ({n},) is a 1-D vector, not yet a column: add .view(-1, 1) or "
        ".reshape(-1, 1) to get ({n}, 1).",
    },
    "tensors.diag.slice_drops_two": {
        "zh": "{what}少了一个元素：x[:-2] 去掉了最后两个元素。“除最后一个以外的全部”是 x[:-1]。",
        "en": "{what} is one element short: x[:-2] drops the last two elements. "
        "\"Everything but the last\" is x[:-1].",
    },
    "tensors.diag.slice_drops_first": {
        "zh": "{what}是 x[1:]：去掉的是第一个元素，而不是最后一个。要去掉最后一个元素，用 x[:-1]。",
        "en": "{what} is x[1:]: it drops the first element instead of the last. To drop the "
        "last element, use x[:-1].",
    },
    "tensors.diag.slice_not_index": {
        "zh": "{what}的形状是 (1,)：x[-1:] 是切片，得到只含一个元素的一维张量。去掉冒号，"
        "x[-1] 才得到零维张量。",
        "en": "{what} has shape (1,): x[-1:] is a slice and gives a 1-D tensor with one "
        "element. Without the colon, x[-1] gives a 0-d tensor.",
    },
    "tensors.diag.wrong_index": {
        "zh": "作为最后一个元素返回的其实是 x[{index}]。负索引从 -1 开始：x[-1] 才是最后一个。",
        "en": "What you returned as the last element is x[{index}]. Negative indices start "
        "at -1: x[-1] is the last one.",
    },
    "tensors.diag.item_not_tensor": {
        "zh": "{what}是 Python 的 {type}，不是张量：.item()（或 float()、int()）会把只有一个元素的"
        "张量变成普通的 Python 数字。这里请直接返回零维张量，不要调用 .item()。",
        "en": "{what} is a Python {type}, not a tensor: .item() (or float(), int()) turns a "
        "one-element tensor into a plain Python number. Return the 0-d tensor itself, "
        "without .item().",
    },
    "tensors.diag.swapped_parts": {
        "zh": "两部分的顺序反了：请按 (x[:-1], x[-1]) 的顺序返回。",
        "en": "The two parts are swapped: return (x[:-1], x[-1]) in that order.",
    },
    "tensors.diag.mask_not_reduced": {
        "zh": "{what}是被选出来的 {count} 个正数本身：x[x > 0] 只是把它们挑出来，还要再调用 .mean() "
        "求平均。",
        "en": "{what} is the {count} selected positive entries themselves: x[x > 0] only "
        "picks them out; finish with .mean().",
    },
    "tensors.diag.mask_includes_zero": {
        "zh": "{what}把等于 0 的元素也算进了平均值：x >= 0 会选中 0。题目要求严格大于 0，用 x > 0。",
        "en": "{what} counts the zeros in the mean too: x >= 0 selects the entries equal to 0. "
        "The task asks for strictly positive entries: use x > 0.",
    },
    "tensors.diag.mean_of_all": {
        "zh": "{what}是全部元素的平均值：没有用掩码筛选。先用 x[x > 0] 选出正数，再求 .mean()。",
        "en": "{what} is the mean of all entries: nothing was filtered. Select the positive "
        "entries with x[x > 0] first, then take .mean().",
    },
    "tensors.diag.divided_by_all": {
        "zh": "{what}等于正数之和除以全部 {n} 个元素：把负数置 0（例如 x * (x > 0) 或 clamp）"
        "并不会把它们从个数中去掉。用 x[x > 0] 只取出正数，再求平均。",
        "en": "{what} is the sum of the positive entries divided by all {n} entries: setting "
        "the negatives to 0 (with x * (x > 0) or clamp, say) does not remove them from the "
        "count. Keep only the positive entries with x[x > 0], then average.",
    },
    "tensors.diag.sum_of_positives": {
        "zh": "{what}是正数之和，不是平均值：在 x[x > 0] 之后用 .mean()，而不是 .sum()。",
        "en": "{what} is the sum of the positive entries, not their mean: after x[x > 0], "
        "use .mean(), not .sum().",
    },
    "tensors.diag.view_not_contiguous": {
        "zh": "你的代码对一个在内存中不连续的张量（例如转置后的矩阵）调用了 .view()，PyTorch 拒绝了："
        ".view() 只能在不移动数据的前提下改变形状。改用 .reshape(-1, 1)（必要时它会复制数据），"
        "或者先调用 .contiguous()。",
        "en": "Your code called .view() on a tensor that is not contiguous in memory (a "
        "transposed matrix, say), and PyTorch refused: .view() can only change the shape "
        "without moving any data. Use .reshape(-1, 1), which copies when it must, or call "
        ".contiguous() first.",
    },
    "tensors.diag.column_major": {
        "zh": "{what}是按列读出 x 的：PyTorch 按行读取张量（最后一个下标变化最快）。"
        "直接 x.reshape(-1, 1) 就是这个顺序，不要先转置。",
        "en": "{what} reads x column by column, but PyTorch reads a tensor row by row (the "
        "last index changes fastest). x.reshape(-1, 1) keeps that order; don't transpose "
        "first.",
    },
    "tensors.diag.device_string": {
        "zh": "返回值是字符串 {value}，不是 torch.device。把它包起来：torch.device(\"{expected}\")。",
        "en": "The returned value is the string {value}, not a torch.device. Wrap it: "
        "torch.device(\"{expected}\").",
    },
    "tensors.diag.not_device": {
        "zh": "返回值应该是 torch.device，例如 torch.device(\"cpu\")，实际得到的是 {type}。",
        "en": "The returned value should be a torch.device such as torch.device(\"cpu\"), "
        "but it is a {type}.",
    },
    "tensors.diag.device_ignores_cuda": {
        "zh": "torch.cuda.is_available() 返回 True 时，你的函数仍然选了 {actual}：设备被写死了。"
        "要根据 torch.cuda.is_available() 的结果来选择。",
        "en": "When torch.cuda.is_available() returns True, your function still picks "
        "{actual}: the device is hard-coded. Choose according to torch.cuda.is_available().",
    },
    "tensors.diag.device_cuda_unavailable": {
        "zh": "torch.cuda.is_available() 返回 False，你的函数却选了 {actual}：没有可用的 GPU 时，"
        "必须退回到 cpu。",
        "en": "torch.cuda.is_available() returns False, yet your function picks {actual}: "
        "without a usable GPU it must fall back to cpu.",
    },
    "tensors.diag.cuda_not_called": {
        "zh": "torch.cuda.is_available 后面少了括号：不调用的话，它是函数本身，而函数在 if 里总是当作真，"
        "于是没有 GPU 时也会选 cuda。写成 torch.cuda.is_available()。",
        "en": "torch.cuda.is_available is missing its parentheses: uncalled, it is the function "
        "itself, and a function always counts as true in an if, so cuda is picked even "
        "without a GPU. Write torch.cuda.is_available().",
    },
    "tensors.diag.wrong_device": {
        "zh": "这里应该选 {expected}，你的函数选了 {actual}。题目只在 cuda 和 cpu 之间选择。",
        "en": "The device here should be {expected}, but your function picks {actual}. The "
        "task chooses only between cuda and cpu.",
    },
    # --- plot -----------------------------------------------------------------------------------
    "tensors.plot.row": {"zh": "行下标", "en": "row index"},
    "tensors.plot.column": {"zh": "列下标", "en": "column index"},
    "tensors.plot.layouts": {
        "zh": "同样 12 个数的三种排法",
        "en": "The same 12 numbers in three layouts",
    },
}
