"""Wiring the four services and the gateway into runnable processes, and the `egov` command line."""
