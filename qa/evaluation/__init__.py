"""Batch evaluation: question sets (JSONL, CSV, SQuAD), metrics, reports and run comparison."""
