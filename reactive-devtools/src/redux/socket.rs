//! A small SocketCluster client (the protocol Redux DevTools servers speak, version 2) over a
//! blocking WebSocket: the handshake, `login`, channel subscriptions, transmitting to a
//! channel, pings, and the messages published to us.
//!
//! Packets are JSON text frames: a call is `{"event", "data", "cid"}` and its answer
//! `{"rid", "data"}` (or `{"rid", "error"}`); a transmit has no `cid`; what is published to a
//! subscribed channel arrives as `{"event": "#publish", "data": {"channel", "data"}}`. The
//! server pings with an empty frame and expects one back. A frame may also hold an array of
//! packets (batching).

use std::io::ErrorKind;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message as Frame, WebSocket};

use super::ReduxError;
use super::lifted::{MonitorCommand, monitor_command};

/// How long the connection steps (TCP, WebSocket, handshake, login) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the connection thread waits for a frame before it sends what the app queued.
const POLL: Duration = Duration::from_millis(20);

/// A connected, logged-in client, before its thread takes it.
pub(crate) struct Client {
    ws: WebSocket<TcpStream>,
    next_cid: u64,
    /// The socket id the server gave us.
    pub id: String,
    /// Messages published to us while we waited for an answer.
    early: Vec<Value>,
}

fn protocol(message: impl Into<String>) -> ReduxError {
    ReduxError::Protocol(message.into())
}

fn is_timeout(e: &tungstenite::Error) -> bool {
    matches!(e, tungstenite::Error::Io(io) if matches!(io.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut))
}

/// The packets of a text frame (one, or a batch).
fn packets(text: &str) -> Vec<Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(batch)) => batch,
        Ok(packet @ Value::Object(_)) => vec![packet],
        _ => Vec::new(),
    }
}

