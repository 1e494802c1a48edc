"""Custom Rasa 3 graph components for ThamTob: Thai tokenizer and language detector."""
