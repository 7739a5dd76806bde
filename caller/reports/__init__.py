"""The manager's figures: statistics of any range of days from the stored events, over HTTP, from the CLI and as
XLSX / CSV files. Its rules are pure (figures.py); may import engine, storage, queue."""
