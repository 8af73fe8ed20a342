"""Front ends over the shared pipeline: the HTTP API (native + OpenAI-compatible) and the Gradio chat UI."""
