//! Malformed, oversized, unauthorised or abusive input gets a typed error frame and a closed
//! connection, and never a panic, a corrupt document or another client's data.

#[path = "common/raw.rs"]
mod raw;

use std::time::Duration;

use raw::{Raw, items, update_appending};
use reactive_sync::protocol::{ErrorCode, Frame, PROTOCOL_VERSION};
use reactive_sync::server::{
    Access, DocumentPolicies, Limits, RunningServer, ServerConfig, SqliteStorage, SyncServer,
    TokenTable,
};

async fn server(config: ServerConfig) -> RunningServer {
    SyncServer::new(SqliteStorage::in_memory().unwrap())
        .config(config)
        .authenticator(
            TokenTable::default()
                .with("w", "writer")
                .with("r", "reader")
                .with("o", "outsider"),
        )
        .policy(
            DocumentPolicies::new(Access::READ | Access::WRITE)
                .document("plan", Access::READ | Access::WRITE)
                .grant("plan", "reader", Access::READ)
                .grant("plan", "outsider", Access::NONE),
        )
        .spawn("127.0.0.1:0")
        .await
        .unwrap()
}

/// Joins `document` as the writer and returns the items the server sends in its welcome.
async fn items_on_server(url: &str, document: &str) -> Vec<String> {
    let mut raw = Raw::hello(url, "w", document).await;
    let Frame::Welcome { updates, .. } = raw.welcome().await else {
        unreachable!()
    };
    let doc = loro::LoroDoc::new();
    if !updates.is_empty() {
        doc.import(&updates).unwrap();
    }
    items(&doc)
}

#[tokio::test]
async fn garbage_connections_get_an_error_and_leave_the_document_intact() {
    let server = server(ServerConfig::default()).await;
    let url = server.url();
    let mut writer = Raw::hello(&url, "w", "plan").await;
    writer.welcome().await;
    writer
        .send(&Frame::Update {
            id: 1,
            bytes: update_appending("kept"),
        })
        .await;
    assert!(matches!(
        writer.next().await,
        Some(Frame::Ack { id: 1, .. })
    ));

    // Random bytes, a frame with a random body, a valid header on a lie: each connection is
    // told why and closed.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..60 {
        let len = (random() % 80) as usize;
        let mut bytes: Vec<u8> = (0..len).map(|_| random() as u8).collect();
        if i % 2 == 0 && bytes.len() >= 8 {
            bytes[..4].copy_from_slice(&[b'R', b'S', PROTOCOL_VERSION, (random() % 10) as u8]);
        }
        let mut raw = Raw::connect(&url).await;
        raw.send_bytes(bytes).await;
        let code = raw.expect_error().await;
        assert!(
            matches!(
                code,
                ErrorCode::Malformed | ErrorCode::UnexpectedFrame | ErrorCode::Unauthorized
            ),
            "garbage #{i} answered with {code:?}"
        );
    }
    // Garbage after a good handshake too.
    let mut raw = Raw::hello(&url, "w", "plan").await;
    raw.welcome().await;
    raw.send_bytes(vec![0xde, 0xad, 0xbe, 0xef]).await;
    assert_eq!(raw.expect_error().await, ErrorCode::Malformed);

    assert_eq!(items_on_server(&url, "plan").await, ["kept"]);
    assert_eq!(server.storage().update_count("plan").unwrap(), 1);
}

#[tokio::test]
async fn an_update_that_is_not_a_loro_update_is_refused_and_nothing_is_stored() {
    let server = server(ServerConfig::default()).await;
    let mut raw = Raw::hello(&server.url(), "w", "plan").await;
    raw.welcome().await;
    raw.send(&Frame::Update {
        id: 1,
        bytes: vec![1, 2, 3, 4, 5, 6, 7, 8, 9],
    })
    .await;
    assert_eq!(raw.expect_error().await, ErrorCode::BadUpdate);
    assert_eq!(server.storage().update_count("plan").unwrap(), 0);
    assert!(items_on_server(&server.url(), "plan").await.is_empty());
}

