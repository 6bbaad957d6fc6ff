"""Accuracy of the attunement analysis against generated scenarios with known ground truth.

Seeds 0-39 are the tuning set, on which thresholds were chosen (the leader's vote weights were
fitted on seeds 2000-2199 and checked on 3000-3199, `--set wide`); seeds 1000-1039 are the
report set, written to bench/results/attunement_accuracy.json. The analysis sees only
the notes. Per-second labels are taken at the middle of each second; a found moment matches a
true one at IoU >= 0.3 (one to one, best first); leader accuracy is over matched moments whose
true leader is the client or the therapist ("mutual" is reported on its own).

Run: .venv/bin/python -m bench.attunement_accuracy [--set tune|report] [--count N]
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from attune_tui.analysis.attunement import Moment, analyze_attunement
from attune_tui.scenarios import TruthMoment, generate, random_spec

RESULTS = Path(__file__).resolve().parent / "results" / "attunement_accuracy.json"
SEED_SETS = {"tune": 0, "report": 1000, "fit": 2000, "wide": 3000}
IOU_MATCH = 0.3


@dataclass
class Tally:
    """Counts pooled over scenarios."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    moments_matched: int = 0
    moments_pred: int = 0
    moments_truth: int = 0
    leader_ok: int = 0
    leader_n: int = 0
    mutual_ok: int = 0
    mutual_n: int = 0
    mtg_found: int = 0
    mtg_truth: int = 0
    mtg_false: int = 0
    leader_confusion: dict[str, int] = field(default_factory=dict)


def _iou(a: Moment, b: TruthMoment) -> float:
    inter = max(0.0, min(a.end, b.end) - max(a.start, b.start))
    union = max(a.end, b.end) - min(a.start, b.start)
    return inter / union if union > 0 else 0.0


def _covered(moments: list[Moment], mid: float) -> bool:
    return any(m.start <= mid < m.end for m in moments)


def score_scenario(seed: int, tally: Tally) -> None:
    """Analyse one generated scenario and add its counts to the tally."""
    scenario = generate(random_spec(seed), seed)
    truth = scenario.truth
    result = analyze_attunement(scenario.notes, scenario.duration_s)
    pred = list(result.moments)
    for sec in truth.seconds:
        hit = _covered(pred, sec.t + 0.5)
        tally.tp += hit and sec.attuned
        tally.fp += hit and not sec.attuned
        tally.fn += (not hit) and sec.attuned
    pairs = sorted(
        ((_iou(p, t), i, j) for i, p in enumerate(pred) for j, t in enumerate(truth.moments)),
        reverse=True,
    )
    used_p: set[int] = set()
    used_t: set[int] = set()
    for iou, i, j in pairs:
        if iou < IOU_MATCH or i in used_p or j in used_t:
            continue
        used_p.add(i)
        used_t.add(j)
        p, t = pred[i], truth.moments[j]
        key = f"{t.leader}->{p.leader}"
        tally.leader_confusion[key] = tally.leader_confusion.get(key, 0) + 1
        if t.leader in ("client", "therapist"):
            tally.leader_n += 1
            tally.leader_ok += p.leader == t.leader
        elif t.leader == "mutual":
            tally.mutual_n += 1
            tally.mutual_ok += p.leader == "mutual"
        if t.pattern == "match-then-guide":
            tally.mtg_found += p.pattern == "match-then-guide"
        elif p.pattern == "match-then-guide":
            tally.mtg_false += 1
    tally.mtg_truth += sum(t.pattern == "match-then-guide" for t in truth.moments)
    tally.moments_matched += len(used_p)
    tally.moments_pred += len(pred)
    tally.moments_truth += len(truth.moments)


def _f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def figures(t: Tally) -> dict[str, float | int | dict[str, int]]:
    """The reported figures of a tally."""
    sp, sr, sf = _f1(t.tp, t.fp, t.fn)
    m = t.moments_matched
    mp, mr, mf = _f1(m, t.moments_pred - m, t.moments_truth - m)
    return {
        "second_precision": round(sp, 4),
        "second_recall": round(sr, 4),
        "second_f1": round(sf, 4),
        "moment_precision": round(mp, 4),
        "moment_recall": round(mr, 4),
        "moment_f1": round(mf, 4),
        "leader_accuracy": round(t.leader_ok / t.leader_n, 4) if t.leader_n else 0.0,
        "leader_moments": t.leader_n,
        "mutual_accuracy": round(t.mutual_ok / t.mutual_n, 4) if t.mutual_n else 0.0,
        "mutual_moments": t.mutual_n,
        "match_then_guide_recall": round(t.mtg_found / t.mtg_truth, 4) if t.mtg_truth else 0.0,
        "match_then_guide_false": t.mtg_false,
        "moments_truth": t.moments_truth,
        "moments_predicted": t.moments_pred,
        "leader_confusion": dict(sorted(t.leader_confusion.items())),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=sorted(SEED_SETS), default="report")
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()
    base = SEED_SETS[args.set]
    tally = Tally()
    began = time.perf_counter()
    for seed in range(base, base + args.count):
        score_scenario(seed, tally)
    out = figures(tally)
    elapsed = time.perf_counter() - began
    targets = {"second_f1": 0.90, "moment_f1": 0.85, "leader_accuracy": 0.85}
    print(f"attunement accuracy, {args.set} set: {args.count} scenarios in {elapsed:.1f} s")
    for key, value in out.items():
        if key == "leader_confusion":
            continue
        mark = ""
        if key in targets:
            mark = "  ok" if float(value) >= targets[key] else f"  BELOW {targets[key]}"  # type: ignore[arg-type]
        print(f"  {key:26s} {value}{mark}")
    print(f"  leader confusion (truth->found): {out['leader_confusion']}")
    if args.set == "report":
        record = {"set": args.set, "seeds": [base, base + args.count - 1], "targets": targets}
        record.update(out)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(record, indent=2) + "\n")


if __name__ == "__main__":
    main()
