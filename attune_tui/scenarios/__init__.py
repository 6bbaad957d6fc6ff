"""Two-player improvisations with known ground truth, for demos, tests and benchmarks.

`generate(spec, seed)` is deterministic; `write_midi` and `write_truth` put a scenario on disk
the way `make demo` and the accuracy benchmark read it.
"""

from attune_tui.scenarios.files import write_midi, write_truth
from attune_tui.scenarios.generator import Scenario, generate
from attune_tui.scenarios.spec import PRESETS, ScenarioSpec, SegmentSpec, random_spec
from attune_tui.scenarios.truth import GroundTruth, TruthMoment, TruthSecond

__all__ = [
    "PRESETS",
    "GroundTruth",
    "Scenario",
    "ScenarioSpec",
    "SegmentSpec",
    "TruthMoment",
    "TruthSecond",
    "generate",
    "random_spec",
    "write_midi",
    "write_truth",
]
