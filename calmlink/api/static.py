"""The page's static files. A vendored file whose name carries its version (``uPlot-1.6.32.esm.js``,
``atkinson-hyperlegible-next-5.3.0-latin-400.woff2``) never changes under that name, so a browser
may keep it for a year without asking again: the typeface and the chart library are fetched once per
device, not on every page. Everything else stays ``no-store`` (the security middleware's default),
so a new calmlink's own scripts are never mixed with an old cache's."""

from __future__ import annotations

import os
import re

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

VERSIONED = re.compile(r"^vendor/[^/]+-\d+\.\d+\.\d+[-.][^/]+$")
"""A vendored file with its version in its name (its licence file has none)."""
LONG_CACHE = "public, max-age=31536000, immutable"


class WebFiles(StaticFiles):
    """StaticFiles, with a year's cache for versioned vendored files."""

    def file_response(self, full_path: str | os.PathLike[str], stat_result: os.stat_result,
                      scope: Scope, status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        if VERSIONED.match(self.get_path(scope).replace(os.sep, "/")):
            response.headers["cache-control"] = LONG_CACHE
        return response

