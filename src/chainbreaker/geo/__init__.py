"""Places on a map without the internet: Natural Earth shapes and a gazetteer shipped as package data."""
