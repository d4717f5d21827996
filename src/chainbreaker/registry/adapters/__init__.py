"""One module per source, named after it; each exposes `read(path, dataset) -> SourceRead`."""
