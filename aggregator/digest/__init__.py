"""The daily digest: per-group content, plain-text and HTML rendering, and the `digest` command."""
