"""Public disclosure of licence decisions (行政许可 双公示): who, what, decision, date, basis."""
