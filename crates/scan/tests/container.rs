//! The container readers on realistic inputs: zip archives of collected logs
//! (UTF-16LE, Shift_JIS, nested, damaged, bombs), Windows event logs and HAR
//! files from the browser's developer tools.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Cursor, Write};
use std::path::PathBuf;

use encoding_rs::SHIFT_JIS;
use m365doctor_scan::{expand, expand_with, Document, Limits};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

// ---------------------------------------------------------------------------
// Memory: a counting allocator, per thread, so that a test can show that a zip
// bomb was refused without its output ever being allocated.

struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn track(grow: usize, shrink: usize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get().saturating_add(grow).saturating_sub(shrink);
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            track(layout.size(), 0);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            track(layout.size(), 0);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        track(0, layout.size());
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            track(new_size, layout.size());
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What `f` returns, and the most memory it had allocated at once on this thread.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let value = f();
    (value, PEAK.with(Cell::get) - start)
}

const MIB: usize = 1 << 20;

// ---------------------------------------------------------------------------
// Helpers.

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/containers")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    bytes
}

fn shift_jis(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = SHIFT_JIS.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// A zip archive made with the zip crate's writer; a name ending in `/` is a directory.
fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in members {
        if name.ends_with('/') {
            zip.add_directory(*name, options).unwrap();
        } else {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
    }
    zip.finish().unwrap().into_inner()
}

fn doc<'a>(docs: &'a [Document], name: &str) -> &'a Document {
    docs.iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no document {name} in {:#?}", names(docs)))
}

fn names(docs: &[Document]) -> Vec<&str> {
    docs.iter().map(|d| d.name.as_str()).collect()
}

fn why(d: &Document) -> &str {
    &d.skipped
        .as_ref()
        .unwrap_or_else(|| panic!("{} not skipped", d.name))
        .en
}

/// No reader panicked: the fallback note for a panic is not there.
fn no_reader_failed(docs: &[Document]) {
    for d in docs {
        if let Some(m) = &d.skipped {
            assert!(!m.en.contains("reader failed"), "{}: {}", d.name, m.en);
            assert!(!m.ja.is_empty());
        }
    }
}

const TEAMS_LOG: &str = "Fri Nov 20 2026 09:12:31 GMT+0900 <4120> -- error -- [AuthenticationService] \
acquireToken failed: errorCode=0xCAA70004 (3399548932) subError=0x80072EE7\r\n\
Fri Nov 20 2026 09:12:31 GMT+0900 <4120> -- info -- Correlation ID: 5e1d7c3b-9a2f-4e8d-b6c0-1f3a5d7e9b21\r\n";

const OUTLOOK_JA: &str = "2026/11/20 9:13:02 エラー: サインインできませんでした。\r\n\
エラー コード: 0x80048823\r\n相関 ID: 2c4e6a8b-1d3f-4a5b-9c7e-8f0a2b4c6d8e\r\n";

// ---------------------------------------------------------------------------
// Zip archives.

#[test]
fn zip_members_in_every_encoding_and_nested_archives() {
    let deepest = zip_of(&[(
        "dsregcmd.txt",
        b"AzureAdJoined : NO\r\nDJ Error : 0x801c001d\r\n",
    )]);
    let nested = zip_of(&[
        ("inner/", b""),
        ("inner/broker.log", b"WAM error 0xCAA5001C\n"),
        ("deeper.zip", &deepest),
    ]);
    let png = [
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R', 0,
        0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0,
    ];
    let evtx = read("aad-operational.evtx");
    let outer = zip_of(&[
        ("Teams/", b""),
        ("Teams/logs.txt", &utf16le_with_bom(TEAMS_LOG)),
        ("Outlook/サインイン.log", &shift_jis(OUTLOOK_JA)),
        ("screenshot.png", &png),
        ("empty.txt", b""),
        ("nested.zip", &nested),
        ("Events/aad.evtx", &evtx),
    ]);
    let docs = expand("logs.zip", &outer, None);
    no_reader_failed(&docs);
    assert_eq!(
        names(&docs),
        [
            "logs.zip!Teams/logs.txt",
            "logs.zip!Outlook/サインイン.log",
            "logs.zip!screenshot.png",
            "logs.zip!empty.txt",
            "logs.zip!nested.zip!inner/broker.log",
            "logs.zip!nested.zip!deeper.zip!dsregcmd.txt",
            "logs.zip!Events/aad.evtx",
        ],
        "directories are not documents"
    );

    let teams = doc(&docs, "logs.zip!Teams/logs.txt");
    assert_eq!(teams.encoding, Some("UTF-16LE"));
    assert_eq!(teams.text, TEAMS_LOG);
    assert!(teams.skipped.is_none());

    let outlook = doc(&docs, "logs.zip!Outlook/サインイン.log");
    assert_eq!(outlook.encoding, Some("Shift_JIS"));
    assert!(outlook.text.contains("相関 ID: 2c4e6a8b"));

    assert!(why(doc(&docs, "logs.zip!screenshot.png")).contains("binary"));
    assert!(why(doc(&docs, "logs.zip!empty.txt")).contains("empty"));
    assert_eq!(
        doc(&docs, "logs.zip!nested.zip!deeper.zip!dsregcmd.txt").text,
        "AzureAdJoined : NO\r\nDJ Error : 0x801c001d\r\n"
    );
    let events = doc(&docs, "logs.zip!Events/aad.evtx");
    assert!(events.text.contains("EventID=1098"), "{}", events.text);
}

#[test]
fn forced_encoding_applies_to_text_members_but_not_binary_ones() {
    // Without the hint these bytes are read as UTF-8 with replacement characters.
    let cp932 = shift_jis("ｴﾗｰ 0x80048823");
    let zip = zip_of(&[("a.txt", &cp932), ("b.bin", &[0u8, 1, 2, 3, 0, 0, 0, 9, 7])]);
    let docs = expand("x.zip", &zip, Some(SHIFT_JIS));
    assert_eq!(doc(&docs, "x.zip!a.txt").text, "ｴﾗｰ 0x80048823");
    assert_eq!(doc(&docs, "x.zip!a.txt").encoding, Some("Shift_JIS"));
    assert!(why(doc(&docs, "x.zip!b.bin")).contains("binary"));
}

