"""Server-rendered pages (Jinja2): one router per resource, each calling the same library functions as the API."""
