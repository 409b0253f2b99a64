//! Clients that try to hold the server (issue 16, review F4 and the server
//! probes 60, 103, 146 and 148): real sockets on loopback with the limits
//! configured small, every wait bounded, generous margins for a busy machine.

use super::*;
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};

/// How long a test waits for an answer that must come.
const WAIT: Duration = Duration::from_secs(10);

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.set_write_timeout(Some(WAIT)).unwrap();
    stream
}

fn get_request(addr: SocketAddr, path: &str, close: bool) -> String {
    let connection = if close { "Connection: close\r\n" } else { "" };
    format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{connection}\r\n")
}

/// `GET /healthz` on a fresh connection: the whole answer, or why none came.
fn healthz(addr: SocketAddr) -> Result<String, std::io::Error> {
    let mut stream = connect(addr);
    stream.write_all(get_request(addr, "/healthz", true).as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

/// One answer on a keep-alive connection (headers and `Content-Length` bytes).
fn read_answer(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| l.strip_prefix("content-length: "))
                .and_then(|n| n.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                return text;
            }
        }
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "connection closed mid-answer: {text}");
        bytes.extend_from_slice(&chunk[..n]);
    }
}

/// Sends `requests` from a thread of its own (the server may stop reading
/// them) and never reads an answer.
fn pipeline_without_reading(addr: SocketAddr, requests: String) -> TcpStream {
    let mut stream = connect(addr);
    let mut writer = stream.try_clone().unwrap();
    std::thread::spawn(move || {
        let _ = writer.write_all(requests.as_bytes());
    });
    // One byte, to know the server took the connection (not a real read).
    let mut first = [0u8; 1];
    stream.read_exact(&mut first).unwrap();
    stream
}

/// Whether the server ended the connection: reading it to the end finds
/// the end (or a reset) instead of waiting for more.
fn ended_by_server(stream: &mut TcpStream) -> (bool, Vec<u8>) {
    let mut answers = Vec::new();
    match stream.read_to_end(&mut answers) {
        Ok(_) => (true, answers),
        Err(e) if e.kind() == ErrorKind::ConnectionReset => (true, answers),
        Err(_) => (false, answers),
    }
}

fn count(haystack: &[u8], needle: &str) -> usize {
    String::from_utf8_lossy(haystack).matches(needle).count()
}

/// Probe 145: a client pipelines requests for the largest asset and never
/// reads; once the socket buffers are full, the write stalls and the
/// connection is closed after the stall time (it was held forever).
#[test]
fn a_client_that_never_reads_its_answers_is_cut_off() {
    let (addr, server) = RunningServer::start(Config {
        stall_timeout: Duration::from_millis(300),
        max_pipelined: 1_000_000,
        ..Config::default()
    });
    // 2,000 answers of 32 KiB: far more than loopback buffers take unread.
    let requests = get_request(addr, "/assets/app.js", false).repeat(2000);
    let mut client = pipeline_without_reading(addr, requests);
    std::thread::sleep(Duration::from_secs(2));
    // Shorter than the idle keep-alive limit that would end it after all
    // 2,000 answers were read.
    client
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let (ended, answers) = ended_by_server(&mut client);
    assert!(ended, "the connection is still open after the stall time");
    // What the buffers took before the stall, not everything asked for.
    let answered = count(&answers, " 200 OK\r\n");
    assert!(answered < 1000, "{answered} answers");
    assert!(healthz(addr).unwrap().starts_with("HTTP/1.1 200 OK\r\n"));
    server.stop();
}

/// Requests pipelined in one write are answered up to the bound; the last
/// answer says `Connection: close` and the rest is not answered (all were).
#[test]
fn pipelined_requests_are_answered_up_to_the_bound() {
    let (addr, server) = RunningServer::start(Config {
        max_pipelined: 4,
        ..Config::default()
    });
    let mut client = connect(addr);
    client
        .write_all(get_request(addr, "/healthz", false).repeat(20).as_bytes())
        .unwrap();
    let (ended, answers) = ended_by_server(&mut client);
    assert!(ended, "the connection stays open after the bound");
    let answered = count(&answers, "HTTP/1.1 200 OK");
    assert!((1..=4).contains(&answered), "{answered} answers");
    let text = String::from_utf8_lossy(&answers);
    let last = text.rsplit("HTTP/1.1 200 OK").next().unwrap();
    assert!(last.contains("connection: close"), "{last}");
    // A client that waits for each answer is not pipelining: no bound.
    let mut patient = connect(addr);
    for _ in 0..10 {
        patient
            .write_all(get_request(addr, "/healthz", false).as_bytes())
            .unwrap();
        let answer = read_answer(&mut patient);
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert!(!answer.contains("connection: close"), "{answer}");
    }
    server.stop();
}

