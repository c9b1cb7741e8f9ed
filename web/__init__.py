"""The web service (litestar): verification, officer, supervisor and public APIs, portal, feeds, events."""
