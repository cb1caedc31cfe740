from gelijk.cli import main

raise SystemExit(main())
