"""HiGHS alone on a model written by `scheduler_bench SIZE --export-mps PATH`.

Usage: python3 bench/highs_mps.py PATH SECONDS [--lp]
(`pip install highspy`). Prints the LP relaxation (time, optimum), then runs the MIP from
scratch on one thread with the solver's defaults and its log, for SECONDS, and prints the
best objective and dual bound.
"""

import sys
import time

import highspy


def load(path):
    h = highspy.Highs()
    h.setOptionValue("threads", 1)
    h.setOptionValue("output_flag", False)
    h.readModel(path)
    return h


def main():
    path, seconds = sys.argv[1], float(sys.argv[2])
    lp = load(path)
    for j in range(lp.getLp().num_col_):
        lp.changeColIntegrality(j, highspy.HighsVarType.kContinuous)
    lp.setOptionValue("solver", "ipm")
    t = time.time()
    lp.run()
    print(f"lp_seconds={time.time() - t:.2f} lp_optimum={lp.getInfo().objective_function_value:.2f}")
    if "--lp" in sys.argv:
        return
    mip = load(path)
    mip.setOptionValue("output_flag", True)
    mip.setOptionValue("time_limit", seconds)
    mip.setOptionValue("mip_rel_gap", 0.001)
    t = time.time()
    mip.run()
    info = mip.getInfo()
    print(
        f"mip_seconds={time.time() - t:.1f} status={mip.modelStatusToString(mip.getModelStatus())} "
        f"objective={info.objective_function_value:.2f} dual_bound={info.mip_dual_bound:.2f}"
    )


if __name__ == "__main__":
    main()
