//! The connection: `lsp-server`'s `Connection` (its message types and channels), with a reader
//! of our own. lsp-server's stdio reader ends the connection on the first malformed message and
//! sizes its buffer by whatever `Content-Length` says; here a message that is not JSON, or not
//! JSON-RPC, or too large, gets an error response and the server reads on. Messages are written
//! with lsp-server's framing.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::thread::JoinHandle;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};

/// Messages larger than this are skipped unread (a definition AWS accepts is at most 1 MB; a
/// document several times that, sent whole, still fits).
pub const MAX_MESSAGE: usize = 64 << 20;
/// A header line longer than this is not a header.
const MAX_HEADER_LINE: u64 = 8 << 10;

/// What the reader reads.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// A malformed message, and the error response that answers it (its id may be null,
    /// which an lsp-server `Response` cannot say).
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
            Err(problem) => return invalid(ErrorCode::ParseError, &problem),
        };
        match stray {
            Some(problem) => {
                self.queued = Some(frame);
                invalid(ErrorCode::ParseError, &problem)
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

fn invalid(code: ErrorCode, problem: &str) -> Frame {
    Frame::Invalid(error(Value::Null, code, problem))
}

/// A message body as a frame.
fn parse(body: &[u8]) -> Frame {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(err) => {
            return invalid(
                ErrorCode::ParseError,
                &format!("the message is not JSON: {err}"),
            )
        }
    };
    match classify(value) {
        Ok(message) => Frame::Message(message),
        Err((id, problem)) => Frame::Invalid(error(id, ErrorCode::InvalidRequest, &problem)),
    }
}

/// A JSON value as a request, notification or response, or why it is none of them (with the
/// id to answer, when it has a usable one).
fn classify(value: Value) -> Result<Message, (Value, String)> {
    let Value::Object(mut object) = value else {
        return Err((Value::Null, "a JSON-RPC message is an object".to_string()));
    };
    let raw_id = object.remove("id").filter(|id| !id.is_null());
    let reply_to = match &raw_id {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        None => Value::Null,
        Some(_) => {
            return Err((
                Value::Null,
                "the id must be a number or a string".to_string(),
            ))
        }
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err((reply_to, "\"jsonrpc\": \"2.0\" is missing".to_string()));
    }
    // LSP ids are 32-bit integers or strings.
    let id = match &raw_id {
        None => None,
        Some(Value::String(s)) => Some(RequestId::from(s.clone())),
        Some(n) => match n.as_i64().and_then(|n| i32::try_from(n).ok()) {
            Some(n) => Some(RequestId::from(n)),
            None => {
                return Err((
                    reply_to,
                    "the id must be a 32-bit integer or a string".to_string(),
                ))
            }
        },
    };
    let Some(method) = object.remove("method") else {
        let result = match (object.remove("result"), object.remove("error")) {
            (Some(result), None) => Some(Ok(result)),
            (None, Some(error)) => serde_json::from_value(error).ok().map(Err),
            _ => None,
        };
        return match (id, result) {
            (Some(id), Some(response_result)) => Ok(Message::Response(Response {
                id,
                response_result,
            })),
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
        Some(id) => Message::Request(Request { id, method, params }),
        None => Message::Notification(Notification { method, params }),
    })
}

/// An error response to a message that lsp-server's `Response` cannot answer: its id is null
/// or not an LSP id.
pub fn error(id: Value, code: ErrorCode, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code as i32, "message": message}})
}

/// A connection over `input` and `output`, as `lsp_server::Connection::stdio()` makes one:
/// the client's messages arrive on `receiver` (which closes when the input ends), and what is
/// sent on `sender` is written in order. The reader answers malformed messages itself. Once
/// every sender is dropped the writer finishes; join it to know everything was written.
pub fn connect(
    input: impl Read + Send + 'static,
    output: impl Write + Send + 'static,
) -> (Connection, JoinHandle<()>) {
    let (to_writer, messages) = crossbeam_channel::unbounded();
    let (answer_invalid, invalid_answers) = crossbeam_channel::unbounded();
    let (to_server, receiver) = crossbeam_channel::unbounded();
    let writer = std::thread::spawn(move || write_all(output, &messages, &invalid_answers));
    // Not joined: it may wait on an input the client never closes.
    std::thread::spawn(move || {
        let mut reader = Reader::new(BufReader::new(input));
        loop {
            let sent = match reader.next_frame() {
                Frame::End => return,
                Frame::Message(message) => to_server.send(message).is_ok(),
                Frame::Invalid(answer) => answer_invalid.send(answer).is_ok(),
            };
            if !sent {
                return;
            }
        }
    });
    let connection = Connection {
        sender: to_writer,
        receiver,
    };
    (connection, writer)
}

