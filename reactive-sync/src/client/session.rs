//! The client's background task: connect, handshake, catch up both ways, then stream; on any
//! drop, back off and resume.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use loro::{ExportMode, LoroDoc, VersionVector};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{Connection, Control, Delivery, Inner, NoVerdict, PeerPresence};
use crate::optimistic::{Command, CommandId, CommandResult};
use crate::protocol::{CommandOutcome, ErrorCode, Frame};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;
type Reply = oneshot::Sender<Result<CommandOutcome, NoVerdict>>;

/// How a session ended.
enum End {
    /// The connection dropped or the server asked for a resync: reconnect.
    Retry,
    /// The server refused for good.
    Fatal(ErrorCode, String),
    /// The application asked to go offline.
    Offline,
    /// The client is shutting down.
    Shutdown,
}

/// What survives from one session to the next.
struct Carry {
    presence: Vec<u8>,
    next_id: u64,
    /// Commands of the optimistic layer not yet answered, in the order sent: each session
    /// sends them again after its welcome (the server answers a command it ran with its first
    /// answer).
    commands: BTreeMap<CommandId, Command>,
    /// What the application has not been given yet (see `Delivering`).
    held: Delivery,
}

impl Carry {
    fn track(&mut self, command: Command) {
        self.commands.insert(command.id, command);
    }
}

/// Gives the application what the server sent, in order, and holds it back while commands
/// sent again after a welcome are unanswered: the welcome's updates may hold the effects of
/// commands that ran before the connection dropped, and showing those effects while the
/// commands are still pending would show them twice. Their answers come right after.
struct Delivering {
    waiting: BTreeSet<CommandId>,
}

impl Delivering {
    fn push(
        &mut self,
        inner: &Inner,
        carry: &mut Carry,
        updates: Option<Vec<u8>>,
        answer: Option<(CommandId, CommandResult)>,
    ) {
        let Some(deliveries) = &inner.deliveries else {
            return;
        };
        carry.held.updates.extend(updates);
        if let Some((id, result)) = answer {
            self.waiting.remove(&id);
            carry.held.answers.push((id, result));
        }
        if self.waiting.is_empty() && !carry.held.is_empty() {
            let _ = deliveries.send(std::mem::take(&mut carry.held));
        }
    }
}

pub(super) async fn run(inner: Arc<Inner>, mut control: mpsc::UnboundedReceiver<Control>) {
    let mut carry = Carry {
        presence: Vec::new(),
        next_id: 1,
        commands: BTreeMap::new(),
        held: Delivery::default(),
    };
    let mut backoff = inner.config.reconnect_min;
    let mut online = true;
    loop {
        if !online {
            inner.update_status(|s| s.connection = Connection::Offline);
            inner.bump_changes();
            // Local updates need no keeping: the resume sends what the server's vv lacks.
            loop {
                match control.recv().await {
                    None | Some(Control::Shutdown) => return,
                    Some(Control::SetOnline(true)) => break,
                    Some(Control::Presence(state)) => carry.presence = state,
                    Some(Control::Command { reply, .. }) => {
                        let _ = reply.send(Err(NoVerdict::Disconnected));
                    }
                    Some(Control::Optimistic(command)) => carry.track(command),
                    Some(_) => {}
                }
            }
            online = true;
        }
        inner.update_status(|s| s.connection = Connection::Connecting);
        let end = match connect(&inner).await {
            Ok(ws) => session(&inner, ws, &mut control, &mut carry, &mut backoff).await,
            Err(()) => End::Retry,
        };
        inner
            .presence
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        inner.bump_changes();
        match end {
            End::Shutdown => return,
            End::Offline => online = false,
            End::Fatal(code, message) => {
                inner.update_status(|s| s.connection = Connection::Failed { code, message });
                // Stay until shut down; commands and edits get no connection.
                while let Some(c) = control.recv().await {
                    match c {
                        Control::Shutdown => return,
                        Control::Command { reply, .. } => {
                            let _ = reply.send(Err(NoVerdict::Disconnected));
                        }
                        _ => {}
                    }
                }
                return;
            }
            End::Retry => {
                // Wait, but keep serving controls (go offline, shut down) meanwhile.
                let sleep = tokio::time::sleep(backoff);
                tokio::pin!(sleep);
                backoff = (backoff * 2).min(inner.config.reconnect_max);
                loop {
                    tokio::select! {
                        _ = &mut sleep => break,
                        c = control.recv() => match c {
                            None | Some(Control::Shutdown) => return,
                            Some(Control::SetOnline(false)) => { online = false; break; }
                            Some(Control::Presence(state)) => carry.presence = state,
                            Some(Control::Command { reply, .. }) => {
                                let _ = reply.send(Err(NoVerdict::Disconnected));
                            }
                            Some(Control::Optimistic(command)) => carry.track(command),
                            Some(_) => {}
                        }
                    }
                }
            }
        }
    }
}

