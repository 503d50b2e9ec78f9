"""The secrecy domain: no I/O, no GraphQL, no database."""
