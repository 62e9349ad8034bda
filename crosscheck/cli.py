"""The command line: each command parses, calls one library function, prints.

Exit codes: 0 success; 1 only with ``--fail-on KIND`` when open findings of that kind exist
(divergences: the likely ones);
2 usage or input errors (no readable article, a bad review file, the store busy).
"""

from __future__ import annotations

import errno
import functools
import json
import re
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import click
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
    pretty_exceptions_enable=False,
)
review_app = typer.Typer(help="Confirm or dismiss findings; decisions survive re-runs.",
                         no_args_is_help=True)
app.add_typer(review_app, name="review")
out = Console(emoji=False)
err = Console(stderr=True, emoji=False)

# Control characters (C0, DEL, C1: ESC starts clear-screen, window-title and OSC-8 link
# sequences), bidirectional overrides and lone surrogates (bytes of a file name that are not
# UTF-8) are shown as escapes, never written to the terminal raw.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def safe(value: object) -> str:
    """``value`` as text that is safe to print: control characters escaped (``\\x1b``), rich
    markup escaped."""
    text = _UNSAFE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace")
                       .decode("ascii"), str(value))
    return escape(text)


F = TypeVar("F", bound=Callable[..., Any])


def guarded(fn: F) -> F:
    """Turn any exception a command lets through into one line on stderr and exit 2: known
    errors (no article, store busy or unusable, bad review file, model) say what is wrong,
    an OSError names the file and what to do, anything else is a bug and says so."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, click.exceptions.Exit, click.exceptions.Abort,
                click.ClickException):
            raise
        except Exception as exc:
            err.print(f"[red]error:[/red] {safe(error_line(exc))}", soft_wrap=True)
            raise typer.Exit(2) from exc

    return run  # type: ignore[return-value]


_OS_HINTS = {
    errno.ENOSPC: "the disk is full: free some space and run again (files written before "
                  "are intact)",
    errno.EDQUOT: "the disk quota is used up: free some space and run again",
    errno.EROFS: "a read-only file system: choose another folder (--out / --store)",
    errno.EACCES: "no permission: check the folder's permissions or choose another "
                  "(--out / --store)",
    errno.EPERM: "not permitted: check the folder's permissions or choose another "
                 "(--out / --store)",
    errno.ENOTDIR: "a file stands where a folder is expected: choose another folder",
    errno.EEXIST: "a file stands where a folder is expected: choose another folder",
    errno.EISDIR: "a folder stands where a file is expected",
    errno.ENAMETOOLONG: "the path is too long",
}


def error_line(exc: BaseException) -> str:
    """The one line the CLI prints for an exception no command turned into a message."""
    from crosscheck.pipeline import InputError
    from crosscheck.review import ReviewError
    from crosscheck.store import StoreBusy, StoreError
    from crosscheck.weights import ModelError

    message = " ".join(str(exc).split())
    if isinstance(exc, InputError | StoreBusy | StoreError | ReviewError | ModelError):
        return message
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename is not None else ""
        hint = _OS_HINTS.get(exc.errno or 0)
        return f"{where}{exc.strerror or message}" + (f" — {hint}" if hint else "")
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if "crosscheck" in Path(f.filename).parts]
    at = (f" at {'/'.join(Path(frames[-1].filename).parts[-2:])}:{frames[-1].lineno}"
          if frames else "")
    return (f"internal error{at}: {type(exc).__name__}: {message[:300]} — a bug in crosscheck; "
            "please report it with the command you ran")

StoreOpt = Annotated[Path, typer.Option("--store", help="Claim store folder.")]
ReportOpt = Annotated[Path, typer.Option("--report", help="The report.json the ids refer to.")]
# the options `report` and `watch` share
PathsArg = Annotated[list[Path] | None, typer.Argument(help="Article files or folders.")]
OutOpt = Annotated[Path, typer.Option("--out", help="Output folder.")]
ModelOpt = Annotated[str | None, typer.Option(
    "--model", help="Sentence-transformers model name or path (default: embedded e5-small).")]
PrimaryOpt = Annotated[Path | None, typer.Option(
    "--primary", help="The article to treat as the reference source.")]


def _article_paths(paths: list[Path] | None) -> list[str]:
    """The PATHS given to ``report`` or ``watch``, else the ``articles`` folder."""
    return [str(p) for p in (paths or [Path("articles")])]


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
@guarded
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
    from crosscheck.pipeline import run_report

    if fail_on not in (None, "diverge", "add_detail", "agree"):
        err.print(f"[red]--fail-on takes diverge, add_detail or agree, not {safe(repr(fail_on))}"
                  "[/red]")
        raise typer.Exit(2)
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), TextColumn(
            "{task.completed}/{task.total}"), TimeElapsedColumn(), console=err,
            transient=True, disable=not err.is_terminal) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        result = run_report(
            _article_paths(paths), out_dir, store, model, primary,
            progress=progress, notify=lambda m: err.print(safe(m)), lock_timeout=wait,
            release_models=True,
        )
    _print_summary(result)
    from crosscheck.review import blocking

    if fail_on and blocking(result.findings, fail_on):
        raise typer.Exit(1)


@app.command()
@guarded
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
    from crosscheck.pipeline import check_primary
    from crosscheck.pipeline import watch as watch_loop

    check_primary(primary)

    def shown(result: Any) -> None:
        _print_summary(result)
        out.print(f"[dim]watching {safe(', '.join(_article_paths(paths)))} "
                  f"(every {interval:g} s; Ctrl-C stops)[/dim]")

    runs = watch_loop(_article_paths(paths), out_dir, store, model,
                      primary, interval, on_result=shown,
                      on_error=lambda e: err.print(f"[red]error:[/red] {safe(error_line(e))}",
                                                   soft_wrap=True),
                      notify=lambda m: err.print(safe(m)))
    out.print(f"stopped after {runs} report(s)")


def _print_errors(errors: Any) -> None:
    """``skipped PATH: reason`` per file that could not be read, ``warning PATH: …`` per
    article kept with a problem; one line each, whatever the names contain."""
    from crosscheck.pipeline import WARNING

    for e in errors:
        if e.is_warning:
            err.print(f"[yellow]warning[/yellow] {safe(e.path)}: "
                      f"{safe(e.reason.removeprefix(WARNING))}", soft_wrap=True)
        else:
            err.print(f"[yellow]skipped[/yellow] {safe(e.path)}: {safe(e.reason)}",
                      soft_wrap=True)


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
        + (safe(f" [{', '.join(st.processed[:6])}{'…' if len(st.processed) > 6 else ''}]")
           if st.processed else "")
        + f", reused {len(st.reused)}; embedded {st.embedded} claim(s), "
        f"reused {st.reused_vectors} vector(s)"
        + (f"; dropped {len(st.removed_articles)} removed article(s)"
           if st.removed_articles else "")
    )
    if st.timings:
        out.print("[dim]stages: " + " · ".join(f"{k} {v:.2f} s" for k, v in st.timings.items())
                  + f" (total {sum(st.timings.values()):.2f} s)[/dim]")
    _print_errors(result.errors)
    top = [f for f in result.findings if f.kind == "diverge"][:8]
    if top:
        t = Table(title="Top divergences", show_lines=False, expand=False)
        t.add_column("id")
        t.add_column("facet")
        t.add_column("summary", overflow="fold")
        t.add_column("review")
        for f in top:
            t.add_row(f.id[:8], safe(f.facet), safe(f.summary), f.review.status)
        out.print(t)
    out.print(safe(f"report: {result.html_path}  json: {result.json_path}"))


# C1 controls (\x80-\x9f; \x9b is a one-byte CSI) are not escaped by json.dumps
_C1 = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@app.command()
@guarded
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
    _print_errors(corpus.errors)
    if fmt == "jsonl":
        for c in corpus.claims:
            line = json.dumps(claim_to_dict(c), ensure_ascii=False)
            sys.stdout.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n")
    else:
        t = Table(show_lines=True)
        for col in ("article", "offsets", "claim", "facets"):
            t.add_column(col, overflow="fold")
        for c in corpus.claims:
            facets = "\n".join(
                safe(f"{f.type}: {f.value}" + (f" → {f.normalized}" if f.normalized != f.value
                                               else "") + (f" ({f.subject})" if f.subject else ""))
                for f in c.facets
            )
            t.add_row(safe(c.article_id), f"{c.start}–{c.end}", safe(c.text), facets)
        out.print(t)
    if not corpus.articles:
        raise typer.Exit(2)


def _load_report(path: Path, store: Path | None = None) -> dict[str, Any]:
    from crosscheck.pipeline import load_report

    return load_report(path, store)


@review_app.command("list")
@guarded
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
        t.add_row(safe(f["id"]), safe(f["kind"]), safe(f["facet"]), safe(f["review"]["status"]),
                  safe(f["summary"]))
    out.print(t)


@review_app.command("show")
@guarded
def review_show(finding_id: str, report_path: ReportOpt = Path("reports/report.json"),
                store: StoreOpt = Path("claims")) -> None:
    """Show one finding: each outlet's own words, and its review."""
    from crosscheck.review import match

    rep = _load_report(report_path, store)
    f = match(rep["findings"], finding_id)
    if f is None:
        err.print(f"[red]error:[/red] 0 findings match {safe(repr(finding_id))}")
        raise typer.Exit(2)
    outlets = {a["id"]: a.get("outlet") or a["id"] for a in rep["articles"]}
    out.print(f"[bold]{safe(f['id'])}[/bold] {safe(f['kind'])} / {safe(f['facet'])} — "
              f"{safe(f['summary'])}")
    out.print(f"review: {safe(f['review']['status'])}"
              + (f" — {safe(f['review']['note'])}" if f["review"].get("note") else ""))
    for v in f["values"]:
        out.print(f"  [bold]{safe(outlets.get(v['article_id'], v['article_id']))}[/bold] "
                  + safe(f"[{v.get('start')}:{v.get('end')}] {v.get('value')!r}: "
                         f"{v.get('quote')}"))


