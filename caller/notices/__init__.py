"""Notices for the 咨询台 and the manager: help requests as tasks, and devices that report themselves. Its rules are
pure (time passed in); its book stores them through the queue's transactions. May import engine, storage, queue."""
