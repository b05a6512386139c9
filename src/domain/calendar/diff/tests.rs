use super::super::testutil::{shift, utc};
use super::*;
use proptest::prelude::*;

#[test]
fn detects_added_moved_removed() {
    let a = shift("a", utc(2026, 11, 2, 8, 0), utc(2026, 11, 2, 16, 0));
    let b = shift("b", utc(2026, 11, 3, 8, 0), utc(2026, 11, 3, 16, 0));
    let c = shift("c", utc(2026, 11, 4, 8, 0), utc(2026, 11, 4, 16, 0));
    let mut b2 = b.clone();
    b2.start = utc(2026, 11, 3, 10, 0);
    b2.end = utc(2026, 11, 3, 18, 0);
    b2.sequence = 1;
    let d = shift("d", utc(2026, 11, 5, 8, 0), utc(2026, 11, 5, 16, 0));

    let ch = changes(
        &[a.clone(), b.clone(), c.clone()],
        &[a, b2.clone(), d.clone()],
    );
    assert_eq!(ch.added, vec![d]);
    assert_eq!(ch.removed, vec![c]);
    assert_eq!(ch.moved.len(), 1);
    let m = &ch.moved[0];
    assert_eq!(m.id, "b");
    assert_eq!((m.old_start, m.old_end), (b.start, b.end));
    assert_eq!(m.shift, b2);
    assert!(!ch.is_empty());
}

#[test]
fn unchanged_and_non_time_edits_are_empty() {
    let a = shift("a", utc(2026, 11, 2, 8, 0), utc(2026, 11, 2, 16, 0));
    let mut a2 = a.clone();
    a2.queue_name = "Other".into();
    assert!(changes(std::slice::from_ref(&a), std::slice::from_ref(&a)).is_empty());
    assert!(changes(&[a], &[a2]).is_empty());
    assert!(changes(&[], &[]).is_empty());
}

#[test]
fn cancellation_counts_as_removal() {
    let a = shift("a", utc(2026, 11, 2, 8, 0), utc(2026, 11, 2, 16, 0));
    let mut gone = a.clone();
    gone.cancelled = true;
    let ch = changes(std::slice::from_ref(&a), std::slice::from_ref(&gone));
    assert_eq!(ch.removed, vec![a]);
    assert!(ch.added.is_empty() && ch.moved.is_empty());
    // Already cancelled before: nothing new to tell.
    assert!(changes(&[gone.clone()], &[gone]).is_empty());
}

proptest! {
    #[test]
    fn diff_with_self_is_empty_and_sizes_add_up(
        starts in proptest::collection::vec((0u32..5, 0i64..500), 0..12),
        news in proptest::collection::vec((0u32..5, 0i64..500), 0..12),
    ) {
        let mk = |v: &[(u32, i64)]| -> Vec<Shift> {
            v.iter().map(|(id, h)| {
                let s = utc(2026, 1, 1, 0, 0) + chrono::Duration::hours(*h);
                shift(&id.to_string(), s, s + chrono::Duration::hours(8))
            }).collect()
        };
        let old = mk(&starts);
        let new = mk(&news);
        prop_assert!(changes(&old, &old).is_empty());
        let ch = changes(&old, &new);
        let ids = |v: &[Shift]| v.iter().map(|s| s.id.clone()).collect::<std::collections::HashSet<_>>();
        let (o, n) = (ids(&old), ids(&new));
        prop_assert_eq!(ch.added.len(), n.difference(&o).count());
        prop_assert_eq!(ch.removed.len(), o.difference(&n).count());
    }
}
