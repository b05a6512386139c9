//! What applicants do: apply (rate-limited, honeypot, double opt-in), confirm their email, and through
//! their private link see their application, withdraw it or have it erased. Also the retention purge.

use super::{confirm_url, status_url, RecruitError};
use crate::auth::token;
use crate::config::Config;
use crate::db::outbox::{self, NewMessage};
use crate::db::recruiting::applications::{
    self as apps, ApplicationForm, ApplicationRow, EventActor,
};
use crate::db::recruiting::{postings, rate_limit, retention as stored};
use crate::db::{DbConnection, DbError};
use crate::domain::language::LanguageTag;
use crate::domain::recruiting::application::{
    validate_application, ApplicationInput, ApplicationRejection,
};
use crate::domain::recruiting::emails;
use crate::domain::recruiting::pipeline::{transition, Actor, ApplicationState, PipelineError};
use crate::domain::recruiting::posting::PostingStatus;
use crate::domain::recruiting::retention::{self, ApplicationRecord};
use crate::domain::validation::ValidationErrors;
use chrono::{Duration, NaiveDateTime, Utc};
use diesel::Connection;

/// Validates an application form; the honeypot yields `Ok(None)` so the caller answers as if accepted.
/// `wire_errors` are problems the caller found while reading the form (they are reported together
/// with the domain's).
pub fn validate(
    config: &Config,
    input: &ApplicationInput,
    wire_errors: ValidationErrors,
    now: NaiveDateTime,
) -> Result<Option<ApplicationForm>, RecruitError> {
    let mut errors = wire_errors;
    let valid = match validate_application(input, now.and_utc()) {
        Ok(v) => Some(v),
        Err(ApplicationRejection::Spam) => return Ok(None),
        Err(ApplicationRejection::Invalid(fields)) => {
            for f in fields {
                errors.add(f.field, f.message);
            }
            None
        }
    };
    add_form_checks(config, input, &mut errors);
    match valid {
        Some(v) if errors.is_empty() => Ok(Some(ApplicationForm::new(&v, now))),
        _ => Err(errors.into()),
    }
}

/// Rules beyond the form's shape: languages must be real ones, and the consent must be to the text
/// in force.
fn add_form_checks(config: &Config, input: &ApplicationInput, errors: &mut ValidationErrors) {
    for (i, l) in input.languages.iter().enumerate().take(10) {
        if let Err(e) = LanguageTag::parse(&l.tag.replace('_', "-")) {
            if !errors
                .0
                .iter()
                .any(|f| f.field == format!("languages[{i}].tag"))
            {
                errors.collect::<()>(&format!("languages[{i}].tag"), Err(e));
            }
        }
    }
    let version = input.consent_text_version.trim();
    if !version.is_empty() && version != config.recruiting.consent_text_version {
        errors.add(
            "consent_text_version",
            format!(
                "the consent text has changed to version {}; read it and consent again",
                config.recruiting.consent_text_version
            ),
        );
    }
}

fn limited(
    conn: &mut DbConnection,
    bucket: String,
    window: Duration,
    max: u32,
) -> Result<(), RecruitError> {
    if rate_limit::hit(conn, &bucket, window)? > i64::from(max) {
        return Err(RecruitError::RateLimited(
            "too many applications from here; try again later".into(),
        ));
    }
    Ok(())
}

