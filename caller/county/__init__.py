"""A county on one system (一县一系统): every hall of the county in one PostgreSQL database, served by each caller
process — each hall at /h/<hall id>/ with its own numbering, tokens, devices, events and reports — and the county's
view above them (the live state of every hall, the reports per hall and summed)."""
