//! A bare WebSocket peer for the server tests: sends exactly the bytes a test wants and reads
//! what the server answers, with no client logic in between.

// Each test file that includes this module uses only part of it.
#![allow(dead_code)]

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reactive_sync::protocol::{ErrorCode, Frame, MAX_FRAME_BYTES};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub struct Raw {
    pub ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Raw {
    pub async fn connect(url: &str) -> Raw {
        let (ws, _) = tokio_tungstenite::connect_async(url)
            .await
            .expect("connect");
        Raw { ws }
    }

    /// Connects and sends a Hello for `document` with an empty version vector.
    pub async fn hello(url: &str, token: &str, document: &str) -> Raw {
        let mut raw = Raw::connect(url).await;
        raw.send(&Frame::Hello {
            token: token.into(),
            document: document.into(),
            version_vector: loro::VersionVector::default().encode(),
        })
        .await;
        raw
    }

    pub async fn send(&mut self, frame: &Frame) {
        self.send_bytes(frame.encode()).await;
    }

    pub async fn send_bytes(&mut self, bytes: Vec<u8>) {
        // The server may already have closed (that is what some tests provoke).
        let _ = self.ws.send(Message::binary(bytes)).await;
    }

    /// The next frame, or `None` when the connection closed (or nothing came for 5 s).
    pub async fn next(&mut self) -> Option<Frame> {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(5), self.ws.next())
                .await
                .ok()??;
            match msg {
                Ok(Message::Binary(b)) => {
                    return Some(Frame::decode(&b, MAX_FRAME_BYTES).expect("server frames decode"));
                }
                Ok(Message::Close(_)) | Err(_) => return None,
                Ok(_) => continue,
            }
        }
    }

    /// Reads until an error frame and then the close; returns the error's code. Panics if the
    /// connection ends without one.
    pub async fn expect_error(&mut self) -> ErrorCode {
        while let Some(frame) = self.next().await {
            if let Frame::Error { code, .. } = frame {
                assert!(
                    self.next().await.is_none(),
                    "the server must close after an error frame"
                );
                return code;
            }
        }
        panic!("the connection closed without an error frame");
    }

    /// Reads the welcome (after a Hello).
    pub async fn welcome(&mut self) -> Frame {
        let frame = self.next().await.expect("a welcome");
        assert!(
            matches!(frame, Frame::Welcome { .. }),
            "expected a welcome, got {frame:?}"
        );
        frame
    }
}

/// A Loro update that appends `text` to the list "items" (from a fresh peer).
pub fn update_appending(text: &str) -> Vec<u8> {
    let doc = loro::LoroDoc::new();
    doc.get_list("items").push(text).expect("push");
    doc.commit();
    doc.export(loro::ExportMode::all_updates()).expect("export")
}

/// The items of the list "items", as strings.
pub fn items(doc: &loro::LoroDoc) -> Vec<String> {
    let value = doc
        .get_list("items")
        .get_deep_value()
        .into_list()
        .expect("a list");
    value
        .iter()
        .map(|v| {
            v.clone()
                .into_string()
                .map(|s| s.to_string())
                .unwrap_or_default()
        })
        .collect()
}
