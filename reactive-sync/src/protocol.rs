//! The wire protocol: versioned binary [`Frame`]s that carry Loro's own bytes (updates,
//! snapshots, version vectors) between a client and the server.
//!
//! Every frame is one WebSocket binary message laid out as
//!
//! ```text
//! magic "RS" (2 bytes) · protocol version (1 byte) · frame type (1 byte) · body length (u32 LE) · body
//! ```
//!
//! and the body is a fixed sequence of fields per frame type: `u8`, `u64` (little-endian) and
//! byte strings (a `u32` LE length, then the bytes; text is UTF-8). [`Frame::decode`] checks all
//! of it and returns a [`ProtocolError`] for anything it cannot trust: wrong magic, an unknown
//! version or frame type, a body longer than the caller's limit, a field running past the end,
//! trailing bytes, invalid UTF-8, an unknown error code. It never panics on any input (the
//! `protocol_fuzz` tests feed it random and mutated frames).
//!
//! A session:
//!
//! ```text
//! client                                   server
//!   Hello { token, document, client vv } →
//!                                        ← Welcome { session, principal, can_write, server vv,
//!                                                    the updates the client lacks }
//!   Update { id, what the server lacks } →            (persisted to SQLite, then)
//!                                        ← Ack { id, server vv }
//!                                        ← Update { 0, another client's change }
//!   Presence { state } →                 ← Presence { session, principal, state }  (never stored)
//!   Command { client, id, name, args } → ← CommandResult { client, id, Accepted | Rejected(why),
//!                                                          the command's effect as updates }
//!                                        ← Error { code, message }, then the server closes
//! ```
//!
//! ```
//! use reactive_sync::protocol::{Frame, MAX_FRAME_BYTES};
//! let frame = Frame::Update { id: 7, bytes: vec![1, 2, 3] };
//! let wire = frame.encode();
//! assert_eq!(Frame::decode(&wire, MAX_FRAME_BYTES).unwrap(), frame);
//! assert!(Frame::decode(&wire[..wire.len() - 1], MAX_FRAME_BYTES).is_err());
//! ```

mod codec;

use codec::{Reader, Writer};

/// The two bytes every frame starts with.
pub const MAGIC: [u8; 2] = *b"RS";

/// The protocol version this build speaks. A frame of another version is refused with
/// [`ProtocolError::UnsupportedVersion`] (and the server answers [`ErrorCode::UnsupportedVersion`]).
pub const PROTOCOL_VERSION: u8 = 2;

/// The header's length: magic, version, frame type, body length.
pub const HEADER_BYTES: usize = 8;

/// The default limit on one frame's length (16 MiB): a large document's initial sync fits, a
/// hostile length prefix does not make anyone allocate gigabytes.
pub const MAX_FRAME_BYTES: usize = 16 << 20;

