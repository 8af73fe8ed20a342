"""Retrieval-augmented Q&A over an article, with every claim cited to its exact source sentence."""

import os

__version__ = "0.1.0"

# Decoding runs ~300 small OpenMP parallel regions per token. All torch work runs on one thread
# (qa.compute), and OpenMP's workers spin briefly between regions instead of sleeping in the kernel:
# on 2 cores that measured 55-60 against 45-51 tokens/s (README, "Speed"). Must happen before torch
# loads; set either variable yourself to override.
os.environ.setdefault("OMP_WAIT_POLICY", "ACTIVE")
os.environ.setdefault("GOMP_SPINCOUNT", "300000")
