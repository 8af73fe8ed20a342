"""Retrieval-augmented Q&A over an article, with every claim cited to its exact source sentence."""

__version__ = "0.1.0"
