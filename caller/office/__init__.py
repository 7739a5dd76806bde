"""The hall manager's back office: the hall edited in a page, checked like check-config, run by every caller process
without a restart, every version kept with who made it (undo), and the hall file exported and imported."""