#[test]
fn archives_nested_deeper_than_three_levels_are_not_opened() {
    let level4 = zip_of(&[("secret.txt", b"0x80070005")]);
    let level3 = zip_of(&[("c.txt", b"CAA20002"), ("d.zip", &level4)]);
    let level2 = zip_of(&[("c.zip", &level3)]);
    let level1 = zip_of(&[("b.zip", &level2)]);
    let docs = expand("a.zip", &level1, None);
    assert_eq!(doc(&docs, "a.zip!b.zip!c.zip!c.txt").text, "CAA20002");
    let deep = doc(&docs, "a.zip!b.zip!c.zip!d.zip");
    assert!(
        why(deep).contains("nested more than 3 levels"),
        "{}",
        why(deep)
    );
    assert!(!docs.iter().any(|d| d.text.contains("0x80070005")));
}

#[test]
fn a_corrupt_archive_is_one_skipped_document() {
    let mut garbage = b"PK\x03\x04".to_vec();
    garbage.extend((0..2000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    let docs = expand("collected.zip", &garbage, None);
    assert_eq!(docs.len(), 1, "{docs:#?}");
    assert_eq!(docs[0].name, "collected.zip");
    assert!(docs[0].text.is_empty());
    assert!(
        why(&docs[0]).contains("not a readable zip archive"),
        "{}",
        why(&docs[0])
    );

    // A `.zip` that is not one at all.
    let docs = expand("report.zip", b"this is not an archive\n", None);
    assert_eq!(docs.len(), 1);
    assert!(why(&docs[0]).contains("not a readable zip archive"));
    assert!(docs[0].skipped.as_ref().unwrap().ja.contains("zip"));
}

#[test]
fn a_truncated_archive_gives_its_first_members_and_a_note() {
    let zip = zip_of(&[
        ("first.log", b"0x8004011d first"),
        ("second.log", "CAA50021 second ".repeat(50).as_bytes()),
        ("third.log", b"third"),
    ]);
    // Cut in the middle of the last member: the central directory is lost.
    let cut = zip.windows(9).position(|w| w == b"third.log").unwrap() + 12;
    let docs = expand("upload.zip", &zip[..cut], None);
    no_reader_failed(&docs);
    assert_eq!(doc(&docs, "upload.zip!first.log").text, "0x8004011d first");
    assert!(doc(&docs, "upload.zip!second.log")
        .text
        .starts_with("CAA50021"));
    let note = doc(&docs, "upload.zip");
    assert!(why(note).contains("damaged zip archive"), "{}", why(note));
    assert!(why(note).contains("2 member(s)") || why(note).contains("3 member(s)"));
}

/// An archive member written byte by byte: name, flags, method, CRC, uncompressed
/// size as stated, data.
type RawMember<'a> = (&'a [u8], u16, u16, u32, u32, &'a [u8]);

/// A zip archive written byte by byte.
fn raw_zip(members: &[RawMember]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, flags, method, crc, size, data) in members {
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes()); // version made by
            }
            h.extend(20u16.to_le_bytes()); // version needed
            h.extend(flags.to_le_bytes());
            h.extend(method.to_le_bytes());
            h.extend(0u16.to_le_bytes()); // time
            h.extend(0x5B74u16.to_le_bytes()); // date: 2025-11-20
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra field
            if central {
                h.extend([0u8; 6]); // comment, disk, internal attributes
                h.extend(0u32.to_le_bytes()); // external attributes
                h.extend(offset.to_le_bytes());
            }
            h.extend(*name);
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(*data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((members.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// A raw Deflate stream of at least `len` zero bytes (fixed Huffman codes: one
/// literal, then matches of 258 bytes at distance 1), 13 bits per 258 bytes.
fn deflated_zeros(len: usize) -> (Vec<u8>, usize) {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u32, bits: u32) {
            self.acc |= u64::from(value) << self.n;
            self.n += bits;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u32, bits: u32) {
            let reversed = code.reverse_bits() >> (32 - bits);
            self.put(reversed, bits);
        }
    }
    let matches = len.saturating_sub(1).div_ceil(258);
    let mut bits = Bits {
        out: Vec::with_capacity(matches * 13 / 8 + 16),
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // last block
    bits.put(1, 2); // fixed Huffman codes
    bits.code(0x30, 8); // literal 0
    for _ in 0..matches {
        bits.code(0xC5, 8); // length 258 (symbol 285)
        bits.code(0, 5); // distance 1
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7);
    (bits.out, 1 + matches * 258)
}

#[test]
fn deflated_zeros_are_valid_deflate() {
    let (stream, len) = deflated_zeros(10_000);
    let zip = raw_zip(&[(b"z.bin", 0, 8, 0, len as u32, &stream)]);
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    let mut out = Vec::new();
    // The CRC is left at 0, so only the bytes are compared.
    let _ = std::io::Read::read_to_end(&mut archive.by_index(0).unwrap(), &mut out);
    assert_eq!(out.len(), len);
    assert!(out.iter().all(|&b| b == 0));
}

#[test]
fn a_zip_bomb_member_is_refused_without_allocating_it() {
    let (stream, len) = deflated_zeros(600 * MIB);
    assert!(len >= 600 * MIB);
    assert!(stream.len() < 5 * MIB);
    let log = b"Error 0x8004011d";
    let honest = raw_zip(&[
        (b"bomb.bin", 0, 8, 0, len as u32, &stream),
        (b"outlook.log", 0, 0, crc32(log), log.len() as u32, log),
    ]);
    let (docs, peak) = peak_of(|| expand("bomb.zip", &honest, None));
    assert!(peak < 32 * MIB, "peak {} MiB", peak / MIB);
    assert!(why(doc(&docs, "bomb.zip!bomb.bin")).contains("more than 512 MiB"));
    assert_eq!(doc(&docs, "bomb.zip!outlook.log").text, "Error 0x8004011d");

    // The header lies: it states 1,000 bytes. Decompression is counted and stopped.
    let lying = raw_zip(&[(b"bomb.bin", 0, 8, 0, 1000, &stream)]);
    let (docs, peak) = peak_of(|| expand("lying.zip", &lying, None));
    assert!(peak < 32 * MIB, "peak {} MiB", peak / MIB);
    let note = why(doc(&docs, "lying.zip!bomb.bin"));
    assert!(
        note.contains("expands to more than the 1000 bytes its header states"),
        "{note}"
    );
}

#[test]
fn archive_budgets_count_bytes_read_and_members() {
    let mib = vec![b'x'; MIB];
    let zip = zip_of(&[
        ("1.log", &mib),
        ("2.log", &mib),
        ("3.log", &mib),
        ("4.log", b"small"),
    ]);
    let limits = Limits {
        archive_total: 2 * MIB as u64 + MIB as u64 / 2,
        ..Limits::default()
    };
    let docs = expand_with("big.zip", &zip, None, &limits);
    assert_eq!(doc(&docs, "big.zip!1.log").text.len(), MIB);
    assert_eq!(doc(&docs, "big.zip!2.log").text.len(), MIB);
    assert!(why(doc(&docs, "big.zip!3.log")).contains("more than 2 MiB in all"));
    assert_eq!(doc(&docs, "big.zip!4.log").text, "small");

    let limits = Limits {
        member: MIB as u64 / 2,
        ..Limits::default()
    };
    let docs = expand_with("big.zip", &zip, None, &limits);
    assert!(why(doc(&docs, "big.zip!1.log")).contains("expands to more than"));

    let limits = Limits {
        members: 2,
        ..Limits::default()
    };
    let docs = expand_with("big.zip", &zip, None, &limits);
    assert_eq!(docs.len(), 3, "{:#?}", names(&docs));
    assert!(why(doc(&docs, "big.zip")).contains("the remaining 2 were not read"));
}

#[test]
fn encrypted_and_unsupported_members_and_japanese_names() {
    let text = b"0x80048823";
    let crc = crc32(text);
    let sjis_name = shift_jis("ログ/エラー.txt");
    let zip = raw_zip(&[
        (b"locked.txt", 1, 0, crc, 10, text),
        (b"old.txt", 0, 12, crc, 10, text),
        (&sjis_name, 0, 0, crc, 10, text),
    ]);
    let docs = expand("x.zip", &zip, None);
    no_reader_failed(&docs);
    assert!(why(doc(&docs, "x.zip!locked.txt")).contains("password-protected"));
    assert!(why(doc(&docs, "x.zip!old.txt")).contains("Bzip2"));
    assert_eq!(doc(&docs, "x.zip!ログ/エラー.txt").text, "0x80048823");
}

#[test]
fn an_archive_of_directories_only() {
    let zip = zip_of(&[("Logs/", b""), ("Logs/Teams/", b"")]);
    let docs = expand("dirs.zip", &zip, None);
    assert_eq!(docs.len(), 1);
    assert!(why(&docs[0]).contains("no files"));
}

/// CRC-32 (IEEE), bit by bit: only for the few small members above.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

// ---------------------------------------------------------------------------
// Plain text.

#[test]
fn binary_and_empty_inputs() {
    let docs = expand("stdin", b"", None);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].name, "stdin");
    assert!(docs[0].text.is_empty());
    assert!(why(&docs[0]).contains("empty"));
    assert!(!docs[0].skipped.as_ref().unwrap().ja.is_empty());

    let exe = [
        b'M', b'Z', 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0xB8, 0, 0, 0,
    ];
    let docs = expand("OUTLOOK.EXE", &exe, None);
    assert_eq!(docs.len(), 1);
    assert!(docs[0].text.is_empty());
    assert!(why(&docs[0]).contains("binary"));
}

#[test]
fn plain_text_in_every_encoding() {
    let docs = expand("out.txt", &utf16le_with_bom("エラー CAA50021\r\n"), None);
    assert_eq!(docs[0].text, "エラー CAA50021\r\n");
    assert_eq!(docs[0].encoding, Some("UTF-16LE"));
    let docs = expand("stdin", &shift_jis(OUTLOOK_JA), None);
    assert_eq!(docs[0].text, OUTLOOK_JA);
    assert_eq!(docs[0].encoding, Some("Shift_JIS"));
    let docs = expand("stdin", "Error 1001".as_bytes(), None);
    assert_eq!(
        docs,
        [Document {
            name: "stdin".into(),
            text: "Error 1001".into(),
            encoding: Some("UTF-8"),
            skipped: None,
        }]
    );
}

// ---------------------------------------------------------------------------
// HAR files.

fn har_lines(docs: &[Document]) -> Vec<&str> {
    docs[0].text.lines().collect()
}

#[test]
fn har_failed_sign_in() {
    let bytes = read("signin-failure.har");
    let docs = expand("signin-failure.har", &bytes, None);
    assert_eq!(docs.len(), 1, "{docs:#?}");
    let d = &docs[0];
    assert!(d.skipped.is_none());
    assert_eq!(d.encoding, Some("UTF-8"));
    let text = &d.text;
    let lines = har_lines(&docs);
    let requests: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("HAR "))
        .collect();
    assert_eq!(
        requests.len(),
        8,
        "the data: URL is left out: {requests:#?}"
    );

    // The token request's 400 with its identifiers and its JSON body.
    let token = lines
        .iter()
        .position(|l| {
            l.starts_with(
                "HAR 400 POST https://login.microsoftonline.com/organizations/oauth2/v2.0/token",
            )
        })
        .expect("the failed token request");
    assert_eq!(
        lines[token],
        "HAR 400 POST https://login.microsoftonline.com/organizations/oauth2/v2.0/token\
         ?client_secret=<secret:client-secret>&api-version=2.0 \
         | x-ms-request-id: 7c2a9e41-3b5d-4f60-8a1c-2d9e6f0b4a00 \
         | client-request-id: 5e1d7c3b-9a2f-4e8d-b6c0-1f3a5d7e9b21 \
         | x-ms-ests-server: 2.1.19512.5 - WEULR2 ProdSlices \
         | Date: Fri, 20 Nov 2026 09:12:35 GMT"
    );
    let body = lines[token + 1];
    assert!(body.starts_with("  {\"error\":\"invalid_grant\""), "{body}");
    assert!(body.contains("AADSTS50126: Error validating credentials"));
    assert!(body.contains("\"error_codes\":[50126]"));
    assert!(body.contains("\"correlation_id\":\"5e1d7c3b-9a2f-4e8d-b6c0-1f3a5d7e9b21\""));

    // The sign-in page names the error in its $Config.
    let login = lines
        .iter()
        .position(|l| l.starts_with("HAR 200 POST https://login.microsoftonline.com/common/login"))
        .unwrap();
    assert!(lines[login + 1..]
        .iter()
        .take_while(|l| l.starts_with("  "))
        .any(|l| l.contains("\"sErrorCode\":\"50126\"") && l.contains("AADSTS50126")));

    // The redirect that carries the MFA requirement, decoded, on the 302 and on
    // the request that followed it.
    let expected = "error=interaction_required&error_description=AADSTS50076: Due to a configuration change \
                    made by your administrator, or because you moved to a new location, you must use \
                    multi-factor authentication to access '00000002-0000-0ff1-ce00-000000000000'. \
                    Trace ID: e3b7c1d2-6f4a-4b9e-a1c0-5d8f2e4b6a00 Correlation ID: \
                    2c4e6a8b-1d3f-4a5b-9c7e-8f0a2b4c6d8e Timestamp: 2026-11-20 09:12:40Z\
                    &error_uri=https://login.microsoftonline.com/error?code=50076";
    let redirect = lines.iter().find(|l| l.starts_with("HAR 302 GET")).unwrap();
    assert!(
        redirect.contains(&format!(
            "| Location: https://outlook.office.com/owa/?{expected}"
        )),
        "{redirect}"
    );
    let followed = lines
        .iter()
        .find(|l| l.starts_with("HAR 200 GET https://outlook.office.com/owa/"))
        .unwrap();
    assert!(followed.contains(expected), "{followed}");
    // Outlook's page is neither a sign-in response nor an error: no body.
    let at = lines.iter().position(|l| l == followed).unwrap();
    assert!(lines[at + 1].starts_with("HAR "));

    // Graph's claims challenge keeps its WWW-Authenticate.
    let graph = lines.iter().find(|l| l.starts_with("HAR 401 GET")).unwrap();
    assert!(graph.contains("error=\"insufficient_claims\""), "{graph}");
    assert!(graph.contains("| request-id: 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"));
    assert!(graph.contains("| client-request-id: 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"));

    // Images are listed without a body.
    assert!(lines
        .iter()
        .any(|l| l.starts_with("HAR 200 GET https://aadcdn.msftauth.net/")));
    assert!(!text.contains("<svg"));

    // No credential leaves the file: request bodies, tokens, secrets, cookies.
    for secret in [
        "Hunter2",
        "ExampleSecretNotReal",
        "RefreshTokenNotReal",
        "ExampleAuthCodeNotReal",
        "FlowTokenNotReal",
        "ExampleCookieNotReal",
        "c2lnbmF0dXJlLW5vdC1yZWFs",
        "aWQtdG9rZW4tc2lnbmF0dXJl",
        "eyJ0eXAiOiJKV1Qi",
        "passwd",
        "grant_type=password",
    ] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    assert!(text.contains("\"access_token\":\"<secret:jwt>\""));
}

