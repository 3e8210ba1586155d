"""`opmodel init [DIR]`: a copy of the shipped documents, their catalogue and the Slack
manifest, for a team to edit, with a ``.env`` that points opmodel at it from that folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from opmodel.errors import ConfigError

EPILOG = """\
examples:
  opmodel init                 write corpus/, slack-manifest.yaml and .env here
  opmodel init my-practice     the same in my-practice/ (made if missing)

then, from that folder: edit corpus/metadata.yaml, drop documents into corpus/, and run
`opmodel ingest` (the .env sets OPMODEL_CORPUS_DIR=corpus). Nothing is ever overwritten."""

CORPUS = "corpus"
MANIFEST = "slack-manifest.yaml"
ENV = ".env"


def register(sub) -> None:
    parser = sub.add_parser(
        "init",
        help="copy the shipped documents, catalogue and Slack manifest into a folder to edit",
        description="Copy the shipped documents, their catalogue (metadata.yaml) and the Slack app manifest "
                    "into a folder a team can edit, with a .env that points opmodel at that copy when run there.",
        epilog=EPILOG,
    )
    parser.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="DIR", help="where to write (default: here)")
    parser.set_defaults(handler=handle)


def init_folder(folder: Path) -> list[str]:
    """Copy; refuse before writing anything if any target exists. Returns what was written."""
    from opmodel.locations import shipped_corpus, shipped_manifest

    targets = [folder / CORPUS, folder / MANIFEST, folder / ENV]
    existing = [str(t) for t in targets if t.exists()]
    if existing:
        raise ConfigError(f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
                          "nothing was written (move them away or choose another folder)")
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} is a file, not a folder; nothing was written")
    source = shipped_corpus()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, folder / CORPUS, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
        shutil.copyfile(shipped_manifest(), folder / MANIFEST)
        (folder / ENV).write_text(f"# read by opmodel when run from this folder\nOPMODEL_CORPUS_DIR={CORPUS}\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write into {folder}: {exc.strerror or exc}") from exc
    documents = sorted(p.name for p in (folder / CORPUS).iterdir() if p.is_file() and p.name != "metadata.yaml")
    return [
        f"{folder / CORPUS}/ ({len(documents)} files and their catalogue, metadata.yaml)",
        f"{folder / MANIFEST} (paste it at api.slack.com/apps: Create New App, From an app manifest)",
        f"{folder / ENV} (OPMODEL_CORPUS_DIR={CORPUS})",
    ]


def handle(args) -> int:
    written = init_folder(args.folder)
    print("Wrote:")
    for line in written:
        print(f"  {line}")
    here = "" if args.folder == Path(".") else f"cd {args.folder} && "
    print(f"Next: {here}opmodel ingest   (then `opmodel ask \"...\"` from that folder)")
    return 0
