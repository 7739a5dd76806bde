"""Outside channels behind a URL (an SMS gateway), each replaceable at the connection by a loopback fake in tests."""
