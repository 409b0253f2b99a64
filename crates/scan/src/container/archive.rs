//! `.zip` archives: every member, read as a stream and counted so that a
//! zip bomb is refused before its output is held in memory.

use std::io::{Cursor, Read};

use encoding_rs::SHIFT_JIS;
use m365doctor_codes::Message;
use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use super::{short_error, Context, Document};

/// How much of a member is read at a time.
const CHUNK: usize = 64 * 1024;
/// The most memory reserved ahead of a member's bytes on its header's word alone.
const FIRST_RESERVE: u64 = 16 << 20;

/// Expands the archive `bytes`, found at archive level `level` (1: not in another archive).
pub(super) fn expand(ctx: &mut Context, name: &str, bytes: &[u8], level: u32) {
    let mut archive = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(error) => {
            // A truncated download or attachment loses the central directory at the
            // end; the members before the cut can still be read from their headers.
            if !recover(ctx, name, bytes, level, &error) {
                ctx.out.push(Document::skipped(name, unreadable(&error)));
            }
            return;
        }
    };
    let before = ctx.out.len();
    let mut files = 0usize;
    for index in 0..archive.len() {
        if ctx.members >= ctx.limits.members {
            ctx.out.push(Document::skipped(
                name,
                too_many(ctx, archive.len() - index),
            ));
            break;
        }
        ctx.members += 1;
        let (member, claim) = match archive.by_index_data(index) {
            Ok(entry) => {
                if entry.is_dir() {
                    continue;
                }
                let member = format!("{name}!{}", member_name(entry.name_raw(), || entry.name()));
                if entry.encrypted() {
                    ctx.out.push(Document::skipped(&member, encrypted()));
                    continue;
                }
                if !matches!(
                    entry.compression(),
                    CompressionMethod::Stored
                        | CompressionMethod::Deflated
                        | CompressionMethod::Deflate64
                ) {
                    let method = entry.compression().to_string();
                    ctx.out
                        .push(Document::skipped(&member, unsupported(&method)));
                    continue;
                }
                (member, entry.size())
            }
            Err(error) => {
                ctx.out.push(Document::skipped(
                    &format!("{name}!#{}", index + 1),
                    damaged(&error),
                ));
                continue;
            }
        };
        files += 1;
        if let Some(why) = refuse_by_claim(ctx, Some(claim)) {
            ctx.out.push(Document::skipped(&member, why));
            continue;
        }
        let data = match archive.by_index(index) {
            Ok(file) => read_member(ctx, file, Some(claim)),
            Err(error) => Err(damaged(&error)),
        };
        match data {
            Ok(data) => ctx.expand(&member, &data, level),
            Err(why) => ctx.out.push(Document::skipped(&member, why)),
        }
    }
    if files == 0 && ctx.out.len() == before {
        ctx.out.push(Document::skipped(name, no_files()));
    }
}

/// Reads the members of an archive without a central directory from their local
/// headers. Returns whether anything was read; notes the damage in any case then.
fn recover(ctx: &mut Context, name: &str, bytes: &[u8], level: u32, error: &ZipError) -> bool {
    if !bytes.starts_with(b"PK\x03\x04") {
        return false;
    }
    let before = ctx.out.len();
    let mut cursor = Cursor::new(bytes);
    let mut found = 0usize;
    let mut stopped: Option<String> = None;
    loop {
        if ctx.members >= ctx.limits.members {
            ctx.out.push(Document::skipped(name, too_many_unknown(ctx)));
            break;
        }
        let file = match zip::read::read_zipfile_from_stream(&mut cursor) {
            Ok(Some(file)) => file,
            Ok(None) => break,
            Err(e) => {
                stopped = Some(short_error(&e));
                break;
            }
        };
        ctx.members += 1;
        found += 1;
        if file.is_dir() {
            continue;
        }
        let member = format!("{name}!{}", member_name(file.name_raw(), || file.name()));
        if file.encrypted() {
            ctx.out.push(Document::skipped(&member, encrypted()));
            continue;
        }
        // A local header's size is 0 when a data descriptor after the data holds it:
        // then only the limits bound the read.
        let claim = Some(file.size()).filter(|&size| size > 0);
        if let Some(why) = refuse_by_claim(ctx, claim) {
            ctx.out.push(Document::skipped(&member, why));
            continue;
        }
        match read_member(ctx, file, claim) {
            Ok(data) => ctx.expand(&member, &data, level),
            Err(why) => {
                ctx.out.push(Document::skipped(&member, why));
                // The stream position after a failed member is unknown.
                break;
            }
        }
    }
    if found == 0 {
        ctx.out.truncate(before);
        return false;
    }
    let reason = stopped.unwrap_or_else(|| short_error(error));
    ctx.out.push(Document::skipped(
        name,
        Message::new(
            format!(
                "damaged zip archive ({reason}): its table of contents is missing or broken; \
                 {found} member(s) were read from their own headers, later ones may be lost"
            ),
            format!(
                "zip アーカイブが壊れています ({reason}): 目次 (セントラル ディレクトリ) が欠けているか壊れています。\
                 各メンバーのヘッダーから {found} 個を読み取りました。それ以降は失われている可能性があります"
            ),
        ),
    ));
    true
}

/// Refuses a member before reading it when its header's size, or the lack of any
/// budget left, already rules it out.
fn refuse_by_claim(ctx: &Context, claim: Option<u64>) -> Option<Message> {
    let remaining = ctx.limits.archive_total.saturating_sub(ctx.read);
    if remaining == 0 {
        return Some(total_exceeded(ctx));
    }
    let claim = claim?;
    if claim > ctx.limits.member {
        return Some(too_large(ctx, claim));
    }
    if claim > remaining {
        return Some(total_exceeded(ctx));
    }
    None
}

