"""ThamTob custom actions (rasa-sdk): the settings, the launcher, the FAQ service client, the on-disk
question queue, the actions, and the PDPA purge of the bot's raw text."""
