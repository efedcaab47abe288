"""Renderers of what views say into files an office downloads: tables as CSV and XLSX, the briefing as
a PDF. They take view models and frames and return bytes; the web routes (``dashboard.export_routes``)
and the digests (``notifications``) call them."""
