"""Shared helpers of the benchmark scripts: eval data location, tables, JSON results."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_EVAL_DIR = REPO.parent / "shared" / "eval"
RESULTS_DIR = REPO / "bench" / "results"


def eval_file(eval_dir: Path, relative: str) -> Path:
    """The path of one eval data file; exits with one line when the eval folder is absent."""
    path = eval_dir / relative
    if not path.is_file():
        print(f"skipped: {path} not found (pass --eval-dir DIR with the shared eval data)")
        raise SystemExit(0)
    return path


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Rows of a JSON Lines file."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def print_table(headers: list[str], rows: list[list[Any]]) -> None:
    """Print a plain aligned table."""
    cells = [[f"{c:.2f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


def cpu_model() -> str:
    """The processor's model name and core count (Linux; the machine type elsewhere): runs on
    two machines of one kind can differ by half in speed, so results say which one ran them."""
    cores = os.cpu_count() or 0
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text(encoding="utf-8", errors="replace").splitlines():
            name, _, value = line.partition(":")
            if name.strip() == "model name":
                return f"{value.strip()}, {cores} cores"
    return f"{platform.processor() or platform.machine()}, {cores} cores"


def write_results(name: str, payload: dict[str, Any]) -> Path:
    """Write `payload` with machine details to bench/results/NAME.json."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    meta = {
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpu": cpu_model(),
        "date": time.strftime("%Y-%m-%d"),
    }
    path.write_text(json.dumps({"meta": meta, **payload}, indent=2) + "\n", encoding="utf-8")
    return path
