//! Decoding behaviour on the codes users actually see.

use m365doctor_codes::interpret::{Kind, Structure};
use m365doctor_codes::structure::{HResultFields, NtStatusFields};
use m365doctor_codes::{explain, explain_in, Layer};
use proptest::prelude::*;

fn best(input: &str) -> m365doctor_codes::Interpretation {
    explain(input).unwrap().remove(0).interpretations.remove(0)
}

fn kinds(input: &str) -> Vec<(String, Kind)> {
    explain(input).unwrap()[0]
        .interpretations
        .iter()
        .map(|i| (i.normalized.clone(), i.kind))
        .collect()
}

#[test]
fn normal_forms_from_the_contract() {
    assert_eq!(best("3399614467").normalized, "0xCAA20003");
    assert_eq!(best("CAA20003").normalized, "0xCAA20003");
    assert_eq!(best("0xcaa20003").normalized, "0xCAA20003");
    assert_eq!(best("-2147221219").normalized, "0x8004011D");
    assert_eq!(best("0x3e9").normalized, "1001");
    assert_eq!(best("AADSTS50126").normalized, "AADSTS50126");
}

#[test]
fn office_1001_ranks_before_win32_1001() {
    let k = kinds("1001");
    assert_eq!(k[0], ("1001".to_string(), Kind::Office));
    assert!(k.contains(&("1001".to_string(), Kind::Win32)));
    let win32 = &explain("1001").unwrap()[0].interpretations[1];
    assert!(win32.names.iter().any(|n| n.name == "ERROR_STACK_OVERFLOW"));
}

#[test]
fn bare_eight_digits_are_hex_first() {
    let i = best("80090016");
    assert_eq!(i.normalized, "0x80090016");
    assert!(i.names.iter().any(|n| n.name == "NTE_BAD_KEYSET"));
    assert_eq!(i.layer, Some(Layer::Tpm));
    // The decimal reading (0x04C61A20) means nothing and is dropped.
    assert!(kinds("80090016").iter().all(|(n, _)| n != "0x04C61A20"));
}

#[test]
fn win32_wrapped_in_hresult() {
    let i = best("-2147024891");
    assert_eq!(i.normalized, "0x80070005");
    let Structure::HResult { wraps, fields, .. } = &i.structure else {
        panic!()
    };
    assert_eq!(fields.facility, 7);
    assert_eq!(wraps[0].kind, Kind::Win32);
    assert!(wraps[0]
        .names
        .iter()
        .any(|n| n.name == "ERROR_ACCESS_DENIED"));
}

#[test]
fn internet_errors_wherever_wrapped() {
    for input in ["0x80072EE7", "0xCAA82EE7", "12007"] {
        let i = best(input);
        assert_eq!(i.layer, Some(Layer::Network), "{input}");
        let mut names: Vec<&str> = i.names.iter().map(|n| n.name).collect();
        if let Structure::HResult { wraps, .. } | Structure::Caa { wraps, .. } = &i.structure {
            names.extend(wraps.iter().flat_map(|w| w.names.iter().map(|n| n.name)));
        }
        assert!(
            names.contains(&"ERROR_INTERNET_NAME_NOT_RESOLVED"),
            "{input}: {names:?}"
        );
    }
    // A TLS failure: a clock far off or TLS inspection, never plain reachability.
    assert!(matches!(
        best("0xCAA82F8F").layer,
        Some(Layer::ProxyTls | Layer::Clock)
    ));
    // An undocumented Internet-API CAA code still carries its WinINet meaning.
    // 0xCAA82F93 wraps 12179, ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE; no table lists it as a CAA code.
    let i = best("0xCAA82F93");
    assert!(i.names.is_empty());
    assert_eq!(i.layer, Some(Layer::ProxyTls));
}

#[test]
fn undocumented_caa_codes_still_name_their_layer() {
    let i = best("0xCAA7FFFF");
    assert_eq!(i.kind, Kind::Caa);
    assert_eq!(i.layer, Some(Layer::Network));
    let i = best("caa9ffff");
    assert_eq!(i.layer, Some(Layer::Federation));
    let i = best("0xCAA30194");
    let Structure::Caa { http_status, .. } = i.structure else {
        panic!()
    };
    assert_eq!(http_status, Some(404));
}

#[test]
fn ntstatus_and_hresult_from_nt() {
    let i = best("c0000234");
    assert_eq!(i.kind, Kind::NtStatus);
    assert!(i
        .names
        .iter()
        .any(|n| n.name == "STATUS_ACCOUNT_LOCKED_OUT"));
    assert_eq!(i.layer, Some(Layer::AccountState));
    let i = best("0xD000006D");
    let Structure::HResult { wraps, .. } = &i.structure else {
        panic!()
    };
    assert_eq!(wraps[0].kind, Kind::NtStatus);
    assert!(wraps[0]
        .names
        .iter()
        .any(|n| n.name == "STATUS_LOGON_FAILURE"));
}

#[test]
fn facility_itf_says_the_app_decides() {
    let i = best("0x8004011d");
    assert!(i
        .notes
        .iter()
        .any(|n| n.en.contains("FACILITY_ITF") && n.ja.contains("アプリ")));
}

