//! The demo organisation: a few queues in several languages and zones and about forty remote agents
//! in eight time zones, generated reproducibly from a fixed seed so every demo looks the same.

use crate::auth::password;
use crate::db::{self, DbError, DbPool};
use crate::domain::agent::{AgentInput, AgentSpec, AvailabilityInput, Contract, LanguageSkillDto};
use crate::domain::email::EmailAddress;
use crate::domain::forecast::{generate, SyntheticSpec};
use crate::domain::queue::{QueueInput, QueueSpec, ServiceLevel};
use crate::domain::shift_preferences::ShiftPreferencesDto;
use crate::domain::weekly::WindowDto;
use diesel::Connection;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub const DEMO_SEED: u64 = 20_261_125;
pub const MANAGER_EMAIL: &str = "manager@demo.chatroster.test";
/// One agent who can sign in right away, to try the agent's view.
pub const AGENT_EMAIL: &str = "lina.berg@demo.chatroster.test";

/// What seeding did, for the start-up log.
#[derive(Debug)]
pub struct DemoCredentials {
    pub seeded: bool,
    pub manager_email: String,
    pub manager_password: String,
    pub agent_email: String,
    pub agent_password: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("demo data is invalid: {0}")]
    Invalid(String),
    #[error("password: {0}")]
    Password(#[from] password::PasswordError),
}

impl From<diesel::result::Error> for DemoError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Db(e.into())
    }
}

fn window(day: &str, start: &str, end: &str) -> WindowDto {
    WindowDto {
        weekday: day.into(),
        start: start.into(),
        end: end.into(),
    }
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn daily(start: &str, end: &str) -> Vec<WindowDto> {
    DAYS.iter().map(|d| window(d, start, end)).collect()
}

fn queue(
    name: &str,
    language: &str,
    zone: &str,
    interval: u32,
    floor: u32,
    hours: Vec<WindowDto>,
) -> QueueInput {
    QueueInput {
        name: name.into(),
        language: language.into(),
        channel: "chat".into(),
        time_zone: zone.into(),
        interval_minutes: interval,
        service_level: ServiceLevel {
            target: 0.8,
            threshold_seconds: 60,
        },
        max_occupancy: Some(0.85),
        chat_concurrency: Some(2),
        shrinkage: Some(0.3),
        staffing_floor: Some(floor),
        patience_seconds: Some(240),
        opening_hours: hours,
    }
}

/// The demo queues: English round the clock, the others with local opening hours.
pub fn demo_queues() -> Vec<QueueInput> {
    vec![
        queue("English chat", "en-GB", "Europe/London", 30, 2, vec![]),
        queue(
            "Swedish chat",
            "sv-SE",
            "Europe/Stockholm",
            15,
            1,
            daily("07:00", "23:00"),
        ),
        queue(
            "Finnish chat",
            "fi-FI",
            "Europe/Helsinki",
            30,
            1,
            daily("08:00", "22:00"),
        ),
        queue(
            "German chat",
            "de-DE",
            "Europe/Berlin",
            30,
            1,
            daily("07:00", "22:00"),
        ),
        queue(
            "Portuguese (Brazil) chat",
            "pt-BR",
            "America/Sao_Paulo",
            30,
            1,
            daily("08:00", "24:00"),
        ),
        queue(
            "Spanish (Mexico) chat",
            "es-MX",
            "America/Mexico_City",
            30,
            1,
            daily("08:00", "22:00"),
        ),
    ]
}

/// Where demo agents live and what they speak natively.
const HOMES: [(&str, &str, &[&str]); 8] = [
    (
        "Europe/Stockholm",
        "sv",
        &[
            "Lina Berg",
            "Oskar Lind",
            "Maja Ek",
            "Elias Nyström",
            "Saga Holm",
        ],
    ),
    (
        "Europe/Helsinki",
        "fi",
        &[
            "Aino Virtanen",
            "Eetu Korhonen",
            "Venla Mäkinen",
            "Onni Laine",
        ],
    ),
    (
        "Europe/London",
        "en",
        &[
            "Amelia Clarke",
            "Harry Patel",
            "Isla Murphy",
            "Noah Evans",
            "Freya Hughes",
        ],
    ),
    (
        "Europe/Berlin",
        "de",
        &["Lea Schmidt", "Jonas Weber", "Mia Fischer", "Paul Wagner"],
    ),
    (
        "America/Sao_Paulo",
        "pt",
        &[
            "Ana Souza",
            "Lucas Oliveira",
            "Beatriz Lima",
            "Gabriel Santos",
            "Júlia Costa",
        ],
    ),
    (
        "America/Mexico_City",
        "es",
        &[
            "Sofía Hernández",
            "Mateo García",
            "Valentina López",
            "Diego Martínez",
        ],
    ),
    (
        "Asia/Manila",
        "fil",
        &[
            "Andrea Reyes",
            "Miguel Santos",
            "Bea Cruz",
            "Paolo Garcia",
            "Kaye Mendoza",
            "Jose Bautista",
        ],
    ),
    (
        "Africa/Nairobi",
        "sw",
        &[
            "Amani Otieno",
            "Wanjiru Kamau",
            "Baraka Mwangi",
            "Neema Achieng",
            "Juma Njoroge",
            "Imani Wambui",
            "Zawadi Kiptoo",
        ],
    ),
];

/// A second queue language some agents bring: remote agents abroad often serve a home-country queue.
fn extra_languages(home: &str, rng: &mut ChaCha8Rng) -> Vec<(&'static str, &'static str)> {
    let mut extra = Vec::new();
    if home != "en" && rng.gen_bool(0.7) {
        extra.push(("en", if rng.gen_bool(0.5) { "c1" } else { "c2" }));
    }
    match home {
        "fil" if rng.gen_bool(0.4) => extra.push(("es", "b2")),
        "sw" if rng.gen_bool(0.3) => extra.push(("de", "b2")),
        "sv" if rng.gen_bool(0.4) => extra.push(("fi", "c1")),
        "fi" if rng.gen_bool(0.5) => extra.push(("sv", "c1")),
        "es" if rng.gen_bool(0.3) => extra.push(("pt", "b2")),
        _ => {}
    }
    extra
}

/// Three kinds of remote agent: students (short evening/weekend blocks), part-timers and full-timers.
fn profile(rng: &mut ChaCha8Rng) -> (Contract, Vec<WindowDto>) {
    let kind = rng.gen_range(0..3);
    let start_hour = rng.gen_range(6..12);
    let clock = |h: u32| format!("{:02}:00", h.min(24));
    match kind {
        0 => {
            let evening = rng.gen_range(16..19);
            let mut windows: Vec<WindowDto> = DAYS[..5]
                .iter()
                .map(|d| window(d, &clock(evening), &clock(evening + 5)))
                .collect();
            windows.push(window("sat", "10:00", "18:00"));
            windows.push(window("sun", "10:00", "18:00"));
            (contract(8.0, 20.0, 5, 2), windows)
        }
        1 => {
            let days = if rng.gen_bool(0.5) {
                &DAYS[..5]
            } else {
                &DAYS[2..]
            };
            let windows = days
                .iter()
                .map(|d| window(d, &clock(start_hour), &clock(start_hour + 8)))
                .collect();
            (contract(16.0, 30.0, 5, 2), windows)
        }
        _ => {
            let windows = DAYS[..6]
                .iter()
                .map(|d| window(d, &clock(start_hour), &clock(start_hour + 10)))
                .collect();
            (contract(32.0, 40.0, 5, 2), windows)
        }
    }
}

fn contract(min: f64, max: f64, shifts: u32, days_off: u32) -> Contract {
    Contract {
        min_hours_per_week: min,
        max_hours_per_week: max,
        max_shifts_per_week: shifts,
        min_rest_hours: 11.0,
        max_consecutive_days: 5,
        min_consecutive_days_off: days_off,
        max_weekends_per_period: None,
    }
}

fn email_for(name: &str) -> String {
    let ascii: String = name
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' | 'ä' | 'ã' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' | 'ö' => 'o',
            'ú' => 'u',
            ' ' => '.',
            c => c,
        })
        .collect();
    format!("{ascii}@demo.chatroster.test")
}

