from paperbroker.cli import main

raise SystemExit(main())