#[test]
fn aadsts_known_unknown_and_bare() {
    let i = best("AADSTS50126");
    assert!(i
        .names
        .iter()
        .any(|n| n.name == "InvalidUserNameOrPassword"));
    assert_eq!(i.layer, Some(Layer::AccountState));
    let i = best("AADSTS139999");
    assert!(i.names.is_empty());
    assert_eq!(i.layer, Some(Layer::DeviceRegistration));
    assert!(kinds("50126")
        .iter()
        .any(|(n, k)| n == "AADSTS50126" && *k == Kind::Aadsts));
}

#[test]
fn pairs_decode_both_halves() {
    let d = &explain("FAIL [0x801c0021/0x80072ee2]").unwrap()[0];
    assert_eq!(d.interpretations[0].normalized, "0x801C0021");
    assert_eq!(d.interpretations[0].layer, Some(Layer::DeviceRegistration));
    let sub = d.sub_error.as_ref().unwrap();
    assert_eq!(sub.interpretations[0].normalized, "0x80072EE2");
    let d = &explain("0xcaa82ee2/-894947614").unwrap()[0];
    assert!(d.same_value_pair && d.sub_error.is_none());
}

#[test]
fn app_context_reorders_app_specific_meanings() {
    // Any value with curated meanings for two different app sets must put the
    // one for the given app first.
    for row in m365doctor_codes::tables::CURATED
        .iter()
        .filter(|r| !r.apps.is_empty())
    {
        let input = format!("0x{:08X}", row.value);
        if row.value <= 0xFFFF {
            continue;
        }
        let d = explain_in(&input, &[row.apps[0]]).unwrap();
        let first = &d[0].interpretations[0];
        assert!(
            first.apps.contains(&row.apps[0])
                || first.apps.is_empty()
                || first.kind != Kind::HResult,
            "{input} with app {}: first is {:?}",
            row.apps[0],
            first.apps
        );
    }
}

#[test]
fn every_value_gets_a_structure() {
    for input in ["0x00000001", "0x12345678", "0", "65535", "4294967295"] {
        assert!(
            !explain(input).unwrap()[0].interpretations.is_empty(),
            "{input}"
        );
    }
}

proptest! {
    #[test]
    fn hresult_fields_recompose(v: u32) {
        prop_assert_eq!(HResultFields::of(v).value(), v);
        prop_assert_eq!(NtStatusFields::of(v).value(), v);
    }

    #[test]
    fn every_value_round_trips_in_every_form(v in any::<u32>()) {
        let expected = if v <= 0xFFFF { v.to_string() } else { format!("0x{v:08X}") };
        let mut forms = vec![format!("0x{v:x}"), format!("{v}"), format!("[0x{v:08X}]"), format!("エラーコード: 0x{v:08X}")];
        if v > 0xFFFF {
            forms.push(format!("{}", v as i32));
            forms.push(format!("{v:08X}"));
        }
        for form in forms {
            let parsed = m365doctor_codes::grammar::parse(&form).unwrap();
            prop_assert!(parsed.codes[0].readings.iter().any(|r| r.value == v), "{}", form);
            // An eight-digit all-decimal string is read as hex first; its decimal
            // reading survives ranking only when it means something.
            if form.len() == 8 && form.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let results = explain(&form).unwrap();
            prop_assert!(results[0].interpretations.iter().any(|i| i.value == v && i.normalized == expected),
                "{} -> {:?}", form, results[0].interpretations.iter().map(|i| &i.normalized).collect::<Vec<_>>());
        }
    }

    #[test]
    fn look_alike_forms_read_as_the_ascii_ones(v in any::<u32>(), zw in 0usize..8) {
        use m365doctor_codes::grammar::{fold_lookalikes, parse};
        let full_width = |s: &str| -> String {
            s.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect()
        };
        let hex = format!("0x{v:08X}");
        let mut forms = vec![
            full_width(&hex),
            format!("0\u{D7}{v:08X}"),
            // A zero-width space at any place inside the digits.
            format!("0x{}\u{200B}{}", &hex[2..2 + zw], &hex[2 + zw..]),
        ];
        if v >> 31 == 1 {
            forms.push(format!("0xffffffff{v:08x}"));
            forms.push(format!("\u{2013}{}", (v as i32).unsigned_abs()));
        }
        for form in forms {
            let parsed = parse(&form).unwrap();
            prop_assert!(parsed.codes[0].readings.iter().any(|r| r.value == v), "{}", form);
        }
        // Folding leaves ASCII text as it is.
        prop_assert_eq!(fold_lookalikes(&hex), hex.as_str());
    }

    #[test]
    fn never_panics_on_text(s in "\\PC{0,40}") {
        let _ = explain(&s);
    }
}

#[test]
fn a_timeout_points_at_the_network_only_when_a_network_stack_names_it() {
    // WAIT_TIMEOUT and ERROR_SEM_TIMEOUT: a wait or a semaphore ran out of
    // time, which any layer can cause.
    for input in ["0x80070102", "0x80070079"] {
        assert_ne!(best(input).layer, Some(Layer::Network), "{input}");
    }
    // WinHTTP's and Winsock's own timeouts.
    for input in ["0x80072EE2", "0x8007274C"] {
        assert_eq!(best(input).layer, Some(Layer::Network), "{input}");
    }
}
