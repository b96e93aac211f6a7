"""Matching and dispatch (派单匹配): bookings without double booking (档期), candidates
for an order with explained scores, "why not her?", and batch plans."""
