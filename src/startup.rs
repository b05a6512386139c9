//! Wiring: database pool, HTTP server and background workers, started and stopped together.

use crate::config::Config;
use crate::db::DbPool;
use crate::http::{self, AppState};
use crate::jobs::worker::{JobHandler, Worker, WorkerSettings};
use actix_web::dev::Server;
use actix_web::{middleware, web, App, HttpServer};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// The job kinds this build runs, with their handlers.
pub fn job_handlers(_pool: &DbPool, config: &Config) -> Vec<(&'static str, Arc<dyn JobHandler>)> {
    use crate::plan::recruiting::retention::{PurgeApplicantsHandler, PURGE_APPLICANTS};
    vec![
        (
            crate::plan::scheduling::SOLVE_SCHEDULE,
            Arc::new(crate::plan::scheduling::SolveScheduleHandler {
                solver_threads: config.solver_threads,
            }),
        ),
        (
            PURGE_APPLICANTS,
            Arc::new(PurgeApplicantsHandler {
                retention_days: config.recruiting.retention_days,
            }),
        ),
    ]
}

/// A running service: the HTTP server on its port plus the job worker and outbox sender threads.
pub struct Application {
    port: u16,
    server: Server,
    shutdown: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl Application {
    /// Binds the listener (port 0 picks a free one) and starts `config.workers` job workers and
    /// `config.smtp.senders` outbox senders.
    pub fn build(config: Config, pool: DbPool) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(&config.bind)
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.bind))?;
        let port = listener.local_addr()?.port();
        let shutdown = Arc::new(AtomicBool::new(false));
        let mut workers = Vec::new();
        if config.workers > 0 {
            if let Err(e) = crate::plan::recruiting::retention::ensure_scheduled(&pool) {
                tracing::warn!(error = %e, "could not schedule the applicant purge");
            }
        }
        for _ in 0..config.workers {
            let mut worker = Worker::new(pool.clone(), WorkerSettings::default());
            for (kind, handler) in job_handlers(&pool, &config) {
                worker = worker.register(kind, handler);
            }
            workers.push(worker.spawn(shutdown.clone())?);
        }
        for _ in 0..config.smtp.senders {
            workers.push(crate::email::sender::OutboxSender::spawn(
                pool.clone(),
                &config.smtp,
                shutdown.clone(),
            )?);
        }
        let max_json = config.max_json_bytes;
        let state = web::Data::new(AppState {
            pool,
            config: Arc::new(config),
        });
        let server = HttpServer::new(move || {
            App::new()
                .wrap(middleware::Logger::new("%r -> %s in %Dms"))
                .app_data(state.clone())
                .configure(|cfg| http::configure(cfg, max_json))
        })
        .shutdown_timeout(30)
        .listen(listener)?
        .run();
        Ok(Self {
            port,
            server,
            shutdown,
            workers,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Hands the job worker and outbox sender threads, with the flag that stops them, to the caller,
    /// which then owns their shutdown: tests stop them before dropping their database, so no thread
    /// is still talking to it when the process exits.
    pub fn detach_workers(&mut self) -> (Arc<AtomicBool>, Vec<JoinHandle<()>>) {
        (self.shutdown.clone(), std::mem::take(&mut self.workers))
    }

    /// Serves until SIGINT/SIGTERM (actix drains in-flight requests), then stops the workers after
    /// their current job.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.shutdown.store(true, Ordering::Relaxed);
        for handle in self.workers {
            if handle.join().is_err() {
                tracing::error!("a worker thread panicked");
            }
        }
        result
    }
}
