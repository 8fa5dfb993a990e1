"""Project tooling that is not science: not part of the installed ``mlcrystal`` package."""
