"""``python -m hiresim``: the ``hiresim`` command."""

from hiresim.present.cli import main

main()
