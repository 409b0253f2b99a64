//! A fast first pass for `scan`: finds the lines that may hold a code or an
//! event id, so that the exact word walk of [`crate::extract::hits`] runs on
//! those lines only. Most lines of a large log hold no code, and the word walk
//! costs several nanoseconds a byte. This pass sorts 64 bytes at a time into
//! byte classes (one bit per byte and class: AVX-512BW or AVX2 where the CPU
//! has them, detected at run time; SSE2 on other x86-64 CPUs; eight bytes at
//! a time with integer arithmetic elsewhere), combines the classes with bit
//! operations, and looks closer only at a few places:
//!
//! - a run of eight or more hex digits standing as a word of its own (bare
//!   HRESULTs, `CAA…`, 8–10 digit decimals; GUID groups and versions are not);
//! - `0x`, a `/` between hex digits (phase/sub-error pairs), `AADSTS`;
//! - a short number that an event id could be (three or four digits, the
//!   first two 0–3), or whose previous word may be a label (its last two
//!   letters say: `Error 1001`, `Status: 5`, `WSAHOST_NOT_FOUND 11001`) or
//!   that stands after `[`;
//! - any number up to 72 bytes after non-ASCII text, where a Japanese label
//!   (`エラー コード: 1001`) may stand.
//!
//! The contract, checked by the tests: every line on which `hits` reports
//! something is a candidate. Candidates without codes only cost time.

use crate::extract::{is_word_byte, ja_label_before, EVENT_IDS, LABELS};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// High bit of each byte set where the byte is >= `c` (bytes < 0x80 only).
#[inline(always)]
fn ge(x: u64, c: u8) -> u64 {
    x.wrapping_add(ONES * (0x80 - c as u64)) & HIGH
}

/// High bit of each byte set where the byte equals `c` (exact, no borrows).
#[inline(always)]
fn eq(x: u64, c: u8) -> u64 {
    let y = x ^ (ONES * c as u64);
    !(((y & LOW7).wrapping_add(LOW7)) | y | LOW7)
}