/// Takes an application for `posting_id` from `ip`. A second application with the same email updates
/// the first once confirmed from a new link, so a stranger cannot overwrite it. Answers the same
/// whether the email was new, known or the honeypot was filled.
pub fn apply(
    conn: &mut DbConnection,
    config: &Config,
    posting_id: &str,
    input: &ApplicationInput,
    wire_errors: ValidationErrors,
    ip: &str,
) -> Result<(), RecruitError> {
    let rc = &config.recruiting;
    limited(
        conn,
        format!("apply-ip:{}", token::digest(ip)),
        Duration::hours(1),
        rc.max_applications_per_ip_per_hour,
    )?;
    let now = crate::db::now();
    let Some(form) = validate(config, input, wire_errors, now)? else {
        tracing::info!("application dropped: honeypot filled");
        return Ok(());
    };
    limited(
        conn,
        format!("apply-email:{}", token::digest(&form.email)),
        Duration::days(1),
        rc.max_applications_per_email_per_day,
    )?;
    let posting = postings::get(conn, posting_id).map_err(|e| match e {
        DbError::NotFound => {
            RecruitError::NotFound(format!("no open posting with id {posting_id}"))
        }
        other => other.into(),
    })?;
    if posting.status != PostingStatus::Open {
        return Err(RecruitError::NotFound(format!(
            "no open posting with id {posting_id}"
        )));
    }
    let secret = token::new_token();
    let expires = now + Duration::hours(i64::from(rc.confirm_ttl_hours));
    conn.transaction::<_, RecruitError, _>(|c| {
        crate::db::backend::begin_write(c)?;
        let existing = apps::find_by_email(c, posting_id, &form.email)?;
        let is_update = match &existing {
            None => {
                apps::insert(
                    c,
                    &apps::NewApplication {
                        posting_id,
                        form: &form,
                        confirm_token_hash: &token::digest(&secret),
                        confirm_expires_at: expires,
                    },
                )?;
                false
            }
            Some(row) if row.state()?.is_final() => return Ok(()),
            Some(row) => {
                apps::set_pending_update(c, &row.id, &form, &token::digest(&secret), expires)?;
                true
            }
        };
        let mail = emails::confirmation(
            &form.name,
            &posting.title,
            &confirm_url(&config.base_url, &secret),
            rc.confirm_ttl_hours,
            is_update,
        )?;
        enqueue(
            c,
            config,
            "application_confirmation",
            &form.email,
            &form.name,
            mail,
        )?;
        Ok(())
    })
}

pub(crate) fn enqueue(
    conn: &mut DbConnection,
    config: &Config,
    kind: &str,
    to: &str,
    name: &str,
    mail: emails::Rendered,
) -> Result<(), RecruitError> {
    outbox::enqueue(
        conn,
        &NewMessage {
            kind: kind.into(),
            recipient: to.into(),
            recipient_name: Some(name.into()),
            subject: mail.subject,
            text_body: mail.text,
            html_body: Some(mail.html),
            ..NewMessage::default()
        },
        &config.mail_domain(),
    )?;
    Ok(())
}

/// Confirms the email behind a one-time token: applies a pending re-application, moves a new one into
/// the pipeline, and issues the private status key (returned and emailed).
pub fn confirm(
    conn: &mut DbConnection,
    config: &Config,
    secret: &str,
) -> Result<(ApplicationRow, String), RecruitError> {
    let gone =
        || RecruitError::NotFound("this confirmation link is unknown, used or expired".into());
    let now = crate::db::now();
    let row = apps::find_by_confirm_token(conn, &token::digest(secret), now)?.ok_or_else(gone)?;
    let key = token::new_token();
    conn.transaction::<_, RecruitError, _>(|c| {
        crate::db::backend::begin_write(c)?;
        apps::confirm(c, &row, &token::digest(&key)).map_err(|e| match e {
            DbError::NotFound => gone(),
            other => other.into(),
        })?;
        let state = row.state()?;
        if state == ApplicationState::Applied {
            transition(
                state,
                ApplicationState::EmailConfirmed,
                Actor::Applicant,
                Utc::now(),
                None,
            )
            .map_err(pipeline_conflict(None))?;
            let applicant = EventActor {
                kind: "applicant",
                user_id: None,
            };
            apps::record_transition(
                c,
                &row.id,
                state,
                ApplicationState::EmailConfirmed,
                &applicant,
                None,
            )?;
        }
        let fresh = apps::get(c, &row.id)?;
        let posting = postings::get(c, &fresh.posting_id)?;
        let mail = emails::status(
            &fresh.name,
            &posting.title,
            ApplicationState::EmailConfirmed,
            &status_url(&config.base_url, &key),
        )?;
        enqueue(
            c,
            config,
            "application_status",
            &fresh.email,
            &fresh.name,
            mail,
        )?;
        Ok((fresh, key))
    })
}

