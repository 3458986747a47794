"""Messages of a grading run's start: the workers and the sandbox its kernels run in."""

MESSAGES: dict[str, dict[str, str]] = {
    "grading.starting": {
        "zh": "正在启动 {workers} 个评分进程（每个都要先加载 PyTorch，大约需要半分钟）……",
        "en": "Starting {workers} grading workers (each loads PyTorch first, which takes about half a minute)…",
    },
    "grading.sandboxed": {
        "zh": "每份作业的内核都在 bubblewrap 沙箱中运行：只看得到自己的文件夹和 Python 环境，看不到课程文件、成绩簿和其他学生的作业，也没有网络。",
        "en": "Each submission's kernel runs in a bubblewrap sandbox: it sees its own folder and the Python environment, not the course files, the gradebook or other students' work, and has no network.",
    },
    "grading.unsandboxed": {
        "zh": "警告：{why}。内核将以评分用户的身份运行，能读写该用户能读写的一切，包括成绩簿。要可信地评分，请在装有 bubblewrap 的 Linux 上运行（见 README 中的“评分沙箱”一节）。",
        "en": "Warning: {why}. Kernels will run as the grading user and can read and write whatever that user can, the gradebook included. For grades you can trust, grade on Linux with bubblewrap installed (see \"The grading sandbox\" in the README).",
    },
    "grading.sandbox.not_linux": {"zh": "沙箱只能在 Linux 上使用，本机是 {platform}", "en": "the sandbox needs Linux, and this is {platform}"},
    "grading.sandbox.no_bwrap": {
        "zh": "没有找到 bubblewrap（bwrap），在 Debian 或 Ubuntu 上可用 `apt-get install bubblewrap` 安装",
        "en": "bubblewrap (bwrap) is not installed; on Debian or Ubuntu, `apt-get install bubblewrap` installs it",
    },
    "grading.sandbox.refused": {
        "zh": "bubblewrap 无法在本机创建沙箱（{detail}），通常是系统禁止了非特权用户命名空间",
        "en": "bubblewrap cannot make a sandbox here ({detail}); usually unprivileged user namespaces are turned off",
    },
    "grading.note.delegated": {
        "zh": "{question} 的答案把工作交给了 {use}，而不是自己实现；它的测试单元格记 0 分（评分器在内核之外检查源代码）。",
        "en": "The answer to {question} hands its work to {use} instead of doing it itself; its test cell scores zero (the grader reads the source, outside the kernel).",
    },
}
