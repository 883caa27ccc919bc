//! JSON-RPC 2.0 over the LSP base protocol: messages framed by a `Content-Length` header, read
//! from stdin and written to stdout. Our own rather than `lsp-server`'s stdio transport, whose
//! reader thread ends the connection on the first malformed message: here a message that is
//! not JSON, or not JSON-RPC, gets an error response and the server reads on.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use serde_json::{json, Value};

/// JSON-RPC and LSP error codes.
pub mod code {
    pub const PARSE_ERROR: i32 = -32700;
    pub const INVALID_REQUEST: i32 = -32600;
    pub const METHOD_NOT_FOUND: i32 = -32601;
    pub const INVALID_PARAMS: i32 = -32602;
    pub const INTERNAL_ERROR: i32 = -32603;
    pub const SERVER_NOT_INITIALIZED: i32 = -32002;
}

/// Messages larger than this are skipped unread (a definition AWS accepts is at most 1 MB; a
/// document several times that, sent whole, still fits).
pub const MAX_MESSAGE: usize = 64 << 20;
/// A header line longer than this is not a header.
const MAX_HEADER_LINE: u64 = 8 << 10;

/// One message from the client.
#[derive(Debug)]
pub enum Message {
    /// `id` is a number or a string, echoed back in the response.
    Request {
        id: Value,
        method: String,
        params: Value,
    },
    Notification {
        method: String,
        params: Value,
    },
    /// The client's answer to a request of ours.
    Response,
}

/// What the reader hands over.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// A malformed message, already answered by this error response.
    Invalid(Value),
    /// The input ended.
    End,
}

/// Reads framed messages.
pub struct Reader<R> {
    input: R,
    /// A message read together with stray bytes before it, handed over after their error.
    queued: Option<Frame>,
}

/// The bytes of one message, or why there is none.
struct Body {
    /// Bytes before the header that belong to no message.
    stray: Option<String>,
    body: Result<Vec<u8>, String>,
}

impl<R: BufRead> Reader<R> {
    pub fn new(input: R) -> Self {
        Reader {
            input,
            queued: None,
        }
    }

    /// The next frame. I/O errors end the input.
    pub fn next_frame(&mut self) -> Frame {
        if let Some(frame) = self.queued.take() {
            return frame;
        }
        let Ok(Some(Body { stray, body })) = self.read_body() else {
            return Frame::End;
        };
        let frame = match body {
            Ok(body) => parse(&body),
            Err(problem) => return invalid(code::PARSE_ERROR, &problem),
        };
        match stray {
            Some(problem) => {
                self.queued = Some(frame);
                invalid(code::PARSE_ERROR, &problem)
            }
            None => frame,
        }
    }

    fn read_body(&mut self) -> io::Result<Option<Body>> {
        let mut length: Option<usize> = None;
        let mut problem: Option<String> = None;
        let mut stray: Option<String> = None;
        let mut any = false;
        loop {
            let mut line = Vec::new();
            let read = (&mut self.input)
                .take(MAX_HEADER_LINE)
                .read_until(b'\n', &mut line)?;
            if read == 0 {
                return Ok(None);
            }
            while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                line.pop();
            }
            if line.is_empty() {
                if any {
                    break;
                }
                continue;
            }
            any = true;
            let text = String::from_utf8_lossy(&line);
            // A header glued to bytes that belong to no message (what a wrong Content-Length
            // leaves over): the bytes are reported, the message after them is read.
            let header = match text.to_ascii_lowercase().find("content-length:") {
                Some(0) => Some(&text[..]),
                Some(at) => {
                    stray = Some(format!(
                        "{at} bytes outside any message, before a Content-Length header"
                    ));
                    Some(&text[at..])
                }
                None => None,
            };
            match header {
                Some(header) => {
                    let value = header["content-length:".len()..].trim();
                    match value.parse::<usize>() {
                        Ok(n) => length = Some(n),
                        Err(_) => {
                            problem = Some(format!("invalid Content-Length header {value:?}"));
                        }
                    }
                }
                // Content-Type and other headers.
                None if text.contains(':') => {}
                None => {
                    problem.get_or_insert_with(|| format!("malformed header line {text:?}"));
                }
            }
        }
        let Some(length) = length else {
            let problem =
                problem.unwrap_or_else(|| "the message has no Content-Length header".to_string());
            return Ok(Some(Body {
                stray: None,
                body: Err(problem),
            }));
        };
        if length > MAX_MESSAGE {
            io::copy(&mut (&mut self.input).take(length as u64), &mut io::sink())?;
            let problem = format!(
                "the message is {length} bytes, more than the {MAX_MESSAGE} this server reads"
            );
            return Ok(Some(Body {
                stray,
                body: Err(problem),
            }));
        }
        let mut body = vec![0; length];
        self.input.read_exact(&mut body)?;
        Ok(Some(Body {
            stray,
            body: match problem {
                Some(problem) => Err(problem),
                None => Ok(body),
            },
        }))
    }
}

fn invalid(code: i32, problem: &str) -> Frame {
    Frame::Invalid(error(Value::Null, code, problem))
}

/// A message body as a frame.
fn parse(body: &[u8]) -> Frame {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(err) => {
            return invalid(
                code::PARSE_ERROR,
                &format!("the message is not JSON: {err}"),
            )
        }
    };
    match classify(value) {
        Ok(message) => Frame::Message(message),
        Err((id, problem)) => Frame::Invalid(error(id, code::INVALID_REQUEST, &problem)),
    }
}