impl Client {
    /// Connects to the server at `addr` (`host:port`), shakes hands, logs in as an app (the
    /// server answers with the channel the monitors send to) and subscribes to that channel
    /// and to the one addressed to this socket alone (`sc-<id>`).
    pub fn connect(addr: &str) -> Result<Client, ReduxError> {
        let connect_error = |source| ReduxError::Connect {
            addr: addr.into(),
            source,
        };
        let mut last = std::io::Error::new(ErrorKind::NotFound, "the address resolved to nothing");
        let mut stream = None;
        for candidate in addr.to_socket_addrs().map_err(connect_error)? {
            match TcpStream::connect_timeout(&candidate, CONNECT_TIMEOUT) {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) => last = e,
            }
        }
        let stream = stream.ok_or_else(|| connect_error(last))?;
        stream
            .set_read_timeout(Some(CONNECT_TIMEOUT))
            .map_err(connect_error)?;
        stream.set_nodelay(true).map_err(connect_error)?;
        let url = format!("ws://{addr}/socketcluster/");
        let (ws, _) = tungstenite::client(url.as_str(), stream)
            .map_err(|e| protocol(format!("the WebSocket upgrade failed: {e}")))?;
        let mut client = Client {
            ws,
            next_cid: 0,
            id: String::new(),
            early: Vec::new(),
        };
        let hello = client.call("#handshake", json!({ "authToken": null }))?;
        client.id = hello
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| protocol(format!("the handshake answer has no socket id: {hello}")))?
            .to_string();
        let channel = client.call("login", json!("master"))?;
        let channel = channel
            .as_str()
            .ok_or_else(|| protocol(format!("login answered {channel}, not a channel name")))?
            .to_string();
        client.call("#subscribe", json!({ "channel": channel }))?;
        let own = format!("sc-{}", client.id);
        client.call("#subscribe", json!({ "channel": own }))?;
        Ok(client)
    }

    fn send(&mut self, packet: &Value) -> Result<(), tungstenite::Error> {
        self.ws.send(Frame::text(packet.to_string()))
    }

    /// Sends a call and waits for its answer (answering pings, keeping what is published).
    fn call(&mut self, event: &str, data: Value) -> Result<Value, ReduxError> {
        self.next_cid += 1;
        let cid = self.next_cid;
        self.send(&json!({ "event": event, "data": data, "cid": cid }))
            .map_err(|e| protocol(format!("sending {event}: {e}")))?;
        let deadline = Instant::now() + CONNECT_TIMEOUT;
        while Instant::now() < deadline {
            let frame = match self.ws.read() {
                Ok(frame) => frame,
                Err(e) if is_timeout(&e) => break,
                Err(e) => return Err(protocol(format!("waiting for the answer to {event}: {e}"))),
            };
            let Frame::Text(text) = frame else { continue };
            if self
                .answer_ping(&text)
                .map_err(|e| protocol(e.to_string()))?
            {
                continue;
            }
            for packet in packets(&text) {
                if packet.get("rid").and_then(Value::as_u64) == Some(cid) {
                    if let Some(error) = packet.get("error") {
                        return Err(ReduxError::Refused(format!("{event}: {error}")));
                    }
                    return Ok(packet.get("data").cloned().unwrap_or(Value::Null));
                }
                if let Some(message) = published(&packet) {
                    self.early.push(message);
                }
            }
        }
        Err(protocol(format!(
            "no answer to {event} within {CONNECT_TIMEOUT:?}"
        )))
    }

    /// Answers a ping (protocol 2: an empty frame; protocol 1: `#1`); true if it was one.
    fn answer_ping(&mut self, text: &str) -> Result<bool, tungstenite::Error> {
        let pong = match text {
            "" => "",
            "#1" => "#2",
            _ => return Ok(false),
        };
        self.ws.send(Frame::text(pong))?;
        Ok(true)
    }

    /// The connection's thread: sends what the app queued (each a message transmitted on the
    /// `log` channel, which the server relays to the monitors) and hands the monitors' commands
    /// to the app, until `stop` is set or the connection ends.
    pub fn run(mut self, link: Link) {
        let Link {
            outgoing,
            commands,
            stop,
            connected,
            ignored,
            instance_id,
        } = link;
        let end = |connected: &AtomicBool| connected.store(false, Ordering::Release);
        if self.ws.get_ref().set_read_timeout(Some(POLL)).is_err() {
            return end(&connected);
        }
        // A command the app has no room for (it stopped pumping) is counted as ignored.
        let hand_over = |message: Value| {
            let taken = monitor_command(&message, &instance_id)
                .is_some_and(|command| commands.try_send(command).is_ok());
            if !taken {
                ignored.fetch_add(1, Ordering::Relaxed);
            }
        };
        for message in std::mem::take(&mut self.early) {
            hand_over(message);
        }
        while !stop.load(Ordering::Acquire) {
            let mut failed = false;
            while let Ok(message) = outgoing.try_recv() {
                let packet = json!({ "event": "log", "data": message });
                if self.ws.write(Frame::text(packet.to_string())).is_err() {
                    failed = true;
                    break;
                }
            }
            if failed || self.ws.flush().is_err() {
                break;
            }
            let text = match self.ws.read() {
                Ok(Frame::Text(text)) => text,
                Ok(Frame::Close(_)) => break,
                Ok(_) => continue,
                Err(e) if is_timeout(&e) => continue,
                Err(_) => break,
            };
            match self.answer_ping(&text) {
                Ok(true) => continue,
                Ok(false) => {}
                Err(_) => break,
            }
            for packet in packets(&text) {
                if let Some(message) = published(&packet) {
                    hand_over(message);
                }
            }
        }
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
        end(&connected);
    }
}

/// What the connection's thread shares with the app's.
pub(crate) struct Link {
    /// Messages for the monitors, queued by the app (bounded: the app never waits).
    pub outgoing: Receiver<Value>,
    /// The monitors' commands, for the app's next pump.
    pub commands: SyncSender<MonitorCommand>,
    /// Set by the app to end the connection.
    pub stop: Arc<AtomicBool>,
    /// Cleared by the thread when the connection ends.
    pub connected: Arc<AtomicBool>,
    /// Messages from monitors we did not act on.
    pub ignored: Arc<AtomicU64>,
    /// Our instance id: commands addressed to other instances are ignored.
    pub instance_id: String,
}

/// The message inside a `#publish` packet.
fn published(packet: &Value) -> Option<Value> {
    if packet.get("event")?.as_str()? != "#publish" {
        return None;
    }
    packet.get("data")?.get("data").cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_holds_one_packet_or_a_batch_and_anything_else_holds_none() {
        assert_eq!(packets(r#"{"rid":1}"#).len(), 1);
        assert_eq!(packets(r#"[{"rid":1},{"rid":2}]"#).len(), 2);
        assert!(packets("not json").is_empty());
        assert!(packets("42").is_empty());
    }

    #[test]
    fn only_publish_packets_carry_a_message_for_the_app() {
        let publish =
            json!({"event": "#publish", "data": {"channel": "respond", "data": {"type": "START"}}});
        assert_eq!(published(&publish), Some(json!({"type": "START"})));
        assert_eq!(
            published(&json!({"event": "#setAuthToken", "data": {}})),
            None
        );
        assert_eq!(published(&json!({"rid": 3, "data": "respond"})), None);
    }
}