#[tokio::test]
async fn a_text_message_an_unknown_version_and_a_frame_before_hello_are_each_refused() {
    let server = server(ServerConfig::default()).await;
    let url = server.url();

    let mut raw = Raw::connect(&url).await;
    let _ = futures_util::SinkExt::send(
        &mut raw.ws,
        tokio_tungstenite::tungstenite::Message::text("hi"),
    )
    .await;
    assert_eq!(raw.expect_error().await, ErrorCode::Malformed);

    let mut raw = Raw::connect(&url).await;
    let mut hello = Frame::Hello {
        token: "w".into(),
        document: "plan".into(),
        version_vector: vec![],
    }
    .encode();
    hello[2] = PROTOCOL_VERSION + 1;
    raw.send_bytes(hello).await;
    assert_eq!(raw.expect_error().await, ErrorCode::UnsupportedVersion);

    let mut raw = Raw::connect(&url).await;
    raw.send(&Frame::Update {
        id: 1,
        bytes: update_appending("sneaky"),
    })
    .await;
    assert_eq!(raw.expect_error().await, ErrorCode::UnexpectedFrame);
    assert!(items_on_server(&url, "plan").await.is_empty());
}

#[tokio::test]
async fn an_oversized_message_is_refused_with_too_large() {
    let config = ServerConfig {
        limits: Limits {
            max_message_bytes: 1024,
            ..Limits::default()
        },
        ..ServerConfig::default()
    };
    let server = server(config).await;
    let mut raw = Raw::hello(&server.url(), "w", "plan").await;
    raw.welcome().await;
    raw.send(&Frame::Update {
        id: 1,
        bytes: update_appending(&"x".repeat(4096)),
    })
    .await;
    assert_eq!(raw.expect_error().await, ErrorCode::TooLarge);
    assert_eq!(server.storage().update_count("plan").unwrap(), 0);
}

#[tokio::test]
async fn an_initial_sync_larger_than_the_message_limit_is_refused_with_too_large() {
    let config = ServerConfig {
        limits: Limits {
            max_message_bytes: 1024,
            ..Limits::default()
        },
        ..ServerConfig::default()
    };
    let server = server(config).await;
    let mut writer = Raw::hello(&server.url(), "w", "plan").await;
    writer.welcome().await;
    for id in 1..=3 {
        writer
            .send(&Frame::Update {
                id,
                bytes: update_appending(&"x".repeat(600)),
            })
            .await;
        assert!(matches!(writer.next().await, Some(Frame::Ack { .. })));
    }
    let mut late = Raw::hello(&server.url(), "w", "plan").await;
    assert_eq!(late.expect_error().await, ErrorCode::TooLarge);
    assert_eq!(
        server.storage().update_count("plan").unwrap(),
        3,
        "nothing lost"
    );
}

#[tokio::test]
async fn a_bad_token_is_unauthorised_and_a_principal_without_read_is_forbidden() {
    let server = server(ServerConfig::default()).await;
    let mut raw = Raw::hello(&server.url(), "guess", "plan").await;
    assert_eq!(raw.expect_error().await, ErrorCode::Unauthorized);
    let mut raw = Raw::hello(&server.url(), "o", "plan").await;
    assert_eq!(raw.expect_error().await, ErrorCode::Forbidden);
}

