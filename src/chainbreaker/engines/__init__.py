"""The one engine seam through which monitoring and screening read data.

`Engine` (base.py) owns naming, parameter binding, SQL translation, timing, logging and error wrapping;
an engine implements only execute / register / exists. DuckDB is the embedded default; Spark is imported
only when asked for (`get_engine("spark")`).
"""

from chainbreaker.engines.base import Engine, StepTiming, bind_parameters
from chainbreaker.engines.factory import ENGINE_NAMES, get_engine

__all__ = ["ENGINE_NAMES", "Engine", "StepTiming", "bind_parameters", "get_engine"]
