use super::*;

const HEADER: &str =
    "interval_start,offered,ai_resolved,handed_to_human,abandoned,aht_seconds,reason\n";

#[test]
fn parses_rfc3339_and_local_times() {
    let csv =
        format!("{HEADER}2026-01-05T08:00:00Z,10,7,3,0,300,refund\n2026-01-05 09:30,12,8,4,1,,\n");
    let rows = parse_csv(csv.as_bytes(), chrono_tz::Europe::Stockholm, 30).unwrap();
    assert_eq!(rows[0].start.to_rfc3339(), "2026-01-05T08:00:00+00:00");
    assert_eq!(rows[0].reason.as_deref(), Some("refund"));
    // 09:30 in Stockholm in January is 08:30 UTC.
    assert_eq!(rows[1].start.to_rfc3339(), "2026-01-05T08:30:00+00:00");
    assert_eq!(rows[1].aht_seconds, None);
}

#[test]
fn fall_back_hour_resolves_in_order_and_gap_is_rejected() {
    let csv = format!("{HEADER}2026-10-25 02:00,1,0,1,0,300,\n2026-10-25 02:00,1,0,1,0,300,\n");
    let rows = parse_csv(csv.as_bytes(), chrono_tz::Europe::Stockholm, 30).unwrap();
    assert_eq!(rows[0].start.to_rfc3339(), "2026-10-25T00:00:00+00:00");
    assert_eq!(rows[1].start.to_rfc3339(), "2026-10-25T01:00:00+00:00");
    let gap = format!("{HEADER}2026-03-29 02:30,1,0,1,0,300,\n");
    let err = parse_csv(gap.as_bytes(), chrono_tz::Europe::Stockholm, 30).unwrap_err();
    assert_eq!(
        (err.at, err.field.as_str()),
        (Position::Line(2), "interval_start")
    );
    assert!(err.message.contains("does not exist"));
}

#[test]
fn bad_rows_name_line_and_field() {
    let cases = [
        ("2026-01-05T08:10:00Z,1,0,1,0,300,", "interval_start"),
        ("2026-01-05T08:00:00Z,-1,0,1,0,300,", "offered"),
        ("2026-01-05T08:00:00Z,5,4,3,0,300,", "handed_to_human"),
        ("2026-01-05T08:00:00Z,abc,0,1,0,300,", "offered"),
        ("2026-01-05T08:00:00Z,5,1,1,0,-3,", "aht_seconds"),
        ("yesterday,5,1,1,0,300,", "interval_start"),
        ("9999-12-31 23:30,5,1,1,0,300,", "interval_start"),
        ("1999-12-31T23:30:00Z,5,1,1,0,300,", "interval_start"),
        ("2026-01-05T08:00:00Z,4294967295,0,1,0,300,", "offered"),
        ("2026-01-05T08:00:00Z,300001,0,1,0,300,", "offered"),
        ("2026-01-05T08:00:00Z,300000,0,300000,0,300,", ""),
        ("2026-01-05T08:00:00Z,200000,0,200000,0,901,", "aht_seconds"),
        ("2026-01-05T08:00:00Z,5,1,1,0,300,x,", "body"),
        ("2026-01-05T08:00:00Z,5,1,1,0", "body"),
        ("2026-01-05T08:00:00Z,5,1,1.5,0,300,", "handed_to_human"),
    ];
    for (row, field) in cases {
        let csv = format!("{HEADER}2026-01-05T07:30:00Z,1,0,1,0,300,\n{row}\n");
        let result = parse_csv(csv.as_bytes(), chrono_tz::UTC, 30);
        if field.is_empty() {
            assert!(result.is_ok(), "{row}: {result:?}");
            continue;
        }
        let err = result.unwrap_err();
        assert!(!err.to_string().contains(": :"), "{err}");
        assert_eq!(err.at, Position::Line(3), "{row}");
        assert_eq!(err.field, field, "{row}: {err}");
    }
}

#[test]
fn duplicates_and_missing_columns_are_rejected() {
    let dup =
        format!("{HEADER}2026-01-05T08:00:00Z,1,0,1,0,300,\n2026-01-05T08:00:00Z,1,0,1,0,300,\n");
    assert!(parse_csv(dup.as_bytes(), chrono_tz::UTC, 30)
        .unwrap_err()
        .message
        .contains("twice"));
    let missing = "interval_start,offered\n2026-01-05T08:00:00Z,1\n";
    assert!(parse_csv(missing.as_bytes(), chrono_tz::UTC, 30).is_err());
}

