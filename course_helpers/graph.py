"""Draw the autograd graph behind a tensor, by walking ``grad_fn.next_functions``.

JupyterLab renders Mermaid natively; other front ends get a matplotlib drawing of the same
graph from the same display bundle. No graphviz binary is needed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Node:
    """One box of the drawing: an operation, a leaf tensor, or the output."""

    ident: str
    label: str
    kind: str  # "op", "leaf" or "output"


@dataclass(frozen=True)
class Graph:
    """Nodes and edges in forward direction (inputs point to what they feed)."""

    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]

    def to_mermaid(self) -> str:
        """The graph as Mermaid flowchart source."""
        lines = ["flowchart LR"]
        shapes = {"leaf": ('(["', '"])'), "op": ('["', '"]'), "output": ('{{"', '"}}')}
        for node in self.nodes:
            left, right = shapes[node.kind]
            lines.append(f"    {node.ident}{left}{node.label}{right}")
        lines.extend(f"    {source} --> {target}" for source, target in self.edges)
        lines.append("    classDef leaf fill:#e8f5e9,stroke:#2e7d32")
        lines.append("    classDef output fill:#e3f2fd,stroke:#1565c0")
        leaves = [n.ident for n in self.nodes if n.kind == "leaf"]
        if leaves:
            lines.append(f"    class {','.join(leaves)} leaf")
        outputs = [n.ident for n in self.nodes if n.kind == "output"]
        if outputs:
            lines.append(f"    class {','.join(outputs)} output")
        return "\n".join(lines)


def _describe(tensor: torch.Tensor) -> str:
    shape = "(" + ", ".join(str(n) for n in tensor.shape) + ("," if tensor.dim() == 1 else "") + ")"
    return f"{shape} {str(tensor.dtype).replace('torch.', '')}"


def build_graph(output: torch.Tensor, names: dict[str, torch.Tensor] | None = None) -> Graph:
    """Walk the graph that produced ``output``; ``names`` labels leaf tensors by identity."""
    names = names or {}
    by_identity = {id(t): name for name, t in names.items()}
    nodes: list[Node] = []
    edges: list[tuple[str, str]] = []
    seen: dict[int, str] = {}

    def leaf_label(tensor: torch.Tensor) -> str:
        name = by_identity.get(id(tensor), "")
        return f"{name} {_describe(tensor)}".strip()

    out_id = "out"
    out_name = by_identity.get(id(output), "output")
    nodes.append(Node(out_id, f"{out_name} {_describe(output)}", "output"))
    root = output.grad_fn
    if root is None:
        return Graph(tuple(nodes), tuple(edges))

    queue: list[tuple[object, str]] = [(root, out_id)]
    while queue:
        fn, consumer = queue.pop(0)
        key = id(fn)
        if key in seen:
            edges.append((seen[key], consumer))
            continue
        ident = f"n{len(seen)}"
        seen[key] = ident
        variable = getattr(fn, "variable", None)
        if isinstance(variable, torch.Tensor):  # AccumulateGrad: a leaf tensor
            nodes.append(Node(ident, leaf_label(variable), "leaf"))
        else:
            nodes.append(Node(ident, type(fn).__name__, "op"))
        edges.append((ident, consumer))
        for parent, _ in getattr(fn, "next_functions", ()):
            if parent is not None:
                queue.append((parent, ident))
    return Graph(tuple(nodes), tuple(edges))


def draw_png(graph: Graph) -> bytes:
    """A matplotlib drawing of the graph, layered from leaves (left) to output (right)."""
    from matplotlib.figure import Figure

    depth = _depths(graph)
    columns: dict[int, list[Node]] = {}
    for node in graph.nodes:
        columns.setdefault(depth[node.ident], []).append(node)
    width = max(depth.values()) + 1
    height = max(len(column) for column in columns.values())
    fig = Figure(figsize=(2.4 * width + 1, 1.1 * height + 1))
    ax = fig.add_subplot()
    ax.set_axis_off()
    position = {}
    for level, column in columns.items():
        x = width - 1 - level
        for row, node in enumerate(column):
            position[node.ident] = (x, (len(column) - 1) / 2 - row)
    colours = {"leaf": "#e8f5e9", "op": "#f5f5f5", "output": "#e3f2fd"}
    for source, target in graph.edges:
        (x0, y0), (x1, y1) = position[source], position[target]
        ax.annotate("", xy=(x1 - 0.42, y1), xytext=(x0 + 0.42, y0),
                    arrowprops={"arrowstyle": "->", "color": "#555555"})
    for node in graph.nodes:
        x, y = position[node.ident]
        ax.text(x, y, node.label, ha="center", va="center", fontsize=8,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": colours[node.kind],
                      "edgecolor": "#555555"})
    ax.set_xlim(-0.7, width - 0.3)
    ax.set_ylim(-height / 2 - 0.2, height / 2 + 0.2)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _depths(graph: Graph) -> dict[str, int]:
    """Longest distance of each node from the output, so every arrow points rightwards."""
    consumers: dict[str, list[str]] = {}
    for source, target in graph.edges:
        consumers.setdefault(source, []).append(target)
    depth: dict[str, int] = {}

    def visit(ident: str) -> int:
        if ident not in depth:
            targets = consumers.get(ident, [])
            depth[ident] = 1 + max(visit(t) for t in targets) if targets else 0
        return depth[ident]

    for node in graph.nodes:
        visit(node.ident)
    return depth


class GraphView:
    """Display bundle: Mermaid for JupyterLab, PNG elsewhere, text as the last resort."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, object]:
        import base64

        mermaid = self.graph.to_mermaid()
        return {
            "text/vnd.mermaid": mermaid,
            "image/png": base64.b64encode(draw_png(self.graph)).decode("ascii"),
            "text/plain": mermaid,
        }


def show_graph(output: torch.Tensor, **names: torch.Tensor) -> None:
    """Display the autograd graph of ``output``.

    Tensors are labelled with the names the calling cell gave them (``a``, ``b``, ``z``);
    pass ``name=tensor`` to label others.
    """
    import inspect

    from IPython.display import display

    caller = inspect.currentframe()
    frame = caller.f_back if caller is not None else None
    known = dict(frame.f_locals) if frame is not None else {}
    found = {name: value for name, value in known.items()
             if isinstance(value, torch.Tensor) and not name.startswith("_")}
    found.update(names)
    display(GraphView(build_graph(output, found)))
