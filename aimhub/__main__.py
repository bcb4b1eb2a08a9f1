"""`python -m aimhub`: the `aimhub` command line."""

from aimhub.cli import main

main()
