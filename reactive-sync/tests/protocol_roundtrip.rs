//! Every frame survives encode → decode unchanged, and the header's checks refuse what they
//! should with the error that says why.

use proptest::prelude::*;
use reactive_sync::protocol::{
    ErrorCode, Frame, HEADER_BYTES, MAX_FRAME_BYTES, PROTOCOL_VERSION, ProtocolError,
};

#[path = "common/frames.rs"]
mod frames;
use frames::frame;

proptest! {
    #[test]
    fn every_frame_decodes_to_itself(frame in frame()) {
        let wire = frame.encode();
        prop_assert_eq!(Frame::decode(&wire, MAX_FRAME_BYTES), Ok(frame));
    }

    #[test]
    fn every_strict_prefix_of_a_frame_is_refused(frame in frame(), cut in any::<proptest::sample::Index>()) {
        let wire = frame.encode();
        let len = cut.index(wire.len());
        prop_assert!(Frame::decode(&wire[..len], MAX_FRAME_BYTES).is_err());
    }

    #[test]
    fn a_byte_appended_to_a_frame_is_refused(frame in frame(), extra in any::<u8>()) {
        let mut wire = frame.encode();
        wire.push(extra);
        let refused = matches!(
            Frame::decode(&wire, MAX_FRAME_BYTES),
            Err(ProtocolError::LengthMismatch { .. })
        );
        prop_assert!(refused, "an appended byte is a length mismatch");
    }
}

#[test]
fn a_frame_of_another_protocol_version_is_refused_as_unsupported() {
    let mut wire = Frame::Update {
        id: 1,
        bytes: vec![9],
    }
    .encode();
    wire[2] = PROTOCOL_VERSION + 1;
    let err = Frame::decode(&wire, MAX_FRAME_BYTES).unwrap_err();
    assert_eq!(err, ProtocolError::UnsupportedVersion(PROTOCOL_VERSION + 1));
    assert_eq!(err.code(), ErrorCode::UnsupportedVersion);
}

#[test]
fn a_frame_over_the_limit_is_refused_before_its_body_is_read() {
    let wire = Frame::Update {
        id: 1,
        bytes: vec![0; 100],
    }
    .encode();
    let err = Frame::decode(&wire, 50).unwrap_err();
    assert_eq!(
        err,
        ProtocolError::TooLarge {
            len: wire.len(),
            limit: 50
        }
    );
    assert_eq!(err.code(), ErrorCode::TooLarge);
}

#[test]
fn a_field_length_pointing_past_the_end_is_truncation_not_an_allocation() {
    // An Update whose byte field claims 4 GiB: the decoder must not trust it.
    let mut wire = Frame::Update {
        id: 1,
        bytes: vec![],
    }
    .encode();
    let field_len = HEADER_BYTES + 8;
    wire[field_len..field_len + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        Frame::decode(&wire, MAX_FRAME_BYTES),
        Err(ProtocolError::Truncated)
    );
}

#[test]
fn bad_magic_unknown_type_bad_utf8_and_unknown_codes_each_have_their_error() {
    let good = Frame::Hello {
        token: "t".into(),
        document: "d".into(),
        version_vector: vec![],
    }
    .encode();

    let mut magic = good.clone();
    magic[0] = b'X';
    assert_eq!(
        Frame::decode(&magic, MAX_FRAME_BYTES),
        Err(ProtocolError::BadMagic)
    );

    let mut kind = good.clone();
    kind[3] = 200;
    assert_eq!(
        Frame::decode(&kind, MAX_FRAME_BYTES),
        Err(ProtocolError::UnknownFrameType(200))
    );

    let mut utf8 = good.clone();
    utf8[HEADER_BYTES + 4] = 0xff; // the token's only byte
    assert_eq!(
        Frame::decode(&utf8, MAX_FRAME_BYTES),
        Err(ProtocolError::InvalidUtf8)
    );

    let mut code = Frame::Error {
        code: ErrorCode::Internal,
        message: String::new(),
    }
    .encode();
    code[HEADER_BYTES] = 99;
    assert_eq!(
        Frame::decode(&code, MAX_FRAME_BYTES),
        Err(ProtocolError::InvalidValue {
            field: "error code",
            value: 99
        })
    );
}

#[test]
fn error_codes_round_trip_through_their_wire_numbers_and_fatal_ones_are_the_permanent_ones() {
    for n in 0..=20u16 {
        if let Some(code) = ErrorCode::from_u16(n) {
            assert_eq!(code.to_u16(), n);
        }
    }
    assert!(ErrorCode::Unauthorized.is_fatal());
    assert!(ErrorCode::Forbidden.is_fatal());
    assert!(!ErrorCode::ResyncRequired.is_fatal());
    assert!(!ErrorCode::RateLimited.is_fatal());
}
