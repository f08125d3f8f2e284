"""Platform plugins bundled with petition-aggregator, loaded through the same entry points as others."""
