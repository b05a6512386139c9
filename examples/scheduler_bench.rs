//! Seeded, reproducible benchmark instances (inline LCG, no rand crate).
//!
//! Usage: `scheduler_bench S|M|L [--time-limit SECS] [--gap G] [--export-aggregate PATH]
//!   [--export-problem PATH] [--export-mps PATH] [--threads N] [--no-breaks] [--no-min]
//!   [--no-floor] [--loose-week]
//!   [--no-aggregate] [--fractional] [--jitter] [--verbose] [--time-edits] [--work-limit UNITS]
//!   [--weeks N]`
//! Run each size in its own process so VmHWM (peak RSS) is per size. `--time-edits` then times hand
//! edits of the solved roster (remove a shift, add it back, move it by one interval), each the way
//! the API applies it: validated against the hard rules, coverage, KPIs and diagnostics recomputed.

use chatroster::domain::scheduler::*;
use chrono::{Duration, NaiveTime, Timelike, Utc, Weekday};

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn unit(&mut self) -> f64 {
        self.next() as f64 / (1u64 << 31) as f64
    }
}

const LANGS: [&str; 12] = [
    "en", "sv", "de", "fr", "es", "fi", "no", "da", "nl", "it", "pt", "pl",
];
const ZONES: [&str; 12] = [
    "Europe/Stockholm",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Manila",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Africa/Johannesburg",
    "Asia/Tokyo",
    "Europe/Istanbul",
    "Pacific/Auckland",
];
const DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h % 24, m, 0).unwrap_or_default()
}

