"""The hall simulator: the live engine and policies replayed on generated or recorded days with a virtual clock."""
