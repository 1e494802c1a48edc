"""What every domain needs and no domain owns: settings, database, text rule, errors, request
dependencies, messages, and who is calling (auth/)."""
