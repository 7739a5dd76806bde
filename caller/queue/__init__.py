"""The queue's use cases: the service, its transactions, housekeeping, where a ticket stands, the event hub.
May import caller.engine, caller.storage and the hall file's model (caller.hall)."""
