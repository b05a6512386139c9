"""Rolling-origin backtest of Nixtla statsforecast on the series written by
`cargo run --release --example forecast_export`, scored exactly like the Rust backtest
(same origins, horizon, scored intervals and MASE denominator), printed side by side
with the Rust numbers from rust_summary.csv.

    python3 bench/statsforecast_compare.py target/export [--series 3] [--train-weeks 16]
"""
import argparse
import csv
import time

import numpy as np
import pandas as pd
from statsforecast.models import MSTL, AutoETS, SeasonalNaive

WK = 672  # 15-minute intervals per week


def impute_special(y, usable):
    """statsforecast has no notion of special days: replace them by the same interval one
    week earlier so a holiday inside the training window does not bend its seasonality
    (the Rust model excludes special days from training instead)."""
    y = y.astype(float).copy()
    for i in np.flatnonzero(~usable):
        if i >= WK:
            y[i] = y[i - WK]
    return y


def backtest(y, usable, model_factory, train_weeks, weeks=12, horizon_weeks=6, levels=True):
    n = len(y)
    h = horizon_weeks * WK
    clean = impute_special(y, usable)
    origins = list(range(n - weeks * WK, n - h + 1, WK))
    abs_err, actual, in80, in95, count = 0.0, 0.0, 0, 0, 0
    t = time.perf_counter()
    for o in origins:
        start = 0 if train_weeks <= 0 else max(0, o - train_weeks * WK)
        out = model_factory().forecast(y=clean[start:o], h=h, level=[80, 95] if levels else None)
        f = np.maximum(out["mean"], 0.0)
        a = y[o:o + h]
        m = usable[o:o + h]
        abs_err += np.abs(a - f)[m].sum()
        actual += a[m].sum()
        count += m.sum()
        if levels:
            in80 += ((a >= out["lo-80"]) & (a <= out["hi-80"]))[m].sum()
            in95 += ((a >= out["lo-95"]) & (a <= out["hi-95"]))[m].sum()
    secs = time.perf_counter() - t
    return dict(wape=abs_err / actual, mae=abs_err / count, cov80=in80 / count if levels else float("nan"),
                cov95=in95 / count if levels else float("nan"), secs=secs, origins=len(origins))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("export_dir")
    ap.add_argument("--series", type=int, default=3)
    ap.add_argument("--train-weeks", type=int, default=16,
                    help="statsforecast training window in weeks (0 = full history)")
    args = ap.parse_args()
    rust = {}
    with open(f"{args.export_dir}/rust_summary.csv") as fh:
        for r in csv.DictReader(fh):
            rust[(int(r["series"]), r["target"])] = r
    mstl = lambda: MSTL(season_length=[96, WK], trend_forecaster=AutoETS(model="ZZN"))
    naive = lambda: SeasonalNaive(season_length=WK)
    print(f"statsforecast MSTL(season_length=[96, {WK}], trend=AutoETS(ZZN)), "
          f"training window {args.train_weeks or 'full'} weeks; Rust model uses the full history")
    hdr = f"{'series':>6} {'target':>6} | {'rust WAPE':>9} {'MASE':>6} {'cov80':>5} {'cov95':>5} {'time s':>7} | " \
          f"{'MSTL WAPE':>9} {'MASE':>6} {'cov80':>5} {'cov95':>5} {'time s':>7} | {'naive WAPE':>10} {'MASE':>6}"
    print(hdr)
    print("-" * len(hdr))
    totals = {"rust": 0.0, "mstl": 0.0}
    for s in range(args.series):
        df = pd.read_csv(f"{args.export_dir}/series_{s}.csv")
        usable = df["usable"].to_numpy() == 1
        for target, col in [("volume", "y"), ("human", "human")]:
            r = rust[(s, target)]
            scale = float(r["mase_scale"])
            y = df[col].to_numpy()
            m = backtest(y, usable, mstl, args.train_weeks)
            nv = backtest(y, usable, naive, 0, levels=False)
            rust_secs = float(r["backtest_s"])  # one Rust backtest scores both targets
            if target == "volume":
                totals["rust"] += rust_secs
            totals["mstl"] += m["secs"]
            print(f"{s:>6} {target:>6} | {float(r['model_wape']):9.4f} {float(r['model_mase']):6.3f} "
                  f"{float(r['cov80']):5.3f} {float(r['cov95']):5.3f} {rust_secs:7.3f} | "
                  f"{m['wape']:9.4f} {m['mae'] / scale:6.3f} {m['cov80']:5.3f} {m['cov95']:5.3f} {m['secs']:7.2f} | "
                  f"{nv['wape']:10.4f} {nv['mae'] / scale:6.3f}", flush=True)
    print(f"total backtest time: rust {totals['rust']:.3f} s (both targets in one run; 7 origins, each refitting "
          f"the model plus 6 nested calibration fits on the full history), statsforecast MSTL {totals['mstl']:.2f} s "
          f"(7 fits per target); speed-up x{totals['mstl'] / max(totals['rust'], 1e-9):.0f}")


if __name__ == "__main__":
    main()
