"""Apache Spark for scale: the same SQL, translated by sqlglot, over Parquet copies of the workspace tables.

`pyspark` is imported here only, and only when this engine is created, so the default install never needs
Java. Materialised steps are written to Parquet under a scratch folder and read back, which keeps Spark's
query plans short and memory bounded, as a cluster job would.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa

from chainbreaker.core.errors import ConfigurationError
from chainbreaker.core.settings import get_settings
from chainbreaker.engines.base import Engine


def java_available() -> bool:
    """Spark needs a Java runtime on PATH or JAVA_HOME."""
    return bool(shutil.which("java") or os.environ.get("JAVA_HOME"))


class SparkEngine(Engine):
    """Runs steps through `SparkSession.sql`; results come back as Arrow."""

    name = "spark"
    dialect = "spark"

    def __init__(self, session: Any | None = None, scratch: Path | None = None) -> None:
        super().__init__()
        if session is None:
            session = self.local_session()
        self.spark = session
        self._own_scratch = scratch is None
        self.scratch = scratch or Path(tempfile.mkdtemp(prefix="chainbreaker-spark-"))

    @staticmethod
    def local_session(master: str | None = None) -> Any:
        """A Spark session for this machine (or the master in settings), quiet and sized for tests."""
        if not java_available():
            raise ConfigurationError("the Spark engine needs Java 17 (java on PATH or JAVA_HOME)")
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ConfigurationError(
                "the Spark engine needs pyspark: pip install 'chainbreaker[spark]'"
            ) from exc
        builder = (
            SparkSession.builder.master(master or get_settings().spark_master)
            .appName("chainbreaker")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.ansi.enabled", "false")
            .config("spark.driver.memory", "2g")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        )
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        return session

    def _execute(self, sql: str) -> pa.Table:
        frame = self.spark.sql(sql)
        if hasattr(frame, "toArrow"):
            return frame.toArrow()
        return pa.Table.from_pandas(frame.toPandas(), preserve_index=False)  # pragma: no cover - Spark < 4

    def _materialize(self, name: str, sql: str) -> int | None:
        target = self.scratch / name
        self.spark.sql(sql).write.mode("overwrite").parquet(str(target))
        self.spark.read.parquet(str(target)).createOrReplaceTempView(name)
        return None

    def _drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        shutil.rmtree(self.scratch / name, ignore_errors=True)

    def _register_arrow(self, name: str, table: pa.Table) -> None:
        target = self.scratch / f"{name}.arrow.parquet"
        import pyarrow.parquet as pq

        pq.write_table(table, target)
        self.spark.read.parquet(str(target)).createOrReplaceTempView(name)

    def _register_parquet(self, name: str, path: Path) -> None:
        self.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def _exists(self, name: str) -> bool:
        return bool(self.spark.catalog.tableExists(name))

    def _columns(self, name: str) -> list[str]:
        return list(self.spark.table(name).columns)

    def close(self) -> None:
        if self._own_scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