async fn connect(inner: &Inner) -> Result<Ws, ()> {
    let limit = inner.config.max_message_bytes;
    let config = WebSocketConfig::default()
        .max_message_size(Some(limit))
        .max_frame_size(Some(limit));
    let connect =
        tokio_tungstenite::connect_async_with_config(&inner.config.url, Some(config), true);
    match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Ok(Ok((ws, _))) => Ok(ws),
        _ => Err(()),
    }
}

async fn send(inner: &Inner, ws: &mut Ws, frame: &Frame) -> Result<(), End> {
    let bytes = frame.encode();
    let len = bytes.len() as u64;
    let sent = tokio::time::timeout(Duration::from_secs(10), ws.send(Message::binary(bytes))).await;
    match sent {
        Ok(Ok(())) => {
            inner.update_status(|s| {
                s.bytes_sent += len;
                if matches!(frame, Frame::Update { .. }) {
                    s.updates_sent += 1;
                }
            });
            Ok(())
        }
        _ => Err(End::Retry),
    }
}

/// Reads the next frame; `Err` ends the session.
async fn receive(inner: &Inner, ws: &mut Ws) -> Result<Frame, End> {
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(bytes))) => {
                inner.update_status(|s| s.bytes_received += bytes.len() as u64);
                let frame = Frame::decode(&bytes, inner.config.max_message_bytes)
                    .map_err(|_| End::Retry)?;
                if let Frame::Error { code, message } = frame {
                    return Err(if code.is_fatal() {
                        End::Fatal(code, message)
                    } else {
                        End::Retry
                    });
                }
                return Ok(frame);
            }
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
            _ => return Err(End::Retry),
        }
    }
}

/// The frame that sends an optimistic command.
fn command_frame(command: &Command) -> Frame {
    Frame::Command {
        client: command.id.client,
        id: command.id.seq,
        name: command.name.clone(),
        args: command.args.clone(),
    }
}

/// The end of the updates the blob carries, if it decodes.
fn end_of(bytes: &[u8]) -> Option<VersionVector> {
    LoroDoc::decode_import_blob_meta(bytes, false)
        .ok()
        .map(|m| m.partial_end_vv)
}

async fn session(
    inner: &Arc<Inner>,
    mut ws: Ws,
    control: &mut mpsc::UnboundedReceiver<Control>,
    carry: &mut Carry,
    backoff: &mut Duration,
) -> End {
    let mut replies: HashMap<CommandId, Reply> = HashMap::new();
    let end = stream(inner, &mut ws, control, carry, backoff, &mut replies).await;
    for (_, reply) in replies {
        let _ = reply.send(Err(NoVerdict::Disconnected));
    }
    let _ = tokio::time::timeout(Duration::from_secs(1), ws.close(None)).await;
    end
}

