import sys

from atoms.cli import main

sys.exit(main())