/// The seeded instance of `size` over `weeks` weeks (the same generator for every length: a
/// one-week instance is the first week's agents and queues, the requirement scaled per week).
pub fn instance(size: &str, fractional: bool, jitter: bool, weeks: u32) -> Problem {
    let (n_agents, n_queues, n_profiles, n_zones, all_day) = match size {
        "S" => (50, 3, 12, 1, false),
        "M" => (300, 8, 30, 3, false),
        _ => (1000, 12, 60, 12, true),
    };
    let mut rng = Lcg(0x5EED_0000 + n_agents as u64);
    let start: chrono::DateTime<Utc> = "2026-03-02T00:00:00Z".parse().unwrap_or_default();
    let weeks = weeks.clamp(1, 6);
    let n = 7 * 48 * weeks as usize;
    let stockholm: chrono_tz::Tz = chrono_tz::Europe::Stockholm;
    let templates = vec![
        ShiftTemplate {
            id: "8h".into(),
            length_minutes: 480,
            start_step_minutes: 30,
            earliest_start: None,
            latest_start: None,
            breaks: vec![BreakRule {
                length_minutes: 30,
                window_start_minutes: 180,
                window_end_minutes: 300,
            }],
        },
        ShiftTemplate {
            id: "6h".into(),
            length_minutes: 360,
            start_step_minutes: 30,
            earliest_start: None,
            latest_start: None,
            breaks: vec![BreakRule {
                length_minutes: 30,
                window_start_minutes: 120,
                window_end_minutes: 240,
            }],
        },
        ShiftTemplate {
            id: "4h".into(),
            length_minutes: 240,
            start_step_minutes: 30,
            earliest_start: None,
            latest_start: None,
            breaks: vec![],
        },
    ];
    let mut profiles = Vec::new();
    for p in 0..n_profiles {
        let zone = ZONES[p % n_zones];
        let mut langs = vec![LANGS[p % n_queues].to_string()];
        if rng.below(10) < 4 {
            let other =
                LANGS[(p + 1 + rng.below(n_queues as u64 - 1) as usize) % n_queues].to_string();
            langs.push(other);
        }
        let n_days = 5 + rng.below(3) as usize;
        let first = rng.below(7) as usize;
        let from = 6 + rng.below(9) as u32;
        let len = 9 + rng.below(6) as u32;
        let availability = (0..n_days)
            .map(|k| AvailabilityWindow {
                weekday: DAYS[(first + k) % 7],
                start: hm(from, 0),
                end: hm(from + len, 0),
            })
            .collect();
        let contract = Contract {
            min_hours_per_week: [0.0, 16.0, 24.0][rng.below(3) as usize],
            max_hours_per_week: 40.0,
            max_shifts_per_week: 5,
            min_rest_hours: 11.0,
            max_consecutive_days: 5,
            min_consecutive_days_off: 1 + rng.below(2) as u32,
            // One weekend a week at most, as in the one-week instance.
            max_weekends: weeks,
        };
        let mut preferences = Preferences::default();
        if rng.below(3) == 0 {
            preferences.preferred_start_times = vec![hm(from + 1, 0), hm(from + 2, 0)];
            preferences.start_weight = 2.0;
        }
        profiles.push((zone, langs, availability, contract, preferences));
    }
    let agents: Vec<Agent> = (0..n_agents)
        .map(|i| {
            let (zone, languages, availability, contract, preferences) =
                profiles[rng.below(n_profiles as u64) as usize].clone();
            Agent {
                id: format!("a{i:04}"),
                name: format!("Agent {i}"),
                zone: zone.into(),
                languages,
                availability,
                unavailable_dates: vec![],
                time_off: vec![],
                contract,
                preferences,
                templates: None,
            }
        })
        .collect();
    let queues = (0..n_queues)
        .map(|q| {
            let cap: f64 = agents
                .iter()
                .filter(|a| a.languages.iter().any(|l| l == LANGS[q]))
                .map(|a| 30.0 / a.languages.len() as f64)
                .sum();
            let mut shape = Vec::with_capacity(n);
            let mut open = Vec::with_capacity(n);
            // A forecast's intraday profile is smooth; its level moves from day to day.
            // `--jitter` adds independent noise to every interval instead.
            let day_level: Vec<f64> = (0..7 * weeks).map(|_| 0.9 + 0.2 * rng.unit()).collect();
            for t in 0..n {
                let at = (start + Duration::minutes(30 * t as i64)).with_timezone(&stockholm);
                let h = at.hour() as f64 + at.minute() as f64 / 60.0 + 0.25;
                let is_open = all_day || (7.0..23.0).contains(&h);
                let curve = (-((h - 13.0) / 4.5).powi(2)).exp();
                open.push(is_open);
                let level = if jitter {
                    0.9 + 0.2 * rng.unit()
                } else {
                    day_level[t / 48]
                };
                shape.push(if is_open { (0.25 + curve) * level } else { 0.0 });
            }
            let total: f64 = shape.iter().sum::<f64>() * 0.5;
            let scale = 0.75 * cap * f64::from(weeks) / total.max(1e-9);
            Queue {
                id: format!("q-{}", LANGS[q]),
                language: LANGS[q].into(),
                zone: "Europe/Stockholm".into(),
                // Whole agents, as the staffing module hands them to the scheduler
                // (`--fractional` keeps two decimals, the shape before rounding).
                required: shape
                    .iter()
                    .map(|s| {
                        if fractional {
                            (s * scale * 100.0).round() / 100.0
                        } else {
                            (s * scale).round()
                        }
                    })
                    .collect(),
                open: Some(open),
                floor: 1,
                workload: None,
            }
        })
        .collect();
    Problem {
        period: Period {
            start,
            weeks,
            interval_minutes: 30,
            zone: None,
        },
        queues,
        agents,
        templates,
        pinned: vec![],
        history: vec![],
        held: vec![],
        weights: Weights::default(),
    }
}

