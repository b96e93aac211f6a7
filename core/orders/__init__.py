"""Orders (订单): intake and quote, the lifecycle from enquiry to finished or cancelled,
the three-party contract, payments and exceptions needing a supervisor's approval.

Hook points for other areas (see docs/orders.md): :func:`core.orders.lifecycle.guard`
adds a condition to entering a state; the ``handle_order_state_change`` plugin hook hears every
move inside its transaction; :func:`core.orders.events.add_event` records a fact in an
order's history.
"""