/// Probe 60 (slowloris): connections that trickle header lines and never
/// finish take every place; a new client is still answered at once (it
/// waited for the header time limit).
#[test]
fn slow_header_clients_do_not_keep_new_ones_out() {
    let (addr, server) = RunningServer::start(Config {
        max_connections: 4,
        header_timeout: Duration::from_secs(60),
        ..Config::default()
    });
    let mut slow: Vec<TcpStream> = (0..4).map(|_| connect(addr)).collect();
    for s in &mut slow {
        // One whole request first, so that all four surely hold a place
        // before the new client comes; then headers that never end.
        s.write_all(get_request(addr, "/healthz", false).as_bytes())
            .unwrap();
        read_answer(s);
        write!(s, "GET /healthz HTTP/1.1\r\nHost: {addr}\r\n").unwrap();
    }
    // Trickled header bytes are no use: they must not count as activity.
    let stop = Arc::new(AtomicBool::new(false));
    let trickle = {
        let stop = stop.clone();
        let mut slow: Vec<TcpStream> = slow.iter().map(|s| s.try_clone().unwrap()).collect();
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                for s in &mut slow {
                    let _ = write!(s, "X-Slow-{n}: 1\r\n");
                }
                n += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    for _ in 0..3 {
        let answer = healthz(addr).expect("a new client is answered");
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    }
    stop.store(true, Ordering::SeqCst);
    trickle.join().unwrap();
    drop(slow);
    server.stop();
}

/// Probe 148: idle keep-alive connections take every place; a new client is
/// answered, and the place it gets is the longest-idle one's.
#[test]
fn idle_keep_alive_connections_make_room_for_a_new_client() {
    let (addr, server) = RunningServer::start(Config {
        max_connections: 2,
        header_timeout: Duration::from_secs(60),
        ..Config::default()
    });
    let mut older = connect(addr);
    older
        .write_all(get_request(addr, "/healthz", false).as_bytes())
        .unwrap();
    read_answer(&mut older);
    std::thread::sleep(Duration::from_millis(100));
    let mut newer = connect(addr);
    newer
        .write_all(get_request(addr, "/healthz", false).as_bytes())
        .unwrap();
    read_answer(&mut newer);
    std::thread::sleep(Duration::from_millis(100));

    let answer = healthz(addr).expect("a new client is answered");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    // The longest-idle connection was closed; the other still answers.
    let mut rest = Vec::new();
    assert_eq!(older.read_to_end(&mut rest).unwrap(), 0);
    newer
        .write_all(get_request(addr, "/healthz", false).as_bytes())
        .unwrap();
    assert!(read_answer(&mut newer).starts_with("HTTP/1.1 200 OK\r\n"));
    server.stop();
}

/// Probe 148 (`wrk -c400`, more busy keep-alive clients than places): a
/// new client whose request is not read yet keeps its place while a
/// keep-alive client that was useful more recently is closed instead.
#[test]
fn a_new_client_is_not_pushed_out_before_its_request_is_read() {
    let (addr, server) = RunningServer::start(Config {
        max_connections: 2,
        header_timeout: Duration::from_secs(60),
        ..Config::default()
    });
    let mut busy: Vec<TcpStream> = (0..2).map(|_| connect(addr)).collect();
    for b in &mut busy {
        b.write_all(get_request(addr, "/healthz", false).as_bytes())
            .unwrap();
        read_answer(b);
    }
    // A new client connects, and is slow to ask: the longest-idle busy
    // client gives way to it.
    let mut new = connect(addr);
    let mut rest = Vec::new();
    assert_eq!(busy[0].read_to_end(&mut rest).unwrap(), 0);
    // The other busy client is useful again, after the new one came.
    busy[1]
        .write_all(get_request(addr, "/healthz", false).as_bytes())
        .unwrap();
    read_answer(&mut busy[1]);
    // Another client comes: the busy one gives way, not the new one.
    let answer = healthz(addr).expect("another client is answered");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    new.write_all(get_request(addr, "/healthz", true).as_bytes())
        .unwrap();
    let mut answer = String::new();
    new.read_to_string(&mut answer)
        .expect("the new client keeps its place");
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    drop(busy);
    server.stop();
}

/// Probe 146: connections that pipeline requests and never read take every
/// place (their stall time far away); a new client is still answered.
#[test]
fn non_reading_clients_do_not_keep_new_ones_out() {
    let (addr, server) = RunningServer::start(Config {
        max_connections: 3,
        stall_timeout: Duration::from_secs(60),
        max_pipelined: 1_000_000,
        ..Config::default()
    });
    let requests = get_request(addr, "/assets/app.js", false).repeat(1000);
    let held: Vec<TcpStream> = (0..3)
        .map(|_| pipeline_without_reading(addr, requests.clone()))
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..3 {
        let answer = healthz(addr).expect("a new client is answered");
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    }
    drop(held);
    server.stop();
}

/// Making room never cuts a request that is being answered: with the one
/// place taken by an upload in progress, a new client waits for it.
#[test]
fn a_request_being_answered_keeps_its_place() {
    let (addr, server) = RunningServer::start(Config {
        max_connections: 1,
        ..Config::default()
    });
    let body = "Error code: 0xCAA70004\n";
    let mut upload = connect(addr);
    write!(
        upload,
        "POST /api/v1/diagnose HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        body.len(),
    )
    .unwrap();
    // `100 Continue` comes when the handler starts reading the body: from
    // then on the request is being answered.
    let mut interim = Vec::new();
    let mut byte = [0u8; 1];
    while !interim.ends_with(b"\r\n\r\n") {
        assert_eq!(
            upload.read(&mut byte).unwrap(),
            1,
            "closed before 100 Continue"
        );
        interim.push(byte[0]);
    }
    assert!(interim.starts_with(b"HTTP/1.1 100 Continue\r\n"));
    upload.write_all(&body.as_bytes()[..6]).unwrap();
    let mut waiting = connect(addr);
    waiting
        .write_all(get_request(addr, "/healthz", true).as_bytes())
        .unwrap();
    waiting
        .set_read_timeout(Some(Duration::from_millis(700)))
        .unwrap();
    assert!(
        waiting.read(&mut byte).is_err(),
        "answered while the only place was answering an upload"
    );
    upload.write_all(&body.as_bytes()[6..]).unwrap();
    let mut answer = String::new();
    upload.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.contains("0xCAA70004"), "{answer}");
    waiting.set_read_timeout(Some(WAIT)).unwrap();
    let mut answer = String::new();
    waiting.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    server.stop();
}