/// The aggregated instance as a `Problem`, for a like-for-like comparison with
/// pyworkforce: one queue with the rounded total requirement, identical agents
/// with no availability or contract limits, shifts inside one UTC day, and the
/// objective reduced to the absolute difference (under = over = 1, no costs).
fn aggregate_problem(p: &Problem) -> Problem {
    let n = p.interval_count();
    let req = (0..n)
        .map(|t| p.queues.iter().map(|q| q.required[t]).sum::<f64>().round())
        .collect();
    let queue = Queue {
        id: "all".into(),
        language: "any".into(),
        zone: "UTC".into(),
        required: req,
        open: None,
        floor: 0,
        workload: None,
    };
    let free = Contract {
        min_hours_per_week: 0.0,
        max_hours_per_week: 168.0,
        max_shifts_per_week: 7,
        min_rest_hours: 0.0,
        max_consecutive_days: 7,
        min_consecutive_days_off: 1,
        max_weekends: 7,
    };
    let agents = (0..p.agents.len())
        .map(|i| Agent {
            id: format!("x{i:04}"),
            name: format!("X {i}"),
            zone: "UTC".into(),
            languages: vec!["any".into()],
            availability: DAYS
                .iter()
                .map(|&d| AvailabilityWindow {
                    weekday: d,
                    start: hm(0, 0),
                    end: hm(0, 0),
                })
                .collect(),
            unavailable_dates: vec![],
            time_off: vec![],
            contract: free.clone(),
            preferences: Preferences::default(),
            templates: None,
        })
        .collect();
    let templates = p
        .templates
        .iter()
        .map(|t| {
            let last = 24 * 60 - t.length_minutes;
            ShiftTemplate {
                id: t.id.clone(),
                length_minutes: t.length_minutes,
                start_step_minutes: 30,
                earliest_start: Some(hm(0, 0)),
                latest_start: Some(hm(last / 60, last % 60)),
                breaks: vec![],
            }
        })
        .collect();
    let weights = Weights {
        under: [1.0, 1.0, 1.0],
        over: 1.0,
        paid_hour: 0.0,
        floor: 0.0,
        min_hours: 0.0,
        preference: 0.0,
        fairness: 0.0,
    };
    Problem {
        period: p.period.clone(),
        queues: vec![queue],
        agents,
        templates,
        pinned: vec![],
        history: vec![],
        held: vec![],
        weights,
    }
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Aggregated instance for pyworkforce: total requirement per day and period,
/// and every (start, length) shift that fits inside one UTC day.
fn export_aggregate(p: &Problem, path: &str) -> std::io::Result<()> {
    let n = p.interval_count();
    let total: Vec<f64> = (0..n)
        .map(|t| p.queues.iter().map(|q| q.required[t]).sum())
        .collect();
    let req: Vec<Vec<u32>> = total
        .chunks(48)
        .map(|d| d.iter().map(|v| v.round() as u32).collect())
        .collect();
    let mut shifts = serde_json::Map::new();
    for tpl in &p.templates {
        let len = (tpl.length_minutes / 30) as usize;
        for s in 0..=(48 - len) {
            let cov: Vec<u8> = (0..48).map(|k| u8::from(k >= s && k < s + len)).collect();
            shifts.insert(
                format!("{}_{:02}{:02}", tpl.id, s / 2, (s % 2) * 30),
                serde_json::json!(cov),
            );
        }
    }
    let body = serde_json::json!({ "num_days": req.len(), "periods": 48, "required_resources": req,
        "shifts_coverage": shifts, "max_period_concurrency": p.agents.len(), "max_shift_concurrency": p.agents.len() });
    std::fs::write(path, serde_json::to_string(&body).unwrap_or_default())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let size = args.get(1).cloned().unwrap_or_else(|| "S".into());
    if !["S", "M", "L"].contains(&size.trim_end_matches("-agg")) {
        eprintln!(
            "usage: scheduler_bench S|M|L|S-agg|M-agg|L-agg [--time-limit S] [--work-limit UNITS] \
             [--gap G] [--threads N] [--verbose] ... (flags in BENCHMARKS.md)"
        );
        std::process::exit(2);
    }
    let arg = |k: &str| {
        args.iter()
            .position(|a| a == k)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (tl, gap) = match size.trim_end_matches("-agg") {
        "S" => (5.0, 0.001),
        "M" => (30.0, 0.01),
        _ => (120.0, 0.02),
    };
    let tl = arg("--time-limit")
        .and_then(|s| s.parse().ok())
        .unwrap_or(tl);
    let gap = arg("--gap").and_then(|s| s.parse().ok()).unwrap_or(gap);
    let fractional = args.iter().any(|a| a == "--fractional");
    let jitter = args.iter().any(|a| a == "--jitter");
    let weeks = match arg("--weeks").map(|s| s.parse::<u32>()) {
        None => 1,
        Some(Ok(w)) if (1..=6).contains(&w) => w,
        Some(_) => {
            eprintln!("--weeks takes 1 to 6");
            std::process::exit(2);
        }
    };
    let p = if let Some(base) = size.strip_suffix("-agg") {
        aggregate_problem(&instance(base, fractional, jitter, weeks))
    } else {
        instance(&size, fractional, jitter, weeks)
    };
    let mut p = p;
    if args.iter().any(|a| a == "--no-floor") {
        p.queues.iter_mut().for_each(|q| q.floor = 0);
    }
    if args.iter().any(|a| a == "--no-min") {
        p.agents
            .iter_mut()
            .for_each(|a| a.contract.min_hours_per_week = 0.0);
    }
    if args.iter().any(|a| a == "--loose-week") {
        p.agents.iter_mut().for_each(|a| {
            a.contract.max_shifts_per_week = 7;
            a.contract.max_consecutive_days = 7;
            a.contract.min_consecutive_days_off = 1;
            a.contract.max_weekends = 2;
            a.contract.max_hours_per_week = 56.0;
        });
    }
    if args.iter().any(|a| a == "--no-breaks") {
        p.templates.iter_mut().for_each(|t| t.breaks.clear());
    }
    if let Some(path) = arg("--export-problem") {
        let body = serde_json::to_string(&p).unwrap_or_default();
        if let Err(e) = std::fs::write(&path, body) {
            eprintln!("export failed: {e}");
        }
    }
    let aggregate = !args.iter().any(|a| a == "--no-aggregate");
    if let Some(path) = arg("--export-mps") {
        let opts = SolveOptions {
            time_limit_seconds: tl * 0.85,
            aggregate,
            ..Default::default()
        };
        if let Err(e) = export_model(&p, &opts, &path) {
            eprintln!("export failed: {e}");
            std::process::exit(1);
        }
        println!("model written to {path}");
        return;
    }
    if let Some(path) = arg("--export-aggregate") {
        if let Err(e) = export_aggregate(&p, &path) {
            eprintln!("export failed: {e}");
        }
    }
    // The solve must finish inside the target, so the MIP gets the budget minus a margin for the rest.
    let verbose = args.iter().any(|a| a == "--verbose");
    let opts = SolveOptions {
        time_limit_seconds: tl * 0.85,
        mip_gap: gap,
        verbose,
        aggregate,
        threads: arg("--threads")
            .and_then(|s| s.parse().ok())
            .unwrap_or(SolveOptions::default().threads),
        work_limit: arg("--work-limit").and_then(|s| s.parse().ok()),
        ..Default::default()
    };
    let t0 = std::time::Instant::now();
    let r = match solve(&p, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("solve failed: {e}");
            std::process::exit(1);
        }
    };
    let secs = t0.elapsed().as_secs_f64();
    let violations = validate(&p, &r);
    let abs_diff: f64 = (0..p.interval_count())
        .map(|t| {
            let req: f64 = p.queues.iter().map(|q| q.required[t]).sum::<f64>().round();
            let sched: f64 = r.queues.iter().map(|q| q.intervals[t].scheduled).sum();
            (sched - req).abs()
        })
        .sum();
    println!(
        "size={size} agents={} queues={} wall_s={secs:.2} status={:?} searches={} objective={:.1} model_objective={:?} bound={:?} gap={:?} roster_gap={:?} work_units={:?} greedy_objective={:.1} coverage_pct={:.2} understaffed_intervals={} shifts={} violations={} abs_diff_total={abs_diff:.1} vm_hwm_mib={:.0} at={}",
        p.agents.len(), p.queues.len(), r.status, r.searches, r.objective, r.model_objective.map(|v| v.round()), r.bound.map(|v| v.round()),
        r.gap, r.roster_gap, r.work_units, r.greedy_objective, r.kpis.coverage_pct, r.kpis.intervals_understaffed, r.shifts.len(), violations.len(),
        vm_hwm_kib() as f64 / 1024.0, Utc::now().format("%H:%M:%S")
    );
    let count = |k: &str| {
        r.diagnostics
            .iter()
            .filter(|d| format!("{d:?}").starts_with(k))
            .count()
    };
    println!(
        "  diagnostics: min_unattainable={} min_not_met={} no_options={} understaffed_ranges={}",
        count("MinHoursUnattainable"),
        count("MinHoursNotMet"),
        count("NoShiftOptions"),
        count("Understaffed")
    );
    let floor_missed: usize = r
        .queues
        .iter()
        .map(|q| {
            q.intervals
                .iter()
                .filter(|i| i.open && !i.floor_met)
                .count()
        })
        .sum();
    println!(
        "  shortfall_agent_h={:.1} over_agent_h={:.1} paid_h={:.1} floor_missed_intervals={floor_missed}",
        r.kpis.total_shortfall_agent_hours, r.kpis.total_over_agent_hours, r.kpis.paid_hours
    );
    for d in r.diagnostics.iter().filter(|d| {
        matches!(
            d,
            Diagnostic::Info { .. } | Diagnostic::DisaggregationDropped { .. }
        )
    }) {
        println!("  {d:?}");
    }
    // Diagnostics of one kind in full, on request.
    let show = |flag: &str, kind: fn(&Diagnostic) -> bool| {
        if args.iter().any(|a| a == flag) {
            for d in r.diagnostics.iter().filter(|d| kind(d)) {
                println!("  {d:?}");
            }
        }
    };
    show("--show-min", |d| {
        matches!(d, Diagnostic::MinHoursNotMet { .. })
    });
    show("--show-short", |d| {
        matches!(d, Diagnostic::Understaffed { .. })
    });
    for v in violations.iter().take(5) {
        println!("  violation: {v:?}");
    }
    if args.iter().any(|a| a == "--time-edits") {
        time_edits(&p, &r);
    }
}

/// Times the three kinds of hand edit on the first unlocked shift of `r`.
fn time_edits(p: &Problem, r: &Roster) {
    use chatroster::domain::scheduler::edit::{apply, Edit};
    let Some((index, shift)) = r.shifts.iter().enumerate().find(|(_, s)| !s.pinned) else {
        println!("  edits: the roster has no unlocked shift");
        return;
    };
    let timed = |name: &str, roster: &Roster, edit: Edit| {
        let t0 = std::time::Instant::now();
        let result = apply(p, roster, &edit);
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        let outcome = match &result {
            Ok(_) => "applied".to_string(),
            Err(e) => format!("refused: {e}"),
        };
        println!("  edit {name}: {ms:.0} ms, {outcome}");
        result.ok().map(|e| e.roster)
    };
    let Some(without) = timed("remove", r, Edit::Remove { index }) else {
        return;
    };
    let add = Edit::Add {
        agent_id: shift.agent_id.clone(),
        start: shift.start_utc,
        template_id: shift.template_id.clone().unwrap_or_default(),
    };
    timed("add back", &without, add);
    let step = Duration::minutes(i64::from(p.period.interval_minutes));
    let moved = Edit::Move {
        index,
        start: shift.start_utc + step,
        template_id: None,
    };
    timed("move by one interval", r, moved);
    // What the API adds around an edit, besides one row's read and write: the stored roster and
    // problem parsed from JSON and written back.
    let t0 = std::time::Instant::now();
    let (roster_json, problem_json) = match (serde_json::to_string(r), serde_json::to_string(p)) {
        (Ok(r), Ok(p)) => (r, p),
        (Err(e), _) | (_, Err(e)) => {
            println!("  edits: JSON failed: {e}");
            return;
        }
    };
    let write_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let t0 = std::time::Instant::now();
    let parsed = serde_json::from_str::<Roster>(&roster_json)
        .and_then(|_| serde_json::from_str::<Problem>(&problem_json));
    let read_ms = t0.elapsed().as_secs_f64() * 1000.0;
    println!(
        "  stored JSON: roster {:.1} MiB, problem {:.1} MiB, written in {write_ms:.0} ms, read in {read_ms:.0} ms{}",
        roster_json.len() as f64 / (1 << 20) as f64,
        problem_json.len() as f64 / (1 << 20) as f64,
        if parsed.is_ok() { "" } else { " (unreadable)" }
    );
}
