"""The command line: each command parses, calls one library function, prints.

Exit codes: 0 success; 1 only with ``--fail-on KIND`` when open findings of that kind exist;
2 usage or input errors (no readable article, a bad review file, the store busy).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from crosscheck import __version__

app = typer.Typer(
    help="Cross-check news coverage claim by claim: agreements, added details, divergences.",
    no_args_is_help=True,
    add_completion=False,
)
review_app = typer.Typer(help="Confirm or dismiss findings; decisions survive re-runs.",
                         no_args_is_help=True)
app.add_typer(review_app, name="review")
out = Console()
err = Console(stderr=True)

StoreOpt = Annotated[Path, typer.Option("--store", help="Claim store folder.")]
ReportOpt = Annotated[Path, typer.Option("--report", help="The report.json the ids refer to.")]
# the options `report` and `watch` share
PathsArg = Annotated[list[Path] | None, typer.Argument(help="Article files or folders.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Output folder.")]
ModelOpt = Annotated[str | None, typer.Option(
    "--model", help="Sentence-transformers model name or path (default: embedded e5-small).")]
PrimaryOpt = Annotated[Path | None, typer.Option(
    "--primary", help="The article to treat as the reference source.")]


def _version(value: bool) -> None:
    if value:
        out.print(f"crosscheck {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """crosscheck — which outlets agree, which add detail, and where they diverge."""


@app.command()
def report(
    paths: PathsArg = None,
    out_dir: OutOpt = Path("reports"),
    model: ModelOpt = None,
    primary: PrimaryOpt = None,
    store: StoreOpt = Path("claims"),
    fail_on: Annotated[str | None, typer.Option(
        "--fail-on", help="Exit 1 when open findings of this kind exist (e.g. diverge).")] = None,
    wait: Annotated[float, typer.Option(
        "--wait", help="Seconds to wait for another run holding the store.")] = 600.0,
) -> None:
    """Build DIR/index.html and DIR/report.json for the articles in PATHS."""
    from crosscheck.pipeline import NoArticles, run_report
    from crosscheck.review import ReviewError
    from crosscheck.store import StoreBusy

    if fail_on not in (None, "diverge", "add_detail", "agree"):
        err.print(f"[red]--fail-on takes diverge, add_detail or agree, not {fail_on!r}[/red]")
        raise typer.Exit(2)
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), TextColumn(
            "{task.completed}/{task.total}"), TimeElapsedColumn(), console=err,
            transient=True, disable=not err.is_terminal) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            result = run_report(
                [str(p) for p in (paths or [Path("articles")])], out_dir, store, model, primary,
                progress=progress, notify=lambda m: err.print(escape(m)), lock_timeout=wait,
                release_models=True,
            )
        except (NoArticles, StoreBusy, ReviewError) as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from exc
    _print_summary(result)
    if fail_on and any(f.kind == fail_on and f.review.status != "dismissed"
                       for f in result.findings):
        raise typer.Exit(1)


@app.command()
def watch(
    paths: PathsArg = None,
    out_dir: OutOpt = Path("reports"),
    model: ModelOpt = None,
    primary: PrimaryOpt = None,
    store: StoreOpt = Path("claims"),
    interval: Annotated[float, typer.Option(
        "--interval", help="Seconds between checks for new or changed articles.")] = 10.0,
) -> None:
    """Rebuild the report whenever articles (or review decisions) change; Ctrl-C stops.

    The model and the Korean analyser stay loaded, so a new article is in the report within
    seconds of landing in the folder."""
    from crosscheck.pipeline import watch as watch_loop

    def shown(result: Any) -> None:
        _print_summary(result)
        out.print(f"[dim]watching {escape(', '.join(map(str, paths or [Path('articles')])))} "
                  f"(every {interval:g} s; Ctrl-C stops)[/dim]")

    runs = watch_loop([str(p) for p in (paths or [Path("articles")])], out_dir, store, model,
                      primary, interval, on_result=shown,
                      on_error=lambda e: err.print(f"[red]error:[/red] {escape(str(e))}"),
                      notify=lambda m: err.print(escape(m)))
    out.print(f"stopped after {runs} report(s)")


def _print_summary(result: Any) -> None:
    s = result.report["summary"]
    st = result.stats
    fk = s["findings"]
    out.print(
        f"[bold]{s['n_articles']} articles[/bold], {s['n_claims']} claims, "
        f"{s['n_clusters']} clusters → [red]{fk['diverge']} diverge[/red], "
        f"[blue]{fk['add_detail']} add detail[/blue], [green]{fk['agree']} agree[/green]"
        + (f" ({s['new_findings']} new, {s.get('changed_findings', 0)} changed)"
           if s["new_findings"] or s.get("changed_findings") else "")
    )
    out.print(
        f"processed {len(st.processed)} new/changed article(s)"
        + (escape(f" [{', '.join(st.processed[:6])}{'…' if len(st.processed) > 6 else ''}]")
           if st.processed else "")
        + f", reused {len(st.reused)}; embedded {st.embedded} claim(s), "
        f"reused {st.reused_vectors} vector(s)"
        + (f"; dropped {len(st.removed_articles)} removed article(s)"
           if st.removed_articles else "")
    )
    if st.timings:
        out.print("[dim]stages: " + " · ".join(f"{k} {v:.2f} s" for k, v in st.timings.items())
                  + f" (total {sum(st.timings.values()):.2f} s)[/dim]")
    for e in result.errors:
        err.print(f"[yellow]skipped[/yellow] {escape(e.path)}: {escape(e.reason)}")
    top = [f for f in result.findings if f.kind == "diverge"][:8]
    if top:
        t = Table(title="Top divergences", show_lines=False, expand=False)
        t.add_column("id")
        t.add_column("facet")
        t.add_column("summary", overflow="fold")
        t.add_column("review")
        for f in top:
            t.add_row(f.id[:8], f.facet, escape(f.summary), f.review.status)
        out.print(t)
    out.print(escape(f"report: {result.html_path}  json: {result.json_path}"))


@app.command()
def claims(
    paths: Annotated[list[Path], typer.Argument(help="Article files or folders.")],
    fmt: Annotated[str, typer.Option("--format", help="jsonl (for programs) or table.")] = "jsonl",
) -> None:
    """Print the claims of articles (with their facets)."""
    from crosscheck.pipeline import load_corpus
    from crosscheck.store import claim_to_dict

    if fmt not in ("jsonl", "table"):
        err.print("[red]--format takes jsonl or table[/red]")
        raise typer.Exit(2)
    corpus = load_corpus([str(p) for p in paths])
    for e in corpus.errors:
        err.print(f"[yellow]skipped[/yellow] {escape(e.path)}: {escape(e.reason)}")
    if fmt == "jsonl":
        for c in corpus.claims:
            sys.stdout.write(json.dumps(claim_to_dict(c), ensure_ascii=False) + "\n")
    else:
        t = Table(show_lines=True)
        for col in ("article", "offsets", "claim", "facets"):
            t.add_column(col, overflow="fold")
        for c in corpus.claims:
            facets = "\n".join(
                f"{f.type}: {f.value}" + (f" → {f.normalized}" if f.normalized != f.value else "")
                + (f" ({f.subject})" if f.subject else "")
                for f in c.facets
            )
            t.add_row(escape(c.article_id), f"{c.start}–{c.end}", escape(c.text), escape(facets))
        out.print(t)
    if not corpus.articles:
        raise typer.Exit(2)


def _load_report(path: Path, store: Path | None = None) -> dict[str, Any]:
    from crosscheck.pipeline import load_report
    from crosscheck.review import ReviewError

    try:
        return load_report(path, store)
    except ReviewError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    except (OSError, ValueError) as exc:
        err.print(f"[red]error:[/red] cannot read {escape(str(path))}: {escape(str(exc))} — run "
                  "`crosscheck report` first")
        raise typer.Exit(2) from exc


@review_app.command("list")
def review_list(
    report_path: ReportOpt = Path("reports/report.json"),
    kind: Annotated[str | None, typer.Option("--kind")] = "diverge",
    status: Annotated[str | None, typer.Option("--status")] = None,
    store: StoreOpt = Path("claims"),
) -> None:
    """List findings with their review status (default: divergences)."""
    rep = _load_report(report_path, store)
    t = Table()
    for col in ("id", "kind", "facet", "status", "summary"):
        t.add_column(col, overflow="fold")
    for f in rep["findings"]:
        if (kind and kind != "all" and f["kind"] != kind) or (
                status and f["review"]["status"] != status):
            continue
        t.add_row(f["id"], f["kind"], f["facet"], f["review"]["status"], escape(f["summary"]))
    out.print(t)


@review_app.command("show")
def review_show(finding_id: str, report_path: ReportOpt = Path("reports/report.json"),
                store: StoreOpt = Path("claims")) -> None:
    """Show one finding: each outlet's own words, and its review."""
    rep = _load_report(report_path, store)
    found = [f for f in rep["findings"] if f["id"].startswith(finding_id)]
    if len(found) != 1:
        err.print(f"[red]error:[/red] {len(found)} findings match {escape(repr(finding_id))}")
        raise typer.Exit(2)
    f = found[0]
    outlets = {a["id"]: a.get("outlet") or a["id"] for a in rep["articles"]}
    out.print(f"[bold]{f['id']}[/bold] {f['kind']} / {f['facet']} — {escape(f['summary'])}")
    out.print(f"review: {f['review']['status']}" + (f" — {escape(f['review']['note'])}"
                                                     if f["review"]["note"] else ""))
    for v in f["values"]:
        out.print(f"  [bold]{escape(outlets.get(v['article_id'], v['article_id']))}[/bold] "
                  + escape(f"[{v['start']}:{v['end']}] {v['value']!r}: {v['quote']}"))


