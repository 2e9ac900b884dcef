"""Services: the units of work routes call. Services commit; routes and models don't."""