/// One message of the protocol. Byte fields hold Loro's own encodings: `version_vector` is
/// `VersionVector::encode()`, `updates`/`bytes` are `LoroDoc::export` output (updates or a
/// snapshot), ready for `LoroDoc::import`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frame {
    /// Client → server, first frame of a connection: who it is, which document, what it has.
    Hello {
        /// The credential the server's auth hook turns into a principal.
        token: String,
        /// The document (room) to join.
        document: String,
        /// The client's `oplog_vv()`, encoded: the server sends only what this lacks.
        version_vector: Vec<u8>,
    },
    /// Server → client, the answer to [`Frame::Hello`].
    Welcome {
        /// This connection's number in the room (presence is keyed by it).
        session: u64,
        /// The principal the token stands for.
        principal: String,
        /// Whether the principal may change the document (send updates and commands).
        can_write: bool,
        /// The server's version vector, encoded: the client sends what this lacks.
        version_vector: Vec<u8>,
        /// The updates the client lacks (empty when it lacks nothing).
        updates: Vec<u8>,
    },
    /// A change. Client → server with a fresh `id` the server acknowledges; server → client
    /// with `id` 0 (another client's change, or a command's effect).
    Update {
        /// The client's number for this update (increasing per connection), 0 from the server.
        id: u64,
        /// Loro update bytes.
        bytes: Vec<u8>,
    },
    /// Server → client: every update of this connection up to `id` is persisted.
    Ack {
        /// The highest acknowledged update id.
        id: u64,
        /// The server's version vector after persisting, encoded.
        version_vector: Vec<u8>,
    },
    /// Ephemeral state (who is online, cursor, selection): client → server with its own state
    /// (`session` and `principal` are ignored), server → clients with the sender's. An empty
    /// `state` from the server means the session left. Never persisted.
    Presence {
        /// The session the state belongs to.
        session: u64,
        /// Its principal.
        principal: String,
        /// Application-defined bytes (small JSON, say).
        state: Vec<u8>,
    },
    /// Client → server: run a named command with server authority. The server runs a command
    /// at most once per (principal, `client`, `id`): a command sent again (after a reconnect,
    /// or a restart of the client) gets its first answer again, and is not run twice.
    Command {
        /// The issuing client's identity (stable over reconnects and restarts of the client).
        client: u64,
        /// The command's number at that client; the result carries it back.
        id: u64,
        /// The command's name, as the server's executor knows it.
        name: String,
        /// Its arguments, encoded as the application likes.
        args: Vec<u8>,
    },
    /// Server → client: what became of a [`Frame::Command`]. The sender gets the command's
    /// effect here, with the verdict, so it can confirm both at once; the other clients get
    /// it as a [`Frame::Update`].
    CommandResult {
        /// The command's client, as sent.
        client: u64,
        /// The command's id, as sent.
        id: u64,
        /// Accepted, or rejected with the reason.
        outcome: CommandOutcome,
        /// The Loro updates the command made (empty if it changed nothing, or if this answers
        /// a command sent again: its effect is already in the document).
        updates: Vec<u8>,
    },
    /// Either way: something went wrong; the sender closes the connection after it.
    Error {
        /// What kind of failure, to match on.
        code: ErrorCode,
        /// A human-readable explanation.
        message: String,
    },
}

/// The server's verdict on a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandOutcome {
    /// The command ran on the server; its effects arrive as updates.
    Accepted,
    /// The command was refused; it changed nothing.
    Rejected(String),
}

/// Why a connection is being closed, carried by [`Frame::Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The frame's protocol version is not one the receiver speaks.
    UnsupportedVersion,
    /// A frame could not be decoded.
    Malformed,
    /// A message was longer than the receiver's limit.
    TooLarge,
    /// The token was refused.
    Unauthorized,
    /// The principal may not do this to this document (read it, or write it).
    Forbidden,
    /// Too many messages in too short a time.
    RateLimited,
    /// The client fell too far behind (its outgoing queue overflowed): reconnect and resync by
    /// version vectors.
    ResyncRequired,
    /// The update bytes were not a valid Loro update.
    BadUpdate,
    /// A well-formed frame at the wrong moment (a second `Hello`, a `Welcome` from a client …).
    UnexpectedFrame,
    /// No `Hello` arrived in time.
    Timeout,
    /// The server failed (storage error); nothing was acknowledged that is not stored.
    Internal,
    /// The update changes a replicated scope value the principal may not write: it was not
    /// applied, stored or broadcast. Fatal: the client's document holds the refused change,
    /// and resuming would send it again.
    ScopeWriteDenied,
}

impl ErrorCode {
    const ALL: [ErrorCode; 12] = [
        ErrorCode::UnsupportedVersion,
        ErrorCode::Malformed,
        ErrorCode::TooLarge,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::RateLimited,
        ErrorCode::ResyncRequired,
        ErrorCode::BadUpdate,
        ErrorCode::UnexpectedFrame,
        ErrorCode::Timeout,
        ErrorCode::Internal,
        ErrorCode::ScopeWriteDenied,
    ];

    /// The code's number on the wire.
    pub fn to_u16(self) -> u16 {
        match self {
            ErrorCode::UnsupportedVersion => 1,
            ErrorCode::Malformed => 2,
            ErrorCode::TooLarge => 3,
            ErrorCode::Unauthorized => 4,
            ErrorCode::Forbidden => 5,
            ErrorCode::RateLimited => 6,
            ErrorCode::ResyncRequired => 7,
            ErrorCode::BadUpdate => 8,
            ErrorCode::UnexpectedFrame => 9,
            ErrorCode::Timeout => 10,
            ErrorCode::Internal => 11,
            ErrorCode::ScopeWriteDenied => 12,
        }
    }

