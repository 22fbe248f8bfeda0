"""The coordinator's product: its encrypted store, the import of coaches' bundles, fork
decisions, the report's data and the service the coordinator app and CLI call."""
