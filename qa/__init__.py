"""Retrieval-augmented Q&A over an article, with every claim cited to its exact source sentence."""

import os

__version__ = "0.1.0"

# torch's OpenMP (libgomp) gives every thread that runs torch code its own worker team; once the
# process holds more OpenMP threads than CPUs, it stops spin-waiting and wakes workers through the
# kernel for each of the ~300 parallel regions per decoded token, which halved decoding speed on
# 2 cores (README, "Speed"). Spin briefly instead. Must happen before torch loads; set either
# variable yourself to override.
os.environ.setdefault("OMP_WAIT_POLICY", "ACTIVE")
os.environ.setdefault("GOMP_SPINCOUNT", "300000")
