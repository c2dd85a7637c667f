"""`python -m compliance`: every scanner on the sample app and the app with every option."""

from .run import main

raise SystemExit(main())
