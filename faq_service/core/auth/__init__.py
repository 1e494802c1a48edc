"""Who is calling: staff accounts and roles, passwords and tokens, login, and the audit trail."""
