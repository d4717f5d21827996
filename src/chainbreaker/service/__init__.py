"""The service: a FastAPI app (JSON API with an OpenAPI spec) and a server-rendered web UI for one workspace.

`create_app(settings, workspace)` builds the app and refuses unsafe settings; `run_server` serves it with
uvicorn. Nothing in the package imports the service: it is a shell over the library (see docs/service.md).
"""

from chainbreaker.service.app import create_app
from chainbreaker.service.server import run_server

__all__ = ["create_app", "run_server"]