/// A body that stops arriving gets 408 after the stall time, long before
/// the request's time limit (it was held until `--timeout`).
#[tokio::test]
async fn a_body_that_stops_arriving_gets_408_after_the_stall_time() {
    let stalled = || {
        let first = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(
            b"Error code: ",
        ))]);
        Body::from_stream(futures_util::StreamExt::chain(
            first,
            futures_util::stream::pending(),
        ))
    };
    let config = |c: &mut Config| {
        c.timeout = Duration::from_secs(3600);
        c.stall_timeout = Duration::from_millis(100);
    };
    let answer = send(
        app_of(state_with(config)),
        post("/api/v1/diagnose", "text/plain", stalled()),
    );
    let en = tokio::time::timeout(WAIT, answer)
        .await
        .expect("still waiting for the body after the stall time")
        .error(StatusCode::REQUEST_TIMEOUT, "request-timeout");
    assert!(
        en.contains("stopped arriving") && en.contains("0.1 seconds"),
        "{en}"
    );
    let ja = send(
        app_of(state_with(config)),
        post("/api/v1/diagnose?lang=ja", "text/plain", stalled()),
    )
    .await
    .error(StatusCode::REQUEST_TIMEOUT, "request-timeout");
    assert!(has_japanese(&ja) && ja.contains("0.1"), "{ja}");
    // A body that keeps coming is read whole, whatever its pace.
    let paced = Body::from_stream(futures_util::stream::unfold(0, |n| async move {
        (n < 5).then(|| {
            (
                Ok::<_, std::io::Error>(Bytes::from(format!("line {n} Error code: 0xCAA70004\n"))),
                n + 1,
            )
        })
    }));
    let a = send(
        app_of(state_with(config)),
        post("/api/v1/diagnose", "text/plain", paced),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
}

/// Probe 103: a 65 KB explain URL of 5,900 codes answered 12.7 MB. Past
/// `MAX_EXPLAIN_CODES` codes the request is refused, before any decoding.
#[tokio::test]
async fn explain_names_a_bounded_number_of_codes() {
    use crate::guard::MAX_EXPLAIN_CODES;
    let codes = |n: usize| {
        (0..n)
            .map(|i| format!("0x8007{:04X}", i + 1))
            .collect::<Vec<_>>()
            .join(",")
    };
    let a = send(
        app(),
        get(&format!("/api/v1/explain/{}", codes(MAX_EXPLAIN_CODES))),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    assert_eq!(
        a.json()["results"].as_array().unwrap().len(),
        MAX_EXPLAIN_CODES
    );

    let over = format!("/api/v1/explain/{}", codes(MAX_EXPLAIN_CODES + 1));
    let en = send(app(), get(&over))
        .await
        .error(StatusCode::BAD_REQUEST, "too-many-codes");
    assert!(
        en.contains(&(MAX_EXPLAIN_CODES + 1).to_string()) && en.contains("32"),
        "{en}"
    );
    let ja = send(app(), get(&format!("{over}?lang=ja")))
        .await
        .error(StatusCode::BAD_REQUEST, "too-many-codes");
    assert!(has_japanese(&ja), "{ja}");

    let a = send(app(), get(&format!("/api/v1/explain/{}", codes(5900)))).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.body.len() < 1024, "{} bytes", a.body.len());
    // Words that are not codes do not count, and a non-code is still not-a-code.
    let labelled = format!("/api/v1/explain/error%20code%20{}", codes(3));
    assert_eq!(send(app(), get(&labelled)).await.status, StatusCode::OK);
    send(app(), get("/api/v1/explain/hello"))
        .await
        .error(StatusCode::BAD_REQUEST, "not-a-code");
}
