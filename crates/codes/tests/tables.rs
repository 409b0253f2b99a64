//! The generated and curated tables agree with their sources and with the grammar.

use m365doctor_codes::interpret::{Kind, Structure};
use m365doctor_codes::tables::{self, NameKind, AADSTS, CURATED, WIN_NAMES};
use m365doctor_codes::{explain, Layer};
use windows_sys::Win32::Foundation as F;

fn has(value: u32, name: &str, kind: NameKind) -> bool {
    tables::win_names(value)
        .iter()
        .any(|n| n.name == name && n.kind == kind)
}

#[test]
fn generated_names_agree_with_windows_sys_anchors() {
    use windows_sys::Win32::Management::MobileDeviceManagementRegistration as Mdm;
    use windows_sys::Win32::Networking::{WinHttp, WinInet};
    use windows_sys::Win32::Security::Credentials as Cred;
    use windows_sys::Win32::System::Diagnostics::Debug as Dbg;
    use windows_sys::Win32::System::Search;

    let hresults = [
        (F::NTE_BAD_KEYSET, "NTE_BAD_KEYSET"),
        (F::E_ACCESSDENIED, "E_ACCESSDENIED"),
        (F::WININET_E_TIMEOUT, "WININET_E_TIMEOUT"),
        (
            F::WININET_E_NAME_NOT_RESOLVED,
            "WININET_E_NAME_NOT_RESOLVED",
        ),
        (F::TPM_E_PCP_INTERNAL_ERROR, "TPM_E_PCP_INTERNAL_ERROR"),
        (F::NTE_DEVICE_NOT_READY, "NTE_DEVICE_NOT_READY"),
        (
            Mdm::MENROLL_E_DEVICENOTSUPPORTED,
            "MENROLL_E_DEVICENOTSUPPORTED",
        ),
    ];
    for (value, name) in hresults {
        assert!(has(value as u32, name, NameKind::HResult), "{name}");
    }
    assert_eq!(F::NTE_BAD_KEYSET as u32, 0x80090016);
    assert!(has(
        Search::_MAPI_E_FAILONEPROVIDER as u32,
        "_MAPI_E_FAILONEPROVIDER",
        NameKind::HResult
    ));

    for (value, name) in [
        (Cred::STATUS_LOGON_FAILURE, "STATUS_LOGON_FAILURE"),
        (Cred::STATUS_ACCOUNT_LOCKED_OUT, "STATUS_ACCOUNT_LOCKED_OUT"),
        (F::STATUS_ACCESS_DENIED, "STATUS_ACCESS_DENIED"),
    ] {
        assert!(has(value as u32, name, NameKind::NtStatus), "{name}");
    }
    assert_eq!(Cred::STATUS_LOGON_FAILURE as u32, 0xC000006D);

    for (value, name) in [
        (F::ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED"),
        (F::ERROR_STACK_OVERFLOW, "ERROR_STACK_OVERFLOW"),
        (
            F::ERROR_NO_SUCH_LOGON_SESSION,
            "ERROR_NO_SUCH_LOGON_SESSION",
        ),
    ] {
        assert!(has(value, name, NameKind::Win32), "{name}");
    }
    assert!(has(
        WinInet::ERROR_INTERNET_NAME_NOT_RESOLVED,
        "ERROR_INTERNET_NAME_NOT_RESOLVED",
        NameKind::WinInet
    ));
    assert_eq!(WinInet::ERROR_INTERNET_NAME_NOT_RESOLVED, 12007);
    assert!(has(
        WinHttp::ERROR_WINHTTP_TIMEOUT,
        "ERROR_WINHTTP_TIMEOUT",
        NameKind::WinHttp
    ));
    assert!(tables::hresult_facility_names(Dbg::FACILITY_ITF as u16).contains(&"FACILITY_ITF"));
}

/// winerror.h's codes that windows-sys types as RPC_STATUS, WAIT_EVENT or plain i32
/// name the Win32 values that no WIN32_ERROR names; aliases of named values and
/// plain u32 constants of the same module (MAX_PATH, router errors) are not names.
#[test]
fn system_error_codes_typed_otherwise_fill_the_gaps() {
    use windows_sys::Win32::System::Rpc;
    for (value, name) in [
        (
            Rpc::RPC_S_SERVER_UNAVAILABLE as u32,
            "RPC_S_SERVER_UNAVAILABLE",
        ),
        (Rpc::RPC_S_CALL_FAILED as u32, "RPC_S_CALL_FAILED"),
        (Rpc::EPT_S_NOT_REGISTERED as u32, "EPT_S_NOT_REGISTERED"),
        (F::WAIT_TIMEOUT, "WAIT_TIMEOUT"),
        (F::OR_INVALID_OXID as u32, "OR_INVALID_OXID"),
        (F::RPC_X_BAD_STUB_DATA as u32, "RPC_X_BAD_STUB_DATA"),
    ] {
        assert!(has(value, name, NameKind::Win32), "{name}");
    }
    for (value, name) in [
        (Rpc::RPC_S_OK as u32, "RPC_S_OK"),
        (Rpc::RPC_S_ACCESS_DENIED as u32, "RPC_S_ACCESS_DENIED"),
        (F::WAIT_ABANDONED, "WAIT_ABANDONED"),
        (F::WAIT_OBJECT_0, "WAIT_OBJECT_0"),
        (F::MAX_PATH, "MAX_PATH"),
        (F::ERROR_ROUTER_STOPPED, "ERROR_ROUTER_STOPPED"),
    ] {
        assert!(!has(value, name, NameKind::Win32), "{name}");
    }
}

/// A value's names of one kind are stored best rank first, and the rank puts the
/// system-wide headers' generic spelling first.
#[test]
fn names_are_stored_in_rank_order() {
    assert!(WIN_NAMES
        .windows(2)
        .all(|w| { (w[0].value, w[0].kind) != (w[1].value, w[1].kind) || w[0].rank <= w[1].rank }));
    let first =
        |value: u32, kind: NameKind| tables::win_names_of(value, kind).next().map(|n| n.name);
    assert_eq!(first(0, NameKind::Win32), Some("ERROR_SUCCESS"));
    assert_eq!(first(0, NameKind::HResult), Some("S_OK"));
    assert_eq!(
        first(0x8007_0002, NameKind::HResult),
        Some("DIERR_NOTFOUND")
    );
    assert_eq!(first(0x8007_000E, NameKind::HResult), Some("E_OUTOFMEMORY"));
    assert_eq!(
        first(0xC000_0005, NameKind::NtStatus),
        Some("STATUS_ACCESS_VIOLATION")
    );
}

#[test]
fn range_markers_are_not_names() {
    assert!(WIN_NAMES
        .iter()
        .all(|n| !n.name.ends_with("_FIRST") && !n.name.ends_with("_LAST")));
}

/// Every value the tables know, written in each textual form, parses back to
/// the same value and is explained with that value among its readings.
#[test]
fn every_table_value_round_trips_through_every_form() {
    let mut values: Vec<u32> = WIN_NAMES.iter().map(|n| n.value).collect();
    values.extend(CURATED.iter().map(|c| c.value));
    values.sort_unstable();
    values.dedup();
    for v in values {
        let mut forms = vec![format!("0x{v:08x}"), format!("0X{v:X}"), format!("{v}")];
        if v > 0xFFFF {
            forms.push(format!("{v:08X}"));
            forms.push(format!("{}", v as i32));
            forms.push(format!("Error Code: 0x{v:08X}"));
        }
        for form in forms {
            if form.len() == 8
                && form.bytes().all(|b| b.is_ascii_digit())
                && v != 0
                && form != format!("{v:08X}")
            {
                continue; // read as hex first; see the grammar
            }
            let results = explain(&form).unwrap_or_else(|e| panic!("{form}: {e}"));
            assert_eq!(results.len(), 1, "{form}");
            // A small value is a Win32-space code, or a success code that the
            // headers name as an HRESULT or NTSTATUS (S_FALSE, STATUS_REPARSE_OBJECT).
            let expected = if v <= 0xFFFF {
                v.to_string()
            } else {
                format!("0x{v:08X}")
            };
            let hex = format!("0x{v:08X}");
            assert!(
                results[0]
                    .interpretations
                    .iter()
                    .any(|i| i.value == v && (i.normalized == expected || i.normalized == hex)),
                "{form} did not decode to {expected}: {:?}",
                results[0]
                    .interpretations
                    .iter()
                    .map(|i| &i.normalized)
                    .collect::<Vec<_>>()
            );
        }
    }
}

/// Every constant in the table is found by its value: `explain` shows its name in
/// one of the value's readings, or as the name of the code the value carries
/// (`_MAPI_E_NOT_FOUND` is shown as the cited table's `MAPI_E_NOT_FOUND`).
#[test]
fn every_header_name_is_shown_for_its_value() {
    let mut missing = Vec::new();
    for row in WIN_NAMES {
        let results = explain(&format!("0x{:08X}", row.value)).unwrap();
        let same = |name: &str| name.trim_start_matches('_') == row.name.trim_start_matches('_');
        let shown = results[0].interpretations.iter().any(|i| {
            i.names.iter().any(|n| same(n.name))
                || matches!(&i.structure, Structure::HResult { wraps, .. } | Structure::Caa { wraps, .. }
                    if wraps.iter().any(|w| w.names.iter().any(|n| same(n.name))))
        });
        if !shown {
            missing.push(format!("0x{:08X} {} ({:?})", row.value, row.name, row.kind));
        }
    }
    assert!(
        missing.is_empty(),
        "{} names not shown: {:?}",
        missing.len(),
        &missing[..missing.len().min(40)]
    );
}

#[test]
fn every_aadsts_code_round_trips() {
    for row in AADSTS {
        for form in [
            format!("AADSTS{}", row.code),
            format!("aadsts{}:", row.code),
        ] {
            let results = explain(&form).unwrap();
            let best = &results[0].interpretations[0];
            assert_eq!(best.kind, Kind::Aadsts);
            assert_eq!(best.normalized, format!("AADSTS{}", row.code));
            assert_eq!(
                best.names.iter().map(|n| n.name).collect::<Vec<_>>(),
                row.names
            );
        }
    }
    assert!(
        AADSTS.len() >= 300,
        "the Entra reference lists over 300 codes"
    );
}

#[test]
fn curated_rows_are_well_formed() {
    for row in CURATED {
        assert!(row.source.starts_with("https://"), "{:#x}", row.value);
        assert!(!row.family.is_empty());
        for app in row.apps {
            assert!(
                app.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{app}"
            );
        }
    }
}

#[test]
fn layers_in_data_are_from_the_vocabulary() {
    // The build script rejects unknown ids; this checks the ids still round-trip.
    for layer in AADSTS
        .iter()
        .filter_map(|r| r.layer)
        .chain(CURATED.iter().filter_map(|r| r.layer))
    {
        assert_eq!(Layer::from_id(layer.id()), Some(layer));
    }
}
