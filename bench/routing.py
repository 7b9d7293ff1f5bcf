"""The department router on a held-out split of the demo district's labelled tickets.

    .venv/bin/python bench/routing.py [--file demo/data/hotline_tickets.csv] [--seed 7]

Runs the product's own commands, `manage.py train_router TRAIN.csv` and
`manage.py evaluate_router TEST.csv`, against a throw-away SQLite database that holds the demo
district's regions, departments and routing keyword rules (the router needs the places to send a
local matter to its street office), on two splits:
- phrasing: for every scenario told in three or more wordings, one wording (chosen at random)
  is held out whole, so every test ticket is worded in a way the model never saw;
- random: a stratified 80/20 split of the tickets (wordings seen, places and ramblings not).
Each test file is evaluated as written (simplified) and converted to traditional characters
(OpenCC s2t); a model without the traditional→simplified step is trained in-process for
comparison. Each split is evaluated as the console routes (model, place, keyword rules) and with
the model alone (`--model-only`). Prints per-split figures (precision, accuracy and top-3 per
department); the last line reads `phrasing_accuracy=… phrasing_top3=… random_accuracy=…`.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
Row = dict[str, str]


def phrasing_split(rows: list[Row], rng: random.Random) -> tuple[list[Row], list[Row]]:
    wordings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        dept, scenario, phrasing = r["phrasing"].split(":")
        wordings[(dept, scenario)].add(phrasing)
    held = {k: rng.choice(sorted(v)) for k, v in wordings.items() if len(v) >= 3}
    train, test = [], []
    for r in rows:
        dept, scenario, phrasing = r["phrasing"].split(":")
        (test if held.get((dept, scenario)) == phrasing else train).append(r)
    return train, test


def random_split(rows: list[Row], rng: random.Random) -> tuple[list[Row], list[Row]]:
    by_dept: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_dept[r["department"]].append(r)
    train, test = [], []
    for group in by_dept.values():
        rng.shuffle(group)
        cut = max(1, round(len(group) * 0.2))
        test += group[:cut]
        train += group[cut:]
    return train, test


def write(path: Path, rows: list[Row], convert: object = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "department"])
        for r in rows:
            text = convert.convert(r["text"]) if convert else r["text"]  # type: ignore[attr-defined]
            w.writerow([text, r["department"]])
    return path


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def figure(output: str, name: str) -> float:
    for line in output.strip().splitlines():
        if line.startswith(f"{name}="):
            return float(line.split("=", 1)[1])
    raise SystemExit(f"no {name}= in the output:\n{output}")


def accuracy(output: str) -> float:
    return figure(output, "accuracy")


SETUP = (
    "from onestop.demo.org import Counts, load_departments, load_regions;"
    "from onestop.demo.hotline import DATA, load_routing_rules;"
    "import json;"
    "c = Counts(); load_departments(c, load_regions(c));"
    "load_routing_rules(json.loads(DATA.read_text(encoding='utf-8'))['routing_rules'])"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=ROOT / "demo" / "data" / "hotline_tickets.csv")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rows = list(csv.DictReader(args.file.open(encoding="utf-8")))
    work = Path(tempfile.mkdtemp(prefix="routing-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "HOTLINE_ROUTER_PATH": str(work / "router.joblib"),
        "ONESTOP_VAR_DIR": str(work),
        "AXES_ENABLED": "false",
    }
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "shell", "-c", SETUP)
    from opencc import OpenCC

    s2t = OpenCC("s2t")
    print(
        f"tickets={len(rows)} departments={len({r['department'] for r in rows})} file={args.file}"
    )
    figures = {}
    for name, split in (("phrasing", phrasing_split), ("random", random_split)):
        train, test = split(rows, random.Random(args.seed))
        train_csv = write(work / f"{name}-train.csv", train)
        test_csv = write(work / f"{name}-test.csv", test)
        trad_csv = write(work / f"{name}-test-traditional.csv", test, s2t)
        t0 = time.perf_counter()
        manage(env, "train_router", str(train_csv))
        trained = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = manage(env, "evaluate_router", str(test_csv))
        evaluated = time.perf_counter() - t0
        acc, top3 = accuracy(report), figure(report, "top3")
        trad = accuracy(manage(env, "evaluate_router", str(trad_csv)))
        alone = manage(env, "evaluate_router", "--model-only", str(test_csv))
        print(f"\n== {name} split: train={len(train)} test={len(test)} ==")
        print("\n".join(report.strip().splitlines()[:-3]))
        print(f"train_s={trained:.1f} evaluate_s={evaluated:.1f} ({len(test)} tickets)")
        print(f"accuracy={acc:.4f} top3={top3:.4f} traditional_accuracy={trad:.4f}")
        print(
            f"model only (no keyword rules): accuracy={accuracy(alone):.4f}"
            f" top3={figure(alone, 'top3'):.4f}"
        )
        figures[name] = acc
        figures[f"{name}_top3"] = top3
        if name == "phrasing":
            plain = _without_normalising(train, test, s2t)
            print(f"without t2s normalising: accuracy={plain[0]:.4f} traditional={plain[1]:.4f}")
    print(
        f"\nphrasing_accuracy={figures['phrasing']:.4f}"
        f" phrasing_top3={figures['phrasing_top3']:.4f} random_accuracy={figures['random']:.4f}"
    )


def _without_normalising(train: list[Row], test: list[Row], s2t: object) -> tuple[float, float]:
    """The same model without the traditional→simplified step (for comparison)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    import django

    django.setup()
    from onestop.hotline import router

    model = router.fit(
        [r["text"] for r in train], [r["department"] for r in train], normalise=False
    )
    labels = [r["department"] for r in test]
    simp = router.evaluate(model, [r["text"] for r in test], labels).accuracy
    trad_texts = [s2t.convert(r["text"]) for r in test]  # type: ignore[attr-defined]
    return simp, router.evaluate(model, trad_texts, labels).accuracy


if __name__ == "__main__":
    main()
