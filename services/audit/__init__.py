"""The Audit Bureau (市审计局): the annual audit plan, sampling, engagements and findings."""
