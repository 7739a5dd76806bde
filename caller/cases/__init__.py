"""办件 (cases) after the ticket: 受理 at the window, 交接记录, the back office's progress, time limits by the hall's
working-day calendar (统一出件 issue)."""
