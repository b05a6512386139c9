//! The connection pool on both backends: a connection whose user panicked inside a transaction
//! is not handed out again with that transaction open.

mod common;

use chatroster::db::{self, DbPool};
use chatroster::jobs;
use common::Kind;
use diesel::{Connection, RunQueryDsl};
use serde_json::json;

fn panic_inside_a_transaction_loses_no_later_write(kind: Kind) {
    let Some((pool, _db, url)) = common::fresh_database(kind) else {
        return;
    };
    // One connection only, so the one that panicked is the one handed out next.
    let single = DbPool::connect(&url, 1).unwrap();
    let panicked = std::thread::spawn({
        let single = single.clone();
        move || {
            let mut conn = single.get().unwrap();
            let _ = conn.transaction::<(), diesel::result::Error, _>(|c| {
                db::jobs::insert(c, "count", &json!({ "n": 0 }).to_string(), 3, None)
                    .map_err(|_| diesel::result::Error::RollbackTransaction)?;
                diesel::sql_query("SELECT 1").execute(c)?;
                panic!("a handler bug inside a transaction");
            });
        }
    })
    .join();
    assert!(panicked.is_err());

    let id = jobs::enqueue(&single, "count", &json!({ "n": 1 }), 3, None).unwrap();
    // Another pool sees the later write: it was committed, not swallowed by the open
    // transaction of the connection that panicked (and that transaction's write is gone).
    let seen = db::jobs::get(&mut pool.get().unwrap(), &id);
    assert!(seen.is_ok(), "write after the panic not visible: {seen:?}");
    let all = db::jobs::count_queued(&mut pool.get().unwrap(), "count").unwrap();
    assert_eq!(all, 1, "only the job written after the panic is stored");
}

#[test]
fn panic_inside_a_transaction_loses_no_later_write_sqlite() {
    panic_inside_a_transaction_loses_no_later_write(Kind::Sqlite);
}

#[test]
fn panic_inside_a_transaction_loses_no_later_write_postgres() {
    panic_inside_a_transaction_loses_no_later_write(Kind::Postgres);
}