/// Writes messages as they come, until the server's senders are gone (the reader's answers to
/// malformed messages are written as they come too, but do not keep the writer alive).
fn write_all(mut output: impl Write, messages: &Receiver<Message>, invalid: &Receiver<Value>) {
    let mut invalid = invalid.clone();
    loop {
        let written = crossbeam_channel::select! {
            recv(messages) -> message => match message {
                Ok(message) => message.write(&mut output),
                Err(_) => return,
            },
            recv(invalid) -> answer => match answer {
                Ok(answer) => write_value(&mut output, &answer),
                Err(_) => {
                    invalid = crossbeam_channel::never();
                    Ok(())
                }
            },
        };
        if written.is_err() {
            return;
        }
    }
}

/// A JSON value framed as lsp-server frames its messages.
fn write_value(output: &mut impl Write, value: &Value) -> io::Result<()> {
    let body = value.to_string();
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    output.flush()
}

/// Sends on a connection whose other end may be gone (the client left: nothing to do).
pub fn send(sender: &Sender<Message>, message: impl Into<Message>) {
    let _ = sender.send(message.into());
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
        assert!(matches!(&got[0], Frame::Message(Message::Request(r)) if r.method == "initialize"));
        assert!(matches!(&got[1], Frame::Message(Message::Notification(n)) if n.params.is_null()));
        assert!(matches!(&got[2], Frame::Message(Message::Response(_))));
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
        assert_eq!(error_code(&got[0]), ErrorCode::ParseError as i64);
        assert!(matches!(got[1], Frame::Message(_)));
        assert_eq!(error_code(&got[2]), ErrorCode::InvalidRequest as i64);
        assert_eq!(error_code(&got[3]), ErrorCode::InvalidRequest as i64);
        let Frame::Invalid(v) = &got[4] else { panic!() };
        assert_eq!(v["id"], 8);
        assert_eq!(error_code(&got[5]), ErrorCode::InvalidRequest as i64);
        // No length: the header block is answered, then the body is read as a stray line
        // and the next message is found.
        assert_eq!(error_code(&got[6]), ErrorCode::ParseError as i64);
        assert!(matches!(got[7], Frame::Message(_)));
        // A length too short: the message is invalid, the bytes left over are reported, and
        // the message after them is read.
        assert_eq!(error_code(&got[8]), ErrorCode::InvalidRequest as i64);
        assert_eq!(error_code(&got[9]), ErrorCode::ParseError as i64);
        assert!(matches!(got[10], Frame::Message(_)));
        assert_eq!(got.len(), 11);
    }

    #[test]
    fn ids_are_lsp_ids() {
        let got = frames(
            &(framed(r#"{"jsonrpc":"2.0","id":4294967296,"method":"x"}"#)
                + &framed(r#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#)
                + &framed(r#"{"jsonrpc":"2.0","id":"a","error":{"code":1,"message":"no"}}"#)),
        );
        let Frame::Invalid(v) = &got[0] else { panic!() };
        assert_eq!(v["id"], 4294967296_i64);
        assert_eq!(error_code(&got[0]), ErrorCode::InvalidRequest as i64);
        assert_eq!(error_code(&got[1]), ErrorCode::InvalidRequest as i64);
        assert!(
            matches!(&got[2], Frame::Message(Message::Response(r)) if r.response_result.is_err())
        );
    }

    /// Why the reader is ours: lsp-server's gives up on what ours reads past (and its stdio
    /// transport ends the connection when it does).
    #[test]
    fn the_scaffold_reader_gives_up_where_ours_reads_on() {
        let ok = framed(r#"{"jsonrpc":"2.0","method":"initialized"}"#);
        for bad in [
            framed("{not json"),
            framed(r#"{"jsonrpc":"2.0","id":41,"method":7}"#),
            "Content-Length: many\r\n\r\n".to_string(),
        ] {
            let input = bad + &ok;
            assert!(Message::read(&mut input.as_bytes()).is_err());
            let got = frames(&input);
            assert!(matches!(got.last(), Some(Frame::Message(_))), "{got:?}");
        }
    }

    #[test]
    fn a_truncated_message_ends_the_input() {
        assert!(frames("Content-Length: 50\r\n\r\n{}").is_empty());
    }
}
