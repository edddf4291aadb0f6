"""``python -m sim`` is the same as ``ttx``."""

from sim.cli import main

if __name__ == "__main__":
    main()
