"""``python -m mlcrystal``: the command line, :mod:`mlcrystal.cli`."""
from mlcrystal.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
