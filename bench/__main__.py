"""``python -m bench``: wheelkeep side by side with pypiserver, devpi and nginx.

Builds the corpus, then for each peer in turn: installs it, starts it on
127.0.0.1 with an empty data folder, loads the corpus, runs every measurement,
and stops it. Prints one table and writes it with the machine, the versions and
the date to ``bench/results.md`` (full scale) or ``bench/build/`` (other scales).
"""

import argparse
import atexit
import logging
import shlex
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import SCALES, Corpus, build_corpus
from bench.load import CONNECTIONS, THREADS, wrk_available
from bench.measure import STEPS, Context, PeerResults, load_corpus
from bench.peers import Devpi, Nginx, Peer, Pypiserver, Wheelkeep
from bench.processes import stop_all
from bench.report import document, machine, table
from bench.static_tree import write_static_tree
from bench.upload import UPLOAD_CONNECTIONS

log = logging.getLogger("bench")

HERE = Path(__file__).resolve().parent
WORK = HERE / "build"
PEER_ORDER = ["wheelkeep", "pypiserver", "devpi", "nginx"]


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument(
        "--peers",
        default=",".join(PEER_ORDER),
        help="comma-separated subset of: " + ", ".join(PEER_ORDER),
    )
    parser.add_argument("--repeats", type=int, help="runs of each measurement")
    parser.add_argument("--seconds", type=int, help="length of each load run")
    parser.add_argument(
        "--wheelkeep-serve",
        default="",
        help="extra options for `wheelkeep serve`, e.g. '--workers 2'",
    )
    parser.add_argument("--output", type=Path, help="where to write the results")
    parser.add_argument(
        "--work",
        type=Path,
        default=WORK,
        help="folder for the corpus, environments and data (default bench/build)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="build and check the corpus and the static tree, measure nothing",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    arguments = _arguments(argv)
    scale = SCALES[arguments.scale]
    repeats = arguments.repeats or scale.repeats
    seconds = arguments.seconds or scale.load_seconds
    work = arguments.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    corpus = build_corpus(work, scale)
    log.info(
        "corpus scale=%s files=%s packages=%s bytes=%s seconds=%.0f",
        scale.name,
        len(corpus.files),
        corpus.package_count,
        corpus.total_bytes,
        time.monotonic() - started,
    )
    if arguments.dry_run:
        return _dry_run(corpus, work)
    if not wrk_available():
        log.error("wrk is missing: run `make bench`, which installs it")
        return 2
    names = [name.strip() for name in arguments.peers.split(",") if name.strip()]
    peers = _peers(work, names, shlex.split(arguments.wheelkeep_serve))
    atexit.register(stop_all)
    # Stopped by SIGTERM (or SIGINT from a background job, which ignores it),
    # unwind normally so every server started here is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    machine_lines = machine()
    results: dict[str, PeerResults] = {}
    versions: dict[str, str] = {}
    for peer in peers:
        results[peer.name] = PeerResults()
        versions[peer.name] = _measure(peer, corpus, repeats, seconds, results)
        # Written after each peer, so an interrupted run still leaves figures.
        _write(
            arguments, work, results, versions, corpus, repeats, seconds, machine_lines
        )
    ordered = {name: results[name] for name in PEER_ORDER if name in results}
    print(table(ordered) if "wheelkeep" in ordered else ordered)
    log.info("bench.done minutes=%.1f", (time.monotonic() - started) / 60)
    return 0


def _write(
    arguments: argparse.Namespace,
    work: Path,
    results: dict[str, PeerResults],
    versions: dict[str, str],
    corpus: Corpus,
    repeats: int,
    seconds: int,
    machine_lines: list[str],
) -> None:
    ordered = {name: results[name] for name in PEER_ORDER if name in results}
    if "wheelkeep" not in ordered:
        return
    output = arguments.output or (
        HERE / "results.md"
        if corpus.scale.name == "full"
        else work / f"results-{corpus.scale.name}.md"
    )
    setup = _setup_lines(corpus, repeats, seconds)
    output.write_text(document(ordered, versions, setup, machine_lines))
    log.info("results.written path=%s", output)


def _peers(work: Path, names: list[str], serve_options: list[str]) -> list[Peer]:
    known: dict[str, Peer] = {
        "wheelkeep": Wheelkeep(work, serve_options),
        "pypiserver": Pypiserver(work),
        "devpi": Devpi(work),
        "nginx": Nginx(work),
    }
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"unknown peers: {', '.join(unknown)}")
    return [known[name] for name in names]


