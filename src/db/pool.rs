//! The connection enum, its pool and migrations.
//!
//! The backend is picked from the URL scheme, not by trying each in turn: `MultiConnection::establish`
//! tries variants in order and hides the real error (a typo in a PostgreSQL password would surface as an
//! SQLite error).

use super::DbError;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ManageConnection, Pool};
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::time::Duration;

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgresql");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// One connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgresql,
    Sqlite,
}

/// Which backend a URL names, and the string to hand to that backend's driver.
pub fn parse_url(url: &str) -> Result<(Backend, String), DbError> {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok((Backend::Postgresql, url.to_string()));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    if path.is_empty() {
        return Err(DbError::Url("empty SQLite path".into()));
    }
    // Each pooled connection to :memory: would see its own empty database.
    if path.contains(":memory:") || path.contains("mode=memory") {
        return Err(DbError::Url(
            "in-memory SQLite cannot be shared by a pool; give a file path".into(),
        ));
    }
    if url.contains("://") && !url.starts_with("sqlite://") {
        return Err(DbError::Url(format!(
            "unsupported scheme in '{url}': use postgres://... or a SQLite file path"
        )));
    }
    Ok((Backend::Sqlite, path.to_string()))
}

/// r2d2 manager that establishes the right variant and prepares every SQLite connection.
#[derive(Debug, Clone)]
pub struct Manager {
    backend: Backend,
    target: String,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match self.backend {
            Backend::Postgresql => PgConnection::establish(&self.target)
                .map(DbConnection::Postgresql)
                .map_err(diesel::r2d2::Error::ConnectionError),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // The busy timeout comes first so that connections opened together wait for each
                // other while one switches the file to WAL; WAL lets readers run beside the one
                // writer; foreign keys are off by default in SQLite.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        diesel::sql_query("SELECT 1")
            .execute(conn)
            .map(|_| ())
            .map_err(diesel::r2d2::Error::QueryError)
    }

    /// A connection given back while its thread unwinds, or with a transaction still open
    /// (a panic inside `transaction` leaves one), is closed rather than reused: reused, its open
    /// transaction would swallow every later write of the pool's users and, on SQLite, hold the
    /// write lock for good.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// A pool plus the backend it talks to (the job queue and bulk paths need to know).
#[derive(Clone)]
pub struct DbPool {
    pub pool: Pool<Manager>,
    pub backend: Backend,
}

impl DbPool {
    /// Connects, creating a missing SQLite file and its folder.
    pub fn connect(url: &str, max_size: u32) -> Result<Self, DbError> {
        let (backend, target) = parse_url(url)?;
        if backend == Backend::Sqlite {
            if let Some(parent) = std::path::Path::new(&target).parent() {
                if !parent.as_os_str().is_empty() {
                    std::fs::create_dir_all(parent).map_err(|e| {
                        DbError::Url(format!("cannot create {}: {e}", parent.display()))
                    })?;
                }
            }
        }
        let manager = Manager { backend, target };
        if backend == Backend::Sqlite {
            // The switch to WAL needs the file to itself and is stored in it: done once here, the
            // pool's connections, opening together, find it done instead of racing for the lock
            // (the loser would log "database is locked" on a new file).
            manager
                .connect()
                .map_err(|e| DbError::Pool(e.to_string()))?;
        }
        let pool = Pool::builder()
            .max_size(max_size)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| DbError::Pool(e.to_string()))?;
        Ok(Self { pool, backend })
    }

    pub fn get(&self) -> Result<diesel::r2d2::PooledConnection<Manager>, DbError> {
        Ok(self.pool.get()?)
    }

    /// Applies pending migrations of this backend; returns how many ran.
    pub fn migrate(&self) -> Result<usize, DbError> {
        let mut conn = self.get()?;
        let applied = match &mut *conn {
            DbConnection::Postgresql(pg) => {
                pg.run_pending_migrations(PG_MIGRATIONS).map(|v| v.len())
            }
            DbConnection::Sqlite(sqlite) => sqlite
                .run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|v| v.len()),
        };
        applied.map_err(|e| DbError::Migration(e.to_string()))
    }

    /// Whether a trivial query succeeds (readiness probe).
    pub fn ping(&self) -> bool {
        self.get()
            .and_then(|mut c| {
                diesel::sql_query("SELECT 1")
                    .execute(&mut *c)
                    .map_err(DbError::from)
            })
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend() {
        assert_eq!(
            parse_url("postgres://u@h/db").unwrap().0,
            Backend::Postgresql
        );
        assert_eq!(
            parse_url("postgresql://u@h/db").unwrap().0,
            Backend::Postgresql
        );
        assert_eq!(
            parse_url("sqlite://data/x.db").unwrap(),
            (Backend::Sqlite, "data/x.db".into())
        );
        assert_eq!(parse_url("x.db").unwrap(), (Backend::Sqlite, "x.db".into()));
        assert!(parse_url("sqlite://:memory:").is_err());
        assert!(parse_url("mysql://h/db").is_err());
        assert!(parse_url("").is_err());
    }
}
