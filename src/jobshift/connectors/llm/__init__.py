"""LLM connectors: an OpenAI-compatible chat client (a local Ollama, vLLM or llama.cpp server, or a hosted
provider); jobshift downloads no model."""

from jobshift.connectors.llm.client import ChatClient, ChatReply

__all__ = ["ChatClient", "ChatReply"]