/// The 409 for a move the pipeline refuses; `field` is the request's field that asked for it (a
/// manager's `to`), `None` when the request has no such field (the applicant's withdrawal).
pub(crate) fn pipeline_conflict(
    field: Option<&'static str>,
) -> impl Fn(PipelineError) -> RecruitError {
    move |e| {
        let detail = match e {
            PipelineError::FinalState(s) => format!("the application is already {}", s.as_str()),
            PipelineError::Illegal { from, to } => format!(
                "an application cannot move from {} to {}",
                from.as_str(),
                to.as_str()
            ),
            PipelineError::Forbidden { from, to } => format!(
                "this move from {} to {} is not yours to make",
                from.as_str(),
                to.as_str()
            ),
        };
        RecruitError::Conflict(field, detail)
    }
}

/// The application behind a private status key.
pub fn by_key(conn: &mut DbConnection, key: &str) -> Result<ApplicationRow, RecruitError> {
    apps::find_by_status_key(conn, &token::digest(key))?
        .ok_or_else(|| RecruitError::NotFound("no application for this key".into()))
}

/// The applicant withdraws through their private link.
pub fn withdraw(conn: &mut DbConnection, key: &str) -> Result<ApplicationRow, RecruitError> {
    let row = by_key(conn, key)?;
    let state = row.state()?;
    transition(
        state,
        ApplicationState::Withdrawn,
        Actor::Applicant,
        Utc::now(),
        None,
    )
    .map_err(pipeline_conflict(None))?;
    let applicant = EventActor {
        kind: "applicant",
        user_id: None,
    };
    apps::record_transition(
        conn,
        &row.id,
        state,
        ApplicationState::Withdrawn,
        &applicant,
        None,
    )?;
    Ok(apps::get(conn, &row.id)?)
}

/// Erases an application's personal data and every queued or sent email to it.
pub fn erase(conn: &mut DbConnection, id: &str) -> Result<(), RecruitError> {
    conn.transaction::<_, RecruitError, _>(|c| {
        crate::db::backend::begin_write(c)?;
        let row = apps::get(c, id)?;
        if row.erased {
            return Ok(());
        }
        let erased = retention::erase(&record(&row)?);
        stored::erase(c, &erased)?;
        outbox::delete_for_recipient(c, &row.email)?;
        Ok(())
    })
}

fn record(row: &ApplicationRow) -> Result<ApplicationRecord, RecruitError> {
    Ok(ApplicationRecord {
        id: row.id.clone(),
        state: row.state()?,
        name: row.name.clone(),
        email: row.email.clone(),
        languages: row.languages(),
        time_zone: row.time_zone.clone(),
        country: row.country.clone(),
        availability: row.availability(),
        hours_per_week: u32::try_from(row.hours_per_week).unwrap_or(0),
        earliest_start: row.earliest_start,
        is_student: row.is_student,
        motivation: row.motivation.clone(),
        notes: Vec::new(),
        consent_text_version: row.consent_text_version.clone(),
        created_at: row.created_at.and_utc(),
        last_change: row.state_changed_at.and_utc(),
        erased: row.erased,
    })
}

/// Erases rejected and withdrawn applications older than the retention period at `now` and
/// applications whose email was never confirmed before the link expired; drops expired unconfirmed
/// re-applications and old rate-limit attempts. Returns how many applications were erased.
pub fn purge(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    retention_days: u32,
) -> Result<usize, RecruitError> {
    let cutoff = now - Duration::days(i64::from(retention_days));
    let mut erased = 0;
    for id in stored::due_for_purge(conn, cutoff)? {
        let row = apps::get(conn, &id)?;
        if retention::purge_due(
            row.state()?,
            row.state_changed_at.and_utc(),
            now.and_utc(),
            retention_days,
        ) {
            erase(conn, &id)?;
            erased += 1;
        }
    }
    for id in stored::unconfirmed_expired(conn, now)? {
        erase(conn, &id)?;
        erased += 1;
    }
    stored::drop_expired_updates(conn, now)?;
    rate_limit::purge(conn, now - Duration::days(2))?;
    Ok(erased)
}
