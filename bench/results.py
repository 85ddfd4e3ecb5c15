"""What a benchmark area hands back, and how it becomes bench/RESULTS.md and a PNG chart."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Table:
    title: str
    columns: list[str]
    rows: list[list[str]]

    def markdown(self) -> str:
        lines = [f"**{self.title}**", "", "| " + " | ".join(self.columns) + " |"]
        lines.append("| " + " | ".join("---" for _ in self.columns) + " |")
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


@dataclass
class Chart:
    """Grouped bars: one group per measurement, one bar per contender (medians, min-max whiskers)."""

    title: str
    unit: str
    groups: list[str]
    series: dict[str, list[list[float]]]  # contender -> per group, the values of every run
    higher_is_better: bool = False


@dataclass
class Area:
    name: str  # the file name of its chart
    title: str
    command: str
    headline: str
    tables: list[Table] = field(default_factory=list)
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)


def print_area(area: Area, machine: str) -> None:
    """What a benchmark run by itself prints: the machine, the headline, the tables."""
    print(f"machine: {machine}\n\n{area.headline}\n")
    for table in area.tables:
        print(table.markdown() + "\n")


def span(values: list[float], scale: float = 1.0, digits: int = 2) -> str:
    """``median (min-max)`` of ``values`` times ``scale``."""
    median, low, high = statistics.median(values) * scale, min(values) * scale, max(values) * scale
    return f"{median:,.{digits}f} ({low:,.{digits}f}-{high:,.{digits}f})"


def ratio(ours: list[float], theirs: list[float]) -> float:
    return statistics.median(ours) / statistics.median(theirs)


def draw(chart: Chart, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    contenders = list(chart.series)
    width = 0.8 / max(1, len(contenders))
    figure, axes = plt.subplots(figsize=(max(6.0, 1.6 * len(chart.groups) * len(contenders) / 2 + 3), 4.2))
    for index, name in enumerate(contenders):
        runs = chart.series[name]
        medians = [statistics.median(r) if r else 0.0 for r in runs]
        lows = [m - min(r) if r else 0.0 for m, r in zip(medians, runs, strict=True)]
        highs = [max(r) - m if r else 0.0 for m, r in zip(medians, runs, strict=True)]
        positions = [g + (index - (len(contenders) - 1) / 2) * width for g in range(len(chart.groups))]
        bars = axes.bar(positions, medians, width, label=name, yerr=[lows, highs], capsize=3)
        axes.bar_label(bars, labels=[_short(m) for m in medians], fontsize=7, padding=2)
    axes.set_xticks(range(len(chart.groups)), chart.groups, fontsize=8)
    better = "higher is better" if chart.higher_is_better else "lower is better"
    axes.set_ylabel(f"{chart.unit} ({better})")
    axes.set_title(chart.title, fontsize=10)
    axes.margins(y=0.12)  # room for the value labels above the whiskers
    axes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=len(contenders), frameon=False)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _short(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def write_results(areas: list[Area], machine: str, versions: str, path: Path, when: str) -> None:
    """Write ``path``; areas measured before and not in ``areas`` keep their sections (each section
    says when it was measured), so one area can be measured again by itself."""
    sections = _kept_sections(path) if path.is_file() else {}
    for area in areas:
        sections[area.title] = (area.headline, _section(area, when))
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench`, last on {when}. Machine: {machine}. Versions: {versions}.",
        "Every figure is a median over several runs with the range (min-max) beside it; the",
        "contenders of an area ran interleaved in the same session, on the same machine.",
        "",
    ]
    lines += [f"- **{title}**: {headline}" for title, (headline, _) in sections.items()]
    for _, section in sections.values():
        lines += ["", *section]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")


def _section(area: Area, when: str) -> list[str]:
    lines = [f"## {area.title}", "", f"Command: `{area.command}`; measured {when}.", "", area.headline, ""]
    if area.chart is not None:
        lines += [f"![{area.title}](results/{area.name}.png)", ""]
    for table in area.tables:
        lines += [table.markdown(), ""]
    return lines + [f"- {note}" for note in area.notes]


def _kept_sections(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Title -> (headline, section lines) of every area in an earlier results file."""
    text = path.read_text(encoding="utf-8")
    headlines = dict(re.findall(r"^- \*\*(.+?)\*\*: (.*)$", text.split("\n## ", 1)[0], flags=re.MULTILINE))
    kept: dict[str, tuple[str, list[str]]] = {}
    for chunk in text.split("\n## ")[1:]:
        title = chunk.split("\n", 1)[0].strip()
        kept[title] = (headlines.get(title, ""), f"## {chunk}".rstrip().split("\n"))
    return kept
