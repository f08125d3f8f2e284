"""`petitions` commands about platforms: plugins, parse and discover."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import click

from .cases import replay
from .cli_common import app_of, console, errors, fail, report, reports_errors, settings_of
from .discovery import Discovered
from .discovery import discover as discover_petitions
from .platform import url_host
from .plugins import PlatformRegistry, make_plugin_manager
from .records import ResponseRecord
from .views import platforms_markdown, plugins_listing


@click.command()
@click.argument("platform_name", metavar="PLATFORM")
@click.option(
    "--state", default="open", show_default=True, help="Which list to walk (the platform's own word)."
)
@click.option("--min-signatures", type=int, help="Only petitions with at least this many supporters.")
@click.option("--tag", "tags", multiple=True, help="A label for every petition added (repeatable).")
@click.option("--max-pages", default=200, show_default=True, help="Stop after this many list pages.")
@click.option("--dry-run", is_flag=True, help="List what matches without following it.")
@click.pass_context
@reports_errors
def discover(
    ctx: click.Context,
    platform_name: str,
    state: str,
    min_signatures: int | None,
    tags: tuple[str, ...],
    max_pages: int,
    dry_run: bool,
) -> None:
    """Follow every petition of a platform's list (UK Parliament, ECI...) that matches."""
    app = app_of(ctx)

    async def walk() -> Discovered:
        try:
            return await discover_petitions(
                app,
                platform_name,
                {"state": state},
                min_supporters=min_signatures,
                tags=tags,
                max_pages=max_pages,
                follow_matches=not dry_run,
                on_page=lambda pages, matched: errors.print(f"page {pages}: {matched} matching so far"),
            )
        finally:
            await app.aclose()

    found = asyncio.run(walk())
    if dry_run:
        for item in found.matched:
            console.print(
                f"{item.url}  {item.supporters}  {item.status or ''}", markup=False, highlight=False
            )
    failed = report(found.followed)
    console.print(
        f"{found.pages} list pages, {found.seen} petitions listed, {len(found.matched)} matching"
        + ("" if dry_run else f", {len(found.followed) - failed} followed"),
        highlight=False,
    )
    if failed:
        sys.exit(1)


@click.command()
@click.option("--markdown", is_flag=True, help="Print the README's table of bundled platforms instead.")
@click.pass_context
@reports_errors
def plugins(ctx: click.Context, markdown: bool) -> None:
    """List the loaded platforms, the plugin behind each and their data sources."""
    settings = settings_of(ctx)
    registry = PlatformRegistry.from_plugins(
        make_plugin_manager(settings.plugins_dir or None), settings.host_map()
    )
    if markdown:
        click.echo(platforms_markdown(registry, bundled_only=True), nl=False)
    else:
        for line in plugins_listing(registry):
            console.print(line, highlight=False)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the body was fetched from.")
@click.option("--status", default=200, show_default=True, help="The HTTP status that came with it.")
@click.option("--final-url", help="The URL after redirects (default: --url).")
@click.option(
    "--platform", "platform_name", help="Read it as this platform's response (default: from the URL)."
)
@click.option("--extractor", help="Read it with this named extractor of the config ([extractors.NAME]).")
@click.option(
    "--petition-url", help="The petition's own URL, when FILE answers a follow-up request (a count API)."
)
@click.pass_context
@reports_errors
def parse(
    ctx: click.Context,
    file: Path,
    url: str,
    status: int,
    final_url: str | None,
    platform_name: str | None,
    extractor: str | None,
    petition_url: str | None,
) -> None:
    """Parse a saved response body as if fetched from URL; print the normalized result as JSON."""
    settings = settings_of(ctx)
    registry = PlatformRegistry.from_plugins(
        make_plugin_manager(settings.plugins_dir or None), settings.host_map()
    )
    if extractor:
        platform_name = settings.extractors[extractor].platform if extractor in settings.extractors else None
        settings.extractor_state(extractor)  # an unknown name is a clear error
    petition_url = petition_url or url
    platform = registry.get(platform_name) if platform_name else registry.for_url(petition_url)
    if platform.uses_extractors and not extractor:
        extractor = settings.extractor_for(url_host(petition_url))
    external_id = platform.external_id(petition_url)
    record = ResponseRecord(
        url=url,
        final_url=final_url or url,
        status=status,
        headers={},
        body=file.read_bytes(),
        external_id=external_id,
        state=settings.extractor_state(extractor),
    )
    result = replay(platform, [record], external_id)
    click.echo(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
    if result.error is not None:
        fail(f"{file} cannot be read as a {platform.name} response: {result.error}")