def _measure(
    peer: Peer,
    corpus: Corpus,
    repeats: int,
    seconds: int,
    results: dict[str, PeerResults],
) -> str:
    """Run every step against one peer; return its version string."""
    log.info("peer.install name=%s", peer.name)
    peer.install()
    version = peer.version()
    peer.reset()
    scratch = peer.work.parent / "scratch"
    scratch.mkdir(exist_ok=True)
    context = Context(peer, corpus, repeats, seconds, results[peer.name], scratch)
    try:
        if not peer.accepts_uploads:
            peer.load_static(corpus)
        bulk_seconds = peer.bulk_load(corpus.group("small") + corpus.group("many"))
        peer.start()
        load_corpus(context, bulk_seconds)
        for title, step in STEPS:
            log.info("step peer=%s step=%s", peer.name, title)
            try:
                step(context)
            except Exception as error:
                # A step a peer cannot do (a refused upload) is a finding;
                # the other steps still run.
                log.exception("step.failed peer=%s step=%s", peer.name, title)
                context.results.notes.append(
                    f"{title} failed: {type(error).__name__}: {error}"
                )
    except Exception as error:
        log.exception("peer.failed name=%s", peer.name)
        context.results.notes.append(f"stopped early: {type(error).__name__}: {error}")
    finally:
        peer.stop()
    return version


def _setup_lines(corpus: Corpus, repeats: int, seconds: int) -> list[str]:
    groups = {
        "real": "realistic wheels (8 KiB to a few MiB, some depending on others)",
        "small": "tiny wheels of small packages, 3 releases each",
        "many": "releases of one package (one wheel each)",
        "huge": "linux_aarch64 wheel",
    }
    lines = [
        f"- corpus (scale `{corpus.scale.name}`): {len(corpus.files)} files, "
        f"{corpus.package_count} packages, {corpus.total_bytes / 2**20:,.0f} MiB:"
    ]
    for group, text in groups.items():
        files = corpus.group(group)
        lines.append(
            f"  - {len(files)} {text}, {sum(f.size for f in files) / 2**20:,.1f} MiB"
        )
    lines += [
        f"- load: wrk, {THREADS} threads, {CONNECTIONS} connections, {seconds} s a "
        f"run, {repeats} runs; wrk shares the 2 cores with the server under test",
        "- uploads: first the small files with the harness's streaming uploader (the "
        f"same form twine sends) over {UPLOAD_CONNECTIONS} connections, then the "
        "realistic wheels with twine (one invocation); the 1 GiB wheel alone with the "
        "streaming uploader. devpi takes the small files through devpi-import instead "
        "(see Notes)",
        "- memory: resident set of the server process and all its children, sampled "
        "every 20 ms during the upload, which runs right after the corpus is loaded "
        "(before the load runs); 'above idle' subtracts the set just before it",
        "- download: curl to /dev/null; installs: fresh venv and empty cache for each "
        "run, pip from the Python's own ensurepip, uv from the dev environment",
        "- cold start: process start until the root index answered 200, corpus loaded",
        "- wheelkeep reads with its admin token (private project, Basic auth); the "
        "peers read anonymously",
    ]
    return lines


def _dry_run(corpus: Corpus, work: Path) -> int:
    """Check every corpus file is an upload wheelkeep accepts; build the tree."""
    from wheelkeep.domain.distributions import parse_filename, read_core_metadata
    from wheelkeep.domain.metadata import parse_core_metadata
    from wheelkeep.domain.uploads import check_metadata_matches

    for file in corpus.files:
        dist = parse_filename(file.filename)
        raw = read_core_metadata(Path(file.path), dist)
        check_metadata_matches(parse_core_metadata(raw, file.filename), dist)
    with tempfile.TemporaryDirectory(dir=work) as folder:
        write_static_tree(Path(folder), corpus)
        pages = len(list(Path(folder, "simple").glob("*/index.html")))
    print(f"corpus ok: {len(corpus.files)} files, {pages} package pages in the tree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