def _decide(finding_id: str, status: str, note: str | None, store: Path, report_path: Path) -> None:
    from crosscheck.pipeline import review_decide
    from crosscheck.review import ReviewError
    from crosscheck.store import StoreBusy

    try:
        entry = review_decide(store, finding_id, status, note, report_path)
    except (ReviewError, StoreBusy) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    note = f" — {entry['note']}" if entry["note"] else ""
    out.print(escape(f"{entry['id']}: {entry['status']}{note}"))


NoteOpt = Annotated[str | None, typer.Option("--note", help="Why (kept with the decision).")]


@review_app.command("confirm")
def review_confirm(finding_id: str, note: NoteOpt = None, store: StoreOpt = Path("claims"),
                   report_path: ReportOpt = Path("reports/report.json")) -> None:
    """Confirm a finding (it is a real discrepancy)."""
    _decide(finding_id, "confirmed", note, store, report_path)


@review_app.command("dismiss")
def review_dismiss(finding_id: str, note: NoteOpt = None, store: StoreOpt = Path("claims"),
                   report_path: ReportOpt = Path("reports/report.json")) -> None:
    """Dismiss a finding (a false alarm)."""
    _decide(finding_id, "dismissed", note, store, report_path)


@review_app.command("reopen")
def review_reopen(finding_id: str, note: NoteOpt = None, store: StoreOpt = Path("claims"),
                  report_path: ReportOpt = Path("reports/report.json")) -> None:
    """Reopen a finding."""
    _decide(finding_id, "open", note, store, report_path)


@review_app.command("import")
def review_import_cmd(file: Path, store: StoreOpt = Path("claims")) -> None:
    """Merge decisions exported from the HTML report (crosscheck-reviews.json)."""
    from crosscheck.pipeline import review_import
    from crosscheck.review import ReviewError
    from crosscheck.store import StoreBusy

    try:
        n = review_import(store, file)
    except (ReviewError, StoreBusy) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(2) from exc
    out.print(escape(f"merged {n} decision(s) into {store / 'reviews.json'}"))


def main() -> None:
    app()
