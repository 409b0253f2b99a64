//! Bad input: a clear error per file, and nothing else lost.

use super::common::*;
use m365doctor_signins::input::SharedReader;
use m365doctor_signins::{example, Report, Source};
use std::io::{Read, Write};
use std::path::PathBuf;

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let p =
            std::env::temp_dir().join(format!("m365doctor-signins-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
    fn write(&self, name: &str, bytes: &[u8]) {
        std::fs::write(self.0.join(name), bytes).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn error_of<'r>(r: &'r Report, name: &str) -> &'r str {
    let i = r
        .inputs
        .iter()
        .find(|i| i.path.ends_with(name))
        .unwrap_or_else(|| panic!("no input {name}"));
    i.error
        .as_ref()
        .map(|e| e.en.as_str())
        .unwrap_or_else(|| panic!("{name} has no error: {i:?}"))
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn each_bad_file_gets_its_own_error_and_the_rest_is_counted() {
    let good = [
        path("graph-v1-page.json"),
        path("eventhub-capture.json"),
        path("portal"),
    ];
    let baseline = run(&good);

    let dir = TempDir::new("bad");
    dir.write("empty.json", b"");
    dir.write("blank.json", b"\r\n  \n\t\n");
    dir.write(
        "shop.csv",
        "Name,Price,Quantity\r\nApple,120,3\r\nりんご,100,1\r\n".as_bytes(),
    );
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..4000u32).map(|i| (i * 7919 % 251) as u8));
    dir.write("screenshot.png.json", &png);
    let mut broken_gz = vec![0x1f, 0x8b, 0x08, 0x00];
    broken_gz.extend(b"this is not deflate data at all, just text after a gzip magic");
    dir.write("broken.json.gz", &broken_gz);
    // A real blob, compressed, then cut: the records before the cut count.
    let mut blob = Vec::new();
    let cfg = example::Config {
        users: 40,
        days: 1,
        per_user_day: 30,
        ..example::Config::default()
    };
    example::write(
        &example::Tenant::new(cfg),
        example::Shape::Diagnostic,
        &mut blob,
        None,
    )
    .unwrap();
    let gz = gzip(&blob);
    dir.write("cut.json.gz", &gz[..gz.len() * 2 / 3]);
    dir.write(
        "damaged.zip",
        b"PK\x03\x04\x14\x00garbage that is no zip archive",
    );
    dir.write("latin1.csv", b"Date (UTC),Request ID,Username,Status,Sign-in error code\r\n2025-04-11,r1,caf\xe9@contoso.example,\xc9chec,50126\r\n");

    let mut sources = good.to_vec();
    sources.push(Source::Path(dir.0.clone()));
    let r = run(&sources);

    assert_eq!(error_of(&r, "empty.json"), "the file is empty");
    assert_eq!(
        error_of(&r, "blank.json"),
        "the file holds only blank lines"
    );
    let shop = error_of(&r, "shop.csv");
    assert!(
        shop.contains("not a sign-in log export") && shop.contains("Name, Price, Quantity"),
        "{shop}"
    );
    assert!(error_of(&r, "screenshot.png.json").contains("binary"));
    assert!(error_of(&r, "broken.json.gz").contains("gzip data is damaged"));
    assert!(error_of(&r, "damaged.zip").contains("zip"));
    assert!(error_of(&r, "latin1.csv").contains("not UTF-8"));
    let cut = r
        .inputs
        .iter()
        .find(|i| i.path.ends_with("cut.json.gz"))
        .unwrap();
    assert!(
        cut.error
            .as_ref()
            .unwrap()
            .en
            .contains("gzip data is damaged"),
        "{:?}",
        cut.error
    );
    assert!(
        cut.records > 100,
        "records before the cut are counted: {}",
        cut.records
    );
    // Japanese messages too.
    assert!(r
        .inputs
        .iter()
        .filter_map(|i| i.error.as_ref())
        .all(|e| !e.ja.is_empty() && e.ja != e.en));

    // Nothing of the good inputs is lost: the same numbers plus the cut blob.
    let good_only: Vec<_> = r
        .inputs
        .iter()
        .filter(|i| !i.path.contains("m365doctor-signins-bad"))
        .collect();
    assert_eq!(
        good_only.iter().map(|i| i.records).sum::<u64>(),
        baseline.totals.events
    );
    assert_eq!(r.totals.events, baseline.totals.events + cut.records);
    assert!(m365doctor_signins::had_problems(&r));
    assert!(!m365doctor_signins::had_problems(&baseline));
}

