"""ThamTob Rasa project (config, domain, custom NLU components)."""