/// One bit per byte (bit i = byte i) from a mask of high bits.
#[inline(always)]
fn bits(m: u64) -> u64 {
    ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// Masks of one 64-byte group: bit i describes byte i.
#[derive(Default, Clone, Copy)]
struct Masks {
    hex: u64,
    digit: u64,
    letter: u64,
    /// Word bytes except `+` (a `+` may lead a number: `+1001`).
    word: u64,
    /// `-`, `.`, `/`, `_`: they join a number to what follows (`2026-11`, `16.0`).
    joiner: u64,
    colon: u64,
    /// Single letters (either case) and bytes for `0x`, `a/b` and `AADSTS`.
    x: u64,
    slash: u64,
    zero: u64,
    a: u64,
    d: u64,
    s: u64,
    /// Bytes of non-ASCII characters.
    high: u64,
    /// Bytes a label or a symbolic name can end with: `r s e t l d g o`,
    /// capitals, digits, `_`, and the `. - /` that are trimmed off a word.
    label_end: u64,
    newline: u64,
    bracket: u64,
    /// Digits `0`–`3`: every event id starts with two of them.
    low: u64,
}

const CLASSES: usize = 17;

impl Masks {
    fn from(m: [u64; CLASSES]) -> Masks {
        let [hex, digit, letter, word, joiner, colon, x, slash, zero, a, d, s, high, label_end, newline, bracket, low] =
            m;
        Masks {
            hex,
            digit,
            letter,
            word,
            joiner,
            colon,
            x,
            slash,
            zero,
            a,
            d,
            s,
            high,
            label_end,
            newline,
            bracket,
            low,
        }
    }
}

#[inline(always)]
fn classify8(x: u64) -> [u64; CLASSES] {
    let ascii = !x & HIGH;
    // Only ASCII bytes are compared; the others have their own class.
    let xa = x & LOW7;
    let digit = ge(xa, b'0') & !ge(xa, b'9' + 1) & ascii;
    let l = xa | (ONES * 0x20);
    let letter = ge(l, b'a') & !ge(l, b'z' + 1) & ascii;
    let hexl = ge(l, b'a') & !ge(l, b'f' + 1) & ascii;
    let slash = eq(xa, b'/') & ascii;
    let joiner = (eq(xa, b'_') | eq(xa, b'-') | slash | eq(xa, b'.')) & ascii;
    [
        bits(digit | hexl),
        bits(digit),
        bits(letter),
        bits(digit | letter | joiner),
        bits(joiner),
        bits(eq(xa, b':') & ascii),
        bits(eq(l, b'x') & ascii),
        bits(slash),
        bits(eq(xa, b'0') & ascii),
        bits(eq(l, b'a') & ascii),
        bits(eq(l, b'd') & ascii),
        bits(eq(l, b's') & ascii),
        bits(x & HIGH),
        bits(
            (eq(xa, b'r')
                | eq(xa, b's')
                | eq(xa, b'e')
                | eq(xa, b't')
                | eq(xa, b'l')
                | eq(xa, b'd')
                | eq(xa, b'g')
                | eq(xa, b'o')
                | (ge(xa, b'A') & !ge(xa, b'Z' + 1))
                | digit
                | joiner)
                & ascii,
        ),
        bits(eq(xa, b'\n') & ascii),
        bits(eq(xa, b'[') & ascii),
        bits(ge(xa, b'0') & !ge(xa, b'3' + 1) & ascii),
    ]
}

/// Which vector instructions classify a full group.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Wide {
    #[cfg(not(target_arch = "x86_64"))]
    Portable,
    #[cfg(target_arch = "x86_64")]
    Sse2,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Wide {
    fn best() -> Wide {
        #[cfg(target_arch = "x86_64")]
        {
            if std::is_x86_feature_detected!("avx512bw") {
                return Wide::Avx512;
            }
            if std::is_x86_feature_detected!("avx2") {
                return Wide::Avx2;
            }
            Wide::Sse2
        }
        #[cfg(not(target_arch = "x86_64"))]
        Wide::Portable
    }
}

fn masks(group: &[u8], wide: Wide) -> Masks {
    #[cfg(target_arch = "x86_64")]
    if let Ok(full) = <&[u8; 64]>::try_from(group) {
        return match wide {
            Wide::Sse2 => sse2::masks64(full),
            // SAFETY: `Wide::best` chose AVX2 only on a CPU that has it.
            Wide::Avx2 => unsafe { avx2::masks64(full) },
            // SAFETY: chosen only on a CPU with AVX-512BW.
            Wide::Avx512 => unsafe { avx512::masks64(full) },
        };
    }
    let _ = wide;
    masks_portable(group)
}

fn masks_portable(group: &[u8]) -> Masks {
    let mut m = [0u64; CLASSES];
    let mut add = |k: usize, x: u64| {
        for (acc, v) in m.iter_mut().zip(classify8(x)) {
            *acc |= v << (8 * k);
        }
    };
    let mut chunks = group.chunks_exact(8);
    for (k, chunk) in chunks.by_ref().enumerate() {
        add(
            k,
            u64::from_le_bytes(chunk.try_into().expect("eight bytes")),
        );
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut buf = [0u8; 8];
        buf[..tail.len()].copy_from_slice(tail);
        add(group.len() / 8, u64::from_le_bytes(buf));
    }
    Masks::from(m)
}

/// `or(a, or(b, …))` over any number of vectors.
#[cfg(target_arch = "x86_64")]
macro_rules! or_all {
    ($or:ident; $x:expr $(,)?) => { $x };
    ($or:ident; $x:expr, $($rest:expr),+ $(,)?) => { $or($x, or_all!($or; $($rest),+)) };
}

/// The classification of one vector of bytes, written once for SSE2 and
/// AVX2: the intrinsics of either width are passed in.
#[cfg(target_arch = "x86_64")]
macro_rules! classify_vector {
    ($v:ident, $ty:ty, $set1:ident, $cmpgt:ident, $cmpeq:ident, $or:ident, $and:ident, $movemask:ident) => {{
        let v = $v;
        let splat = |c: u8| $set1(c as i8);
        // Signed compares: bytes >= 0x80 are negative and fall outside every range.
        let between =
            |x: $ty, lo: u8, hi: u8| $and($cmpgt(x, splat(lo - 1)), $cmpgt(splat(hi + 1), x));
        let is = |x: $ty, c: u8| $cmpeq(x, splat(c));
        let l = $or(v, splat(0x20));
        let digit = between(v, b'0', b'9');
        let letter = between(l, b'a', b'z');
        let hexl = between(l, b'a', b'f');
        let slash = is(v, b'/');
        let joiner = or_all!($or; is(v, b'_'), is(v, b'-'), slash, is(v, b'.'));
        let mask = |x: $ty| $movemask(x) as u32 as u64;
        [
            mask($or(digit, hexl)),
            mask(digit),
            mask(letter),
            mask(or_all!($or; digit, letter, joiner)),
            mask(joiner),
            mask(is(v, b':')),
            mask(is(l, b'x')),
            mask(slash),
            mask(is(v, b'0')),
            mask(is(l, b'a')),
            mask(is(l, b'd')),
            mask(is(l, b's')),
            mask(v),
            mask(or_all!($or;
                is(v, b'r'),
                is(v, b's'),
                is(v, b'e'),
                is(v, b't'),
                is(v, b'l'),
                is(v, b'd'),
                is(v, b'g'),
                is(v, b'o'),
                between(v, b'A', b'Z'),
                digit,
                joiner,
            )),
            mask(is(v, b'\n')),
            mask(is(v, b'[')),
            mask(between(v, b'0', b'3')),
        ]
    }};
}

/// The same classification sixteen bytes at a time. SSE2 is part of every
/// x86-64 CPU, so no run-time detection is needed.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::{Masks, CLASSES};
    use std::arch::x86_64::*;

    pub fn masks64(group: &[u8; 64]) -> Masks {
        let mut m = [0u64; CLASSES];
        for k in 0..4 {
            // SAFETY: SSE2 is always available on x86_64; the load reads 16
            // bytes inside `group` (unaligned loads are allowed).
            let classes = unsafe {
                classify16(_mm_loadu_si128(group.as_ptr().add(16 * k) as *const __m128i))
            };
            for (acc, v) in m.iter_mut().zip(classes) {
                *acc |= v << (16 * k);
            }
        }
        Masks::from(m)
    }

    #[inline(always)]
    unsafe fn classify16(v: __m128i) -> [u64; CLASSES] {
        classify_vector!(
            v,
            __m128i,
            _mm_set1_epi8,
            _mm_cmpgt_epi8,
            _mm_cmpeq_epi8,
            _mm_or_si128,
            _mm_and_si128,
            _mm_movemask_epi8
        )
    }
}

