"""好差评: who may rate which service, the ratings themselves and their aggregates. May import caller.engine,
caller.storage and caller.queue."""
