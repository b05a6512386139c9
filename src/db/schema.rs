//! Table definitions shared by both backends. Only portable types: text ids, UTC `Timestamp`,
//! `Double`, `Integer`, `Bool`, `Date`; enums and small nested values as text.

diesel::table! {
    queues (id) {
        id -> Text,
        name -> Text,
        language -> Text,
        channel -> Text,
        time_zone -> Text,
        interval_minutes -> Integer,
        service_level_target -> Double,
        service_level_seconds -> Integer,
        max_occupancy -> Double,
        chat_concurrency -> Integer,
        shrinkage -> Double,
        staffing_floor -> Integer,
        patience_seconds -> Nullable<Integer>,
        opening_hours -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agents (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        time_zone -> Text,
        status -> Text,
        min_hours_per_week -> Double,
        max_hours_per_week -> Double,
        max_shifts_per_week -> Integer,
        min_rest_hours -> Double,
        max_consecutive_days -> Integer,
        min_consecutive_days_off -> Integer,
        max_weekends_per_period -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        preferred_start_minutes -> Text,
        start_weight -> Double,
        preferred_days_on -> Text,
        days_on_weight -> Double,
        preferred_days_off -> Text,
        days_off_weight -> Double,
    }
}

diesel::table! {
    agent_languages (agent_id, language) {
        agent_id -> Text,
        language -> Text,
        proficiency -> Text,
    }
}

diesel::table! {
    availability_windows (id) {
        id -> Text,
        agent_id -> Text,
        weekday -> Integer,
        start_minute -> Integer,
        end_minute -> Integer,
    }
}

diesel::table! {
    availability_exceptions (id) {
        id -> Text,
        agent_id -> Text,
        day -> Date,
        start_minute -> Nullable<Integer>,
        end_minute -> Nullable<Integer>,
        available -> Bool,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        agent_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Text,
        kind -> Text,
        payload -> Text,
        status -> Text,
        progress -> Double,
        progress_message -> Nullable<Text>,
        attempts -> Integer,
        max_attempts -> Integer,
        run_after -> Timestamp,
        locked_by -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        result -> Nullable<Text>,
        error -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        started_at -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(agent_languages -> agents (agent_id));
diesel::joinable!(availability_windows -> agents (agent_id));
diesel::joinable!(availability_exceptions -> agents (agent_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(users -> agents (agent_id));

diesel::allow_tables_to_appear_in_same_query!(
    queues,
    agents,
    agent_languages,
    availability_windows,
    availability_exceptions,
    users,
    api_tokens,
    jobs,
);

diesel::table! {
    history (queue_id, interval_start, reason) {
        queue_id -> Text,
        interval_start -> Timestamp,
        reason -> Text,
        offered -> Integer,
        ai_resolved -> Integer,
        handed_to_human -> Integer,
        abandoned -> Integer,
        aht_seconds -> Nullable<Double>,
        escalations -> Nullable<Integer>,
        escalation_aht_seconds -> Nullable<Double>,
    }
}

diesel::table! {
    special_days (id) {
        id -> Text,
        queue_id -> Nullable<Text>,
        day -> Date,
        kind -> Text,
        multiplier -> Nullable<Double>,
        label -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(history -> queues (queue_id));
diesel::allow_tables_to_appear_in_same_query!(history, queues);

diesel::table! {
    schedules (id) {
        id -> Text,
        period_start -> Date,
        weeks -> Integer,
        queue_ids -> Text,
        time_limit_seconds -> Double,
        status -> Text,
        job_id -> Text,
        roster -> Nullable<Text>,
        error -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        problem -> Nullable<Text>,
        edited_at -> Nullable<Timestamp>,
        weights -> Nullable<Text>,
        work_limit -> Nullable<Double>,
    }
}

diesel::table! {
    publications (id) {
        id -> Text,
        schedule_id -> Text,
        period_start -> Timestamp,
        period_end -> Timestamp,
        agents_notified -> Integer,
        published_by -> Nullable<Text>,
        published_at -> Timestamp,
    }
}

diesel::table! {
    shifts (id) {
        id -> Text,
        agent_id -> Nullable<Text>,
        queue_id -> Text,
        start_at -> Timestamp,
        end_at -> Timestamp,
        breaks -> Text,
        sequence -> Integer,
        status -> Text,
        schedule_id -> Nullable<Text>,
        publication_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        handed_over_from -> Nullable<Text>,
        queue_ids -> Text,
    }
}

diesel::table! {
    outbox_messages (id) {
        id -> Text,
        message_id -> Text,
        kind -> Text,
        recipient -> Text,
        recipient_name -> Nullable<Text>,
        subject -> Text,
        text_body -> Text,
        html_body -> Nullable<Text>,
        attachments -> Text,
        status -> Text,
        attempts -> Integer,
        max_attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_by -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        publication_id -> Nullable<Text>,
        agent_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sign_in_links (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        purpose -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    calendar_feeds (agent_id) {
        agent_id -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(shifts -> agents (agent_id));
diesel::joinable!(shifts -> queues (queue_id));
diesel::joinable!(outbox_messages -> agents (agent_id));
diesel::allow_tables_to_appear_in_same_query!(
    publications,
    shifts,
    outbox_messages,
    sign_in_links,
    calendar_feeds,
);
diesel::allow_tables_to_appear_in_same_query!(shifts, agents);
diesel::allow_tables_to_appear_in_same_query!(shifts, queues);
diesel::allow_tables_to_appear_in_same_query!(outbox_messages, agents);
diesel::allow_tables_to_appear_in_same_query!(sign_in_links, users);

diesel::table! {
    time_off_requests (id) {
        id -> Text,
        agent_id -> Text,
        start_at -> Timestamp,
        end_at -> Timestamp,
        start_local -> Text,
        end_local -> Text,
        time_zone -> Text,
        reason -> Text,
        status -> Text,
        decision_note -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    availability_conflicts (id) {
        id -> Text,
        agent_id -> Text,
        shift_id -> Text,
        status -> Text,
        resolution_note -> Nullable<Text>,
        resolved_by -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    shift_offers (id) {
        id -> Text,
        shift_id -> Text,
        offered_by -> Text,
        status -> Text,
        taker_id -> Nullable<Text>,
        requested_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    open_shifts (shift_id) {
        shift_id -> Text,
        mode -> Text,
        status -> Text,
        posted_by -> Nullable<Text>,
        filled_by -> Nullable<Text>,
        filled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    open_shift_claims (id) {
        id -> Text,
        shift_id -> Text,
        agent_id -> Text,
        status -> Text,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    time_off_requests,
    availability_conflicts,
    shift_offers,
    open_shifts,
    open_shift_claims,
    shifts,
);

diesel::table! {
    postings (id) {
        id -> Text,
        title -> Text,
        description -> Text,
        languages -> Text,
        regions -> Text,
        time_zones -> Text,
        hours_per_week_min -> Double,
        hours_per_week_max -> Double,
        pay -> Text,
        hires_wanted -> Integer,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    applications (id) {
        id -> Text,
        posting_id -> Text,
        state -> Text,
        name -> Text,
        email -> Text,
        languages -> Text,
        time_zone -> Text,
        country -> Text,
        availability -> Text,
        hours_per_week -> Integer,
        earliest_start -> Date,
        is_student -> Bool,
        motivation -> Text,
        consent_text_version -> Text,
        consented_at -> Timestamp,
        confirm_token_hash -> Nullable<Text>,
        confirm_expires_at -> Nullable<Timestamp>,
        pending_update -> Nullable<Text>,
        status_key_hash -> Nullable<Text>,
        offer -> Nullable<Text>,
        agent_id -> Nullable<Text>,
        erased -> Bool,
        state_changed_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    application_events (id) {
        id -> Text,
        application_id -> Text,
        from_state -> Text,
        to_state -> Text,
        actor -> Text,
        actor_id -> Nullable<Text>,
        note -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    rate_limit_hits (id) {
        id -> Text,
        bucket -> Text,
        at -> Timestamp,
    }
}

diesel::joinable!(applications -> postings (posting_id));
diesel::joinable!(application_events -> applications (application_id));
diesel::allow_tables_to_appear_in_same_query!(postings, applications, application_events);
