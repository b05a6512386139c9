"""Solve the aggregated instance M (exported by `scheduler_bench M --export-aggregate`)
with pyworkforce's MinAbsDifference (OR-Tools CP-SAT).

pyworkforce has no agents, contracts, languages or breaks: it chooses how many
resources work each (day, shift) so that sum |scheduled - required| is minimal.
Usage: cargo run --release --example scheduler_bench -- M --export-aggregate target/instance_M_aggregate.json && python3 bench/pyworkforce_scheduling.py target/instance_M_aggregate.json [time_limit]
"""
import json
import sys
import time

from pyworkforce.scheduling import MinAbsDifference


def main():
    path = sys.argv[1]
    limit = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
    with open(path) as f:
        data = json.load(f)
    t0 = time.time()
    solver = MinAbsDifference(
        num_days=data["num_days"],
        periods=data["periods"],
        shifts_coverage=data["shifts_coverage"],
        required_resources=data["required_resources"],
        max_period_concurrency=data["max_period_concurrency"],
        max_shift_concurrency=data["max_shift_concurrency"],
        max_search_time=limit,
        num_search_workers=2,
    )
    solution = solver.solve()
    wall = time.time() - t0
    res = solution.get("resources_shifts", [])
    total_shifts = sum(r.get("resources", 0) for r in res)
    print(
        f"pyworkforce MinAbsDifference status={solution.get('status')} "
        f"abs_diff_total={solution.get('cost')} shifts={total_shifts} wall_s={wall:.2f} "
        f"shift_types={len(data['shifts_coverage'])} days={data['num_days']} periods={data['periods']}"
    )


if __name__ == "__main__":
    main()
