"""Cases: alerts and screening hits grouped into networks, a reviewed workflow, survivor safeguards and an
append-only audit log. Reports to FIUs are built from cases by `chainbreaker.reports`."""
