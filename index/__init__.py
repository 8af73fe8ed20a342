"""Documents to searchable index: ingestion, sentence-aware chunking, FAISS + BM25 storage, retrieval."""
