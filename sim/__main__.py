"""``python -m sim`` is ``munsim``."""

from sim.cli import main

raise SystemExit(main())
