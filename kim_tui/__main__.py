from kim_tui.cli import main

raise SystemExit(main())
