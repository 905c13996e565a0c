//! Just enough HTTP/1.1 for the page: a request line, headers, a body of `Content-Length`
//! bytes; one request per connection, answered with `Connection: close`.

use std::io::{self, Read, Write};

/// Largest request head (request line and headers) accepted.
pub const MAX_HEAD: usize = 16 * 1024;
/// Largest request body accepted (commands are small).
pub const MAX_BODY: usize = 64 * 1024;

/// A parsed request.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// The `Host` header, if any.
    pub host: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Why a request could not be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the request head is longer than {MAX_HEAD} bytes")]
    HeadTooLong,
    #[error("the body is longer than {MAX_BODY} bytes")]
    BodyTooLong,
    #[error("malformed request: {0}")]
    Malformed(&'static str),
    #[error("the connection closed early")]
    Closed,
}

/// Reads one request from `stream`.
pub fn read_request(stream: &mut impl Read) -> Result<Request, RequestError> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(RequestError::HeadTooLong);
        }
        let n = stream.read(&mut chunk).map_err(|_| RequestError::Closed)?;
        if n == 0 {
            return Err(RequestError::Closed);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    if head_end > MAX_HEAD {
        return Err(RequestError::HeadTooLong);
    }
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|_| RequestError::Malformed("the head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let mut parts = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(RequestError::Malformed(
            "the request line needs three parts",
        ));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !target.starts_with('/') {
        return Err(RequestError::Malformed("not an HTTP/1 request line"));
    }
    let mut length = 0usize;
    let (mut host, mut content_type) = (None, None);
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(RequestError::Malformed("a header line without a colon"));
        };
        if name.trim().eq_ignore_ascii_case("host") {
            host = Some(value.trim().to_string());
        } else if name.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_ascii_lowercase());
        } else if name.trim().eq_ignore_ascii_case("content-length") {
            length = value
                .trim()
                .parse()
                .map_err(|_| RequestError::Malformed("Content-Length is not a number"))?;
        } else if name.trim().eq_ignore_ascii_case("transfer-encoding") {
            return Err(RequestError::Malformed("chunked bodies are not accepted"));
        }
    }
    if length > MAX_BODY {
        return Err(RequestError::BodyTooLong);
    }
    let mut body = buf[head_end + 4..].to_vec();
    if body.len() > length {
        body.truncate(length);
    }
    while body.len() < length {
        let n = stream.read(&mut chunk).map_err(|_| RequestError::Closed)?;
        if n == 0 {
            return Err(RequestError::Closed);
        }
        let take = n.min(length - body.len());
        body.extend_from_slice(&chunk[..take]);
    }
    let path = target.split('?').next().unwrap_or(target).to_string();
    Ok(Request {
        method: method.to_string(),
        path,
        host,
        content_type,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Writes a whole response.
pub fn respond(
    stream: &mut impl Write,
    status: &str,
    content_type: &str,
    body: &[u8],
) -> io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_post_with_a_body_is_read_whole() {
        let raw = b"POST /command?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: Application/JSON\r\ncontent-length: 5\r\n\r\nhello";
        let r = read_request(&mut &raw[..]).unwrap();
        assert_eq!(
            r,
            Request {
                method: "POST".into(),
                path: "/command".into(),
                host: Some("a".into()),
                content_type: Some("application/json".into()),
                body: b"hello".to_vec()
            }
        );
    }

    #[test]
    fn a_body_longer_than_the_limit_is_refused_before_it_is_read() {
        let raw = format!(
            "POST / HTTP/1.1\r\nContent-Length: {}\r\n\r\n",
            MAX_BODY + 1
        );
        assert_eq!(
            read_request(&mut raw.as_bytes()),
            Err(RequestError::BodyTooLong)
        );
    }

    #[test]
    fn an_endless_head_is_refused() {
        let raw = "GET / HTTP/1.1\r\n".to_string() + &"X: y\r\n".repeat(MAX_HEAD);
        assert_eq!(
            read_request(&mut raw.as_bytes()),
            Err(RequestError::HeadTooLong)
        );
    }

    #[test]
    fn a_truncated_body_is_an_error() {
        let raw = b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc";
        assert_eq!(read_request(&mut &raw[..]), Err(RequestError::Closed));
    }

    proptest! {
        #[test]
        fn any_bytes_give_a_request_or_an_error_never_a_panic(raw in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = read_request(&mut &raw[..]);
        }

        #[test]
        fn any_header_soup_after_a_valid_line_never_panics(headers in "[ -~\r\n]{0,200}") {
            let raw = format!("GET /x HTTP/1.1\r\n{headers}\r\n\r\n");
            let _ = read_request(&mut raw.as_bytes());
        }
    }
}
