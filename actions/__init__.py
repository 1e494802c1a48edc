"""ThamTob custom actions (rasa-sdk): the FAQ service client, the on-disk question queue, the actions."""
