//! The server over real sockets: what it serves, what it refuses, and commands reaching the
//! app's thread only through `pump`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use reactive_core::Signal;
use reactive_devtools::{DevtoolsOptions, Message, wire_id};
use reactive_store::Store;

/// Sends `request` (CRLF line ends are added) and returns the status line and the body.
fn http(addr: SocketAddr, request: &str) -> (String, String) {
    let mut conn = TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    conn.write_all(request.replace('\n', "\r\n").as_bytes())
        .unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (
        head.lines().next().unwrap_or_default().to_string(),
        body.to_string(),
    )
}

fn post_command(addr: SocketAddr, json: &str) -> String {
    let request = format!(
        "POST /command HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/json\nContent-Length: {}\n\n{json}",
        json.len()
    );
    http(addr, &request).0
}

#[test]
fn the_page_and_its_files_are_served_from_the_binary() {
    let devtools = DevtoolsOptions::new().serve("127.0.0.1:0").unwrap();
    let addr = devtools.addr();
    let (status, body) = http(addr, "GET / HTTP/1.1\nHost: localhost\n\n");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("<script src=\"devtools.js\">"));
    let (status, body) = http(addr, "GET /devtools.js HTTP/1.1\nHost: 127.0.0.1\n\n");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(body.contains("EventSource"));
    let (status, _) = http(addr, "GET /nothing HTTP/1.1\nHost: 127.0.0.1\n\n");
    assert_eq!(status, "HTTP/1.1 404 Not Found");
}

#[test]
fn requests_for_another_host_or_without_a_json_type_or_malformed_are_refused() {
    let devtools = DevtoolsOptions::new().serve("127.0.0.1:0").unwrap();
    let addr = devtools.addr();
    let (status, _) = http(addr, "GET / HTTP/1.1\nHost: evil.example\n\n");
    assert_eq!(status, "HTTP/1.1 403 Forbidden");
    let (status, _) = http(
        addr,
        "POST /command HTTP/1.1\nHost: 127.0.0.1\nContent-Type: text/plain\nContent-Length: 2\n\n{}",
    );
    assert_eq!(status, "HTTP/1.1 415 Unsupported Media Type");
    assert_eq!(
        post_command(addr, r#"{"type":"format_disk"}"#),
        "HTTP/1.1 400 Bad Request"
    );
    let (status, _) = http(addr, "NONSENSE\n\n");
    assert_eq!(status, "HTTP/1.1 400 Bad Request");
}

#[test]
fn a_jump_command_changes_the_store_only_when_the_app_pumps() {
    let devtools = DevtoolsOptions::new().serve("127.0.0.1:0").unwrap();
    let store = Store::new(0);
    devtools.attach_store("counter", store).unwrap();
    store.update(|n| *n = 5).unwrap();
    let status = post_command(
        devtools.addr(),
        r#"{"type":"jump","store":"counter","step":0}"#,
    );
    assert_eq!(status, "HTTP/1.1 202 Accepted");
    assert_eq!(
        *store.snapshot_untracked(),
        5,
        "nothing happens off the app's thread"
    );
    assert_eq!(devtools.pump(), 1);
    assert_eq!(*store.snapshot_untracked(), 0);
}

#[test]
fn a_stream_starts_with_the_session_so_far_then_goes_live() {
    let devtools = DevtoolsOptions::new()
        .app_name("stream test")
        .graph_interval(Duration::ZERO)
        .serve("127.0.0.1:0")
        .unwrap();
    let count = Signal::new(1).named("count");
    devtools.inspect(count.id(), count);
    devtools.pump();

    let mut conn = TcpStream::connect(devtools.addr()).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    conn.write_all(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut lines = BufReader::new(conn).lines();
    let mut next_message = || -> Message {
        loop {
            let line = lines.next().expect("the stream stays open").unwrap();
            if let Some(json) = line.strip_prefix("data: ") {
                return serde_json::from_str(json).unwrap();
            }
        }
    };
    assert_eq!(
        next_message(),
        Message::Hello {
            app: "stream test".into(),
            version: reactive_devtools::PROTOCOL_VERSION
        }
    );
    // Live: a write after the page connected arrives as it happens.
    count.set(2);
    devtools.pump();
    let id = wire_id(count.id());
    loop {
        if let Message::Value { id: got, value } = next_message()
            && got == id
            && value.as_deref() == Some("2")
        {
            break;
        }
    }
}
