"""``python -m review``: see :mod:`review`."""

from review import main

raise SystemExit(main())
