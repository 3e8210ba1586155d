"""`opmodel tune`: refit the scorer on the dev splits of every evaluation set."""

from __future__ import annotations

import json
from pathlib import Path

from answer.scorer import DEFAULT_WEIGHTS

DESCRIPTION = """\
Fit the answer scorer's weights on the dev split of every evaluation set (eval/pairs.yaml and
eval/fresh.yaml over corpus/, each corpus under eval/corpora/: every set of eval/sets.yaml), then write them, with the fit
report, to answer/weights.json. Test splits are never read. Takes a minute or two; run it after
changing answer/features.py or the candidates, and commit the weights file with the change."""
EPILOG = """\
examples:
  opmodel tune                      refit and write answer/weights.json
  opmodel tune --out /tmp/w.json    write somewhere else (OPMODEL_WEIGHTS=/tmp/w.json to try it)
  opmodel tune --folds 0            skip the cross-validated and by-corpus figures (faster)
"""


def register(sub) -> None:
    p = sub.add_parser("tune", help="fit the answer scorer on the dev splits (writes answer/weights.json)",
                       description=DESCRIPTION, epilog=EPILOG)
    p.add_argument("--out", type=Path, default=DEFAULT_WEIGHTS, metavar="PATH", help="where to write the weights")
    p.add_argument("--json", action="store_true", help="print the fit report as JSON")
    p.add_argument("--folds", type=int, default=5, metavar="K",
                   help="also report K-fold cross-validated dev figures: on questions each fit never saw "
                        "(default: 5; 0 skips it). Judge a feature change by these, never by the test splits")
    p.set_defaults(handler=handle)


def dev_sets() -> list[tuple[str, Path, list]]:
    """(name, corpus folder, dev pairs) of each evaluation set in eval/sets.yaml that may be
    fitted on (not `fit: false`); sets over the same corpus are asked over one index."""
    from eval.pairs import select
    from eval.sets import load_sets
    from opmodel.settings import Settings

    grouped: dict[Path, tuple[str, Path, list]] = {}
    for s in (s for s in load_sets() if s.fit):
        folder = s.corpus_dir(Path(Settings().corpus_dir)).resolve()
        name, _, pairs = grouped.setdefault(folder, (s.name, folder, []))
        pairs += select(s.load_pairs(), "dev")
    return list(grouped.values())


def handle(args) -> int:
    from answer.tune import tune

    if args.folds == 1 or args.folds < 0:
        raise SystemExit(f"opmodel tune: --folds must be 0 or at least 2, got {args.folds}")
    report = tune(dev_sets(), args.out, folds=args.folds)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"wrote {args.out}")
    for title, key in (("fitted on every dev question:", "dev"),
                       (f"{args.folds}-fold cross-validated (each question scored by a fit that never saw it):",
                        f"dev_{args.folds}_fold"),
                       ("by corpus (each corpus scored by a fit on the other corpora only):", "by_corpus")):
        if key not in report:
            continue
        print(title)
        print(f"  {'set':<12} {'questions':>9} {'ranked 1st':>10} {'in cands':>8} "
              f"{'threshold: lead ok':>18} {'false dec':>9} {'wrong':>6} {'oos dec':>8}")
        for name, f in report[key].items():
            oos = "-" if f["out_of_scope_declined"] is None else f"{f['out_of_scope_declined']:.3f}"
            print(f"  {name:<12} {f['questions']:>9} {f['ranked_first']:>10.3f} {f['answer_in_candidates']:>8.3f} "
                  f"{f['lead_correct']:>18.3f} {f['false_declines']:>9.3f} {f['wrong_leads']:>6} {oos:>8}")
    print("weights (standardised features), largest first:")
    for name, w in report["weights_by_size"].items():
        print(f"  {w:+7.3f}  {name}")
    return 0
