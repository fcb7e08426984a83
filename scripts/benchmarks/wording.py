"""The words the benchmarks page prints around its numbers, in each edition of the site.

The code says what it prints in English and passes it through `words(language)`: the English page gets the
text itself, the Chinese page the text's entry in `ZH`, where every English text stands beside its Chinese.
A text with `{fields}` is looked up before it is filled, so a translation may put the fields in its own order
(or leave one out, as Chinese leaves out the English ordinal's suffix).
"""

from __future__ import annotations

from typing import Callable

LANGUAGES = ("en", "zh")

ZH = {
    # ---- the tables and lines of page.py --------------------------------------------------------------------
    "not measured": "未测量",
    "not measured (needs {name})": "未测量（需要 {name}）",
    "{minutes} minutes": "{minutes} 分钟",
    "{seconds} s": "{seconds} 秒",
    "Recorded {date} ({mode} run, {processes} fresh processes per implementation and workload) on {machine}.":
        "记录于 {date}（{mode}运行，每种实现的每个工作负载各用 {processes} 个全新进程），运行环境：{machine}。",
    " Environment: {env}.": "环境变量：{env}。",
    "full": "完整",
    "quick": "快速",
    "{cpu}, {cpus} cores": "{cpu}，{cpus} 核",
    " (commit `{commit}`)": "（提交 `{commit}`）",
    "; ": "；",
    ", ": "、",
    "| workload | goal | tinypytorch | verdict |": "| 工作负载 | 目标 | tinypytorch | 结论 |",
    "✅ met": "✅ 达成",
    "❌ not met": "❌ 未达成",
    "**Computes:** {title}{sizes}. **Goal:** {goal}.": "**计算：**{title}{sizes}。**目标：**{goal}。",
    " ({sizes})": "，规模为 {sizes}",
    "| change |": "| 改动 |",
    "`{commit} {what}`": "`{commit}` {what}",
    "| | goal | before (`{commit_before}`, {date_before}) | after (`{commit_after}`, {date_after}) |":
        "| | 目标 | 优化前（`{commit_before}`，{date_before}） | 优化后（`{commit_after}`，{date_after}） |",
    "**{wid} — {short}** ({shown}; goal {goal}). {text}": "**{wid} — {short}**（{shown}；目标 {goal}）。{text}",
    # ---- the implementations (declare.NAMES) ------------------------------------------------------------------
    "numpy baseline": "numpy 基线",
    "tinypytorch": "tinypytorch",
    "DeZero": "DeZero",
    "PyTorch": "PyTorch",
    # ---- what the kinds of measurement print (kinds.py) -------------------------------------------------------
    "| implementation | median (× numpy) | fastest run (× numpy's fastest) | runs | same result as numpy |":
        "| 实现 | 中位数（× numpy） | 最快一次（× numpy 的最快一次） | 运行次数 | 与 numpy 结果一致 |",
    "yes": "是",
    "**no**": "**否**",
    "time per {unit}": "{unit}的时间",
    " ({ratio} DeZero)": "（DeZero 的 {ratio}）",
    " ({nodes} nodes)": "（{nodes} 个节点）",
    "{nodes} nodes": "{nodes} 个节点",
    "time for the {n}{suffix} derivative": "{n} 阶导数的时间",
    "{keep} with graph, {no_grad} under no_grad": "带计算图 {keep}，no_grad 下 {no_grad}",
    "| implementation | allocator | peak, with graph | peak, no_grad | time, with graph |":
        "| 实现 | 分配器 | 峰值（带计算图） | 峰值（no_grad） | 时间（带计算图） |",
    "live": "立即归还",
    "rss": "默认",
    "peak memory with graph": "带计算图时的峰值内存",
    "{extra} ms vs numpy": "相对 numpy {extra} ms",
    "| import | `python -c` wall time | the import alone | + over numpy |":
        "| 导入 | `python -c` 墙钟时间 | 仅导入语句 | 比 numpy 多出 |",
    "(empty program)": "（空程序）",
    "start-up + import": "启动 + 导入",
    "none": "无",
    # ---- the workloads (workloads.py): title, short name, goal, unit ------------------------------------------
    "Rosenbrock gradient descent on 0-d arrays (forward, cleargrad, backward, update)":
        "0 维数组上的 Rosenbrock 梯度下降（正向传播、`cleargrad`、反向传播、更新）",
    "Rosenbrock descent, 0-d arrays": "Rosenbrock 梯度下降，0 维数组",
    "≤ {limit}× the numpy 0-d baseline": "≤ numpy 0 维基线的 {limit}×",
    "≤ {limit}× numpy": "≤ numpy 的 {limit}×",
    "descent step": "每步下降",
    "Newton's method on x⁴ − 2x² with f′ and f″ from backward(create_graph=True)":
        "对 x⁴ − 2x² 做牛顿法，f′ 和 f″ 由 `backward(create_graph=True)` 求出",
    "Newton with f′, f″ by create_graph": "牛顿法，f′、f″ 由 `create_graph` 求出",
    "≤ {limit}× the numpy baseline": "≤ numpy 基线的 {limit}×",
    "Newton step": "每步牛顿法",
    "n-th derivative of tanh at 1.0 by repeated backward(create_graph=True)":
        "反复调用 `backward(create_graph=True)`，求 tanh 在 1.0 处的 n 阶导数",
    "tanh, n-th derivative": "tanh 的 n 阶导数",
    "≤ {limit}× DeZero's time at n = 8": "n = 8 时 ≤ DeZero 耗时的 {limit}×",
    "≤ {limit}× DeZero": "≤ DeZero 的 {limit}×",
    "Goldstein–Price on two float64 arrays, forward and backward of the sum":
        "两个 `float64` 数组上的 Goldstein–Price 函数，对其和做正向和反向传播",
    "Goldstein–Price on large arrays": "大数组上的 Goldstein–Price 函数",
    "≤ {limit}× the hand-written numpy forward + gradient": "≤ 手写 numpy 正向计算 + 梯度的 {limit}×",
    "forward + backward": "一次正向 + 反向传播",
    "chain of elementwise ops (x * 1.0001, sin, …) on one array, then backward: peak memory":
        "在一个数组上做一长串逐元素运算（`x * 1.0001`、`sin`……），然后反向传播，测量峰值内存",
    "chain of elementwise ops: peak memory": "逐元素运算链：峰值内存",
    "peak live memory ≤ {keep}× the numpy chain that keeps what the gradient needs; "
    "under no_grad ≤ the plain numpy chain":
        "峰值存活内存 ≤ 只保留梯度所需数组的 numpy 运算链的 {keep}×；`no_grad` 下 ≤ 只计算数值的 numpy 运算链",
    "≤ {keep}× numpy": "≤ numpy 的 {keep}×",
    'python -c "import tinypytorch"': '`python -c "import tinypytorch"`',
    "import time": "导入时间",
    "≤ numpy's import + {limit} ms": "≤ numpy 的导入时间 + {limit} ms",
    "≤ numpy + {limit} ms": "≤ numpy + {limit} ms",
    # ---- what the A/B records name beside a commit (docs/bench/changes.json, `--ab A B LABEL_A LABEL_B`) -----
    "without the single-output path": "去掉单输出的捷径",
    "without Variable()'s float64 test": "去掉 `Variable()` 的 `float64` 检查",
    "without Variables passed on as they are": "去掉 `Variable` 的原样传递",
    "without the generation loop": "去掉求最新代的循环",
    "without shapes read on the arrays": "去掉在数组上读取形状",
    "+ collector pause": "+ 回收器暂停",
}


def english(text: str) -> str:
    return text


def words(language: str = "en") -> Callable[[str], str]:
    """The page's words in `language`: a function from an English text to the text the page prints."""
    if language == "en":
        return english
    if language != "zh":
        raise ValueError(f"the benchmarks page has no wording for language {language!r} "
                         f"(it is written in {', '.join(LANGUAGES)})")

    def chinese(text: str) -> str:
        try:
            return ZH[text]
        except KeyError:
            raise KeyError(f"scripts/benchmarks/wording.py has no Chinese for {text!r}: add it to ZH") from None

    return chinese