/// The same classification thirty-two bytes at a time, on CPUs with AVX2
/// (detected at run time).
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{Masks, CLASSES};
    use std::arch::x86_64::*;

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub unsafe fn masks64(group: &[u8; 64]) -> Masks {
        let mut m = [0u64; CLASSES];
        for k in 0..2 {
            // The load reads 32 bytes inside `group` (unaligned loads are allowed).
            let v = _mm256_loadu_si256(group.as_ptr().add(32 * k) as *const __m256i);
            for (acc, bits) in m.iter_mut().zip(classify32(v)) {
                *acc |= bits << (32 * k);
            }
        }
        Masks::from(m)
    }

    #[inline(always)]
    unsafe fn classify32(v: __m256i) -> [u64; CLASSES] {
        classify_vector!(
            v,
            __m256i,
            _mm256_set1_epi8,
            _mm256_cmpgt_epi8,
            _mm256_cmpeq_epi8,
            _mm256_or_si256,
            _mm256_and_si256,
            _mm256_movemask_epi8
        )
    }
}

/// The same classification sixty-four bytes at a time, on CPUs with
/// AVX-512BW (detected at run time): compares give the bit masks directly.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use super::Masks;
    use std::arch::x86_64::*;

    /// # Safety
    /// The CPU must support AVX-512F and AVX-512BW.
    #[target_feature(enable = "avx512f,avx512bw")]
    pub unsafe fn masks64(group: &[u8; 64]) -> Masks {
        // The load reads the 64 bytes of `group` (unaligned loads are allowed).
        let v = _mm512_loadu_si512(group.as_ptr() as *const __m512i);
        let splat = |c: u8| _mm512_set1_epi8(c as i8);
        // Unsigned: bytes >= 0x80 fall outside every ASCII range.
        let between = |x: __m512i, lo: u8, hi: u8| {
            _mm512_cmplt_epu8_mask(_mm512_sub_epi8(x, splat(lo)), splat(hi - lo + 1))
        };
        let is = |x: __m512i, c: u8| _mm512_cmpeq_epi8_mask(x, splat(c));
        let l = _mm512_or_si512(v, splat(0x20));
        let digit = between(v, b'0', b'9');
        let letter = between(l, b'a', b'z');
        let hexl = between(l, b'a', b'f');
        let slash = is(v, b'/');
        let joiner = is(v, b'_') | is(v, b'-') | slash | is(v, b'.');
        Masks {
            hex: digit | hexl,
            digit,
            letter,
            word: digit | letter | joiner,
            joiner,
            colon: is(v, b':'),
            x: is(l, b'x'),
            slash,
            zero: is(v, b'0'),
            a: is(l, b'a'),
            d: is(l, b'd'),
            s: is(l, b's'),
            high: _mm512_movepi8_mask(v),
            label_end: is(v, b'r')
                | is(v, b's')
                | is(v, b'e')
                | is(v, b't')
                | is(v, b'l')
                | is(v, b'd')
                | is(v, b'g')
                | is(v, b'o')
                | between(v, b'A', b'Z')
                | digit
                | joiner,
            newline: is(v, b'\n'),
            bracket: is(v, b'['),
            low: between(v, b'0', b'3'),
        }
    }
}

