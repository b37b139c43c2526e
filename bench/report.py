"""The results table: peers as columns, wheelkeep's ratio to each beside it."""

import datetime
import math
import os
import platform
import shutil
import statistics
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass

import psutil

from bench.measure import PeerResults


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    higher_is_better: bool


def _load_metrics() -> list[Metric]:
    metrics = []
    titles = {
        "page": "package page",
        "root": "root index",
        "many": "2,000-release page",
    }
    for page, title in titles.items():
        for format_name in ("html", "json"):
            prefix = f"{page}_{format_name}"
            label = f"{title}, {format_name.upper()}"
            metrics += [
                Metric(f"{prefix}_rps", f"{label}: requests/s", True),
                Metric(f"{prefix}_p50", f"{label}: p50 ms", False),
                Metric(f"{prefix}_p99", f"{label}: p99 ms", False),
            ]
    return metrics


METRICS = [
    *_load_metrics(),
    Metric("upload_twine_s", "twine upload of the realistic wheels: s", False),
    Metric("upload_parallel_s", "parallel upload of the other files: s", False),
    Metric("upload_parallel_files_s", "parallel upload: files/s", True),
    Metric("huge_upload_s", "1 GiB upload: s", False),
    Metric("huge_upload_peak_mib", "1 GiB upload: peak server memory MiB", False),
    Metric("huge_upload_growth_mib", "1 GiB upload: memory above idle MiB", False),
    Metric("huge_download_mib_s", "1 GiB download: MiB/s", True),
    Metric("install_pip_s", "pip install of 15 packages, cold: s", False),
    Metric("install_uv_s", "uv pip install of 15 packages, cold: s", False),
    Metric("cold_start_s", "cold start to first root index: s", False),
]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def _figure(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cell(values: list[float] | None) -> str:
    if not values:
        return "n/a"
    text = _figure(median(values))
    if len(values) > 1:
        text += f" ({_figure(min(values))}-{_figure(max(values))})"
    return text


def _ratio(ours: list[float] | None, theirs: list[float] | None) -> str:
    if not ours or not theirs or median(theirs) == 0:
        return ""
    ratio = median(ours) / median(theirs)
    if 0 < ratio < 0.01:
        return f"1/{1 / ratio:,.0f}x"
    return f"{ratio:,.2f}x"


def table(results: Mapping[str, PeerResults], reference: str = "wheelkeep") -> str:
    """Markdown table: metric rows, one column per peer and a ratio column."""
    others = [name for name in results if name != reference]
    header = ["measurement", reference]
    for name in others:
        header += [name, f"{reference}/{name}"]
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    ours = results[reference].values
    for metric in METRICS:
        if not any(metric.key in peer.values for peer in results.values()):
            continue
        arrow = "↑" if metric.higher_is_better else "↓"
        row = [f"{metric.label} {arrow}", _cell(ours.get(metric.key))]
        for name in others:
            theirs = results[name].values.get(metric.key)
            row += [_cell(theirs), _ratio(ours.get(metric.key), theirs)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def goals(results: Mapping[str, PeerResults]) -> list[str]:
    """The issue's targets, each marked met or missed with the measured factor."""
    ours = results["wheelkeep"].values
    lines = []

    def value(peer: str, key: str) -> float:
        found = results.get(peer)
        return median(found.values.get(key, [])) if found else math.nan

    def check(text: str, measured: float, target: float, at_least: bool) -> None:
        if math.isnan(measured):
            lines.append(f"- {text}: not measured")
            return
        met = measured >= target if at_least else measured <= target
        lines.append(
            f"- {'met' if met else 'MISSED'}: {text}: {_figure(measured)} "
            f"(target {'≥' if at_least else '≤'} {_figure(target)})"
        )

    page = median(ours.get("page_html_rps", []))
    check(
        "package page req/s vs pypiserver",
        page / value("pypiserver", "page_html_rps"),
        20,
        True,
    )
    check(
        "package page req/s vs devpi", page / value("devpi", "page_html_rps"), 5, True
    )
    check(
        "package page req/s vs nginx", page / value("nginx", "page_html_rps"), 0.5, True
    )
    for format_name in ("html", "json"):
        check(
            f"package page p99 ms ({format_name.upper()})",
            median(ours.get(f"page_{format_name}_p99", [])),
            20,
            False,
        )
        for key, title in (("many", "2,000-release page"), ("root", "root index")):
            check(
                f"{title} p50 ms ({format_name.upper()})",
                median(ours.get(f"{key}_{format_name}_p50", [])),
                20,
                False,
            )
    check(
        "1 GiB upload peak server memory MiB",
        median(ours.get("huge_upload_peak_mib", [])),
        150,
        False,
    )
    check(
        "download throughput vs nginx",
        median(ours.get("huge_download_mib_s", []))
        / value("nginx", "huge_download_mib_s"),
        0.8,
        True,
    )
    check(
        "uv pip install time vs static tree",
        median(ours.get("install_uv_s", [])) / value("nginx", "install_uv_s"),
        1.1,
        False,
    )
    return lines


def machine() -> list[str]:
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    uptime = shutil.which("uptime")
    load = (
        subprocess.run([uptime], capture_output=True, text=True, check=False).stdout
        if uptime
        else ""
    ).strip()
    memory = psutil.virtual_memory().total / 2**30
    return [
        f"- cores: {os.cpu_count()}, memory: {memory:.1f} GiB",
        f"- CPU: {model}",
        f"- system: {platform.platform()}, Python {platform.python_version()}",
        f"- load before measuring: `{load}`",
    ]


def document(
    results: Mapping[str, PeerResults],
    versions: Mapping[str, str],
    setup: list[str],
    machine_lines: list[str],
) -> str:
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    parts = [
        "# Benchmark results",
        "",
        f"Run on {date} by `make bench` (`python -m bench`).",
        "",
        "## Machine",
        "",
        *machine_lines,
        "",
        "## Versions",
        "",
        *(f"- {name}: {version}" for name, version in versions.items()),
        "",
        "## Set-up",
        "",
        *setup,
        "",
        "## Results",
        "",
        "Median of the repeated runs, (min-max) beside it. ↑ higher is better, ↓ "
        "lower is better; the ratio is wheelkeep's median divided by the peer's.",
        "",
        table(results),
        "",
        "## Targets of the issue",
        "",
        *goals(results),
        "",
    ]
    notes = [
        f"- {name}: {' '.join(note.split())[:400]}"
        for name, peer in results.items()
        for note in dict.fromkeys(peer.notes)
    ]
    if notes:
        parts += ["## Notes", "", *notes, ""]
    return "\n".join(parts)
