from .plot import main

raise SystemExit(main())
