"""`python -m attune_tui` runs the CLI."""

from attune_tui.cli import main

raise SystemExit(main())
