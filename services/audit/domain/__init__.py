"""The audit domain: no I/O, no GraphQL, no database."""
