//! The order in which a value's names are shown: the name an administrator knows
//! comes first.
//!
//! - An HRESULT made by HRESULT_FROM_WIN32 (`0x8007xxxx`) is known by the name of
//!   the Win32 error inside it (`0x80070002` is `ERROR_FILE_NOT_FOUND`), so those
//!   names lead, marked as coming through the wrapped code ([`Origin::Wrapped`]).
//! - Then the names of the project's cited table, which carry the meaning in the
//!   app that showed the code.
//! - Then the Windows header names of the value itself, in the generator's rank
//!   order: the system-wide headers (winerror.h, ntstatus.h) before a component's
//!   header (DirectInput, Still Image, MAPI, ...), generic spellings (`ERROR_*`,
//!   `E_*`, `S_*`, `STATUS_*`) before a component's prefix (`DNS_ERROR_*`).

use crate::interpret::{Kind, Name, Origin, Wrapped};
use crate::tables::{self, NameKind};

/// The Windows header names of a 32-bit value read as an HRESULT, best rank first:
/// its HRESULT names and the `WIN32_ERROR`s that winerror.h defines as 32-bit values
/// (`ERROR_VMCOMPUTE_INVALID_JSON` = 0xC037010D). A value up to 0xFFFF read as a
/// Win32 error has its own reading, so its Win32 names are not repeated here.
pub(crate) fn hresult_header_names(value: u32) -> Vec<Name> {
    let mut rows: Vec<_> = tables::win_names(value)
        .iter()
        .filter(|n| n.kind == NameKind::HResult || (n.kind == NameKind::Win32 && value > 0xFFFF))
        .collect();
    rows.sort_by_key(|n| n.rank);
    rows.into_iter()
        .map(|n| Name {
            name: n.name,
            origin: Origin::Header {
                kind: n.kind,
                area: n.area,
            },
        })
        .collect()
}

/// Orders the names of an HRESULT reading. For an HRESULT_FROM_WIN32 value the
/// leading name of each Win32-space code inside (Win32, WinINet, WinHTTP) comes
/// first, marked as the wrapped code's; then the cited table's names; then the
/// wrapped codes' other names and the value's own header names, by rank (the
/// wrapped code's first at equal rank). Without a wrapped code the order is the
/// cited table's names, then the header names by rank.
pub(crate) fn order_hresult_names(value: u32, names: Vec<Name>, wraps: &[Wrapped]) -> Vec<Name> {
    let mut leading = Vec::new();
    let mut ranked = Vec::new();
    for w in wraps
        .iter()
        .filter(|w| matches!(w.kind, Kind::Win32 | Kind::WinInet | Kind::WinHttp))
    {
        for (pos, n) in w.names.iter().enumerate() {
            let area = match n.origin {
                Origin::Header { area, .. } | Origin::Wrapped { area, .. } => area,
                Origin::Curated { .. } => "",
            };
            let name = Name {
                name: n.name,
                origin: Origin::Wrapped {
                    kind: w.kind,
                    value: w.value,
                    area,
                },
            };
            if pos == 0 {
                leading.push(name);
            } else {
                ranked.push((rank(w.value, n.name), 0, name));
            }
        }
    }
    let curated: Vec<Name> = names
        .iter()
        .filter(|n| matches!(n.origin, Origin::Curated { .. }))
        .copied()
        .collect();
    ranked.extend(
        names
            .iter()
            .filter(|n| matches!(n.origin, Origin::Header { .. }))
            .map(|n| (rank(value, n.name), 1, *n)),
    );
    ranked.sort_by_key(|(rank, own, _)| (*rank, *own));
    let rest = curated
        .into_iter()
        .chain(ranked.into_iter().map(|(_, _, n)| n))
        .collect();
    lead_with(leading, rest)
}

/// The generator's rank of a header name of `value` (names not in the table last).
fn rank(value: u32, name: &str) -> u8 {
    tables::win_names(value)
        .iter()
        .find(|n| n.name == name)
        .map_or(u8::MAX, |n| n.rank)
}

/// `first`, then the names of `rest` that `first` does not already have.
pub(crate) fn lead_with(first: Vec<Name>, rest: Vec<Name>) -> Vec<Name> {
    let mut out: Vec<Name> = Vec::with_capacity(first.len() + rest.len());
    for n in first.into_iter().chain(rest) {
        if !out.iter().any(|o| same_name(o.name, n.name)) {
            out.push(n);
        }
    }
    out
}

/// `_MAPI_E_NOT_FOUND` (a header's spelling) and `MAPI_E_NOT_FOUND` are one name.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.trim_start_matches('_') == b.trim_start_matches('_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &'static str) -> Name {
        Name {
            name,
            origin: Origin::Header {
                kind: NameKind::HResult,
                area: "Win32::Foundation",
            },
        }
    }

    #[test]
    fn lead_with_keeps_the_first_copy_of_a_name() {
        let names = lead_with(
            vec![header("ERROR_A"), header("_MAPI_E_X")],
            vec![header("MAPI_E_X"), header("ERROR_A"), header("E_B")],
        );
        let names: Vec<&str> = names.iter().map(|n| n.name).collect();
        assert_eq!(names, ["ERROR_A", "_MAPI_E_X", "E_B"]);
    }

    #[test]
    fn thirty_two_bit_win32_errors_are_hresult_names_but_small_ones_are_not() {
        let big = hresult_header_names(0xC037_010D);
        assert_eq!(big[0].name, "ERROR_VMCOMPUTE_INVALID_JSON");
        let small: Vec<&str> = hresult_header_names(2).iter().map(|n| n.name).collect();
        assert!(!small.contains(&"ERROR_FILE_NOT_FOUND"), "{small:?}");
        assert!(small.contains(&"DI_POLLEDDEVICE"), "{small:?}");
    }
}
