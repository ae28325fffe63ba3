from shadowcheck.cli import main

raise SystemExit(main())