#[test]
fn reader_errors_name_their_line_and_column() {
    let short = format!("{HEADER}2026-01-05T08:00:00Z,1,0,1\n");
    let err = parse_csv(short.as_bytes(), chrono_tz::UTC, 30).unwrap_err();
    assert_eq!((err.at, err.field.as_str()), (Position::Line(2), "body"));
    assert_eq!(
        err.to_string(),
        "line 2: body: expected 7 columns as in the header, found 4"
    );

    let mut bad_text = HEADER.as_bytes().to_vec();
    bad_text.extend_from_slice(b"2026-01-05T08:00:00Z,1,0,1,0,300,re\xfffund\n");
    let err = parse_csv(bad_text.as_slice(), chrono_tz::UTC, 30).unwrap_err();
    assert_eq!((err.at, err.field.as_str()), (Position::Line(2), "reason"));

    for (csv, field) in [
        ("", "body"),
        (
            "interval_start,offered,ai_resolved,handed_to_human\n",
            "abandoned",
        ),
        (
            "interval_start,offered,ai_resolved,handed_to_human,abandoned,colour\n",
            "colour",
        ),
        (
            "interval_start,offered,offered,ai_resolved,handed_to_human,abandoned\n",
            "offered",
        ),
    ] {
        let err = parse_csv(csv.as_bytes(), chrono_tz::UTC, 30).unwrap_err();
        assert_eq!(
            (err.at, err.field.as_str()),
            (Position::Line(1), field),
            "{csv}"
        );
    }
    let header_only = "interval_start,offered,ai_resolved,handed_to_human,abandoned\n";
    assert_eq!(
        parse_csv(header_only.as_bytes(), chrono_tz::UTC, 30),
        Ok(vec![])
    );
}

#[test]
fn crlf_line_ends_read_as_lf_across_any_split() {
    use std::io::Read;
    /// Hands out its bytes a few at a time, as a body arrives in chunks.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(out.len()).min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let input = b"a\r\nb\r\r\nc\rd\r";
    for chunk in 1..=input.len() {
        for out_len in [1, 2, 7] {
            let mut reader = LfLineEnds::new(Trickle(input, chunk));
            let mut got = Vec::new();
            let mut out = vec![0; out_len];
            loop {
                let n = reader.read(&mut out).unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&out[..n]);
            }
            assert_eq!(got, b"a\nb\r\nc\rd\r", "chunk {chunk}, out {out_len}");
        }
    }
}

fn json(body: &str) -> Result<Vec<HistoryRow>, RowError> {
    parse_json(body.as_bytes(), chrono_tz::UTC, 30)
}

