import sys

from guard.main import main

sys.exit(main())
