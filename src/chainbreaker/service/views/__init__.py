"""Server-rendered drawings (charts, the party network) as SVG: no JavaScript, no external library."""