    /// The code with this wire number, if there is one.
    pub fn from_u16(n: u16) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.to_u16() == n)
    }

    /// Whether a client should stop trying (the same request would fail again) rather than
    /// reconnect and resume.
    pub fn is_fatal(self) -> bool {
        matches!(
            self,
            ErrorCode::UnsupportedVersion
                | ErrorCode::Unauthorized
                | ErrorCode::Forbidden
                | ErrorCode::ScopeWriteDenied
        )
    }
}

/// Why bytes are not a frame. Returned by [`Frame::decode`]; never a panic.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// Shorter than a header, or a field runs past the end of the body.
    #[error("frame truncated")]
    Truncated,
    /// The first two bytes are not [`MAGIC`].
    #[error("not a reactive-sync frame (bad magic)")]
    BadMagic,
    /// The frame speaks another protocol version.
    #[error("unsupported protocol version {0} (this build speaks {PROTOCOL_VERSION})")]
    UnsupportedVersion(u8),
    /// The frame type byte names no frame.
    #[error("unknown frame type {0}")]
    UnknownFrameType(u8),
    /// The frame (or its declared body) is longer than the limit.
    #[error("frame of {len} bytes exceeds the limit of {limit}")]
    TooLarge {
        /// The length found or declared.
        len: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The header's body length disagrees with the message's length.
    #[error("body length {declared} disagrees with the {actual} bytes received")]
    LengthMismatch {
        /// What the header says.
        declared: usize,
        /// What is there.
        actual: usize,
    },
    /// Bytes left over after the frame's last field.
    #[error("{0} trailing bytes after the frame's fields")]
    TrailingBytes(usize),
    /// A text field is not UTF-8.
    #[error("text field is not valid UTF-8")]
    InvalidUtf8,
    /// An error frame's code, a command outcome tag or a flag byte has no meaning.
    #[error("invalid value {value} for {field}")]
    InvalidValue {
        /// Which field.
        field: &'static str,
        /// The value found.
        value: u64,
    },
}

impl ProtocolError {
    /// The [`ErrorCode`] to answer this with before closing.
    pub fn code(&self) -> ErrorCode {
        match self {
            ProtocolError::UnsupportedVersion(_) => ErrorCode::UnsupportedVersion,
            ProtocolError::TooLarge { .. } => ErrorCode::TooLarge,
            _ => ErrorCode::Malformed,
        }
    }
}

mod tag {
    pub const HELLO: u8 = 1;
    pub const WELCOME: u8 = 2;
    pub const UPDATE: u8 = 3;
    pub const ACK: u8 = 4;
    pub const PRESENCE: u8 = 5;
    pub const COMMAND: u8 = 6;
    pub const COMMAND_RESULT: u8 = 7;
    pub const ERROR: u8 = 8;
}

impl Frame {
    fn tag(&self) -> u8 {
        match self {
            Frame::Hello { .. } => tag::HELLO,
            Frame::Welcome { .. } => tag::WELCOME,
            Frame::Update { .. } => tag::UPDATE,
            Frame::Ack { .. } => tag::ACK,
            Frame::Presence { .. } => tag::PRESENCE,
            Frame::Command { .. } => tag::COMMAND,
            Frame::CommandResult { .. } => tag::COMMAND_RESULT,
            Frame::Error { .. } => tag::ERROR,
        }
    }

