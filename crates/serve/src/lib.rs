//! m365doctor-serve: the local web page and JSON API (`m365doctor serve`).
//!
//! One process, one thread for the network (tokio's current_thread runtime)
//! plus a small blocking pool for diagnoses, every asset compiled in. The
//! server never changes the machine it runs on: it reads what is sent to it,
//! in memory, and answers. See docs/serve.md for the API and security model.

mod api;
mod assets;
mod error;
mod guard;
mod lang;
#[cfg(test)]
mod tests;

use axum::Router;
use m365doctor_codes::Lang;
use m365doctor_diagnose::MessageMatcher;
use m365doctor_kb::Kb;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

pub use guard::HostPolicy;

/// Diagnoses run on at most this many threads; more requests wait their turn.
const WORKER_THREADS: usize = 2;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Language of answers when a request names none (`?lang`, `Accept-Language`).
    pub lang: Lang,
    /// Largest request body accepted, in bytes.
    pub max_body: usize,
    /// Time allowed for one request, from the end of its headers to the answer.
    pub timeout: Duration,
    /// Whether addresses other than loopback may be bound and IP-literal
    /// `Host` headers other than the bound address accepted.
    pub allow_remote: bool,
    /// Further host names accepted in `Host` (for `--allow-remote` behind a name).
    pub allowed_hosts: Vec<String>,
    /// Time a client has to send a request's headers; slow or idle
    /// connections are closed after it.
    pub header_timeout: Duration,
    /// Connections served at once; further clients wait in the system's
    /// queue until one closes, so many idle sockets cannot use up the
    /// process's file descriptors.
    pub max_connections: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            lang: Lang::En,
            max_body: 25 << 20,
            timeout: Duration::from_secs(30),
            allow_remote: false,
            allowed_hosts: Vec::new(),
            header_timeout: Duration::from_secs(10),
            max_connections: 256,
        }
    }
}

/// What every request handler shares.
pub(crate) struct State {
    pub kb: Kb,
    pub matcher: MessageMatcher,
    pub lang: Lang,
    pub hosts: HostPolicy,
    pub max_body: usize,
    pub timeout: Duration,
    /// Requests whose bodies are being read or answered (see `guard::MAX_BODIES`).
    pub bodies: std::sync::atomic::AtomicUsize,
    /// Diagnoses running on worker threads, including those whose caller
    /// already got a time-out answer (see `guard::MAX_BODIES`).
    pub jobs: std::sync::atomic::AtomicUsize,
    /// Extra time each diagnosis takes, so tests can reach the time limit.
    #[cfg(test)]
    pub work_delay: Duration,
}

pub(crate) type Shared = Arc<State>;

/// Whether `ip` may be bound without `--allow-remote`.
pub fn is_loopback(ip: IpAddr) -> bool {
    ip.is_loopback()
}

/// The application: routes, guards and limits, for a server bound at `bound`.
pub fn app(kb: Kb, config: &Config, bound: SocketAddr) -> Router {
    app_with_state(Arc::new(State {
        matcher: MessageMatcher::new(&kb),
        kb,
        lang: config.lang,
        hosts: HostPolicy::new(bound, config.allow_remote, &config.allowed_hosts),
        max_body: config.max_body,
        timeout: config.timeout,
        bodies: Default::default(),
        jobs: Default::default(),
        #[cfg(test)]
        work_delay: Duration::ZERO,
    }))
}

pub(crate) fn app_with_state(state: Shared) -> Router {
    guard::layers(api::router(), state)
}

/// Binds `addr`; refuses anything but loopback unless `config.allow_remote`.
pub fn bind(addr: SocketAddr, config: &Config) -> io::Result<TcpListener> {
    if !config.allow_remote && !is_loopback(addr.ip()) {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "not a loopback address",
        ));
    }
    let listener = TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    Ok(listener)
}

/// Serves on `listener` until `shutdown` completes (or Ctrl+C when `None`).
pub fn run(
    listener: TcpListener,
    kb: Kb,
    config: &Config,
    shutdown: Option<std::pin::Pin<Box<dyn Future<Output = ()> + Send>>>,
) -> io::Result<()> {
    let bound = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(WORKER_THREADS)
        .build()?;
    let app = app(kb, config, bound);
    let header_timeout = config.header_timeout;
    let max_connections = config.max_connections.max(1);
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let shutdown = async move {
            match shutdown {
                Some(f) => f.await,
                None => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        };
        accept_loop(listener, app, header_timeout, max_connections, shutdown).await;
        Ok(())
    })
}

/// Time requests in progress get to finish once shutdown is asked for.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Accepts HTTP/1.1 connections until `shutdown`, then lets the requests in
/// progress finish. Each connection must send its headers within
/// `header_timeout`, so slow or idle clients cannot hold sockets forever;
/// at most `max_connections` are served at once.
async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: Router,
    header_timeout: Duration,
    max_connections: usize,
    shutdown: impl Future<Output = ()>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let places = std::sync::Arc::new(tokio::sync::Semaphore::new(max_connections));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A free place first: until one is free, new clients wait unaccepted.
        let place = tokio::select! {
            place = places.clone().acquire_owned() => match place {
                Ok(place) => place,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => {
                    // Out of file descriptors or a connection reset before accept: wait, go on.
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(place);
        });
    }
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await;
}
