"""Feeds to other agencies (Article 19: the Approval Bureau owns publicity): the redacted agency exchange on
RabbitMQ, the relay that fills it, and the operator's grants of access to it."""
