"""What every service imports: settings, database, events, bus, outbox/inbox, auth, telemetry, money."""
