"""The base of `AimhubEmbedding` and `AimhubRerank`: the shared connection fields."""

from __future__ import annotations

from llamaindex_aimhub._clients import ConnectionFields


class GatewayFields(ConnectionFields):
    """The gateway connection and the two clients built from it (LlamaIndex field names)."""
