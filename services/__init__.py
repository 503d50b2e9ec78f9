"""One service per bureau (Article 5)."""