fn is_hex(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

/// Calls `f(start, end)` for each line of `text` (without its `\n`) that may
/// hold a code or event id, in order, each line once.
pub fn candidate_lines(text: &[u8], mut f: impl FnMut(usize, usize)) {
    let wide = Wide::best();
    let n = text.len();
    let group_masks = |g: usize| {
        if g < n {
            masks(&text[g..(g + 64).min(n)], wide)
        } else {
            Masks::default()
        }
    };
    // The end of the last line reported: anchors before it are done.
    let mut done = 0usize;
    let mut prev = Masks::default();
    // Non-ASCII bytes of the group before `prev`.
    let mut prev2_high = 0u64;
    let mut cur = group_masks(0);
    let mut g = 0usize;
    while g < n {
        let end = (g + 64).min(n);
        let next = group_masks(end);
        let valid = if end - g == 64 {
            u64::MAX
        } else {
            (1u64 << (end - g)) - 1
        };
        // Bit i of the result describes byte i-k (shl) or byte i+k (shr).
        let shl = |m: u64, p: u64, k: u32| (m << k) | (p >> (64 - k));
        let shr = |m: u64, x: u64, k: u32| (m >> k) | (x << (64 - k));
        let mut anchors: u64 = 0;
        // Runs of eight or more hex digits that stand as a word: the byte
        // before is no letter or digit and no joiner after one (GUID groups,
        // versions), nor is the byte after.
        let h = cur.hex & valid;
        let alnum = cur.letter | cur.digit;
        let prev_alnum = prev.letter | prev.digit;
        let next_alnum = next.letter | next.digit;
        let wide = (h as u128) | ((next.hex as u128) << 64);
        let mut long = wide & (wide >> 1);
        long &= long >> 2;
        long &= long >> 4;
        let starts = h & !shl(h, prev.hex, 1) & long as u64;
        let before_ok = !shl(alnum, prev_alnum, 1)
            & !(shl(cur.joiner, prev.joiner, 1) & shl(alnum, prev_alnum, 2));
        let good_starts = starts & before_ok;
        // Adding a run's first bit carries through the run to the bit after it.
        let after = h.wrapping_add(good_starts) & !h;
        let after_ok = !alnum & !(cur.joiner & shr(alnum, next_alnum, 1));
        anchors |= after & after_ok;
        // The last run may go on into the next group: decided byte by byte.
        if h >> 63 == 1 {
            let top = 64 - h.leading_ones() as usize;
            if (good_starts >> top) & 1 == 1 && g + top >= done && hex_run_is_word(text, g + top) {
                anchors |= 1 << top;
            }
        }
        // Numbers that start a word: event ids and labelled codes. Numbers
        // that go on into a longer word (`2026-11-20`, `16.0`, `123abc`) or
        // into a time (`09:12`, `:33`) are left out here already.
        let d = cur.digit;
        let dl = |k| shl(d, prev.digit, k);
        let dr = |k| shr(d, next.digit, k);
        let run_end = d & !dr(1);
        // Three or four digits, the first two of them 0–3, may be an event id
        // (`1098`, `304`), which `hits` reports before it looks for a time:
        // those keep their closer look.
        let ll = |k| shl(cur.low, prev.low, k);
        let event_end = run_end
            & dl(1)
            & dl(2)
            & !(dl(3) & dl(4))
            & ((dl(3) & ll(3) & ll(2)) | (!dl(3) & ll(2) & ll(1)));
        let event_start =
            d & !dl(1) & dr(1) & dr(2) & !(dr(3) & dr(4)) & cur.low & shr(cur.low, next.low, 1);
        let continues = shr(cur.letter, next.letter, 1)
            | (shr(cur.joiner, next.joiner, 1) & (dr(2) | shr(cur.letter, next.letter, 2)))
            | (shr(cur.colon, next.colon, 1) & dr(2) & !event_end);
        let mut skip = run_end & continues;
        // Carry the verdict from each run's last digit back to its first
        // (up to seven places, in steps of one, two and four).
        skip |= (skip >> 1) & d;
        let d2 = d & (d >> 1);
        skip |= (skip >> 2) & d2;
        skip |= (skip >> 4) & d2 & (d2 >> 2);
        let after_time = shl(cur.colon, prev.colon, 1) & dl(2) & !event_start;
        // A number starts a word, or follows the `+`, `/`, `.` and `_` that
        // `hits` trims from the front of a word (`+1001`, `+//7`).
        let word1 = shl(cur.word, prev.word, 1);
        let lead = shl(cur.joiner, prev.joiner, 1)
            & (!shl(cur.word, prev.word, 2) | shl(cur.joiner, prev.joiner, 2));
        // Only a number after a word that can be a label (its last byte
        // says), after `[`, at the start of a line, after a longer run of
        // separators, or eight digits and more needs the closer look.
        let nw = |k| !shl(cur.word, prev.word, k);
        let le = |k| shl(cur.label_end, prev.label_end, k);
        let around = |m: &Masks, p: &Masks, k| shl(m.newline | m.bracket, p.newline | p.bracket, k);
        // A Japanese label may stand up to 72 bytes before a number, words
        // between: near non-ASCII bytes every number gets the closer look.
        let near_wide_text = if prev2_high | prev.high | cur.high != 0 {
            u64::MAX
        } else {
            0
        };
        let strong = lead
            | (nw(1) & nw(2) & nw(3))
            | around(&cur, &prev, 1)
            | around(&cur, &prev, 2)
            | near_wide_text
            | long as u64;
        let after_label_end = (nw(1) & le(2)) | (nw(1) & nw(2) & le(3));
        let digit_starts =
            d & valid & (!word1 | lead) & (strong | after_label_end) & !skip & !after_time;
        // Numbers that only the previous word's last byte let through: its
        // last two letters decide (`after`, `build` and `line` are no label).
        let by_word_only = digit_starts & !strong & !event_start;
        let mut it = digit_starts;
        while it != 0 {
            let i = it.trailing_zeros() as usize;
            it &= it - 1;
            if (by_word_only >> i) & 1 == 1 && !word_may_be_label(text, g + i) {
                continue;
            }
            if g + i >= done && number_is_candidate(text, g + i) {
                anchors |= 1 << i;
            }
        }
        // `0x`, a `/` between hex digits (phase/sub-error pairs), `AADS`.
        // (A hex run's anchor may sit one past the end of the text: the
        // byte after it. The others must be inside the text.)
        let special = (cur.x & shl(cur.zero, prev.zero, 1))
            | (cur.slash & shl(cur.hex, prev.hex, 1) & shr(cur.hex, next.hex, 1))
            | (cur.d & shl(cur.a, prev.a, 1) & shl(cur.a, prev.a, 2) & shr(cur.s, next.s, 1));
        anchors |= special & valid;
        // Full-width digits (`０ｘ８００４０１１Ｄ`, `ＡＡＤＳＴＳ５００７６`) have no ASCII
        // byte at all: `hits` reads them folded. Only groups with non-ASCII
        // bytes are searched, for the lead byte 0xEF of U+FF10–U+FF19.
        if cur.high & valid != 0 {
            for i in memchr::memchr_iter(0xEF, &text[g..end]) {
                if is_full_width_digit(&text[g + i..]) {
                    anchors |= 1 << i;
                }
            }
        }
        while anchors != 0 {
            let i = anchors.trailing_zeros() as usize;
            anchors &= anchors - 1;
            if g + i >= done {
                report(text, g + i, &mut done, &mut f);
            }
        }
        prev2_high = prev.high;
        prev = cur;
        cur = next;
        g = end;
    }
}

/// U+FF10–U+FF19 in UTF-8: EF BC 90–99.
fn is_full_width_digit(b: &[u8]) -> bool {
    b.len() >= 3 && b[0] == 0xEF && b[1] == 0xBC && (0x90..=0x99).contains(&b[2])
}

/// Whether the bytes before `p` end in a character that `hits` folds away
/// or into a code's own characters: a zero-width character or soft hyphen
/// right after a letter or digit (`CAA5\u{200B}0021`), or the `×` of `0×3e9`.
fn after_lookalike(text: &[u8], p: usize) -> bool {
    let before = &text[..p];
    let glued = |n: usize| before.len() > n && before[before.len() - n - 1].is_ascii_alphanumeric();
    const ZERO_WIDTH: &[&[u8]] = &[
        b"\xE2\x80\x8B",
        b"\xE2\x80\x8C",
        b"\xE2\x80\x8D",
        b"\xE2\x81\xA0",
        b"\xEF\xBB\xBF",
    ];
    ZERO_WIDTH.iter().any(|z| before.ends_with(z) && glued(3))
        || (before.ends_with(b"\xC2\xAD") && glued(2))
        || before.ends_with(b"0\xC3\x97")
}

fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0u32, |v, d| {
        v.saturating_mul(10).saturating_add((d - b'0') as u32)
    })
}

