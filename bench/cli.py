"""`opmodel bench core|scale`: speed, memory and quality tables, printed and kept in BENCHMARKS.md."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from opmodel.errors import ConfigError

EPILOG = """\
examples:
  opmodel bench core                       cold start, warm latency, ingest, re-ingest, memory
  OPMODEL_ANSWERER=scorer opmodel bench core --out -
                                           the same for the fitted-scorer answerer (not kept in BENCHMARKS.md)
  opmodel bench embed                      numpy MiniLM against sentence-transformers (needs [bench])
  opmodel bench scale --sizes 1,10         quick look at growth (a few minutes)
  opmodel bench scale                      1x, 10x, 100x, 1000x, embedded and server (about an hour:
                                           1000x embeds ~100,000 passages twice on 2 cores)
  opmodel bench scale --modes embedded --out /tmp/scale.md

Tables go to standard output and, unless --out -, into a section of BENCHMARKS.md that is
replaced on each run (other sections stay). Nothing here runs in CI; the machine is shared and
noisy, so read the figures as orders of magnitude and rerun when something looks off."""


def register(sub) -> None:
    bench = sub.add_parser(
        "bench",
        help="speed, memory and scale benchmarks (tables for BENCHMARKS.md)",
        description="Benchmarks that print tables; each runs fresh processes against a fresh temporary index.",
        epilog=EPILOG,
    )
    kinds = bench.add_subparsers(dest="bench_command", metavar="BENCHMARK", required=True)

    core = kinds.add_parser("core", help="one user's view: cold start, warm latency, ingest, re-ingest, peak memory")
    core.add_argument("--cold-runs", type=int, default=5, help="fresh `opmodel ask` processes to time (default 5)")
    _common(core)
    core.set_defaults(handler=handle_core)

    embed = kinds.add_parser("embed", help="the numpy MiniLM against sentence-transformers: an ingest batch and one question")
    embed.add_argument("--rounds", type=int, default=3, help="alternating rounds per embedder (default 3)")
    _common(embed)
    embed.set_defaults(handler=handle_embed)

    scale = kinds.add_parser("scale", help="1x..1000x synthetic corpora, embedded and on a `chroma run` server")
    scale.add_argument("--sizes", default="1,10,100,1000", help="corpus size factors, comma-separated (default 1,10,100,1000)")
    scale.add_argument("--modes", default="embedded,server", help="embedded, server or both (default both)")
    _common(scale)
    scale.set_defaults(handler=handle_scale)


def _common(parser) -> None:
    from opmodel.locations import shipped_corpus

    parser.add_argument("--corpus", type=Path, default=shipped_corpus(), help="the real corpus folder (default: the shipped one)")
    parser.add_argument("--out", default="BENCHMARKS.md", help="Markdown file whose section is rewritten; - for none")


def _command() -> str:
    return "opmodel " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def _check_corpus(path: Path) -> Path:
    if not (path / "metadata.yaml").is_file():
        raise ConfigError(f"{path} is not a corpus folder (no metadata.yaml); pass --corpus")
    return path


def _emit(name: str, text: str, out: str) -> None:
    from bench import report

    if out != "-":
        report.write_section(name, text, Path(out))


def _stop_cleanly_on_sigterm() -> None:
    """`kill` should stop the temporary server and delete the temporary indexes, as Ctrl-C does."""
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def handle_core(args) -> int:
    from bench import core

    _stop_cleanly_on_sigterm()
    if args.cold_runs < 1:
        raise ConfigError(f"--cold-runs must be at least 1, got {args.cold_runs}")
    print("Measuring: two ingests, cold asks, then the eval questions warm (about a minute)...", file=sys.stderr)
    text = core.render(core.measure(_check_corpus(args.corpus), args.cold_runs), _command())
    print(text)
    _emit("core", text, args.out)
    return 0


def handle_embed(args) -> int:
    from bench import embed

    if args.rounds < 1:
        raise ConfigError(f"--rounds must be at least 1, got {args.rounds}")
    count, results = embed.measure(_check_corpus(args.corpus), args.rounds)
    text = embed.render(count, results, _command())
    print(text)
    _emit("embed", text, args.out)
    return 0


def handle_scale(args) -> int:
    from bench import scale

    _stop_cleanly_on_sigterm()
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        raise ConfigError(f"--sizes must be whole numbers separated by commas, got {args.sizes!r}") from None
    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    if not sizes or min(sizes) < 1:
        raise ConfigError(f"--sizes must be at least 1, got {args.sizes!r}")
    if not modes or set(modes) - set(scale.MODES):
        raise ConfigError(f"--modes must be embedded, server or both, got {args.modes!r}")
    command = _command()

    raw = Path("bench/results/scale-rows.json")

    def show(rows) -> None:
        import dataclasses
        import json

        raw.parent.mkdir(parents=True, exist_ok=True)  # every figure, for a closer look later
        raw.write_text(json.dumps([dataclasses.asdict(r) for r in rows], indent=1))
        text = scale.render(rows, command)
        last = rows[-1]
        print(f"done {last.size}× {last.mode}: {last.passages:,} passages", file=sys.stderr, flush=True)
        _emit("scale", text, args.out)

    rows = scale.run(_check_corpus(args.corpus), sizes, modes, on_row=show)
    print(scale.render(rows, command))
    return 0