/// Reads one member's bytes, counting what is actually decompressed: never more than
/// the header's size (when known), the per-member limit or the archive's remaining budget.
fn read_member(
    ctx: &mut Context,
    mut file: impl Read,
    claim: Option<u64>,
) -> Result<Vec<u8>, Message> {
    let remaining = ctx.limits.archive_total.saturating_sub(ctx.read);
    let cap = claim
        .unwrap_or(u64::MAX)
        .min(ctx.limits.member)
        .min(remaining);
    let mut data: Vec<u8> = Vec::with_capacity(cap.min(FIRST_RESERVE) as usize + 1);
    let mut chunk = vec![0u8; CHUNK];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                ctx.read += data.len() as u64;
                // The zip crate checks stored sizes too.
                return Err(match claim {
                    Some(claim) if e.to_string().contains("larger than its declared") => {
                        bigger_than_claimed(claim)
                    }
                    _ => damaged(&e),
                });
            }
        };
        let total = data.len() as u64 + n as u64;
        if total > cap {
            ctx.read += total;
            return Err(match claim {
                Some(claim) if total > claim => bigger_than_claimed(claim),
                _ if total > ctx.limits.member => too_large(ctx, total),
                _ => total_exceeded(ctx),
            });
        }
        if data.capacity() - data.len() < n {
            // Grow towards the cap rather than doubling past it.
            let want = (data.capacity() as u64 * 2)
                .min(cap)
                .max(total)
                .min(usize::MAX as u64) as usize;
            data.reserve_exact(want - data.len());
        }
        data.extend_from_slice(&chunk[..n]);
    }
    ctx.read += data.len() as u64;
    Ok(data)
}

/// A member's name: UTF-8 when it is, else Shift_JIS (Japanese Windows writes names in
/// the ANSI code page without the UTF-8 flag), else what the zip crate makes of it (CP437).
fn member_name<'a>(
    raw: &'a [u8],
    decoded: impl FnOnce() -> zip::result::ZipResult<std::borrow::Cow<'a, str>>,
) -> String {
    if let Ok(name) = std::str::from_utf8(raw) {
        return clean(name);
    }
    if let Some(name) = SHIFT_JIS.decode_without_bom_handling_and_without_replacement(raw) {
        return clean(&name);
    }
    match decoded() {
        Ok(name) => clean(&name),
        Err(_) => clean(&String::from_utf8_lossy(raw)),
    }
}

fn clean(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    super::one_line(name, &mut out);
    out
}

fn mib(bytes: u64) -> String {
    if bytes >= 1 << 30 && bytes & ((1 << 30) - 1) == 0 {
        format!("{} GiB", bytes >> 30)
    } else if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

fn unreadable(error: &ZipError) -> Message {
    let e = short_error(error);
    Message::new(
        format!("not a readable zip archive ({e}); nothing was read from it"),
        format!("zip アーカイブとして読み取れません ({e})。中身は何も読み取っていません"),
    )
}

fn no_files() -> Message {
    Message::new(
        "the archive holds no files",
        "アーカイブにファイルが入っていません",
    )
}

fn encrypted() -> Message {
    Message::new(
        "password-protected archive member, not read",
        "パスワードで保護されたメンバーのため、読み取っていません",
    )
}

fn unsupported(method: &str) -> Message {
    Message::new(
        format!(
            "compressed with {method}, which m365doctor cannot read: extract the archive and pass its files"
        ),
        format!(
            "m365doctor が読み取れない {method} 形式で圧縮されています。アーカイブを展開して、中のファイルを指定してください"
        ),
    )
}

fn damaged(error: &dyn std::fmt::Display) -> Message {
    let e = short_error(error);
    Message::new(
        format!("damaged archive member ({e}), skipped"),
        format!("アーカイブ内のメンバーが壊れているため読み飛ばしました ({e})"),
    )
}

fn too_large(ctx: &Context, size: u64) -> Message {
    let limit = mib(ctx.limits.member);
    let size = mib(size);
    Message::new(
        format!(
            "expands to more than {limit} (at least {size}): skipped, as it may be a zip bomb; extract it and scan the file with `m365doctor scan`"
        ),
        format!(
            "展開後のサイズが {limit} を超えるため (少なくとも {size})、zip 爆弾の可能性があるので読み飛ばしました。展開して `m365doctor scan` で調べてください"
        ),
    )
}

fn total_exceeded(ctx: &Context) -> Message {
    let limit = mib(ctx.limits.archive_total);
    Message::new(
        format!(
            "not read: the archive's members expand to more than {limit} in all; extract it and scan the files with `m365doctor scan`"
        ),
        format!(
            "読み取っていません: アーカイブのメンバーの展開後の合計が {limit} を超えました。展開して `m365doctor scan` で調べてください"
        ),
    )
}

fn bigger_than_claimed(claim: u64) -> Message {
    Message::new(
        format!(
            "expands to more than the {claim} bytes its header states: damaged or a zip bomb, skipped"
        ),
        format!(
            "ヘッダーに記された {claim} バイトを超えて展開されるため、壊れているか zip 爆弾と判断して読み飛ばしました"
        ),
    )
}

fn too_many(ctx: &Context, left: usize) -> Message {
    let limit = ctx.limits.members;
    Message::new(
        format!("more than {limit} archive members: the remaining {left} were not read"),
        format!(
            "アーカイブのメンバーが {limit} 個を超えたため、残りの {left} 個は読み取っていません"
        ),
    )
}

fn too_many_unknown(ctx: &Context) -> Message {
    let limit = ctx.limits.members;
    Message::new(
        format!("more than {limit} archive members: the rest were not read"),
        format!("アーカイブのメンバーが {limit} 個を超えたため、残りは読み取っていません"),
    )
}