#[test]
fn broken_records_cost_only_themselves() {
    let text = concat!(
        r#"{"id":"a","createdDateTime":"2025-01-01T00:00:00Z","status":{"errorCode":0}}"#,
        "\n",
        r#"{"id":"b","createdDateTime":"2025-01-01T00:00:01Z","status":{"errorCode":50126}"#,
        "\n",
        r#"["not","an","object"]"#,
        "\n",
        r#"{"id":"c","createdDateTime":"2025-01-01T00:00:02Z"}"#,
        "\n",
        r#"{"id":"d","createdDateTime":"2025-01-01T00:00:03Z","status":{"errorCode":"0"}}"#,
        "\n",
    );
    let r = run(&[mem("lines.json", text)]);
    let i = &r.inputs[0];
    assert_eq!((i.records, i.unreadable, i.truncated), (2, 3, 0));
    let reasons: Vec<&str> = i.reasons.keys().map(|k| k.key()).collect();
    assert_eq!(reasons, ["invalid-json", "not-an-object", "no-result"]);
    assert!(i.error.is_none());
}

#[test]
fn two_gigabytes_on_one_line_in_bounded_memory() {
    // A Graph page on one line whose middle record is a 2 GiB string: it is
    // streamed past (no 2 GiB buffer, no 2 GiB on disk), the records around
    // it are read, and it is counted as one unreadable record.
    let head = br#"{"@odata.context":"https://graph.microsoft.com/beta/$metadata#auditLogs/signIns","value":[{"id":"r1","createdDateTime":"2025-01-01T00:00:00Z","status":{"errorCode":50126}},{"id":"big","blob":""#;
    let tail =
        br#""},{"id":"r2","createdDateTime":"2025-01-01T00:01:00Z","status":{"errorCode":0}}]}"#;
    let stream = (&head[..])
        .chain(std::io::repeat(b'x').take(2 << 30))
        .chain(&tail[..]);
    let source = Source::Reader {
        name: "one-line.json".into(),
        reader: SharedReader::new(stream),
    };
    let r = run(&[source]);
    let i = &r.inputs[0];
    assert_eq!((i.records, i.unreadable), (2, 1), "{i:?}");
    assert_eq!(i.reasons.keys().next().unwrap().key(), "too-large");
    assert!(i.error.is_none());
    assert_eq!((r.totals.failures, r.totals.successes), (1, 1));
}

#[test]
fn an_unterminated_quote_in_a_csv_is_reported() {
    let text = "Date (UTC),Request ID,Username,Status,Sign-in error code\r\n2025-04-11T00:00:00Z,r1,a@contoso.example,Failure,50126\r\n2025-04-11T00:00:01Z,\"r2,b@contoso.example,Failure,50126\r\n";
    let r = run(&[mem("InteractiveSignIns_x.csv", text)]);
    let i = &r.inputs[0];
    assert_eq!((i.records, i.unreadable), (1, 1));
    assert_eq!(i.reasons.keys().next().unwrap().key(), "unterminated-quote");
}

#[test]
fn a_stray_time_stamp_neither_stretches_the_period_nor_costs_memory() {
    let text = concat!(
        r#"{"id":"a","createdDateTime":"0001-01-01T00:00:00Z","status":{"errorCode":50126}}"#,
        "\n",
        r#"{"id":"b","createdDateTime":"9999-12-31T23:59:59Z","status":{"errorCode":50126}}"#,
        "\n",
        r#"{"id":"c","createdDateTime":"2025-01-01T00:00:00Z","status":{"errorCode":50126}}"#,
        "\n",
        r#"{"id":"d","createdDateTime":"2099-01-01T00:00:00Z","status":{"errorCode":50126}}"#,
        "\n",
    );
    let r = run(&[mem("far.json", text)]);
    assert_eq!(r.totals.events, 4);
    assert_eq!(
        r.totals.without_time, 2,
        "years 1 and 9999 are not sign-in times"
    );
    assert_eq!(r.totals.first, Some(t("2025-01-01T00:00:00Z")));
    // 74 years of hourly steps: the chart is summed into at most 1000 points.
    assert!(r
        .series
        .iter()
        .all(|(_, v)| v.len() <= 1000 && v.iter().map(|p| p.1).sum::<u64>() == 2));
}