#[tokio::test]
async fn a_reader_trying_to_write_is_forbidden_and_changes_nothing_for_anyone() {
    let server = server(ServerConfig::default()).await;
    let url = server.url();
    let mut writer = Raw::hello(&url, "w", "plan").await;
    writer.welcome().await;

    let mut reader = Raw::hello(&url, "r", "plan").await;
    let Frame::Welcome {
        can_write,
        principal,
        ..
    } = reader.welcome().await
    else {
        unreachable!()
    };
    assert_eq!((principal.as_str(), can_write), ("reader", false));
    reader
        .send(&Frame::Update {
            id: 1,
            bytes: update_appending("vandalism"),
        })
        .await;
    assert_eq!(reader.expect_error().await, ErrorCode::Forbidden);

    let mut reader = Raw::hello(&url, "r", "plan").await;
    reader.welcome().await;
    reader
        .send(&Frame::Command {
            client: 1,
            id: 1,
            name: "anything".into(),
            args: vec![],
        })
        .await;
    assert_eq!(reader.expect_error().await, ErrorCode::Forbidden);

    // The writer saw nothing of it, and nothing was stored.
    writer
        .send(&Frame::Update {
            id: 1,
            bytes: update_appending("legit"),
        })
        .await;
    assert!(matches!(
        writer.next().await,
        Some(Frame::Ack { id: 1, .. })
    ));
    assert_eq!(items_on_server(&url, "plan").await, ["legit"]);
    assert_eq!(server.storage().update_count("plan").unwrap(), 1);
}

#[tokio::test]
async fn a_client_of_one_room_receives_nothing_of_another() {
    let server = server(ServerConfig::default()).await;
    let url = server.url();
    let mut in_a = Raw::hello(&url, "w", "room-a").await;
    in_a.welcome().await;
    let mut in_b = Raw::hello(&url, "w", "room-b").await;
    in_b.welcome().await;
    in_b.send(&Frame::Presence {
        session: 0,
        principal: String::new(),
        state: b"here".to_vec(),
    })
    .await;
    in_b.send(&Frame::Update {
        id: 1,
        bytes: update_appending("secret of b"),
    })
    .await;
    assert!(matches!(in_b.next().await, Some(Frame::Ack { id: 1, .. })));

    // A's connection is silent: its next frame is the ack of its own update, nothing of B's.
    in_a.send(&Frame::Update {
        id: 7,
        bytes: update_appending("of a"),
    })
    .await;
    assert!(matches!(in_a.next().await, Some(Frame::Ack { id: 7, .. })));
    assert_eq!(items_on_server(&url, "room-a").await, ["of a"]);
    assert_eq!(items_on_server(&url, "room-b").await, ["secret of b"]);
}

#[tokio::test]
async fn a_connection_over_its_rate_is_told_so_and_closed() {
    let config = ServerConfig {
        limits: Limits {
            messages_per_second: 1,
            burst: 5,
            ..Limits::default()
        },
        ..ServerConfig::default()
    };
    let server = server(config).await;
    let mut raw = Raw::hello(&server.url(), "w", "plan").await;
    raw.welcome().await;
    for _ in 0..20 {
        raw.send(&Frame::Presence {
            session: 0,
            principal: String::new(),
            state: b"x".to_vec(),
        })
        .await;
    }
    assert_eq!(raw.expect_error().await, ErrorCode::RateLimited);
}

#[tokio::test]
async fn a_silent_connection_times_out_without_a_hello() {
    let config = ServerConfig {
        handshake_timeout: Duration::from_millis(200),
        ..ServerConfig::default()
    };
    let server = server(config).await;
    let mut raw = Raw::connect(&server.url()).await;
    assert_eq!(raw.expect_error().await, ErrorCode::Timeout);
}

#[tokio::test]
async fn a_client_that_stops_reading_is_dropped_and_told_to_resync_instead_of_queueing_forever() {
    let config = ServerConfig {
        outgoing_queue: 4,
        ..ServerConfig::default()
    };
    let server = server(config).await;
    let url = server.url();
    let mut slow = Raw::hello(&url, "w", "plan").await;
    slow.welcome().await;
    let mut fast = Raw::hello(&url, "w", "plan").await;
    fast.welcome().await;
    // Enough to fill the socket buffers and then the slow client's queue of 4.
    let big = "y".repeat(256 * 1024);
    for id in 1..=80 {
        fast.send(&Frame::Update {
            id,
            bytes: update_appending(&big),
        })
        .await;
        assert!(matches!(fast.next().await, Some(Frame::Ack { .. })));
    }
    // The slow client, reading at last, finds some updates, then the error and the close.
    assert_eq!(slow.expect_error().await, ErrorCode::ResyncRequired);
}
