"""The benchmark's corpus is what every registry accepts (no timing here)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_tiny_dry_run_builds_a_valid_corpus_and_tree(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--scale",
            "tiny",
            "--dry-run",
            "--work",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    # Every wheel passed wheelkeep's own upload checks, and the static tree
    # has a page per package: 15 realistic, 50 small, 2 special.
    assert "corpus ok: " in result.stdout
    assert "67 package pages in the tree" in result.stdout