    /// The frame's bytes on the wire.
    ///
    /// # Panics
    /// If a field or the body is longer than 4 GiB (a `u32` length cannot say it): a
    /// programming error, far past any receiver's limit.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer {
            buf: Vec::with_capacity(64),
        };
        w.buf.extend_from_slice(&MAGIC);
        w.u8(PROTOCOL_VERSION);
        w.u8(self.tag());
        w.buf.extend_from_slice(&[0; 4]);
        match self {
            Frame::Hello {
                token,
                document,
                version_vector,
            } => {
                w.str(token);
                w.str(document);
                w.bytes(version_vector);
            }
            Frame::Welcome {
                session,
                principal,
                can_write,
                version_vector,
                updates,
            } => {
                w.u64(*session);
                w.str(principal);
                w.u8(u8::from(*can_write));
                w.bytes(version_vector);
                w.bytes(updates);
            }
            Frame::Update { id, bytes } => {
                w.u64(*id);
                w.bytes(bytes);
            }
            Frame::Ack { id, version_vector } => {
                w.u64(*id);
                w.bytes(version_vector);
            }
            Frame::Presence {
                session,
                principal,
                state,
            } => {
                w.u64(*session);
                w.str(principal);
                w.bytes(state);
            }
            Frame::Command {
                client,
                id,
                name,
                args,
            } => {
                w.u64(*client);
                w.u64(*id);
                w.str(name);
                w.bytes(args);
            }
            Frame::CommandResult {
                client,
                id,
                outcome,
                updates,
            } => {
                w.u64(*client);
                w.u64(*id);
                match outcome {
                    CommandOutcome::Accepted => w.u8(0),
                    CommandOutcome::Rejected(why) => {
                        w.u8(1);
                        w.str(why);
                    }
                }
                w.bytes(updates);
            }
            Frame::Error { code, message } => {
                w.buf.extend_from_slice(&code.to_u16().to_le_bytes());
                w.str(message);
            }
        }
        let body = u32::try_from(w.buf.len() - HEADER_BYTES)
            .expect("reactive-sync: a frame body longer than 4 GiB");
        w.buf[4..8].copy_from_slice(&body.to_le_bytes());
        w.buf
    }

    /// Reads one frame from `bytes` (a whole message), refusing anything longer than `limit`
    /// bytes with [`ProtocolError::TooLarge`] before looking at the body.
    pub fn decode(bytes: &[u8], limit: usize) -> Result<Frame, ProtocolError> {
        if bytes.len() > limit {
            return Err(ProtocolError::TooLarge {
                len: bytes.len(),
                limit,
            });
        }
        if bytes.len() < HEADER_BYTES {
            return Err(ProtocolError::Truncated);
        }
        if bytes[0..2] != MAGIC {
            return Err(ProtocolError::BadMagic);
        }
        if bytes[2] != PROTOCOL_VERSION {
            return Err(ProtocolError::UnsupportedVersion(bytes[2]));
        }
        let frame_type = bytes[3];
        let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        let body = &bytes[HEADER_BYTES..];
        if declared != body.len() {
            return Err(ProtocolError::LengthMismatch {
                declared,
                actual: body.len(),
            });
        }
        let mut r = Reader::new(body);
        let frame = match frame_type {
            tag::HELLO => Frame::Hello {
                token: r.string()?,
                document: r.string()?,
                version_vector: r.bytes()?,
            },
            tag::WELCOME => Frame::Welcome {
                session: r.u64()?,
                principal: r.string()?,
                can_write: match r.u8()? {
                    0 => false,
                    1 => true,
                    v => {
                        return Err(ProtocolError::InvalidValue {
                            field: "can_write",
                            value: v.into(),
                        });
                    }
                },
                version_vector: r.bytes()?,
                updates: r.bytes()?,
            },
            tag::UPDATE => Frame::Update {
                id: r.u64()?,
                bytes: r.bytes()?,
            },
            tag::ACK => Frame::Ack {
                id: r.u64()?,
                version_vector: r.bytes()?,
            },
            tag::PRESENCE => Frame::Presence {
                session: r.u64()?,
                principal: r.string()?,
                state: r.bytes()?,
            },
            tag::COMMAND => Frame::Command {
                client: r.u64()?,
                id: r.u64()?,
                name: r.string()?,
                args: r.bytes()?,
            },
            tag::COMMAND_RESULT => Frame::CommandResult {
                client: r.u64()?,
                id: r.u64()?,
                outcome: match r.u8()? {
                    0 => CommandOutcome::Accepted,
                    1 => CommandOutcome::Rejected(r.string()?),
                    v => {
                        return Err(ProtocolError::InvalidValue {
                            field: "outcome",
                            value: v.into(),
                        });
                    }
                },
                updates: r.bytes()?,
            },
            tag::ERROR => {
                let n = u16::from(r.u8()?) | (u16::from(r.u8()?) << 8);
                let code = ErrorCode::from_u16(n).ok_or(ProtocolError::InvalidValue {
                    field: "error code",
                    value: n.into(),
                })?;
                Frame::Error {
                    code,
                    message: r.string()?,
                }
            }
            other => return Err(ProtocolError::UnknownFrameType(other)),
        };
        r.finish()?;
        Ok(frame)
    }
}
