"""PDPA: retention purge and erasure by session id."""
