//! Name tables compiled into the binary: the generated Windows header names
//! (`generated::win_errors`) and the curated, cited data in `data/*.tsv`
//! (compiled by `build.rs`). Lookups are binary searches over sorted statics.

use crate::layer::Layer;
use serde::Serialize;

/// Which Windows header family a generated name belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NameKind {
    Win32,
    HResult,
    NtStatus,
    WinInet,
    WinHttp,
}

/// One named constant from the Windows headers (via windows-sys).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WinName {
    pub value: u32,
    pub name: &'static str,
    pub kind: NameKind,
    /// The windows-sys module that defines it, e.g. `Win32::Networking::WinInet`.
    pub area: &'static str,
    /// Among a value's names of one kind, lower ranks are shown first: 0 a generic
    /// name from the system-wide headers (`ERROR_*`, `E_*`, `S_*`, `STATUS_*` in
    /// winerror.h/ntstatus.h), 1 another name from them (`DNS_ERROR_*`, `SEC_E_*`),
    /// 2 and 3 the same from a component's header (`DIERR_*`, `STIERR_*`).
    /// Computed by `tools/gen-winerror`.
    pub rank: u8,
}

/// How a curated code is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CuratedKind {
    HResult,
    Caa,
    NtStatus,
    /// A decimal code that an Office or Teams dialog shows, such as `1001`.
    Office,
    Win32,
}

/// A code that the Windows headers do not name, or whose Microsoft 365 meaning
/// needs context; from `data/curated.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CuratedCode {
    pub value: u32,
    pub kind: CuratedKind,
    pub family: &'static str,
    pub names: &'static [&'static str],
    pub layer: Option<Layer>,
    /// The apps in which this meaning applies; empty means everywhere.
    pub apps: &'static [&'static str],
    pub source: &'static str,
    pub note: &'static str,
}

/// An AADSTS code from Microsoft's Entra error reference; from `data/aadsts.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AadstsCode {
    pub code: u32,
    pub names: &'static [&'static str],
    pub layer: Option<Layer>,
    pub source: &'static str,
}

mod compiled {
    use super::{AadstsCode, CuratedCode, CuratedKind, Layer};
    include!(concat!(env!("OUT_DIR"), "/curated.rs"));
}

pub use crate::generated::win_errors::{HRESULT_FACILITIES, NTSTATUS_FACILITIES, WIN_NAMES};
pub use compiled::{AADSTS, CURATED};

fn range_by<T, K: Ord>(table: &'static [T], key: K, f: impl Fn(&T) -> K) -> &'static [T] {
    let start = table.partition_point(|row| f(row) < key);
    let end = start + table[start..].partition_point(|row| f(row) <= key);
    &table[start..end]
}

/// Every generated name with this value, of any kind.
pub fn win_names(value: u32) -> &'static [WinName] {
    range_by(WIN_NAMES, value, |row| row.value)
}

/// Generated names with this value and kind.
pub fn win_names_of(value: u32, kind: NameKind) -> impl Iterator<Item = &'static WinName> {
    win_names(value).iter().filter(move |n| n.kind == kind)
}

/// Every curated row with this value.
pub fn curated(value: u32) -> &'static [CuratedCode] {
    range_by(CURATED, value, |row| row.value)
}

pub fn aadsts(code: u32) -> Option<&'static AadstsCode> {
    AADSTS
        .binary_search_by_key(&code, |row| row.code)
        .ok()
        .map(|i| &AADSTS[i])
}

fn facility_names(table: &'static [(u16, &'static str)], facility: u16) -> Vec<&'static str> {
    range_by(table, facility, |row| row.0)
        .iter()
        .map(|row| row.1)
        .collect()
}

pub fn hresult_facility_names(facility: u16) -> Vec<&'static str> {
    facility_names(HRESULT_FACILITIES, facility)
}

pub fn ntstatus_facility_names(facility: u16) -> Vec<&'static str> {
    facility_names(NTSTATUS_FACILITIES, facility)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted<T, K: Ord>(table: &[T], key: impl Fn(&T) -> K) -> bool {
        table.windows(2).all(|w| key(&w[0]) <= key(&w[1]))
    }

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(sorted(WIN_NAMES, |r| r.value));
        assert!(sorted(CURATED, |r| r.value));
        assert!(sorted(AADSTS, |r| r.code));
        assert!(sorted(HRESULT_FACILITIES, |r| r.0));
        assert!(sorted(NTSTATUS_FACILITIES, |r| r.0));
    }

    #[test]
    fn no_generated_name_has_two_values() {
        let mut names: Vec<(&str, NameKind, u32)> = WIN_NAMES
            .iter()
            .map(|r| (r.name, r.kind, r.value))
            .collect();
        names.sort();
        for w in names.windows(2) {
            assert!(
                !(w[0].0 == w[1].0 && w[0].1 == w[1].1 && w[0].2 != w[1].2),
                "{} has two values",
                w[0].0
            );
        }
    }
}
