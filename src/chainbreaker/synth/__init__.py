"""The synthetic trafficking bank: an ordinary population, benign look-alikes and injected schemes,
written in the bank data contract with a known truth (`labels.csv`). See docs/synthetic-bank.md."""

from chainbreaker.synth.config import SCHEMES, SynthConfig, SynthReport, demo_config, parse_scheme_mix
from chainbreaker.synth.generator import generate_bank, plan_bank
from chainbreaker.synth.schemes import SUBJECT_ROLES, VICTIM_ROLES

__all__ = [
    "SCHEMES",
    "SUBJECT_ROLES",
    "VICTIM_ROLES",
    "SynthConfig",
    "SynthReport",
    "demo_config",
    "generate_bank",
    "parse_scheme_mix",
    "plan_bank",
]
