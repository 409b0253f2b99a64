//! Any bytes as a sign-in log: the normaliser, every analysis and every
//! renderer must not panic; the JSON splitter and the CSV reader must find
//! the same records whether the bytes come at once or a few at a time; the
//! fast record reader must agree with the serde one (same sign-in, or both
//! refuse).
#![no_main]

use libfuzzer_sys::fuzz_target;
use m365doctor_signins::input::{csv, json};
use m365doctor_signins::{analyze, kql, render, Options, Source, Thresholds};
use std::io::BufReader;
use std::sync::OnceLock;

#[derive(Default, Debug, PartialEq)]
struct Collect(Vec<Vec<u8>>, Vec<(Vec<String>, Vec<u8>)>, Vec<json::Problem>, usize);

impl json::Sink for Collect {
    fn record(&mut self, bytes: &[u8], _: u64) {
        self.0.push(bytes.to_vec());
    }
    fn row(&mut self, columns: &[String], bytes: &[u8]) {
        self.1.push((columns.to_vec(), bytes.to_vec()));
    }
    fn problem(&mut self, p: json::Problem, _: u64) {
        self.2.push(p);
    }
    fn truncated(&mut self) {
        self.3 += 1;
    }
}

fn split(data: &[u8], block: usize) -> Collect {
    let mut c = Collect::default();
    let mut r = BufReader::with_capacity(block, data);
    json::split_structural(&mut r, &mut c).expect("in memory");
    c
}

fn csv_rows(data: &[u8], block: usize) -> Vec<Result<Vec<Vec<u8>>, String>> {
    let mut input = BufReader::with_capacity(block, data);
    let mut r = csv::Reader::new(&mut input, b',');
    let mut out = Vec::new();
    while let Ok(row) = r.next_row() {
        match row {
            Ok(true) => out.push(Ok((0..r.len()).map(|i| r.field(i).to_vec()).collect())),
            Ok(false) => break,
            Err(e) => out.push(Err(format!("{e:?}"))),
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    static KB: OnceLock<m365doctor_kb::Kb> = OnceLock::new();
    let kb = KB.get_or_init(m365doctor_kb::Kb::bundled);
    if let Ok(text) = std::str::from_utf8(data) {
        use m365doctor_signins::event::{from_raw, Hint};
        use m365doctor_signins::record;
        match (record::fast(text), record::parse_with_serde(data)) {
            (Some(f), Ok(s)) => assert_eq!(from_raw(f, Hint::default()), from_raw(s, Hint::default())),
            (None, Err(_)) => {}
            (None, Ok(_)) => panic!("the fast reader gave up on JSON serde reads"),
            (Some(_), Err(e)) => panic!("the fast reader took what serde refuses: {e}"),
        }
    }
    let whole = split(data, data.len().max(1));
    assert_eq!(whole, split(data, 3), "the splitter depends on block boundaries");
    assert_eq!(csv_rows(data, data.len().max(1)), csv_rows(data, 2));

    let source = Source::Memory { name: "fuzz.json".into(), bytes: data.to_vec().into() };
    let opts = Options { threads: 1, ..Options::default() };
    let report = analyze(&[source], &opts, kb, None);
    let input = &report.inputs[0];
    assert!(input.records + input.duplicates <= data.len() as u64);
    for ja in [false, true] {
        let _ = render::json::document(&report, ja).to_string();
        let _ = render::html::page(&report, ja);
        let mut out = Vec::new();
        render::text::render(&mut out, &report, ja).expect("in memory");
        let _ = render::csv::tables(&report, ja);
    }
    // Arbitrary text as a lookup id is escaped in the KQL.
    if let Ok(id) = std::str::from_utf8(&data[..data.len().min(64)]) {
        let text = kql::queries(&Thresholds::default(), Some(id));
        assert!(text.ends_with('\n'));
    }
});
