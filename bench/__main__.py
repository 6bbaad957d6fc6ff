"""`python -m bench` (`make bench`): run every benchmark; each writes bench/results/NAME.json."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHES = (
    "store_latency",
    "midi_ingest",
    "app_ingest",
    "tempo_asap",
    "analysis_speed",
    "attunement_accuracy",
    "attunement_speed",
    "summary_speed",
    "review_speed",
    "report_export",
)


def main() -> int:
    here = Path(__file__).parent
    failed = []
    for name in BENCHES:
        if not (here / f"{name}.py").exists():
            continue
        print(f"\n== {name}", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False).returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
