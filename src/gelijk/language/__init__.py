"""Language scan in the back office: scan a pasted or uploaded letter, a library of standard
letters with versions, batch scans with a trend, and custom rule files. The scanning itself is
``gelijk.engines.language``. See docs/language/app.md."""
