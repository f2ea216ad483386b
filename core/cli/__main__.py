"""`python -m core.cli …`: the command line (see core.cli.commands)."""
import sys

from core.cli.commands import main

sys.exit(main())
