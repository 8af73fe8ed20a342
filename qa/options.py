"""Every weight and threshold of the answer path (evidence scoring, answerability, verification,
composition) in one object, each with its meaning; the tunables come from `Settings`."""

from __future__ import annotations

from dataclasses import dataclass

from qa.config import Settings


@dataclass(frozen=True)
class ScoringOptions:
    # --- evidence: how well one source sentence matches a question (qa.evidence) ---
    similarity_weight: float = 0.6      # weight of the embedding cosine (question vs sentence)
    coverage_weight: float = 0.4        # weight of the share of question content words in the sentence
    answer_type_bonus: float = 0.08     # added when the sentence holds the expected type (a date for "when")
    second_sentence_ratio: float = 0.90  # the runner-up joins the extractive answer when it scores this close
    # --- answerability gate (qa.answerability, qa.pipeline) ---
    min_retrieval_score: float = 0.30   # refuse when the best dense cosine is below (Settings)
    min_evidence: float = 0.42          # a sentence below this evidence score answers nothing (Settings)
    unknown_term_penalty: float = 0.3   # evidence score lowered by this times the share of unknown words
    align_depth: int = 5                # how many of the best sentences may answer a question part
    min_typed_span: float = 0.0         # "when"/"how many": the sentence's best typed span must score this
    # --- extractive reader (qa.reading, factoid questions) ---
    reader_passages: int = 3            # paragraphs of the best hits the reader reads
    reader_answer_margin: float = 0.0   # the reader's span answers even when the alignment found none
    reader_refuse_margin: float = -8.0  # below this the reader's "not in the passage" overrules the alignment
    #                                     (both from eval/tune_reader_gate.py on dev data: README "Reader")
    # --- open and summary answers (qa.summary) ---
    open_ratio: float = 0.65            # open answers use sentences scoring at least this share of the best
    max_open_sentences: int = 4         # at most this many sentences in an open answer
    min_open_sentences: int = 3         # ... and at least this many (of the aligned ones)
    reason_cue_bonus: float = 0.1       # "why": a sentence that gives a reason ("because", "saying") leads
    summary_sentences: int = 5          # sentences in a summary of a document
    redundancy_weight: float = 0.5      # MMR: penalty on similarity to sentences already chosen
    # --- verification (qa.grounding) and composition (qa.compose) ---
    min_support: float = 0.45           # an answer sentence needs this support from a cited sentence (Settings)
    lexical_weight: float = 0.5         # support = this * word coverage + (1 - this) * cosine
    min_claim_coverage: float = 0.7     # a generated sentence needs this share of its content words in
    #                                     the sentences it cites: the 135M model's added descriptions
    #                                     ("a leading figure in the movement") fall below (dev: 0.28-0.67)
    quote_redundant: float = 0.8        # a quote is left out when the claims repeat this share of its words
    relevant_evidence: int = 3          # a generated answer must cite one of this many best sentences
    quote_evidence: bool = True         # follow a generated answer with its evidence, quoted (Settings)

    @classmethod
    def from_settings(cls, settings: Settings) -> ScoringOptions:
        return cls(min_retrieval_score=settings.min_retrieval_score, min_evidence=settings.min_evidence,
                   min_support=settings.min_support, quote_evidence=settings.quote_evidence)


DEFAULTS = ScoringOptions()