fn line_bounds(text: &[u8], at: usize) -> (usize, usize) {
    let start = memchr::memrchr(b'\n', &text[..at]).map_or(0, |i| i + 1);
    let end = memchr::memchr(b'\n', &text[at..]).map_or(text.len(), |i| at + i);
    (start, end)
}

fn report(text: &[u8], at: usize, done: &mut usize, f: &mut impl FnMut(usize, usize)) {
    let (start, end) = line_bounds(text, at);
    f(start, end);
    *done = end + 1;
}

/// A maximal run of hex digits starting at `s` (at least eight long) that is a
/// word of its own, not a GUID group, a version part or the tail of a name.
fn hex_run_is_word(text: &[u8], s: usize) -> bool {
    let mut e = s;
    while e < text.len() && is_hex(text[e]) {
        e += 1;
    }
    if s > 0 {
        let c = text[s - 1];
        if c.is_ascii_alphanumeric() {
            return false;
        }
        if matches!(c, b'-' | b'.' | b'_') && s > 1 && text[s - 2].is_ascii_alphanumeric() {
            return false;
        }
    }
    if e < text.len() {
        let c = text[e];
        if c.is_ascii_alphanumeric() {
            return false;
        }
        if matches!(c, b'-' | b'.' | b'_' | b'+')
            && e + 1 < text.len()
            && text[e + 1].is_ascii_alphanumeric()
        {
            return false;
        }
    }
    true
}

/// For each lowercase letter a label can end with, the letters (bit 0 = `a`)
/// that can stand before it; built from [`LABELS`] when compiling.
const LABEL_PAIRS: [u32; 26] = label_pairs();

const fn label_pairs() -> [u32; 26] {
    let mut table = [0u32; 26];
    let mut i = 0;
    while i <= LABELS.len() {
        let word = if i < LABELS.len() {
            LABELS[i].as_bytes()
        } else {
            b"is"
        };
        let (pen, last) = (word[word.len() - 2], word[word.len() - 1]);
        assert!(
            pen.is_ascii_lowercase() && last.is_ascii_lowercase(),
            "a label ends in two lowercase letters"
        );
        table[(last - b'a') as usize] |= 1 << (pen - b'a');
        i += 1;
    }
    table
}

/// The number starting at `p` follows one or two separators after a word
/// whose last byte may end a label or a symbolic name. May the word be one?
/// Capitals, digits and joiners: the closer look decides. A lowercase last
/// letter: only if the letter before it ends a label too.
#[inline]
fn word_may_be_label(text: &[u8], p: usize) -> bool {
    let last = if is_word_byte(text[p - 2]) {
        p - 2
    } else {
        p - 3
    };
    let c = text[last];
    if !c.is_ascii_lowercase() {
        return true;
    }
    match last.checked_sub(1).map(|i| text[i]) {
        Some(pen) if pen.is_ascii_alphabetic() => {
            (LABEL_PAIRS[(c - b'a') as usize] >> ((pen | 0x20) - b'a')) & 1 == 1
        }
        _ => false,
    }
}

