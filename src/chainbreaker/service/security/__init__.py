"""Authentication, sessions, CSRF, login throttling and response headers of the service."""
