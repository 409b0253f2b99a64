//! Windows event logs (`.evtx`): one line per record, with the fields a code
//! extractor needs, for example
//! `EventID=1098 Provider=Microsoft-Windows-AAD Channel=Microsoft-Windows-AAD/Operational
//! Time=2026-11-20T09:12:33.123456Z Level=2 | Error: 0xcaa5001c | SubError: …`.

use std::io::Cursor;

use evtx::{EvtxParser, ParserSettings};
use m365doctor_codes::Message;
use serde_json::Value;

use super::{one_line, short_error, Context, Document};

/// The most text one field's value contributes (binary data can be long).
const MAX_VALUE: usize = 4 * 1024;
/// The most text one record contributes.
const MAX_RECORD: usize = 64 * 1024;

/// The file header, then chunks of 64 KiB.
const FILE_HEADER: usize = 4096;
const CHUNK: usize = 64 * 1024;

pub(super) fn expand(ctx: &mut Context, name: &str, bytes: &[u8]) {
    // A log cut short (a copy that stopped, a truncated upload) ends inside
    // a chunk, which the parser refuses whole: the chunk is completed with
    // zeros, so the events before the cut are read and the cut one is
    // reported as damaged.
    let cut = bytes.len() > FILE_HEADER && !(bytes.len() - FILE_HEADER).is_multiple_of(CHUNK);
    let padded;
    let bytes = if cut {
        let chunks = (bytes.len() - FILE_HEADER).div_ceil(CHUNK);
        let mut whole = Vec::with_capacity(FILE_HEADER + chunks * CHUNK);
        whole.extend_from_slice(bytes);
        whole.resize(FILE_HEADER + chunks * CHUNK, 0);
        padded = whole;
        &padded[..]
    } else {
        bytes
    };
    let parser = match EvtxParser::from_read_seek(Cursor::new(bytes)) {
        Ok(parser) => parser,
        Err(error) => {
            ctx.out.push(Document::skipped(name, unreadable(&error)));
            return;
        }
    };
    let mut parser = parser.with_configuration(
        ParserSettings::new()
            .separate_json_attributes(false)
            .indent(false),
    );
    let mut text = String::new();
    let (mut read, mut failed) = (0usize, 0usize);
    let mut first_error = None;
    for record in parser.records_json_value() {
        match record {
            Ok(record) => {
                let time = record.timestamp.to_string();
                if !text.is_empty() {
                    text.push('\n');
                }
                render(&record.data, &time, &mut text);
                read += 1;
            }
            Err(error) => {
                failed += 1;
                first_error.get_or_insert_with(|| short_error(&error));
            }
        }
    }
    if read == 0 {
        let why = match first_error {
            Some(error) => unreadable(&error),
            None => Message::new(
                "Windows event log without any event",
                "イベントが 1 件も入っていない Windows イベント ログです",
            ),
        };
        ctx.out.push(Document::skipped(name, why));
        return;
    }
    ctx.out.push(Document::text(name, text, None));
    if cut {
        ctx.out.push(Document::skipped(
            name,
            Message::new(
                format!("the log is cut short (it ends inside a block of events): the {read} event(s) before the cut were read, the rest is missing"),
                format!("ログが途中で切れています (イベントのブロックの途中で終わっています)。切れる前の {read} 件のイベントは読み取りました。残りは失われています"),
            ),
        ));
    } else if failed > 0 {
        let error = first_error.unwrap_or_default();
        ctx.out.push(Document::skipped(
            name,
            Message::new(
                format!("{failed} damaged event(s) of this log could not be read ({error}); the other {read} were"),
                format!("このログの壊れたイベント {failed} 件は読み取れませんでした ({error})。残りの {read} 件は読み取りました"),
            ),
        ));
    }
}

/// Renders one record (the evtx crate's JSON form of its XML) as one line.
/// `time` is the record header's time, used when the event has no `TimeCreated`.
/// Header values with spaces are quoted: `Provider="Microsoft-Windows-User Device Registration"`.
pub(crate) fn render(record: &Value, time: &str, out: &mut String) {
    let start = out.len();
    let event = record.get("Event").unwrap_or(record);
    let system = event.get("System");
    let get = |key: &str| system.and_then(|s| s.get(key));
    let mut head: Vec<(&str, String)> = Vec::new();
    if let Some(id) = get("EventID").and_then(text_of) {
        head.push(("EventID", id));
    }
    if let Some(provider) = get("Provider").and_then(|p| attribute(p, "Name")) {
        head.push(("Provider", provider));
    }
    if let Some(channel) = get("Channel").and_then(text_of) {
        head.push(("Channel", channel));
    }
    let created = get("TimeCreated").and_then(|t| attribute(t, "SystemTime"));
    head.push(("Time", created.unwrap_or_else(|| time.to_string())));
    if let Some(level) = get("Level").and_then(text_of) {
        head.push(("Level", level));
    }
    for (i, (key, value)) in head.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(key);
        out.push('=');
        // A value with spaces (`Microsoft-Windows-User Device Registration`) is quoted.
        if value.contains(char::is_whitespace) || value.is_empty() {
            out.push('"');
            one_line(&value.replace('"', "'"), out);
            out.push('"');
        } else {
            one_line(value, out);
        }
    }
    for section in ["EventData", "UserData", "ProcessingErrorData", "DebugData"] {
        if let Some(data) = event.get(section) {
            fields(None, data, out, start);
        }
    }
    // Logs saved with display information carry the rendered message.
    if let Some(message) = event
        .get("RenderingInfo")
        .and_then(|r| r.get("Message"))
        .and_then(text_of)
    {
        field("Message", &message, out, start);
    }
}