fn is_label(word: &[u8]) -> bool {
    let w = trim(word, b".-/");
    if !(2..=16).contains(&w.len()) {
        return false;
    }
    let mut buf = [0u8; 16];
    let lower = &mut buf[..w.len()];
    lower.copy_from_slice(w);
    lower.make_ascii_lowercase();
    lower == b"is" || lower == b"state" || LABELS.iter().any(|l| l.as_bytes() == &lower[..])
}

fn trim<'a>(mut w: &'a [u8], set: &[u8]) -> &'a [u8] {
    while let [first, rest @ ..] = w {
        if set.contains(first) {
            w = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = w {
        if set.contains(last) {
            w = rest;
        } else {
            break;
        }
    }
    w
}

/// `NTE_BAD_KEYSET`, `WSAHOST_NOT_FOUND`: a symbolic name labels the number after it.
fn is_symbol(word: &[u8]) -> bool {
    word.contains(&b'_')
        && word
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
}

/// A number starting a word at `p`: may it be an event id or a labelled code?
fn number_is_candidate(text: &[u8], p: usize) -> bool {
    let n = text.len();
    // The raw word may begin with `+` signs.
    // A negative number (`-2147024891` is found as a hex run; a short one
    // could still be a signed code with a name): always a closer look.
    if p > 0 && text[p - 1] == b'-' && (p == 1 || !is_word_byte(text[p - 2])) {
        return true;
    }
    // `0×3e9`: the zero of a hex prefix typed with a multiplication sign.
    if after_lookalike(text, p) || (text[p] == b'0' && text[p + 1..].starts_with(b"\xC3\x97")) {
        return true;
    }
    let mut q = p;
    while q > 0 && matches!(text[q - 1], b'+' | b'/' | b'.' | b'_') {
        q -= 1;
    }
    // `hits` reads a word only from a digit, a sign or a hex letter.
    if q < p && text[q] != b'+' {
        return false;
    }
    if q > 0 && is_word_byte(text[q - 1]) {
        return false;
    }
    let mut e = p;
    while e < n && text[e].is_ascii_digit() {
        e += 1;
    }
    let mut k = e;
    while k < n && matches!(text[k], b'.' | b'-' | b'/' | b'_' | b'+') {
        k += 1;
    }
    if k < n && is_word_byte(text[k]) {
        // `2026-11-20`, `16.0.1234`, `1/3`: not a number of its own (pairs
        // of codes are found through their `/`).
        return false;
    }
    if e - p >= 8 {
        return e - p <= 32;
    }
    if (3..=4).contains(&(e - p)) && EVENT_IDS.binary_search(&number(&text[p..e])).is_ok() {
        return true;
    }
    // `09:12`: a time.
    if k + 1 < n && text[k] == b':' && text[k + 1].is_ascii_digit() {
        return false;
    }
    if q > 1 && text[q - 1] == b':' && text[q - 2].is_ascii_digit() {
        return false;
    }
    // A Japanese label shortly before it on its line (`エラー コード: 1001`).
    let from = q.saturating_sub(72);
    let from = memchr::memrchr(b'\n', &text[from..q]).map_or(from, |i| from + i + 1);
    if ja_label_before(&text[from..], q - from) {
        return true;
    }
    // The separators before the number, then the previous word.
    let mut j = q;
    while j > 0 && !is_word_byte(text[j - 1]) {
        match text[j - 1] {
            b'\n' => break,
            b'[' => return true,
            _ => j -= 1,
        }
    }
    if j == 0 || text[j - 1] == b'\n' {
        // No word before it on its line: a number alone on a line (blanks
        // around it, wide spaces too) is a code.
        let rest = &text[k..];
        let line_rest = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
        let blank = |b: &[u8]| std::str::from_utf8(b).map_or(true, |s| s.trim().is_empty());
        return e - p >= 4 && blank(line_rest);
    }
    let word_end = j;
    while j > 0 && is_word_byte(text[j - 1]) {
        j -= 1;
    }
    let word = &text[j..word_end];
    // Most words before a number are no label: their last letter says so.
    let Some(&last) = trim(word, b".-/").last() else {
        return false;
    };
    let label_end = matches!(
        last | 0x20,
        b'r' | b's' | b'e' | b't' | b'l' | b'd' | b'g' | b'o'
    );
    let symbol_end = last.is_ascii_uppercase() || last.is_ascii_digit() || last == b'_';
    (label_end && is_label(word)) || (symbol_end && is_symbol(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::hits;
    use m365doctor_codes::grammar::fold_lookalikes;

    fn candidates(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        candidate_lines(text.as_bytes(), |s, e| out.push(&text[s..e]));
        out
    }

    fn lines_with_hits(text: &str) -> Vec<&str> {
        text.split('\n')
            .filter(|l| {
                let mut any = false;
                hits(&fold_lookalikes(l), |_| any = true);
                any
            })
            .collect()
    }

    #[test]
    fn wide_classification_matches_portable() {
        let all = |m: Masks| {
            [
                m.hex,
                m.digit,
                m.letter,
                m.word,
                m.joiner,
                m.colon,
                m.x,
                m.slash,
                m.zero,
                m.a,
                m.d,
                m.s,
                m.high,
                m.label_end,
                m.newline,
                m.bracket,
                m.low,
            ]
        };
        let bytes: Vec<u8> = (0u8..=255).chain((0u8..=255).rev()).collect();
        for group in bytes.chunks_exact(64) {
            let b = all(masks_portable(group));
            assert_eq!(all(masks(group, Wide::best())), b, "{:?}", Wide::best());
            #[cfg(target_arch = "x86_64")]
            {
                assert_eq!(all(masks(group, Wide::Sse2)), b, "SSE2");
                if std::is_x86_feature_detected!("avx2") {
                    assert_eq!(all(masks(group, Wide::Avx2)), b, "AVX2");
                }
            }
        }
    }

    #[test]
    fn classification_matches_bytes() {
        let sample: Vec<u8> = (0u8..=255).collect();
        for chunk in sample.chunks(8) {
            let x = u64::from_le_bytes(chunk.try_into().unwrap());
            let [h, d, letter, w, _, colon, xx, slash, zero, a, dd, ss, high, le, nl, br, low] =
                classify8(x);
            for (i, &b) in chunk.iter().enumerate() {
                let bit = |m: u64| (m >> i) & 1 == 1;
                assert_eq!(bit(h), b.is_ascii_hexdigit(), "hex {b:#x}");
                assert_eq!(bit(d), b.is_ascii_digit(), "digit {b:#x}");
                assert_eq!(bit(w), is_word_byte(b) && b != b'+', "word {b:#x}");
                assert_eq!(bit(letter), b.is_ascii_alphabetic(), "letter {b:#x}");
                assert_eq!(bit(colon), b == b':');
                assert_eq!(bit(xx), b.eq_ignore_ascii_case(&b'x'));
                assert_eq!(bit(slash), b == b'/');
                assert_eq!(bit(zero), b == b'0');
                assert_eq!(bit(a), b.eq_ignore_ascii_case(&b'a'));
                assert_eq!(bit(dd), b.eq_ignore_ascii_case(&b'd'));
                assert_eq!(bit(ss), b.eq_ignore_ascii_case(&b's'));
                assert_eq!(bit(high), b >= 0x80, "high {b:#x}");
                let label_end =
                    b"rsetldgo_.-/".contains(&b) || b.is_ascii_uppercase() || b.is_ascii_digit();
                assert_eq!(bit(le), label_end, "label end {b:#x}");
                assert_eq!(bit(nl), b == b'\n');
                assert_eq!(bit(br), b == b'[');
                assert_eq!(bit(low), (b'0'..=b'3').contains(&b), "low {b:#x}");
            }
        }
    }

    #[test]
    fn labels_end_in_the_letters_the_quick_test_knows() {
        // number_is_candidate rejects words by their last letter first.
        for label in LABELS.iter().chain(&["is"]) {
            let last = label.as_bytes()[label.len() - 1];
            assert!(b"rsetldgo".contains(&last), "{label}");
        }
        assert!(
            EVENT_IDS.windows(2).all(|w| w[0] < w[1]),
            "sorted for binary_search"
        );
        // The bit masks keep a closer look for numbers of three or four
        // digits whose first two are 0–3 only.
        for id in EVENT_IDS {
            let digits = id.to_string();
            assert!((3..=4).contains(&digits.len()), "{id}");
            assert!(digits.bytes().take(2).all(|b| b <= b'3'), "{id}");
        }
        // And the letters before a label's last letter.
        for label in LABELS.iter().chain(&["is"]) {
            let b = label.as_bytes();
            let (pen, last) = (b[b.len() - 2], b[b.len() - 1]);
            assert_eq!(
                (LABEL_PAIRS[(last - b'a') as usize] >> (pen - b'a')) & 1,
                1,
                "{label}"
            );
        }
        assert_eq!(LABEL_PAIRS[(b'd' - b'a') as usize], 1 << (b'e' - b'a'));
    }

    #[test]
    fn plain_log_lines_are_skipped() {
        let text = "2026-11-20 09:12:33.123 [12345:23456] INFO  WAM: Acquiring token for resource https://outlook.office365.com client 0f8fad5b-d9cb-469f-a165-70867728950e\n\
                    2026-11-20 09:12:34.001 [12345:23456] DEBUG Http request to login.microsoftonline.com:443 took 187 ms, 5120 bytes\n\
                    2026-11-20 09:12:35.002 [12345:23456] INFO  Office version 16.0.17928.20114, build 17928\n\
                    2026-11-20 09:12:36.003 [1487:5492] VERBOSE Telemetry event queued (line 3090) after 3290 ms\n\
                    2026-11-20 09:12:37.004 [8120:2231] INFO  Connecting to 192.0.2.10:3128, 5763496 bytes\n";
        assert!(candidates(text).is_empty(), "{:?}", candidates(text));
    }

    #[test]
    fn every_code_shape_is_a_candidate() {
        for line in [
            "hr=0x80072EE2",
            "Status code: caa70004",
            "ERROR Token acquisition failed: Error code: 3399614467 CorrelationId: x",
            "returned -2147221219",
            "AADSTS50126: Invalid username",
            "error_codes x aadsts700082",
            "FAIL [0x801c0021/0x80072ee2]",
            "NTE_BAD_KEYSET 80090016",
            "WSAHOST_NOT_FOUND 11001",
            "Something went wrong [1001]",
            "[1001]",
            "Event ID 1098",
            "エラー コード: 1001",
            "Error 5",
            "error code is 53003",
            "801c0021/80072ee2",
        ] {
            let text = format!("2026-11-20 09:12:33 noise 1.2.3\n{line}\nmore noise 42\n");
            assert_eq!(candidates(&text), vec![line], "{line}");
        }
    }

    /// The contract: every line with a hit is a candidate. Lines are built
    /// from words that codes, labels and look-alikes are made of.
    #[test]
    fn candidates_cover_every_line_with_hits() {
        let vocab = [
            "0x80072EE2",
            "0x3e9",
            "caa70004",
            "CAA50021",
            "80090016",
            "3399614467",
            "-2147221219",
            "AADSTS50126",
            "aadsts50076",
            "Aadsts700082",
            "1001",
            "5",
            "53003",
            "12345",
            "09:12:33",
            "2026-11-20",
            "16.0.17928",
            "0f8fad5b-d9cb-469f-a165-70867728950e",
            "Error",
            "error:",
            "Code",
            "code",
            "Status:",
            "hr=",
            "is",
            "the",
            "[",
            "]",
            "wrong",
            "Something",
            "went",
            "NTE_BAD_KEYSET",
            "EventID=",
            "Event",
            "ID",
            "1098",
            "port",
            "line",
            "version",
            "/",
            "801c0021/80072ee2",
            "0x801c0021/0x80072ee2",
            "+1001",
            "1001.",
            "x",
            "dead",
            "face1234",
            "c0000234",
            "(",
            ")",
            ":",
            ",",
            "=",
            "\"",
            "エラー",
            "１００１",
            "abc80070005",
            "80070005-1",
            "80070005.",
            "error_code",
            "FAIL",
            "tag",
            "1/3",
            "11/20/2026",
            "ms",
            "no.",
            "No",
            "number",
            "exit",
            "returned",
            "Result:",
            "http",
            "build",
            "failed",
            "sub-error",
            "700082/500121",
            "4294967295",
            "12345678",
            "0000000000",
            "99999999999",
            "d",
            "D",
            "xx",
            "0X1F",
            "_1001",
            "-5",
            "+",
            "_",
            "after",
            "Errors",
            "ERR",
            "Err.",
            "eRRoR",
            "HR",
            "hResult",
            "statuscode",
            "Tag:",
            "fail",
            "alt",
            "-",
            "a",
            "201",
            "304",
            "1144",
            "1098:12",
            "-1098",
            "2041",
            "3128",
            "8080",
            "コード",
            "コード：",
            "問題が発生しました",
            "\u{3000}",
            "状態",
            "日本語のメッセージ",
            "ステータス",
            "イベント",
            // Look-alike characters that `hits` reads folded.
            "０ｘ８００７０００５",
            "ＡＡＤＳＴＳ５００７６",
            "１００１",
            "0×3e9",
            "0×80070005",
            "CAA5\u{200B}0021",
            "8007\u{200B}0005",
            "0x8007\u{AD}0005",
            "\u{2013}2147024891",
            "\u{A0}",
            // Labels and non-labels of identity libraries' logs.
            "Tag:",
            "Internal",
            "PID",
            "thread_id:",
            "api_error_code,",
            "Value:",
            "error_codes",
            "error_codes:",
            "AADSTSError",
            "sign-in",
            "Entra",
            "invalid_grant",
            "50126",
            "700016",
            "16000",
            "0xffffffff80070490",
            "-2147023584",
            "[MSAL:0003]",
        ];
        let mut seed: u64 = 0x2026_1127;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut text = String::new();
        for _ in 0..20_000 {
            let words = 1 + next() % 7;
            for w in 0..words {
                let seps = [" ", "", ":", " ", "=", " [", "] ", ", "];
                if w > 0 {
                    text.push_str(seps[(next() % seps.len() as u64) as usize]);
                }
                text.push_str(vocab[(next() % vocab.len() as u64) as usize]);
            }
            text.push('\n');
        }
        let found = candidates(&text);
        let mut missed = Vec::new();
        for line in lines_with_hits(&text) {
            if !found.contains(&line) {
                missed.push(line);
            }
        }
        assert!(
            missed.is_empty(),
            "lines with codes not found by the prefilter: {missed:#?}"
        );
        // Not everything: the prefilter must also skip lines.
        assert!(found.len() < text.lines().count());
    }

    #[test]
    fn a_code_at_the_very_end_of_the_text() {
        // Found by the fuzzer: the run's anchor is the byte after it, past the end.
        let text = "x\ne2021152";
        assert_eq!(candidates(text), vec!["e2021152"]);
        for pad in 0..70 {
            let text = format!("{}\n80090016", "y".repeat(pad));
            assert_eq!(candidates(&text), vec!["80090016"], "pad {pad}");
        }
    }

    #[test]
    fn runs_across_group_boundaries() {
        for pad in 50..70 {
            let text = format!("{} 80090016 x\n", "a".repeat(pad));
            assert_eq!(candidates(&text).len(), 1, "pad {pad}");
            let text = format!("{} 12345 error 1001\n", "b".repeat(pad));
            assert_eq!(candidates(&text).len(), 1, "pad {pad}");
        }
    }
}
