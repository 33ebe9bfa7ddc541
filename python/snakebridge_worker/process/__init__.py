"""The worker process's own life: dying with the host (lifeline), scratch folders with owner records, and
resource telemetry."""
