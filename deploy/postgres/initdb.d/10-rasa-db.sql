-- Runs once, when the PostgreSQL volume is first created: the Rasa tracker store's own database,
-- owned by the same role as faq_service's (POSTGRES_USER).
CREATE DATABASE rasa OWNER thamtob;
