"""Custom Rasa input channels (registered by class path in bot/credentials.yml)."""