/// Writes every leaf of `value` as ` | Name: value`: a named `<Data>` becomes its name,
/// an element's text its element's name, attributes their own names (namespaces left out).
fn fields(name: Option<&str>, value: &Value, out: &mut String, start: usize) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match key.as_str() {
                    "#attributes" => {
                        if let Value::Object(attributes) = v {
                            for (a, av) in attributes {
                                if !a.starts_with("xmlns") {
                                    fields(Some(a), av, out, start);
                                }
                            }
                        }
                    }
                    "#text" => fields(Some(name.unwrap_or("Data")), v, out, start),
                    _ => fields(Some(key), v, out, start),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                fields(name, item, out, start);
            }
        }
        Value::Null => {}
        scalar => {
            if let Some(text) = text_of(scalar) {
                field(name.unwrap_or("Data"), &text, out, start);
            }
        }
    }
}

fn field(name: &str, value: &str, out: &mut String, start: usize) {
    let value = value.trim();
    if value.is_empty() || out.len() - start >= MAX_RECORD {
        return;
    }
    out.push_str(" | ");
    one_line(name, out);
    out.push_str(": ");
    match value.char_indices().nth(MAX_VALUE) {
        Some((cut, _)) => {
            one_line(&value[..cut], out);
            out.push('…');
        }
        None => one_line(value, out),
    }
}

/// A scalar's text, or an element's `#text`.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(map) => map.get("#text").and_then(text_of),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(text_of).collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        }
        Value::Null => None,
    }
}

/// An element's attribute.
fn attribute(element: &Value, name: &str) -> Option<String> {
    element
        .get("#attributes")
        .and_then(|a| a.get(name))
        .and_then(text_of)
}

fn unreadable(error: &dyn std::fmt::Display) -> Message {
    let e = short_error(error);
    Message::new(
        format!("not a readable Windows event log ({e})"),
        format!("Windows イベント ログとして読み取れません ({e})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renders_system_and_event_data() {
        let record = json!({"Event": {
            "#attributes": {"xmlns": "http://schemas.microsoft.com/win/2004/08/events/event"},
            "System": {
                "Provider": {"#attributes": {"Name": "Microsoft-Windows-AAD", "Guid": "{4DE9BC9C-B27A-43C9-8994-0915F1A5E24F}"}},
                "EventID": 1098,
                "Level": 2,
                "TimeCreated": {"#attributes": {"SystemTime": "2026-11-20T09:12:33.123456Z"}},
                "Channel": "Microsoft-Windows-AAD/Operational",
                "Computer": "PC01"
            },
            "EventData": {
                "Error": "0xcaa5001c",
                "ErrorMessage": "Token broker operation cancelled.\r\nLogged at x.cpp",
                "Data": {"#text": ["a", "b"]},
                "Empty": null,
                "Blank": "  "
            }
        }});
        let mut out = String::new();
        render(&record, "ignored", &mut out);
        assert_eq!(
            out,
            "EventID=1098 Provider=Microsoft-Windows-AAD Channel=Microsoft-Windows-AAD/Operational \
             Time=2026-11-20T09:12:33.123456Z Level=2 | Error: 0xcaa5001c | ErrorMessage: Token \
             broker operation cancelled. Logged at x.cpp | Data: a | Data: b"
        );
    }

    #[test]
    fn renders_user_data_qualifiers_and_missing_parts() {
        let record = json!({"Event": {
            "System": {"EventID": {"#attributes": {"Qualifiers": 16384}, "#text": 304}},
            "UserData": {"Registration": {"#attributes": {"xmlns": "urn:x"}, "ExitCode": "0x801c001d", "ServerError": "invalid_request"}}
        }});
        let mut out = String::new();
        render(&record, "2026-11-20T09:12:33Z", &mut out);
        assert_eq!(
            out,
            "EventID=304 Time=2026-11-20T09:12:33Z | ExitCode: 0x801c001d | ServerError: invalid_request"
        );
    }

    #[test]
    fn long_values_are_cut() {
        let record = json!({"Event": {"EventData": {"Binary": "AB".repeat(40_000)}}});
        let mut out = String::new();
        render(&record, "t", &mut out);
        assert!(out.len() < MAX_VALUE + 100, "{}", out.len());
        assert!(out.ends_with('…'));
    }
}
