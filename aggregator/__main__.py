"""`python -m aggregator`: the same as the `petitions` command."""

from aggregator.cli import main

main()