NoteOpt = Annotated[str | None, typer.Option("--note", help="Why (kept with the decision).")]


def _decision(name: str, status: str, help_text: str) -> None:
    """Register ``crosscheck review NAME ID [--note]``, which records ``status``."""

    def command(finding_id: str, note: NoteOpt = None, store: StoreOpt = Path("claims"),
                report_path: ReportOpt = Path("reports/report.json")) -> None:
        from crosscheck.pipeline import review_decide

        entry = review_decide(store, finding_id, status, note, report_path)
        shown = f" — {entry['note']}" if entry["note"] else ""
        out.print(safe(f"{entry['id']}: {entry['status']}{shown}"))

    command.__doc__ = help_text
    command.__name__ = f"review_{name}"
    review_app.command(name)(guarded(command))


_decision("confirm", "confirmed", "Confirm a finding (it is a real discrepancy).")
_decision("dismiss", "dismissed", "Dismiss a finding (a false alarm).")
_decision("reopen", "open", "Reopen a finding.")


@review_app.command("import")
@guarded
def review_import_cmd(file: Path, store: StoreOpt = Path("claims")) -> None:
    """Merge decisions exported from the HTML report (crosscheck-reviews.json)."""
    from crosscheck.pipeline import review_import

    n = review_import(store, file)
    out.print(safe(f"merged {n} decision(s) into {store / 'reviews.json'}"))


def main() -> None:
    """The ``crosscheck`` command. Whatever happens, no traceback reaches the user: an error
    no command caught is printed as one line and the exit code is 2."""
    try:
        app()
    except Exception as exc:  # the last line of defence (option parsing, the callback)
        err.print(f"[red]error:[/red] {safe(error_line(exc))}", soft_wrap=True)
        sys.exit(2)