/// The demo agents, the same on every run.
pub fn demo_agents() -> Vec<AgentInput> {
    let mut rng = ChaCha8Rng::seed_from_u64(DEMO_SEED);
    let mut agents = Vec::new();
    for (zone, home, names) in HOMES {
        for name in names {
            let mut languages = vec![LanguageSkillDto {
                language: home.into(),
                proficiency: "native".into(),
            }];
            for (language, level) in extra_languages(home, &mut rng) {
                languages.push(LanguageSkillDto {
                    language: language.into(),
                    proficiency: level.into(),
                });
            }
            let (contract, weekly) = profile(&mut rng);
            let preferences = demo_preferences(agents.len(), &weekly);
            agents.push(AgentInput {
                name: (*name).into(),
                email: email_for(name),
                time_zone: zone.into(),
                languages,
                contract,
                status: None,
                availability: AvailabilityInput {
                    weekly,
                    exceptions: vec![],
                },
                preferences: Some(preferences),
            });
        }
    }
    agents
}

/// Every third demo agent would rather have Sundays off, and every third would rather start
/// when their availability starts: enough for the demo rosters to show preferences at work.
fn demo_preferences(index: usize, weekly: &[WindowDto]) -> ShiftPreferencesDto {
    match (index % 3, weekly.first()) {
        (0, _) => ShiftPreferencesDto {
            preferred_days_off: vec!["sun".into()],
            days_off_weight: 3.0,
            ..Default::default()
        },
        (1, Some(first)) => ShiftPreferencesDto {
            preferred_start_times: vec![first.start.clone()],
            start_weight: 2.0,
            ..Default::default()
        },
        _ => ShiftPreferencesDto::default(),
    }
}