#[test]
fn har_is_recognised_by_its_shape_and_base64_bodies_are_decoded() {
    let body = r#"{"error":"invalid_request","error_description":"AADSTS900144: The request body must contain the following parameter: 'grant_type'.","error_codes":[900144],"correlation_id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}"#;
    let encoded = base64(body.as_bytes());
    let har = format!(
        r#"{{"log": {{"version": "1.2", "creator": {{"name": "Firefox", "version": "133.0"}},
  "entries": [{{"request": {{"method": "post", "url": "https://login.live.com/oauth20_token.srf", "headers": [],
     "postData": {{"mimeType": "application/x-www-form-urlencoded", "text": "password=topsecret"}}}},
   "response": {{"status": 400, "headers": [{{"name": "date", "value": "Fri, 20 Nov 2026 09:20:00 GMT"}}],
     "content": {{"mimeType": "application/json", "size": 170, "encoding": "base64", "text": "{encoded}"}},
     "redirectURL": ""}}}}]}}}}"#
    );
    let docs = expand("stdin", har.as_bytes(), None);
    assert_eq!(docs.len(), 1);
    assert_eq!(
        docs[0].text,
        format!(
            "HAR 400 POST https://login.live.com/oauth20_token.srf | Date: Fri, 20 Nov 2026 09:20:00 GMT\n  {body}"
        )
    );
}

