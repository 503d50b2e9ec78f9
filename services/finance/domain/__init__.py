"""The finance domain: no I/O, no GraphQL, no database."""