#[test]
fn json_rows_are_read_and_errors_name_row_and_field() {
    let row = r#"{"interval_start": "2026-01-05T08:00:00Z", "offered": 5, "ai_resolved": 3, "handed_to_human": 2, "abandoned": 0}"#;
    let rows = json(&format!(r#"{{"rows": [{row}]}}"#)).unwrap();
    assert_eq!((rows.len(), rows[0].offered), (1, 5));

    let missing = r#"{"interval_start": "2026-01-05T08:30:00Z", "offered": 5, "handed_to_human": 2, "abandoned": 0}"#;
    let err = json(&format!(r#"{{"rows": [{row}, {missing}]}}"#)).unwrap_err();
    assert_eq!(
        (err.at, err.field.as_str()),
        (Position::Row(2), "ai_resolved")
    );
    assert!(
        err.unreadable && err.message.starts_with("missing field"),
        "{err}"
    );

    let typed = r#"{"interval_start": "2026-01-05T08:30:00Z", "offered": "ten", "ai_resolved": 3, "handed_to_human": 2, "abandoned": 0}"#;
    let err = json(&format!(r#"{{"rows": [{typed}]}}"#)).unwrap_err();
    assert_eq!((err.at, err.field.as_str()), (Position::Row(1), "offered"));
    assert!(!err.message.contains(" at line "), "{err}");

    let invalid = row.replace("\"offered\": 5", "\"offered\": 1");
    let err = json(&format!(r#"{{"rows": [{invalid}]}}"#)).unwrap_err();
    assert_eq!(
        (err.at, err.field.as_str()),
        (Position::Row(1), "handed_to_human")
    );
    assert!(!err.unreadable);

    for (body, field) in [
        ("", "body"),
        ("{\"rows\": [", "body"),
        ("[]", "body"),
        ("{}", "rows"),
        (r#"{"rows": [], "extra": 1}"#, "extra"),
        (r#"{"rows": 5}"#, "rows"),
    ] {
        let err = json(body).unwrap_err();
        assert_eq!(
            (err.at, err.field.as_str()),
            (Position::Upload, field),
            "{body}: {err}"
        );
    }
}

/// A CSV line of `row`'s values in the upload's column order.
fn csv_line(row: &HistoryRow) -> String {
    format!(
        "{},{},{},{},{},{},{}\n",
        row.start.to_rfc3339(),
        row.offered,
        row.ai_resolved,
        row.handed_to_human,
        row.abandoned,
        row.aht_seconds.map(|a| a.to_string()).unwrap_or_default(),
        row.reason.clone().unwrap_or_default()
    )
}

fn valid_row() -> impl proptest::strategy::Strategy<Value = HistoryRow> {
    use proptest::prelude::*;
    (
        0u32..1000,
        0u32..=300_000,
        0.0..1.0f64,
        0.0..1.0f64,
        proptest::option::of(0.0..600.0f64),
        proptest::option::of("[a-z]{1,8}"),
    )
        .prop_map(|(slot, offered, ai, human, aht, reason)| {
            let ai_resolved = (f64::from(offered) * ai) as u32;
            let handed_to_human = (f64::from(offered - ai_resolved) * human) as u32;
            HistoryRow {
                start: DateTime::from_timestamp(1_767_225_600 + i64::from(slot) * 1800, 0)
                    .unwrap_or_default(),
                offered,
                ai_resolved,
                handed_to_human,
                abandoned: 0,
                aht_seconds: aht.map(f64::round),
                escalations: None,
                escalation_aht_seconds: None,
                reason,
            }
        })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    #[test]
    fn valid_rows_read_back_as_written(rows in proptest::collection::vec(valid_row(), 0..30)) {
        let mut seen = HashSet::new();
        let rows: Vec<HistoryRow> = rows
            .into_iter()
            .filter(|r| seen.insert((r.reason.clone(), r.start)))
            .collect();
        let csv: String = std::iter::once(HEADER.to_string()).chain(rows.iter().map(csv_line)).collect();
        let parsed = parse_csv(csv.as_bytes(), chrono_tz::UTC, 30);
        proptest::prop_assert_eq!(parsed, Ok(rows));
    }

    #[test]
    fn a_bad_line_is_named_by_its_number(
        good in 0usize..20,
        defect in 0usize..6,
        crlf in proptest::bool::ANY,
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut csv = HEADER.replace('\n', end);
        for i in 0..good {
            csv.push_str(&format!("2026-01-05T{:02}:{:02}:00Z,3,1,1,0,300,{end}", i / 2, (i % 2) * 30));
        }
        let bad: &[u8] = match defect {
            0 => b"2026-01-05T23:30:00Z,1,0",
            1 => b"2026-01-05T23:30:00Z,x,0,1,0,300,",
            2 => b"2026-01-05T23:30:00Z,1,0,1,0,300,,extra",
            3 => b"2026-01-05T23:30:00Z,1,0,1,5,300,",
            4 => b"2026-01-05T23:31:00Z,1,0,1,0,300,",
            _ => b"2026-01-05T23:30:00Z,1,0,1,0,300,r\xff",
        };
        let mut bytes = csv.into_bytes();
        bytes.extend_from_slice(bad);
        bytes.extend_from_slice(end.as_bytes());
        let err = parse_csv(bytes.as_slice(), chrono_tz::UTC, 30).unwrap_err();
        proptest::prop_assert_eq!(err.at, Position::Line(good as u64 + 2));
        proptest::prop_assert!(!err.field.is_empty(), "{}", err);
        proptest::prop_assert!(!err.to_string().contains(": :"), "{}", err);
    }

    #[test]
    fn any_bytes_give_rows_or_a_located_error(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
        let with_header = [HEADER.as_bytes(), &bytes].concat();
        for input in [bytes.as_slice(), with_header.as_slice()] {
            if let Err(e) = parse_csv(input, chrono_tz::UTC, 30) {
                proptest::prop_assert!(!e.field.is_empty(), "{}", e);
            }
            if let Err(e) = parse_json(input, chrono_tz::UTC, 30) {
                proptest::prop_assert!(!e.field.is_empty(), "{}", e);
            }
        }
    }
}
