from faq_service.cli import app

app()
