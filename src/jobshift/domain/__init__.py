"""Pure domain logic of jobshift: no I/O, no framework imports, nothing from outside this package."""
