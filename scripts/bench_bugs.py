"""Defect groups measured: precision and recall on seeded helpdesks with planted defects, the
time at 10k and 100k tickets, and a look at real exports.

    python scripts/bench_bugs.py                         # planted defects, several seeds, timing
    python scripts/bench_bugs.py --real /work/shared/data # + every export in that folder

Matching (see :func:`lib.bugs.simulate.score_groups`): a group is *true* when at least 70% of
its tickets are one planted defect; a defect is *found* when a true group holds at least 50% of
its tickets. Recall = defects found / planted; precision = true groups / groups shown (those
that read like a defect, what the page shows first); fragments = true groups per defect found.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lib.bugs import find_groups
from lib.bugs.simulate import planted_helpdesk, score_groups

#: Scenarios: name -> options of planted_helpdesk.
SCENARIOS = {
    "small (≈1k tickets, 4 near misses per defect)": {"noise": 400, "near_misses": 4},
    "medium (≈3.5k tickets, 20 near misses per defect)": {"noise": 3_000, "near_misses": 20},
    "no category (≈3.5k tickets)": {"noise": 3_000, "near_misses": 20, "_no_category": True},
}


def planted(seeds: int) -> None:
    """Precision, recall and fragments per scenario over ``seeds`` seeds."""
    print("| scenario | recall | precision | fragments | groups shown | seconds |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, opts in SCENARIOS.items():
        opts = dict(opts)
        no_cat = opts.pop("_no_category", False)
        rec, prec, frag, shown, secs = [], [], [], [], []
        for seed in range(seeds):
            t, truth = planted_helpdesk(seed=seed, **opts)
            if no_cat:
                t = t.with_columns(category=pl.lit(None, dtype=pl.String))
            t0 = time.perf_counter()
            res = find_groups(t)
            secs.append(time.perf_counter() - t0)
            s = score_groups(res.members, truth, res.groups)
            rec.append(s["recall"])
            prec.append(s["precision"])
            frag.append(s["fragments"])
            shown.append(s["groups"])
        print(
            f"| {name} | {statistics.mean(rec):.2f} (min {min(rec):.2f}) | "
            f"{statistics.mean(prec):.2f} (min {min(prec):.2f}) | {statistics.mean(frag):.2f} | "
            f"{statistics.mean(shown):.1f} | {statistics.mean(secs):.2f} |"
        )


def _varied(n: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A large helpdesk whose noise subjects are mostly distinct (two extra words each)."""
    t, truth = planted_helpdesk(seed=seed, noise=n, defect_sizes=(50, 400), near_misses=n // 200)
    rng = np.random.default_rng(seed)
    words = np.array(
        [
            "alpha",
            "beta",
            "gamma",
            "delta",
            "north",
            "south",
            "east",
            "west",
            "red",
            "blue",
            "green",
            "amber",
            "report",
            "folder",
            "agent",
            "queue",
            "macro",
            "trigger",
            "view",
            "field",
            "zone",
            "sla",
            "form",
            "brand",
            "locale",
            "portal",
        ]
    )
    extra = pl.Series([" ".join(rng.choice(words, 2)) for _ in range(t.height)])
    return t.with_columns(subject=pl.col("subject") + " " + extra), truth


def scale() -> None:
    """Wall and CPU seconds at 10k and 100k tickets (mostly distinct subjects)."""
    print("| tickets | distinct texts | wall s | CPU s | recall | precision | groups |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for n in (10_000, 100_000):
        t, truth = _varied(n, 5)
        w0, c0 = time.perf_counter(), time.process_time()
        res = find_groups(t)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        s = score_groups(res.members, truth, res.groups)
        distinct = t.get_column("subject").n_unique()
        print(
            f"| {t.height:,} | {distinct:,} | {wall:.1f} | {cpu:.1f} | {s['recall']:.2f} | "
            f"{s['precision']:.2f} | {res.groups.height:,} |"
        )


def real(folder: Path) -> None:
    """Every export under ``folder``, loaded as a user would: groups found, the strongest."""
    from lib.ingest import load_export

    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in (".csv", ".gz", ".json", ".xlsx") and "README" not in p.name
    )
    for path in files:
        try:
            res = load_export(path)
        except Exception as exc:  # a file the importer refuses: say so and go on
            print(f"\n### {path.name}: not loaded ({exc})")
            continue
        t = res.tickets
        desc = None
        if res.extras is not None and "_description" in res.extras.columns:
            desc = res.extras.select("ticket_id", description="_description")
            t = t.join(desc, on="ticket_id", how="left")
        t0 = time.perf_counter()
        g = find_groups(t)
        secs = time.perf_counter() - t0
        defects = g.groups.filter(pl.col("defect_like"))
        print(
            f"\n### {path.name}: {t.height:,} tickets, text: {g.text or 'none'}; "
            f"{g.groups.height} groups, {defects.height} read like defects ({secs:.2f} s)"
        )
        for note in g.notes:
            print(f"- note: {note}")
        for r in g.groups.head(6).iter_rows(named=True):
            kind = "defect" if r["defect_like"] else "question"
            print(
                f"- #{r['group']} [{kind}] {r['tickets']} tickets, {r['escalated']} escalated: "
                f"{r['label']} | e.g. {str(r['example_subject'])[:70]!r}"
            )
        from lib.bugs import by_issue, issue_links

        links = issue_links(t, res.extras)
        if links.height:
            top = by_issue(t, links).head(3)
            print(
                f"- linked issues: {links.get_column('issue').n_unique()} from "
                f"{', '.join(sorted(set(links.get_column('via'))))}; top: "
                + "; ".join(
                    f"{r['issue']} ({r['tickets']} tickets, {r['escalated']} escalated, "
                    f"{r['open']} open)"
                    for r in top.iter_rows(named=True)
                )
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--real", type=Path, help="a folder of real exports to try")
    ap.add_argument("--no-scale", action="store_true", help="skip the 10k/100k timing")
    args = ap.parse_args()
    planted(args.seeds)
    if not args.no_scale:
        print()
        scale()
    if args.real:
        real(args.real)


if __name__ == "__main__":
    main()
