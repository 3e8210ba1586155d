import sys

from opmodel.cli import main

sys.exit(main())