/// A JSON value as a request, notification or response, or why it is none of them (with the
/// id to answer, when it has a usable one).
fn classify(value: Value) -> Result<Message, (Value, String)> {
    let Value::Object(mut object) = value else {
        return Err((Value::Null, "a JSON-RPC message is an object".to_string()));
    };
    let id = match object.remove("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => Some(id),
        None | Some(Value::Null) => None,
        Some(_) => {
            return Err((
                Value::Null,
                "the id must be a number or a string".to_string(),
            ))
        }
    };
    let reply_to = id.clone().unwrap_or(Value::Null);
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err((reply_to, "\"jsonrpc\": \"2.0\" is missing".to_string()));
    }
    let Some(method) = object.remove("method") else {
        return match id {
            Some(_) if object.contains_key("result") || object.contains_key("error") => {
                Ok(Message::Response)
            }
            _ => Err((
                reply_to,
                "the message has no method and is not a response".to_string(),
            )),
        };
    };
    let Value::String(method) = method else {
        return Err((reply_to, "the method must be a string".to_string()));
    };
    let params = match object.remove("params") {
        None => Value::Null,
        Some(params @ (Value::Object(_) | Value::Array(_) | Value::Null)) => params,
        Some(_) => return Err((reply_to, "params must be an object or an array".to_string())),
    };
    Ok(match id {
        Some(id) => Message::Request { id, method, params },
        None => Message::Notification { method, params },
    })
}

pub fn response(id: Value, result: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "result": result})
}

pub fn error(id: Value, code: i32, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

pub fn notification(method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "method": method, "params": params})
}

pub fn request(id: Value, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// What the writer thread is given.
pub enum Outgoing {
    Message(Value),
    /// Write nothing more; everything sent before is written.
    Stop,
}

/// A thread that writes messages in the order they are sent, from any thread.
pub fn spawn_writer(mut output: impl Write + Send + 'static) -> (Sender<Outgoing>, JoinHandle<()>) {
    let (sender, receiver): (Sender<Outgoing>, Receiver<Outgoing>) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        for outgoing in receiver {
            let Outgoing::Message(value) = outgoing else {
                break;
            };
            let body = value.to_string();
            let written = write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())
                .and_then(|()| output.flush());
            if written.is_err() {
                break;
            }
        }
    });
    (sender, handle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Frame> {
        let mut reader = Reader::new(input.as_bytes());
        let mut out = Vec::new();
        loop {
            let frame = reader.next_frame();
            if matches!(frame, Frame::End) {
                return out;
            }
            out.push(frame);
        }
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn error_code(frame: &Frame) -> i64 {
        match frame {
            Frame::Invalid(v) => v["error"]["code"].as_i64().unwrap(),
            other => panic!("not an error: {other:?}"),
        }
    }

    #[test]
    fn reads_requests_notifications_and_responses() {
        let input = framed(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#)
            + &framed(r#"{"jsonrpc":"2.0","method":"initialized"}"#)
            + "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
            + &framed(r#"{"jsonrpc":"2.0","id":"a","result":null}"#);
        let got = frames(&input);
        assert!(
            matches!(&got[0], Frame::Message(Message::Request { method, .. }) if method == "initialize")
        );
        assert!(matches!(
            &got[1],
            Frame::Message(Message::Notification {
                params: Value::Null,
                ..
            })
        ));
        assert!(matches!(&got[2], Frame::Message(Message::Response)));
    }

    #[test]
    fn malformed_messages_are_answered_and_reading_goes_on() {
        let ok = framed(r#"{"jsonrpc":"2.0","method":"initialized"}"#);
        let input = framed("{not json")
            + &ok
            + &framed(r#"[1, 2]"#)
            + &framed(r#"{"jsonrpc":"2.0","id":7}"#)
            + &framed(r#"{"jsonrpc":"2.0","id":8,"method":3}"#)
            + &framed(r#"{"id":9,"method":"x"}"#)
            + "Content-Length: nine\r\n\r\n"
            + &ok
            + "Content-Length: 2\r\n\r\n{}}}"
            + &ok;
        let got = frames(&input);
        assert_eq!(error_code(&got[0]), code::PARSE_ERROR as i64);
        assert!(matches!(got[1], Frame::Message(_)));
        assert_eq!(error_code(&got[2]), code::INVALID_REQUEST as i64);
        assert_eq!(error_code(&got[3]), code::INVALID_REQUEST as i64);
        let Frame::Invalid(v) = &got[4] else { panic!() };
        assert_eq!(v["id"], 8);
        assert_eq!(error_code(&got[5]), code::INVALID_REQUEST as i64);
        // No length: the header block is answered, then the body is read as a stray line
        // and the next message is found.
        assert_eq!(error_code(&got[6]), code::PARSE_ERROR as i64);
        assert!(matches!(got[7], Frame::Message(_)));
        // A length too short: the message is invalid, the bytes left over are reported, and
        // the message after them is read.
        assert_eq!(error_code(&got[8]), code::INVALID_REQUEST as i64);
        assert_eq!(error_code(&got[9]), code::PARSE_ERROR as i64);
        assert!(matches!(got[10], Frame::Message(_)));
        assert_eq!(got.len(), 11);
    }

    #[test]
    fn a_truncated_message_ends_the_input() {
        assert!(frames("Content-Length: 50\r\n\r\n{}").is_empty());
    }
}