/// Seeds the demo organisation into an empty database. On a database seeded before, the demo
/// accounts get fresh passwords (only hashes are stored, so the old ones cannot be shown again).
pub fn seed(pool: &DbPool) -> Result<Option<DemoCredentials>, DemoError> {
    let mut conn = pool.get()?;
    let manager_password = password::generate();
    let agent_password = password::generate();
    let manager_email =
        EmailAddress::parse(MANAGER_EMAIL).map_err(|e| DemoError::Invalid(e.to_string()))?;
    let empty = db::queues::all(&mut conn)?.is_empty()
        && db::agents::count(&mut conn)? == 0
        && db::users::count_managers(&mut conn)? == 0;
    let manager_hash = password::hash(&manager_password)?;
    let agent_hash = password::hash(&agent_password)?;
    if empty {
        conn.transaction::<_, DemoError, _>(|c| {
            for (i, q) in demo_queues().into_iter().enumerate() {
                let spec = QueueSpec::parse(&q)
                    .map_err(|e| DemoError::Invalid(format!("{}: {e}", q.name)))?;
                let record = db::queues::insert(c, &spec)?;
                seed_history(c, &record, i as u64)?;
            }
            for a in demo_agents() {
                let spec = AgentSpec::parse(&a)
                    .map_err(|e| DemoError::Invalid(format!("{}: {e}", a.name)))?;
                db::agents::insert(c, &spec)?;
            }
            db::users::insert_manager(c, &manager_email, &manager_hash)?;
            Ok(())
        })?;
    }
    let Some((manager, _)) = db::users::find_for_login(&mut conn, MANAGER_EMAIL)? else {
        return Ok(None);
    };
    db::users::set_password(&mut conn, &manager.id, &manager_hash)?;
    if let Some((agent, _)) = db::users::find_for_login(&mut conn, AGENT_EMAIL)? {
        db::users::set_password(&mut conn, &agent.id, &agent_hash)?;
    }
    Ok(Some(DemoCredentials {
        seeded: empty,
        manager_email: MANAGER_EMAIL.into(),
        manager_password,
        agent_email: AGENT_EMAIL.into(),
        agent_password,
    }))
}

/// Weeks of generated history per demo queue.
pub const HISTORY_WEEKS: usize = 26;

/// Chats offered per day at the start of the demo history, by queue (in `demo_queues` order). The
/// workload is well beyond the forty demo agents (a week's roster covers about two thirds of English
/// and a quarter or less of the smaller queues), so that hiring needs have gaps to show.
const DAILY_VOLUME: [f64; 6] = [2000.0, 800.0, 400.0, 1000.0, 1200.0, 600.0];

/// Generated history for a demo queue: intraday peaks, a weekly pattern, growth, noise, two contact
/// reasons, an AI resolution rate rising from 65% to 75%, and holidays, ending the Monday of this week
/// so forecasts start now. The holidays are stored as special days.
fn seed_history(
    conn: &mut db::DbConnection,
    queue: &db::queues::QueueRecord,
    index: u64,
) -> Result<(), DemoError> {
    use chrono::{Datelike, Days};
    let zone = queue.spec.time_zone.tz();
    let today = chrono::Utc::now().with_timezone(&zone).date_naive();
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    let start = monday - Days::new(7 * HISTORY_WEEKS as u64);
    let interval = crate::plan::forecasting::interval_length(queue);
    let mut spec = SyntheticSpec::new(zone, interval, start, HISTORY_WEEKS, DEMO_SEED + index);
    spec.base_daily_volume = DAILY_VOLUME.get(index as usize).copied().unwrap_or(2000.0);
    let history = generate(&spec).map_err(|e| DemoError::Invalid(e.to_string()))?;
    db::history::replace_range(conn, &queue.id, &history.rows)?;
    for day in &history.special_days {
        db::history::insert_special_day(
            conn,
            Some(&queue.id),
            day.date,
            day.effect,
            "Public holiday",
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn demo_data_is_valid_and_spread_over_zones() {
        for q in demo_queues() {
            QueueSpec::parse(&q).unwrap();
        }
        let agents: Vec<AgentSpec> = demo_agents()
            .iter()
            .map(|a| AgentSpec::parse(a).unwrap())
            .collect();
        assert!((38..=45).contains(&agents.len()));
        let zones: BTreeSet<&str> = agents.iter().map(|a| a.time_zone.name()).collect();
        assert!(zones.len() >= 6);
        let emails: BTreeSet<&str> = agents.iter().map(|a| a.email.as_str()).collect();
        assert_eq!(emails.len(), agents.len());
        assert!(agents
            .iter()
            .all(|a| a.availability.weekly_hours() >= a.contract.min_hours_per_week));
        assert!(emails.contains(AGENT_EMAIL));
        // Most demo agents state a shift preference, so demo rosters show them at work.
        let with_wishes = agents
            .iter()
            .filter(|a| a.preferences != Default::default())
            .count();
        assert!(2 * with_wishes > agents.len(), "{with_wishes}");
    }

    #[test]
    fn demo_data_is_reproducible() {
        let a: Vec<String> = demo_agents().iter().map(|a| format!("{a:?}")).collect();
        let b: Vec<String> = demo_agents().iter().map(|a| format!("{a:?}")).collect();
        assert_eq!(a, b);
    }
}
