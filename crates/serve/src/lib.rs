//! m365doctor-serve: the local web page and JSON API (`m365doctor serve`).
//!
//! One process, one thread for the network (tokio's current_thread runtime)
//! plus a small blocking pool for diagnoses, every asset compiled in. The
//! server never changes the machine it runs on: it reads what is sent to it,
//! in memory, and answers. See docs/serve.md for the API and security model.

mod api;
mod assets;
mod conn;
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

/// Diagnoses of big uploads run on at most this many threads; more wait
/// their turn. Small ones (see `api::SMALL_UPLOAD`) have one more thread.
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
    /// Time a connection may make no progress while the server writes an
    /// answer (the client reads nothing) or reads a body (nothing arrives)
    /// before it is closed, or the request refused with 408.
    pub stall_timeout: Duration,
    /// Connections served at once, so that many sockets cannot use up the
    /// process's file descriptors. When all are taken, a new client gets
    /// the place of the connection that has been of no use the longest
    /// (idle, slow headers, answers not read); connections whose request is
    /// being answered keep theirs.
    pub max_connections: usize,
    /// Requests answered back to back on one connection while the client
    /// never waits for an answer (pipelining); the last one closes it.
    pub max_pipelined: usize,
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
            stall_timeout: Duration::from_secs(10),
            max_connections: 256,
            max_pipelined: 8,
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
    /// Longest pause while a request body arrives (see `Config::stall_timeout`).
    pub stall_timeout: Duration,
    /// Requests whose bodies are being read or answered (see `guard::MAX_BODIES`).
    pub bodies: std::sync::atomic::AtomicUsize,
    /// Diagnoses running on worker threads, including those whose caller
    /// already got a time-out answer (see `guard::MAX_BODIES`).
    pub jobs: std::sync::atomic::AtomicUsize,
    /// Turns of the big diagnoses (`WORKER_THREADS` at once).
    pub big_jobs: Arc<tokio::sync::Semaphore>,
    /// Bytes of request bodies held at once, all requests together (see
    /// `guard::upload_budget`).
    pub upload_budget: u64,
    /// Bytes of request bodies held now.
    pub uploads_held: std::sync::atomic::AtomicU64,
    /// Extra time each diagnosis takes, so tests can reach the time limit.
    #[cfg(test)]
    pub work_delay: Duration,
    /// The same, ended early when the diagnosis is stopped.
    #[cfg(test)]
    pub stoppable_delay: Duration,
    /// The same, for big uploads only.
    #[cfg(test)]
    pub big_delay: Duration,
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
        stall_timeout: config.stall_timeout,
        bodies: Default::default(),
        jobs: Default::default(),
        big_jobs: Arc::new(tokio::sync::Semaphore::new(WORKER_THREADS)),
        upload_budget: guard::upload_budget(config.max_body),
        uploads_held: Default::default(),
        #[cfg(test)]
        work_delay: Duration::ZERO,
        #[cfg(test)]
        stoppable_delay: Duration::ZERO,
        #[cfg(test)]
        big_delay: Duration::ZERO,
    }))
}

pub(crate) fn app_with_state(state: Shared) -> Router {
    guard::layers(api::router(), state)
}

/// Connections the system may hold for the server before it accepts them.
/// std's 128 overflows when hundreds of hostile sockets reconnect at once:
/// a dropped SYN costs a new client a 1 s retransmission.
const LISTEN_BACKLOG: i32 = 1024;

/// Binds `addr`; refuses anything but loopback unless `config.allow_remote`.
pub fn bind(addr: SocketAddr, config: &Config) -> io::Result<TcpListener> {
    if !config.allow_remote && !is_loopback(addr.ip()) {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "not a loopback address",
        ));
    }
    let socket = socket2::Socket::new(
        socket2::Domain::for_address(addr),
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    // As std's TcpListener::bind: a restarted server may take its port again at once.
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(LISTEN_BACKLOG)?;
    let listener: TcpListener = socket.into();
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
        .max_blocking_threads(WORKER_THREADS + 1)
        .build()?;
    let app = app(kb, config, bound);
    let limits = conn::Limits {
        header_timeout: config.header_timeout,
        stall_timeout: config.stall_timeout,
        max_connections: config.max_connections,
        max_pipelined: config.max_pipelined,
    };
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
        conn::accept_loop(listener, app, limits, shutdown).await;
        Ok(())
    })
}