async fn stream(
    inner: &Arc<Inner>,
    ws: &mut Ws,
    control: &mut mpsc::UnboundedReceiver<Control>,
    carry: &mut Carry,
    backoff: &mut Duration,
    replies: &mut HashMap<CommandId, Reply>,
) -> End {
    let doc = &inner.doc;
    let hello = Frame::Hello {
        token: inner.config.token.clone(),
        document: inner.config.document.clone(),
        version_vector: doc.oplog_vv().encode(),
    };
    if let Err(end) = send(inner, ws, &hello).await {
        return end;
    }
    let welcome = match tokio::time::timeout(Duration::from_secs(10), receive(inner, ws)).await {
        Ok(Ok(frame)) => frame,
        Ok(Err(end)) => return end,
        Err(_) => return End::Retry,
    };
    let Frame::Welcome {
        session,
        principal,
        can_write,
        version_vector,
        updates,
    } = welcome
    else {
        return End::Retry;
    };
    let Ok(server_vv) = VersionVector::decode(&version_vector) else {
        return End::Retry;
    };
    // Commands still unanswered go again, right after the catch-up below; until they are
    // answered, the application is given nothing (see `Delivering`).
    let mut delivering = Delivering {
        waiting: carry.commands.keys().copied().collect(),
    };
    if !updates.is_empty() {
        if doc.import(&updates).is_err() {
            return End::Retry;
        }
        inner.update_status(|s| s.updates_received += 1);
        inner.bump_changes();
        delivering.push(inner, carry, Some(updates), None);
    }
    *backoff = inner.config.reconnect_min;
    // Everything the server has is stored; what we sent covers the rest.
    let mut sent = server_vv.clone();
    inner.update_status(|s| {
        s.acknowledged = server_vv.clone();
        s.sessions += 1;
        s.connection = Connection::Online {
            session,
            principal,
            can_write,
        };
    });
    inner.bump_changes();
    // The resume: only what the server lacks (nothing it acknowledged before).
    if can_write && !server_vv.includes_vv(&doc.oplog_vv()) {
        let Ok(missing) = doc.export(ExportMode::updates(&server_vv)) else {
            return End::Retry;
        };
        let id = carry.next_id;
        carry.next_id += 1;
        if let Err(end) = send(inner, ws, &Frame::Update { id, bytes: missing }).await {
            return end;
        }
        sent = doc.oplog_vv();
    }
    for command in carry.commands.values() {
        if let Err(end) = send(inner, ws, &command_frame(command)).await {
            return end;
        }
    }
    if !carry.presence.is_empty() {
        let frame = Frame::Presence {
            session,
            principal: String::new(),
            state: carry.presence.clone(),
        };
        if let Err(end) = send(inner, ws, &frame).await {
            return end;
        }
    }
    loop {
        tokio::select! {
            c = control.recv() => {
                let frame = match c {
                    None | Some(Control::Shutdown) => return End::Shutdown,
                    Some(Control::SetOnline(false)) => return End::Offline,
                    Some(Control::SetOnline(true)) => continue,
                    Some(Control::Reconnect) => return End::Retry,
                    Some(Control::LocalUpdate(bytes)) => {
                        // Already covered by the resume's catch-up (or not ours to send)?
                        match end_of(&bytes) {
                            Some(end) if sent.includes_vv(&end) => continue,
                            Some(end) => sent.merge(&end),
                            None => {}
                        }
                        if !can_write {
                            continue;
                        }
                        let id = carry.next_id;
                        carry.next_id += 1;
                        Frame::Update { id, bytes }
                    }
                    Some(Control::Presence(state)) => {
                        carry.presence = state.clone();
                        Frame::Presence { session, principal: String::new(), state }
                    }
                    Some(Control::Command { name, args, reply }) => {
                        let id = CommandId { client: inner.plain_client, seq: carry.next_id };
                        carry.next_id += 1;
                        replies.insert(id, reply);
                        Frame::Command { client: id.client, id: id.seq, name, args }
                    }
                    Some(Control::Optimistic(command)) => {
                        let frame = command_frame(&command);
                        carry.track(command);
                        frame
                    }
                };
                if let Err(end) = send(inner, ws, &frame).await {
                    return end;
                }
            }
            frame = receive(inner, ws) => {
                match frame {
                    Err(end) => return end,
                    Ok(Frame::Update { bytes, .. }) => {
                        if doc.import(&bytes).is_err() {
                            return End::Retry;
                        }
                        inner.update_status(|s| s.updates_received += 1);
                        inner.bump_changes();
                        delivering.push(inner, carry, Some(bytes), None);
                    }
                    Ok(Frame::Ack { version_vector, .. }) => {
                        if let Ok(vv) = VersionVector::decode(&version_vector) {
                            inner.update_status(|s| s.acknowledged = vv);
                        }
                    }
                    Ok(Frame::Presence { session: peer, principal, state }) => {
                        let mut presence = inner.presence.lock().unwrap_or_else(|p| p.into_inner());
                        if state.is_empty() {
                            presence.remove(&peer);
                        } else {
                            presence.insert(peer, PeerPresence { principal, state });
                        }
                        drop(presence);
                        inner.bump_changes();
                    }
                    Ok(Frame::CommandResult { client, id, outcome, updates }) => {
                        // The command's effect comes with its verdict (for this client only).
                        if !updates.is_empty() {
                            if doc.import(&updates).is_err() {
                                return End::Retry;
                            }
                            inner.update_status(|s| s.updates_received += 1);
                            inner.bump_changes();
                        }
                        let id = CommandId { client, seq: id };
                        let updates = (!updates.is_empty()).then_some(updates);
                        if let Some(reply) = replies.remove(&id) {
                            let _ = reply.send(Ok(outcome));
                            delivering.push(inner, carry, updates, None);
                        } else if carry.commands.remove(&id).is_some() {
                            delivering.push(inner, carry, updates, Some((id, outcome.into())));
                        } else {
                            delivering.push(inner, carry, updates, None);
                        }
                    }
                    Ok(_) => return End::Retry,
                }
            }
        }
    }
}
