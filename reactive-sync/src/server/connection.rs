//! One client connection: the handshake, then a loop that reads frames (rate-limited), writes
//! the room's fan-out from the connection's bounded queue, and stops on a kick, an error or
//! the server's shutdown. Every way out that is the client's fault sends a typed error frame
//! first.

use std::sync::Arc;
use std::time::Instant;

use futures_util::{SinkExt, StreamExt};
use loro::VersionVector;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message, error::CapacityError};

use super::room::{ApplyError, CommandCall, Subscriber};
use super::{Action, Shared};
use crate::protocol::{ErrorCode, Frame};

type Ws = WebSocketStream<TcpStream>;

/// Why the connection ends: the error frame to send (none for a clean close).
struct Close(Option<(ErrorCode, String)>);

impl Close {
    fn with(code: ErrorCode, message: impl Into<String>) -> Close {
        Close(Some((code, message.into())))
    }
}

/// A token bucket: `burst` messages at once, refilled at `per_second`.
struct RateLimit {
    tokens: f64,
    burst: f64,
    per_second: f64,
    last: Instant,
}

impl RateLimit {
    fn allow(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

pub(crate) async fn serve_connection(stream: TcpStream, shared: Arc<Shared>) {
    let limits = &shared.config.limits;
    let ws_config = WebSocketConfig::default()
        .max_message_size(Some(limits.max_message_bytes))
        .max_frame_size(Some(limits.max_message_bytes));
    let accept = tokio_tungstenite::accept_async_with_config(stream, Some(ws_config));
    let Ok(Ok(mut ws)) = tokio::time::timeout(shared.config.handshake_timeout, accept).await else {
        return;
    };
    let close = run(&mut ws, &shared).await;
    if let Close(Some((code, message))) = close {
        let frame = Frame::Error { code, message };
        let send = ws.send(Message::binary(frame.encode()));
        let _ = tokio::time::timeout(shared.config.write_timeout, send).await;
    }
    let _ = tokio::time::timeout(shared.config.write_timeout, ws.close(None)).await;
}

/// Reads one frame, mapping transport failures to the error to close with.
async fn next_frame(ws: &mut Ws, limit: usize) -> Result<Option<Frame>, Close> {
    loop {
        match ws.next().await {
            None | Some(Ok(Message::Close(_))) => return Ok(None),
            Some(Ok(Message::Binary(bytes))) => {
                return Frame::decode(&bytes, limit)
                    .map(Some)
                    .map_err(|e| Close::with(e.code(), e.to_string()));
            }
            Some(Ok(Message::Text(_))) => {
                return Err(Close::with(
                    ErrorCode::Malformed,
                    "text message: frames are binary",
                ));
            }
            Some(Ok(_)) => continue, // ping, pong: tungstenite answers pings itself
            Some(Err(WsError::Capacity(CapacityError::MessageTooLong { size, max_size }))) => {
                return Err(Close::with(
                    ErrorCode::TooLarge,
                    format!("message of {size} bytes exceeds the limit of {max_size}"),
                ));
            }
            Some(Err(e)) => return Err(Close::with(ErrorCode::Malformed, e.to_string())),
        }
    }
}

async fn run(ws: &mut Ws, shared: &Arc<Shared>) -> Close {
    let config = &shared.config;
    let limit = config.limits.max_message_bytes;
    let hello = match tokio::time::timeout(config.handshake_timeout, next_frame(ws, limit)).await {
        Err(_) => return Close::with(ErrorCode::Timeout, "no Hello in time"),
        Ok(Err(close)) => return close,
        Ok(Ok(None)) => return Close(None),
        Ok(Ok(Some(frame))) => frame,
    };
    let Frame::Hello {
        token,
        document,
        version_vector,
    } = hello
    else {
        return Close::with(ErrorCode::UnexpectedFrame, "the first frame must be Hello");
    };
    let principal = match shared.authenticator.authenticate(&token) {
        Ok(p) => p,
        Err(why) => return Close::with(ErrorCode::Unauthorized, why),
    };
    let access = shared.policy.access(&principal, &document);
    if !access.allows(Action::Read) {
        return Close::with(
            ErrorCode::Forbidden,
            format!("{principal} may not read {document}"),
        );
    }
    let can_write = access.allows(Action::Write);
    let Ok(client_vv) = VersionVector::decode(&version_vector) else {
        return Close::with(
            ErrorCode::Malformed,
            "Hello's version vector does not decode",
        );
    };

    let (queue, mut outgoing) = mpsc::channel(config.outgoing_queue.max(1));
    let (kick, mut kicked) = oneshot::channel();
    let subscriber = Subscriber {
        principal: principal.clone(),
        queue,
        kick: Some(kick),
    };
    let Ok((room, session, welcome, presence)) = shared.rooms.join(
        &shared.storage,
        &document,
        subscriber,
        can_write,
        &client_vv,
    ) else {
        return Close::with(ErrorCode::Internal, "the document could not be loaded");
    };

    let close = async {
        for frame in std::iter::once(welcome).chain(presence) {
            let bytes = frame.encode();
            if bytes.len() > config.limits.max_message_bytes {
                // The peer would refuse the message (and retry forever): say why instead.
                return Close::with(
                    ErrorCode::TooLarge,
                    "the initial sync is larger than the message limit",
                );
            }
            if let Err(close) = write(ws, &bytes, config.write_timeout).await {
                return close;
            }
        }
        let mut rate = RateLimit {
            tokens: config.limits.burst as f64,
            burst: config.limits.burst as f64,
            per_second: config.limits.messages_per_second as f64,
            last: Instant::now(),
        };
        let mut shutdown = shared.shutdown.subscribe();
        loop {
            // Biased: a kick or a shutdown wins over queued frames and input.
            tokio::select! {
                biased;
                code = &mut kicked => {
                    let code = code.unwrap_or(ErrorCode::Internal);
                    return Close::with(code, match code {
                        ErrorCode::ResyncRequired => "too far behind: reconnect and resync",
                        _ => "the room failed: reconnect",
                    });
                }
                _ = shutdown.changed() => return Close(None),
                incoming = next_frame(ws, limit) => {
                    let frame = match incoming {
                        Ok(Some(frame)) => frame,
                        Ok(None) => return Close(None),
                        Err(close) => return close,
                    };
                    if !rate.allow() {
                        return Close::with(ErrorCode::RateLimited, "too many messages");
                    }
                    if let Err(close) = handle(shared, &room, session, can_write, frame) {
                        return close;
                    }
                }
                Some(bytes) = outgoing.recv() => {
                    if let Err(close) = write(ws, &bytes, config.write_timeout).await {
                        return close;
                    }
                }
            }
        }
    }
    .await;
    shared
        .rooms
        .leave(&shared.storage, &document, &room, session);
    close
}

async fn write(ws: &mut Ws, bytes: &[u8], timeout: std::time::Duration) -> Result<(), Close> {
    match tokio::time::timeout(timeout, ws.send(Message::binary(bytes.to_vec()))).await {
        Ok(Ok(())) => Ok(()),
        // The peer is gone or not reading: no error frame could reach it.
        _ => Err(Close(None)),
    }
}

/// Handles one frame after the handshake, under the room's lock.
fn handle(
    shared: &Shared,
    room: &super::SharedRoom,
    session: u64,
    can_write: bool,
    frame: Frame,
) -> Result<(), Close> {
    let compact_every = shared.config.compact_every;
    let mut room = room.lock().unwrap_or_else(|p| p.into_inner());
    match frame {
        Frame::Update { id, bytes } => {
            if !can_write {
                return Err(Close::with(
                    ErrorCode::Forbidden,
                    "read-only: updates refused",
                ));
            }
            let scopes = shared.scope_policy.as_deref();
            match room.apply_update(&shared.storage, session, bytes, compact_every, scopes) {
                Ok(version_vector) => room.send_to(session, &Frame::Ack { id, version_vector }),
                Err(ApplyError::ScopeDenied(denied)) => {
                    return Err(Close::with(ErrorCode::ScopeWriteDenied, denied.to_string()));
                }
                Err(ApplyError::BadUpdate(why)) => {
                    return Err(Close::with(ErrorCode::BadUpdate, why));
                }
                Err(ApplyError::Storage(e)) => return Err(room_failed(&mut room, e)),
            }
        }
        Frame::Presence { state, .. } => {
            if state.len() > shared.config.limits.max_presence_bytes {
                return Err(Close::with(ErrorCode::TooLarge, "presence state too large"));
            }
            room.set_presence(session, state);
        }
        Frame::Command {
            client,
            id,
            name,
            args,
        } => {
            if !can_write {
                return Err(Close::with(
                    ErrorCode::Forbidden,
                    "read-only: commands refused",
                ));
            }
            let executor = shared.executor.as_deref();
            let call = CommandCall {
                client,
                id,
                name: &name,
                args: &args,
            };
            match room.run_command(&shared.storage, executor, session, call, compact_every) {
                Ok((outcome, updates)) => room.send_to(
                    session,
                    &Frame::CommandResult {
                        client,
                        id,
                        outcome,
                        updates,
                    },
                ),
                Err(ApplyError::BadUpdate(why)) => {
                    return Err(Close::with(ErrorCode::Internal, why));
                }
                // Commands are the server's own code: their writes are not scope-checked.
                Err(ApplyError::ScopeDenied(denied)) => {
                    return Err(Close::with(ErrorCode::Internal, denied.to_string()));
                }
                Err(ApplyError::Storage(e)) => return Err(room_failed(&mut room, e)),
            }
        }
        Frame::Hello { .. }
        | Frame::Welcome { .. }
        | Frame::Ack { .. }
        | Frame::CommandResult { .. }
        | Frame::Error { .. } => {
            return Err(Close::with(
                ErrorCode::UnexpectedFrame,
                "frame not expected from a client",
            ));
        }
    }
    Ok(())
}

/// SQLite failed after the room's document changed: the room is marked failed (the next join
/// reloads what was stored), and everyone in it is told to reconnect.
fn room_failed(room: &mut super::room::Room, e: super::StorageError) -> Close {
    room.failed = true;
    let sessions: Vec<u64> = room.subscribers.keys().copied().collect();
    for s in sessions {
        room.kick(s, ErrorCode::Internal);
    }
    Close::with(ErrorCode::Internal, e.to_string())
}
