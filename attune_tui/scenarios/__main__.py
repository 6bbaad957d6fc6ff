"""`python -m attune_tui.scenarios OUT_DIR [--seed N] [--name demo]`: regenerate scenario files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from attune_tui.scenarios import PRESETS, generate, write_midi, write_truth

DEFAULT_SEEDS = {"demo": 7, "lead-follow": 11, "call-response": 5, "anger-to-calm": 3}


def main(argv: list[str] | None = None) -> int:
    """Write NAME.mid and NAME.truth.json for one preset, or for every preset by default."""
    parser = argparse.ArgumentParser(prog="python -m attune_tui.scenarios", description=__doc__)
    parser.add_argument("out_dir", type=Path, help="directory to write into (created if missing)")
    parser.add_argument("--seed", type=int, help="random seed (default: the committed one)")
    parser.add_argument("--name", choices=sorted(PRESETS), help="one preset (default: all)")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    names = [args.name] if args.name else sorted(PRESETS)
    for name in names:
        seed = args.seed if args.seed is not None else DEFAULT_SEEDS.get(name, 0)
        scenario = generate(PRESETS[name], seed)
        write_midi(scenario, args.out_dir / f"{name}.mid")
        write_truth(scenario, args.out_dir / f"{name}.truth.json")
        print(f"{name}: {len(scenario.notes)} notes, {scenario.duration_s:.0f} s, seed {seed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
