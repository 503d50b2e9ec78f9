"""The web console's static build (console/dist, made by scripts/build-console.sh) served by the gateway, and the
offline GraphiQL page from the same build at a browser's GET /graphql.

Strawberry's own IDE page loads its scripts from a public CDN, which a government intranet cannot reach; the
console's build bundles GraphiQL (the `graphiql` npm package) with everything it needs. Without a build the gateway
still answers GraphQL and says, on the page a browser opens, how to build the console.
"""
from __future__ import annotations

import html
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

# The repository's console/dist when the gateway runs from a checkout; CONSOLE_DIR overrides it.
DEFAULT_CONSOLE_DIR = Path(__file__).resolve().parents[1] / "console" / "dist"
PREFIX = "/console"

_NOT_BUILT = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>GraphiQL — {what}</title></head>
<body style="font-family: sans-serif; max-width: 44em; margin: 3em auto">
<h1>GraphiQL / 控制台尚未构建</h1>
<p>The console and its offline GraphiQL are not built in <code>{folder}</code>. With Node.js 20.19+ installed, run
<code>scripts/build-console.sh</code> (or <code>scripts/run.sh</code>, which builds it) and reload this page.
The GraphQL API answers at this address meanwhile (POST <code>/graphql</code>).</p>
<p>控制台和离线 GraphiQL 尚未构建。安装 Node.js 后运行 <code>scripts/build-console.sh</code> 再刷新本页；GraphQL 接口照常可用。</p>
</body></html>"""


def console_dir(configured: Path | None) -> Path:
    return Path(configured) if configured else DEFAULT_CONSOLE_DIR


def is_built(folder: Path) -> bool:
    return (folder / "index.html").is_file() and (folder / "graphiql.html").is_file()


def graphiql_page(folder: Path):
    """The offline GraphiQL of the console's build, or a page that says how to build it."""
    if is_built(folder):
        return FileResponse(folder / "graphiql.html", media_type="text/html", headers={"cache-control": "no-cache"})
    return HTMLResponse(_NOT_BUILT.format(what="not built", folder=html.escape(str(folder))))


def add_console_routes(app: FastAPI, folder: Path) -> None:
    """/console/ serves the build (a single-page app: hash routes, so every file is a real file); / leads there.
    Checked at each request, so a build made while the gateway runs is served without a restart."""

    @app.get("/", include_in_schema=False)
    async def home():
        return RedirectResponse(f"{PREFIX}/")

    @app.get(f"{PREFIX}", include_in_schema=False)
    @app.get(f"{PREFIX}/", include_in_schema=False)
    async def console_index():
        if not is_built(folder):
            return HTMLResponse(_NOT_BUILT.format(what="console", folder=html.escape(str(folder))), status_code=503)
        return FileResponse(folder / "index.html", media_type="text/html", headers={"cache-control": "no-cache"})

    # Hashed asset names (Vite) may be cached for good; StaticFiles checks the folder when a file is asked for.
    app.mount(f"{PREFIX}/assets", StaticFiles(directory=folder / "assets", check_dir=False), name="console-assets")
