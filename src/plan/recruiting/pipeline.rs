//! The managers' side of the pipeline: legal moves with who, when and a note, the offer's contract,
//! and the hire that turns the applicant into a schedulable agent with an invitation to sign in.

use super::applicant::{enqueue, pipeline_conflict};
use super::{invitation_url, RecruitError};
use crate::config::Config;
use crate::db::recruiting::applications::{self as apps, ApplicationRow, EventActor};
use crate::db::recruiting::postings;
use crate::db::sign_in::{self, Purpose};
use crate::db::{self, DbConnection};
use crate::domain::agent::{AgentInput, AgentSpec, AvailabilityInput, Contract, LanguageSkillDto};
use crate::domain::recruiting::application::agent_proficiency;
use crate::domain::recruiting::emails;
use crate::domain::recruiting::pipeline::{
    notifies_applicant, transition, Actor, ApplicationState,
};
use crate::domain::validation::ValidationErrors;
use crate::domain::weekly::{format_clock, weekday_code, ExceptionDto, WindowDto};
use chrono::{Days, NaiveDate, Utc};
use diesel::Connection;

/// A manager's move of one application.
#[derive(Debug, Clone)]
pub struct Move {
    pub to: ApplicationState,
    pub note: Option<String>,
    /// Required when moving to `offer`: the contract the hire will get.
    pub contract: Option<Contract>,
}

/// Applies `step` by `manager` (a user id) and emails the applicant when the step concerns them.
pub fn move_application(
    conn: &mut DbConnection,
    config: &Config,
    id: &str,
    manager: &str,
    step: &Move,
) -> Result<ApplicationRow, RecruitError> {
    conn.transaction::<_, RecruitError, _>(|c| {
        crate::db::backend::begin_write(c)?;
        let row = apps::get(c, id)?;
        if row.erased {
            return Err(RecruitError::Conflict(
                Some("to"),
                "this application was erased".into(),
            ));
        }
        let from = row.state()?;
        transition(
            from,
            step.to,
            Actor::Manager(manager.into()),
            Utc::now(),
            step.note.clone(),
        )
        .map_err(pipeline_conflict(Some("to")))?;
        let posting = postings::get(c, &row.posting_id)?;
        match step.to {
            ApplicationState::Offer => {
                let contract = step.contract.as_ref().ok_or_else(|| {
                    ValidationErrors::single(
                        "contract",
                        "an offer needs the contract the hire will get",
                    )
                })?;
                let contract = {
                    let mut errors = ValidationErrors::new();
                    let parsed = errors.collect("contract", Contract::parse(contract));
                    errors.finish(|| parsed)?
                };
                let json = serde_json::to_string(&contract)
                    .map_err(|e| RecruitError::Render(e.to_string()))?;
                apps::set_offer(c, id, &json)?;
            }
            ApplicationState::Hired => hire(c, config, &row, &posting.title)?,
            _ => {}
        }
        let actor = EventActor {
            kind: "manager",
            user_id: Some(manager.into()),
        };
        apps::record_transition(c, id, from, step.to, &actor, step.note.as_deref())?;
        // The hire's invitation is its notification.
        if notifies_applicant(step.to) && step.to != ApplicationState::Hired {
            let mail = emails::status(&row.name, &posting.title, step.to, "")?;
            enqueue(c, config, "application_status", &row.email, &row.name, mail)?;
        }
        Ok(apps::get(c, id)?)
    })
}

/// The agent an application becomes: its languages at agent level, zone, weekly availability (and
/// days off until the earliest start), and the offered contract.
pub fn agent_input(
    row: &ApplicationRow,
    contract: Contract,
    today: NaiveDate,
) -> Result<AgentInput, RecruitError> {
    let languages: Vec<LanguageSkillDto> = row
        .languages()
        .into_iter()
        .filter_map(|(tag, level)| {
            agent_proficiency(level).map(|p| LanguageSkillDto {
                language: tag,
                proficiency: p.as_str().into(),
            })
        })
        .collect();
    if languages.is_empty() {
        return Err(ValidationErrors::single(
            "languages",
            "the applicant rated no language 6 or higher (B2), so they cannot take chats yet",
        )
        .into());
    }
    let weekly = row
        .availability()
        .into_iter()
        .map(|w| WindowDto {
            weekday: weekday_code(w.weekday).into(),
            start: format_clock(w.start_minute),
            end: format_clock(w.end_minute),
        })
        .collect();
    let mut exceptions = Vec::new();
    let mut day = today;
    while day < row.earliest_start && exceptions.len() < 366 {
        exceptions.push(ExceptionDto {
            date: day.to_string(),
            start: None,
            end: None,
            available: false,
            note: Some("before the start date".into()),
        });
        day = match day.checked_add_days(Days::new(1)) {
            Some(d) => d,
            None => break,
        };
    }
    Ok(AgentInput {
        name: row.name.clone(),
        email: row.email.clone(),
        time_zone: row.time_zone.clone(),
        languages,
        contract,
        status: None,
        availability: AvailabilityInput { weekly, exceptions },
        preferences: None,
    })
}

fn hire(
    conn: &mut DbConnection,
    config: &Config,
    row: &ApplicationRow,
    posting_title: &str,
) -> Result<(), RecruitError> {
    let contract: Contract = row
        .offer
        .as_deref()
        .and_then(|o| serde_json::from_str(o).ok())
        .ok_or_else(|| RecruitError::Conflict(Some("to"), "the offer has no contract".into()))?;
    let input = agent_input(row, contract, Utc::now().date_naive())?;
    let spec = AgentSpec::parse(&input)?;
    let agent = db::agents::insert(conn, &spec)?;
    apps::set_agent(conn, &row.id, &agent.id)?;
    let user = db::users::user_for_agent(conn, &agent.id)?;
    let ttl = config.recruiting.invitation_ttl_hours;
    let secret = sign_in::create_link(
        conn,
        &user.id,
        Purpose::Invitation,
        chrono::Duration::hours(i64::from(ttl)),
    )?;
    let mail = emails::invitation(
        &row.name,
        posting_title,
        &invitation_url(&config.base_url, &secret),
        ttl,
    )?;
    enqueue(conn, config, "invitation", &row.email, &row.name, mail)
}