#[test]
fn damaged_har_files() {
    // Cut short: the entries before the cut, and a note.
    let bytes = read("signin-failure.har");
    let at = String::from_utf8_lossy(&bytes)
        .find("https://graph.microsoft.com")
        .unwrap();
    let docs = expand("cut.har", &bytes[..at], None);
    assert_eq!(docs.len(), 2, "{docs:#?}");
    assert!(docs[0].text.contains("AADSTS50126"));
    assert!(why(&docs[1]).contains("cut short"));
    assert!(!docs[0].text.contains("Hunter2"));

    // Not JSON at all: read as text, with credentials blanked.
    let docs = expand(
        "broken.har",
        b"{\"log\": {\"entries\": [ password=hunter2 AADSTS50126",
        None,
    );
    assert_eq!(docs.len(), 1);
    assert_eq!(
        docs[0].text,
        "{\"log\": {\"entries\": [ password=<secret:password> AADSTS50126"
    );

    // Entries: none.
    let docs = expand(
        "empty.har",
        br#"{"log":{"version":"1.2","entries":[]}}"#,
        None,
    );
    assert!(why(&docs[0]).contains("without any request"));

    // JSON that is not a HAR is text.
    let docs = expand("config.json", br#"{"log": {"level": "debug"}}"#, None);
    assert_eq!(docs[0].text, r#"{"log": {"level": "debug"}}"#);
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Windows event logs.

#[test]
fn evtx_aad_operational() {
    let docs = expand("aad.evtx", &read("aad-operational.evtx"), None);
    assert_eq!(docs.len(), 1, "{docs:#?}");
    assert_eq!(docs[0].encoding, None);
    let lines: Vec<&str> = docs[0].text.lines().collect();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    assert_eq!(
        lines[0],
        "EventID=1098 Provider=Microsoft-Windows-AAD Channel=Microsoft-Windows-AAD/Operational \
         Time=2026-11-20T09:12:33.1234560Z Level=2 | Error: 0xcaa2000c \
         | ErrorMessage: The request requires user interaction. \
         | AdditionalInformation: Code: interaction_required Description: AADSTS50076: Due to a \
         configuration change made by your administrator, or because you moved to a new location, \
         you must use multi-factor authentication to access '00000003-0000-0000-c000-000000000000'. \
         Trace ID: 6d3c1f2a-5b4e-4c8d-9f1a-2e7b8c9d0a11 Correlation ID: \
         3f8e2d1c-7a6b-4c5d-8e9f-0a1b2c3d4e5f Timestamp: 2026-11-20 09:12:33Z TokenEndpoint: \
         https://login.microsoftonline.com/organizations/oauth2/token \
         | Logged: Logged at OAuthTokenRequest.cpp, line: 410, method: OAuthTokenRequestBase::ProcessOAuthResponse."
    );
    assert!(lines[1].starts_with("EventID=1081 "), "{}", lines[1]);
    assert!(lines[1].contains("| Error: 0xcaa20003"));
    assert!(lines[1].contains("AADSTS50126"));
    assert!(lines[2].starts_with("EventID=1006 "), "{}", lines[2]);
    assert!(lines[2].contains("Level=4"));
}

#[test]
fn evtx_user_device_registration() {
    let docs = expand("udr.evtx", &read("udr-admin.evtx"), None);
    let lines: Vec<&str> = docs[0].text.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines[0].starts_with(
            "EventID=304 Provider=\"Microsoft-Windows-User Device Registration\" \
             Channel=\"Microsoft-Windows-User Device Registration/Admin\" Time=2026-11-20T09:14:02"
        ),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("| ExitCode: 0x801c001d"), "{}", lines[0]);
    assert!(
        !lines[0].contains("ServerErrorMessage"),
        "empty values are left out"
    );
    assert!(lines[1].starts_with("EventID=204 "));
    assert!(lines[1].contains("| ExitCode: 0x801c03f3"), "{}", lines[1]);
    assert!(lines[1].contains("| HttpStatus: 400"), "{}", lines[1]);
    assert!(
        lines[1].contains("\"ErrorType\":\"DirectoryError\""),
        "{}",
        lines[1]
    );
}

#[test]
fn damaged_event_logs() {
    let docs = expand("bad.evtx", b"ElfFile\0 and nothing else", None);
    assert_eq!(docs.len(), 1);
    assert!(
        why(&docs[0]).contains("not a readable Windows event log"),
        "{}",
        why(&docs[0])
    );
    let docs = expand("renamed.evtx", b"plain text saved as evtx", None);
    assert!(why(&docs[0]).contains("not a readable Windows event log"));

    // A damaged chunk: the records cannot be read, nothing panics.
    let mut bytes = read("aad-operational.evtx");
    for b in &mut bytes[4096 + 600..4096 + 900] {
        *b = 0xEE;
    }
    let docs = expand("aad.evtx", &bytes, None);
    no_reader_failed(&docs);
    assert!(!docs.is_empty());
}

#[test]
fn a_log_cut_short_keeps_the_events_before_the_cut() {
    // Three records start at 512, 3415 and 5910 in the chunk; the file ends
    // in the middle of the third. Before, the whole chunk was refused:
    // "Windows event log without any event".
    let whole = read("aad-operational.evtx");
    let cut = &whole[..4096 + 5910 + 100];
    let docs = expand("aad.evtx", cut, None);
    no_reader_failed(&docs);
    let lines: Vec<&str> = docs[0].text.lines().collect();
    assert_eq!(lines.len(), 2, "{docs:#?}");
    assert!(lines[0].starts_with("EventID=1098 "));
    assert!(lines[1].starts_with("EventID=1081 "));
    assert_eq!(docs.len(), 2);
    assert!(why(&docs[1]).contains("cut short"), "{}", why(&docs[1]));
    // Cut inside the first record: nothing to read, said as before.
    let docs = expand("aad.evtx", &whole[..4096 + 600], None);
    assert_eq!(docs.len(), 1);
    assert!(docs[0].skipped.is_some());
}

#[test]
fn evtx_fixtures_are_what_the_builder_makes() {
    for (name, bytes) in [
        ("aad-operational.evtx", evtx_fixture::aad_operational()),
        ("udr-admin.evtx", evtx_fixture::udr_admin()),
    ] {
        if std::env::var_os("M365DOCTOR_BLESS").is_some() {
            std::fs::write(data(name), &bytes).unwrap();
        }
        assert!(
            read(name) == bytes,
            "{name} differs from what the builder makes: run with M365DOCTOR_BLESS=1 to rewrite it"
        );
    }
}

// ---------------------------------------------------------------------------
// Hostile input: nothing panics, nothing runs away.

#[test]
fn mutated_inputs_never_panic() {
    let seeds = [
        (
            "x.zip",
            zip_of(&[
                ("a.txt", b"CAA50021"),
                ("b.zip", &zip_of(&[("c.log", b"0x80048823")])),
            ]),
        ),
        ("x.evtx", read("aad-operational.evtx")),
        ("x.har", read("signin-failure.har")),
    ];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // M365DOCTOR_FUZZ_ROUNDS=5000 for a longer run.
    let rounds = std::env::var("M365DOCTOR_FUZZ_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(60);
    for (name, seed) in &seeds {
        // Edits land where the content is, not in the zero padding after it.
        let span = seed
            .iter()
            .rposition(|&b| b != 0)
            .map_or(seed.len(), |p| p + 1);
        for round in 0..rounds {
            let mut bytes = seed.clone();
            let edits = 1 + (next() % 16) as usize;
            for _ in 0..edits {
                let at = (next() as usize) % span;
                bytes[at] = next() as u8;
            }
            if round % 10 == 9 {
                let len = (next() as usize) % bytes.len();
                bytes.truncate(len);
            }
            let docs = expand(name, &bytes, None);
            no_reader_failed(&docs);
        }
    }
}

/// Windows event log fixtures, built record by record. The BinXML writer follows
/// the evtx crate's own test fixtures (tests/fixtures.rs of evtx 0.15.1,
/// Copyright (c) 2019 Omer Ben-Amram, MIT licence; see
/// tests/data/containers/README.md), reduced to what these records use.
mod evtx_fixture {
    const FILE_HEADER: usize = 4096;
    const CHUNK: usize = 65536;
    const CHUNK_HEADER: usize = 512;
    const RECORD_HEADER: usize = 24;

    // Value types of MS-EVEN6.
    const STRING: u8 = 0x01;
    const UINT8: u8 = 0x04;
    const UINT16: u8 = 0x06;
    const UINT32: u8 = 0x08;
    const UINT64: u8 = 0x0A;
    const GUID: u8 = 0x0F;
    const FILETIME: u8 = 0x11;
    const HEXINT32: u8 = 0x14;

    /// One value of a template instance.
    pub enum Value {
        Text(String),
        U8(u8),
        U16(u16),
        U32(u32),
        U64(u64),
        Hex32(u32),
        Guid([u8; 16]),
        FileTime(u64),
    }

    impl Value {
        fn kind(&self) -> u8 {
            match self {
                Value::Text(_) => STRING,
                Value::U8(_) => UINT8,
                Value::U16(_) => UINT16,
                Value::U32(_) => UINT32,
                Value::U64(_) => UINT64,
                Value::Hex32(_) => HEXINT32,
                Value::Guid(_) => GUID,
                Value::FileTime(_) => FILETIME,
            }
        }
        fn bytes(&self) -> Vec<u8> {
            match self {
                Value::Text(s) => s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
                Value::U8(v) => vec![*v],
                Value::U16(v) => v.to_le_bytes().to_vec(),
                Value::U32(v) | Value::Hex32(v) => v.to_le_bytes().to_vec(),
                Value::U64(v) | Value::FileTime(v) => v.to_le_bytes().to_vec(),
                Value::Guid(g) => g.to_vec(),
            }
        }
    }

    /// BinXML written at a known offset in its chunk: inline names and the inline
    /// template definition point at their own offsets.
    struct BinXml {
        bytes: Vec<u8>,
        base: u32,
    }

    impl BinXml {
        fn pos(&self) -> u32 {
            self.base + self.bytes.len() as u32
        }
        fn raw(&mut self, b: &[u8]) -> &mut Self {
            self.bytes.extend_from_slice(b);
            self
        }
        fn u8(&mut self, v: u8) -> &mut Self {
            self.raw(&[v])
        }
        fn u16(&mut self, v: u16) -> &mut Self {
            self.raw(&v.to_le_bytes())
        }
        fn u32(&mut self, v: u32) -> &mut Self {
            self.raw(&v.to_le_bytes())
        }
        fn utf16(&mut self, s: &str) -> &mut Self {
            for unit in s.encode_utf16() {
                self.u16(unit);
            }
            self
        }
        fn fragment_header(&mut self) -> &mut Self {
            self.raw(&[0x0f, 1, 1, 0])
        }
        /// A name whose string follows inline: next string, hash, length, UTF-16, NUL.
        fn name(&mut self, name: &str) -> &mut Self {
            let at = self.pos() + 4;
            self.u32(at)
                .u32(0)
                .u16(0)
                .u16(name.encode_utf16().count() as u16)
                .utf16(name)
                .u16(0)
        }
        /// An element start in a template definition, attributes to follow or not.
        fn open(&mut self, name: &str, attributes: bool) -> &mut Self {
            self.u8(if attributes { 0x41 } else { 0x01 })
                .u16(0xffff)
                .u32(0)
                .name(name);
            if attributes {
                self.u32(0);
            }
            self
        }
        fn attribute(&mut self, name: &str) -> &mut Self {
            self.u8(0x06).name(name)
        }
        fn text(&mut self, text: &str) -> &mut Self {
            self.u8(0x05)
                .u8(0x01)
                .u16(text.encode_utf16().count() as u16)
                .utf16(text)
        }
        fn substitution(&mut self, id: u16, kind: u8) -> &mut Self {
            self.u8(0x0d).u16(id).u8(kind)
        }
        fn close_start(&mut self) -> &mut Self {
            self.u8(0x02)
        }
        fn close_empty(&mut self) -> &mut Self {
            self.u8(0x03)
        }
        fn end(&mut self) -> &mut Self {
            self.u8(0x04)
        }
        /// `<name>text</name>`.
        fn text_element(&mut self, name: &str, text: &str) -> &mut Self {
            self.open(name, false).close_start().text(text).end()
        }
        /// `<name>{value id}</name>`.
        fn value_element(&mut self, name: &str, id: u16, kind: u8) -> &mut Self {
            self.open(name, false)
                .close_start()
                .substitution(id, kind)
                .end()
        }
    }

    /// One event as its log writes it: the System part and named EventData values.
    pub struct Event {
        pub provider: &'static str,
        pub guid: &'static str,
        pub channel: &'static str,
        pub id: u16,
        pub level: u8,
        pub time: u64,
        pub data: Vec<(&'static str, Value)>,
    }

    /// The record's BinXML: a template instance whose definition follows inline,
    /// with every varying part a substitution, as Windows writes them.
    fn record(event: Event, record_id: u64, base: u32) -> Vec<u8> {
        let mut x = BinXml {
            bytes: Vec::new(),
            base,
        };
        x.fragment_header();
        x.u8(0x0c).u8(0x01).u32(1);
        let definition = x.pos() + 4;
        x.u32(definition).u32(0).raw(&[0x5a; 16]);
        let mut body = BinXml {
            bytes: Vec::new(),
            base: definition + 24,
        };
        body.fragment_header();
        body.open("Event", true)
            .attribute("xmlns")
            .text("http://schemas.microsoft.com/win/2004/08/events/event")
            .close_start();
        body.open("System", false).close_start();
        body.open("Provider", true)
            .attribute("Name")
            .text(event.provider)
            .attribute("Guid")
            .text(event.guid)
            .close_empty();
        body.value_element("EventID", 0, UINT16);
        body.text_element("Version", "0");
        body.value_element("Level", 1, UINT8);
        body.text_element("Task", "0");
        body.text_element("Opcode", "0");
        body.open("TimeCreated", true)
            .attribute("SystemTime")
            .substitution(2, FILETIME)
            .close_empty();
        body.value_element("EventRecordID", 3, UINT64);
        body.open("Execution", true)
            .attribute("ProcessID")
            .substitution(4, UINT32)
            .attribute("ThreadID")
            .substitution(5, UINT32)
            .close_empty();
        body.text_element("Channel", event.channel);
        body.text_element("Computer", "DESKTOP-7K2M9QX.corp.contoso.example");
        body.open("Security", true)
            .attribute("UserID")
            .text("S-1-5-18")
            .close_empty();
        body.end(); // System
        body.open("EventData", false).close_start();
        for (i, (name, value)) in event.data.iter().enumerate() {
            body.open("Data", true)
                .attribute("Name")
                .text(name)
                .close_start()
                .substitution(6 + i as u16, value.kind())
                .end();
        }
        body.end(); // EventData
        body.end(); // Event
        body.u8(0x00);
        x.u32(body.bytes.len() as u32);
        let body = body.bytes;
        x.raw(&body);

        let mut values = vec![
            Value::U16(event.id),
            Value::U8(event.level),
            Value::FileTime(event.time),
            Value::U64(record_id),
            Value::U32(6140),
            Value::U32(7312),
        ];
        values.extend(event.data.into_iter().map(|(_, v)| v));
        x.u32(values.len() as u32);
        let encoded: Vec<(u8, Vec<u8>)> = values.iter().map(|v| (v.kind(), v.bytes())).collect();
        for (kind, bytes) in &encoded {
            x.u16(bytes.len() as u16).u8(*kind).u8(0);
        }
        for (_, bytes) in &encoded {
            x.raw(bytes);
        }
        x.u8(0x00);
        x.bytes
    }

    /// A one-chunk log holding `events`, record IDs from 1.
    fn log(events: Vec<Event>) -> Vec<u8> {
        fn put(buf: &mut [u8], at: usize, bytes: &[u8]) {
            buf[at..at + bytes.len()].copy_from_slice(bytes);
        }
        let count = events.len() as u64;
        let mut file = vec![0u8; FILE_HEADER + CHUNK];
        put(&mut file, 0, b"ElfFile\0");
        put(&mut file, 16, &0u64.to_le_bytes()); // last chunk number
        put(&mut file, 24, &(count + 1).to_le_bytes()); // next record ID
        put(&mut file, 32, &128u32.to_le_bytes()); // header size
        put(&mut file, 36, &1u16.to_le_bytes()); // minor version
        put(&mut file, 38, &3u16.to_le_bytes()); // major version
        put(&mut file, 40, &(FILE_HEADER as u16).to_le_bytes()); // header block size
        put(&mut file, 42, &1u16.to_le_bytes()); // chunk count
        let checksum = evtx::checksum_ieee(&file[..120]);
        put(&mut file, 124, &checksum.to_le_bytes());

        let chunk = &mut file[FILE_HEADER..];
        let mut at = CHUNK_HEADER;
        let mut last = at;
        for (i, event) in events.into_iter().enumerate() {
            let id = i as u64 + 1;
            let time = event.time;
            let binxml = record(event, id, (at + RECORD_HEADER) as u32);
            let size = RECORD_HEADER + binxml.len() + 4;
            assert!(at + size <= CHUNK, "the records overflow the chunk");
            let r = &mut chunk[at..at + size];
            put(r, 0, b"**\0\0");
            put(r, 4, &(size as u32).to_le_bytes());
            put(r, 8, &id.to_le_bytes());
            put(r, 16, &time.to_le_bytes());
            put(r, RECORD_HEADER, &binxml);
            put(r, size - 4, &(size as u32).to_le_bytes());
            last = at;
            at += size;
        }
        put(chunk, 0, b"ElfChnk\0");
        for (offset, id) in [(8, 1), (16, count), (24, 1), (32, count)] {
            put(chunk, offset, &id.to_le_bytes());
        }
        put(chunk, 40, &128u32.to_le_bytes()); // header size
        put(chunk, 44, &(last as u32).to_le_bytes()); // last record offset
        put(chunk, 48, &(at as u32).to_le_bytes()); // free space offset
        let events_checksum = evtx::checksum_ieee(&chunk[CHUNK_HEADER..at]);
        put(chunk, 52, &events_checksum.to_le_bytes());
        let header_checksum =
            evtx::checksum_ieee(&[&chunk[..120], &chunk[128..CHUNK_HEADER]].concat());
        put(chunk, 124, &header_checksum.to_le_bytes());
        file
    }

    /// A FILETIME (100 ns ticks since 1601) of a UTC time.
    fn filetime(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, ticks: i64) -> u64 {
        // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
        let y = if mo <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (mo + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        let unix = days * 86_400 + h * 3600 + mi * 60 + s;
        ((unix + 11_644_473_600) * 10_000_000 + ticks) as u64
    }

    const AAD: &str = "Microsoft-Windows-AAD";
    const AAD_GUID: &str = "{4DE9BC9C-B27A-43C9-8994-0915F1A5E24F}";
    const AAD_CHANNEL: &str = "Microsoft-Windows-AAD/Operational";
    const UDR: &str = "Microsoft-Windows-User Device Registration";
    const UDR_GUID: &str = "{23B8D46B-67DD-40A3-B636-D43E50552C6D}";
    const UDR_CHANNEL: &str = "Microsoft-Windows-User Device Registration/Admin";

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    /// Microsoft-Windows-AAD/Operational: an MFA requirement, a wrong password, and an
    /// informational event around them. Values are made up; the shapes are Windows'.
    pub fn aad_operational() -> Vec<u8> {
        log(vec![
            Event {
                provider: AAD,
                guid: AAD_GUID,
                channel: AAD_CHANNEL,
                id: 1098,
                level: 2,
                time: filetime(2026, 11, 20, 9, 12, 33, 1_234_560),
                data: vec![
                    ("Error", Value::Hex32(0xCAA2_000C)),
                    ("ErrorMessage", text("The request requires user interaction.")),
                    (
                        "AdditionalInformation",
                        text(
                            "Code: interaction_required\r\nDescription: AADSTS50076: Due to a configuration change made by \
                             your administrator, or because you moved to a new location, you must use multi-factor \
                             authentication to access '00000003-0000-0000-c000-000000000000'.\r\nTrace ID: \
                             6d3c1f2a-5b4e-4c8d-9f1a-2e7b8c9d0a11\r\nCorrelation ID: 3f8e2d1c-7a6b-4c5d-8e9f-0a1b2c3d4e5f\r\n\
                             Timestamp: 2026-11-20 09:12:33Z\r\nTokenEndpoint: \
                             https://login.microsoftonline.com/organizations/oauth2/token",
                        ),
                    ),
                    (
                        "Logged",
                        text(
                            "Logged at OAuthTokenRequest.cpp, line: 410, method: \
                             OAuthTokenRequestBase::ProcessOAuthResponse.",
                        ),
                    ),
                ],
            },
            Event {
                provider: AAD,
                guid: AAD_GUID,
                channel: AAD_CHANNEL,
                id: 1081,
                level: 2,
                time: filetime(2026, 11, 20, 9, 12, 35, 5_000_000),
                data: vec![
                    ("Error", Value::Hex32(0xCAA2_0003)),
                    ("ErrorMessage", text("Authorization grant failed for this user.")),
                    (
                        "AdditionalInformation",
                        text(
                            "Code: invalid_grant\r\nDescription: AADSTS50126: Error validating credentials due to \
                             invalid username or password.\r\nTrace ID: 7c2a9e41-3b5d-4f60-8a1c-2d9e6f0b4a00\r\n\
                             Correlation ID: 5e1d7c3b-9a2f-4e8d-b6c0-1f3a5d7e9b21\r\nTimestamp: 2026-11-20 09:12:35Z",
                        ),
                    ),
                    (
                        "Logged",
                        text(
                            "Logged at OAuthTokenRequest.cpp, line: 413, method: \
                             OAuthTokenRequestBase::ProcessOAuthResponse.",
                        ),
                    ),
                ],
            },
            Event {
                provider: AAD,
                guid: AAD_GUID,
                channel: AAD_CHANNEL,
                id: 1006,
                level: 4,
                time: filetime(2026, 11, 20, 9, 12, 36, 0),
                data: vec![
                    ("Operation", text("AAD Cloud AP plugin call: GetToken")),
                    ("Status", Value::Hex32(0)),
                    (
                        "ActivityId",
                        Value::Guid([
                            0x1c, 0x2d, 0x8e, 0x3f, 0x6b, 0x7a, 0x5d, 0x4c, 0x8e, 0x9f, 0x0a, 0x1b,
                            0x2c, 0x3d, 0x4e, 0x5f,
                        ]),
                    ),
                ],
            },
        ])
    }

    /// Microsoft-Windows-User Device Registration/Admin: a failed hybrid join.
    pub fn udr_admin() -> Vec<u8> {
        log(vec![
            Event {
                provider: UDR,
                guid: UDR_GUID,
                channel: UDR_CHANNEL,
                id: 304,
                level: 2,
                time: filetime(2026, 11, 20, 9, 14, 2, 7_654_321),
                data: vec![
                    ("ExitCode", Value::Hex32(0x801C_001D)),
                    ("ServerErrorMessage", text("")),
                    ("TenantType", text("Managed")),
                    ("RegistrationType", text("sync")),
                    (
                        "DebugOutput",
                        text(
                            "joinMode: Join\r\ndrsInstance: azure\r\nregistrationType: sync\r\ntenantType: Managed\r\n\
                             tenantId: 0b6f3a2c-91d4-4e57-a8c3-7d2e1f0a9b84\r\nconfigLocation: undefined\r\n\
                             errorPhase: join\r\nadalCorrelationId: undefined\r\nadalLog:\r\nundefined\r\n\
                             adalResponseCode: 0x0",
                        ),
                    ),
                ],
            },
            Event {
                provider: UDR,
                guid: UDR_GUID,
                channel: UDR_CHANNEL,
                id: 204,
                level: 2,
                time: filetime(2026, 11, 20, 9, 14, 2, 9_000_000),
                data: vec![
                    ("ExitCode", Value::Hex32(0x801C_03F3)),
                    (
                        "ActivityId",
                        Value::Guid([
                            0x44, 0x33, 0x22, 0x11, 0x66, 0x55, 0x88, 0x77, 0x99, 0xaa, 0xbb, 0xcc,
                            0xdd, 0xee, 0xff, 0x00,
                        ]),
                    ),
                    ("HttpStatus", Value::U32(400)),
                    (
                        "ServerResponse",
                        text(
                            "{\"ErrorType\":\"DirectoryError\",\"Message\":\"The device object by the given id \
                             (a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f607) is not found.\",\"TraceId\":\
                             \"0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b\",\"Time\":\"11-20-2026 09:14:02Z\"}",
                        ),
                    ),
                ],
            },
        ])
    }
}
