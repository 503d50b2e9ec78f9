"""The approval domain: no I/O, no GraphQL, no database."""
