"""Printing slips at the windows and the 咨询台: a reprint on the window's own ESC/POS printer, a desk-issued ticket
on the desk's. Uses the kiosk's slip layout and printer transports (kiosk.hardware), the terminals' shared pieces.
May import engine, queue, api."""
