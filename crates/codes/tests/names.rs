//! The first name `explain` shows for values administrators meet when Microsoft 365
//! sign-in fails: the name Microsoft's documentation gives them.
//!
//! Sources of the expected names (values and symbolic names only):
//! - Win32 and RPC: "System Error Codes" (learn.microsoft.com/windows/win32/debug/
//!   system-error-codes, MicrosoftDocs/win32 desktop-src/Debug/system-error-codes--*.md);
//!   an HRESULT_FROM_WIN32 value (0x8007xxxx) is known by its Win32 error's name.
//! - COM, security, certificates, TPM base services: "COM Error Codes" pages
//!   (desktop-src/com/com-error-codes-*.md) and "SSPI Status Codes".
//! - WinINet / WinHTTP: "WinINet errors" and "WinHTTP error messages".
//! - NTSTATUS: [MS-ERREF] 2.3.1 NTSTATUS Values.
//! - CAA, IDCRL, MDM enrollment, device registration, NTE/TPM and Office codes: the
//!   official pages cited per row in `data/curated.tsv`.

use m365doctor_codes::explain;
use m365doctor_codes::interpret::Origin;

/// (input as pasted, the name that must come first).
const FIRST_NAMES: &[(&str, &str)] = &[
    // Win32 errors inside HRESULT_FROM_WIN32.
    ("0x80070002", "ERROR_FILE_NOT_FOUND"),
    ("0x80070003", "ERROR_PATH_NOT_FOUND"),
    ("0x80070005", "ERROR_ACCESS_DENIED"),
    ("-2147024891", "ERROR_ACCESS_DENIED"),
    ("0x8007000D", "ERROR_INVALID_DATA"),
    ("0x8007000E", "ERROR_OUTOFMEMORY"),
    ("0x80070057", "ERROR_INVALID_PARAMETER"),
    ("0x80070102", "WAIT_TIMEOUT"),
    ("0x80070103", "ERROR_NO_MORE_ITEMS"),
    ("0x80070422", "ERROR_SERVICE_DISABLED"),
    ("0x80070490", "ERROR_NOT_FOUND"),
    ("0x800704C7", "ERROR_CANCELLED"),
    ("0x800704CF", "ERROR_NETWORK_UNREACHABLE"),
    ("0x80070520", "ERROR_NO_SUCH_LOGON_SESSION"),
    ("2147943712", "ERROR_NO_SUCH_LOGON_SESSION"),
    ("0x80070525", "ERROR_NO_SUCH_USER"),
    ("0x8007052E", "ERROR_LOGON_FAILURE"),
    ("0x80070532", "ERROR_PASSWORD_EXPIRED"),
    ("0x80070533", "ERROR_ACCOUNT_DISABLED"),
    ("0x800705B4", "ERROR_TIMEOUT"),
    ("0x80070773", "ERROR_PASSWORD_MUST_CHANGE"),
    ("0x80070775", "ERROR_ACCOUNT_LOCKED_OUT"),
    // RPC status codes (Win32 errors that windows-sys types as RPC_STATUS).
    ("0x800706BA", "RPC_S_SERVER_UNAVAILABLE"),
    ("0x800706BE", "RPC_S_CALL_FAILED"),
    ("0x800706D9", "EPT_S_NOT_REGISTERED"),
    ("1722", "RPC_S_SERVER_UNAVAILABLE"),
    // Success codes.
    ("0x00000000", "ERROR_SUCCESS"),
    ("0", "ERROR_SUCCESS"),
    // COM.
    ("0x80004001", "E_NOTIMPL"),
    ("0x80004002", "E_NOINTERFACE"),
    ("0x80004004", "E_ABORT"),
    ("0x80004005", "E_FAIL"),
    ("0x8000FFFF", "E_UNEXPECTED"),
    ("0x80010108", "RPC_E_DISCONNECTED"),
    ("0x8001010E", "RPC_E_WRONG_THREAD"),
    ("0x80040154", "REGDB_E_CLASSNOTREG"),
    ("0x800401F0", "CO_E_NOTINITIALIZED"),
    ("0x80040201", "EVENT_E_ALL_SUBSCRIBERS_FAILED"),
    // WinINet / WinHTTP.
    ("0x80072EE2", "ERROR_INTERNET_TIMEOUT"),
    ("0x80072EE7", "ERROR_INTERNET_NAME_NOT_RESOLVED"),
    ("0x80072EFD", "ERROR_INTERNET_CANNOT_CONNECT"),
    ("12002", "ERROR_INTERNET_TIMEOUT"),
    ("12029", "ERROR_INTERNET_CANNOT_CONNECT"),
    // NTSTATUS (Windows logon, PRT).
    ("0xC0000022", "STATUS_ACCESS_DENIED"),
    ("0xC0000064", "STATUS_NO_SUCH_USER"),
    ("0xC000006A", "STATUS_WRONG_PASSWORD"),
    ("0xC000006D", "STATUS_LOGON_FAILURE"),
    ("0xC0000071", "STATUS_PASSWORD_EXPIRED"),
    ("0xC0000072", "STATUS_ACCOUNT_DISABLED"),
    ("0xC0000133", "STATUS_TIME_DIFFERENCE_AT_DC"),
    ("0xC000015B", "STATUS_LOGON_TYPE_NOT_GRANTED"),
    ("0xC000018D", "STATUS_TRUSTED_RELATIONSHIP_FAILURE"),
    ("0xC0000234", "STATUS_ACCOUNT_LOCKED_OUT"),
    // CAA (ADAL/WAM).
    ("0xCAA20003", "ERROR_ADAL_SERVER_ERROR_INVALID_GRANT"),
    ("0xCAA20004", "ERROR_ADAL_SERVER_ERROR_ACCESS_DENIED"),
    ("0xCAA70004", "ERROR_INET_RESOURCE_NOT_FOUND"),
    ("0xCAA82EE2", "ERROR_ADAL_INTERNET_TIMEOUT"),
    ("0xCAA90018", "ERROR_ADAL_COULDNOT_DISCOVER_USERREALM"),
    // IDCRL (Office's Microsoft account / Online ID sign-in).
    ("0x80048800", "PPCRL_AUTHSTATE_E_UNAUTHENTICATED"),
    ("0x80048821", "PPCRL_REQUEST_E_BAD_MEMBER_NAME_OR_PASSWORD"),
    ("0x80048823", "PPCRL_REQUEST_E_PASSWORD_LOCKED_OUT"),
    // MDM enrollment (0x8018) and device registration (0x801C).
    ("0x80180014", "MENROLL_E_DEVICENOTSUPPORTED"),
    ("0x8018002B", "MENROLL_E_MDM_NOT_CONFIGURED"),
    ("0x801C0021", "DSREG_AUTOJOIN_DISC_FAILED"),
    ("0x801C03F2", "DSREG_E_DIRECTORY_FAILURE"),
    // Keys, TPM and Windows Hello (NGC).
    ("0x80090016", "NTE_BAD_KEYSET"),
    ("0x80090020", "NTE_FAIL"),
    ("0x8009002D", "NTE_INTERNAL_ERROR"),
    ("0x80090030", "NTE_DEVICE_NOT_READY"),
    ("0x80090035", "NTE_DEVICE_NOT_FOUND"),
    ("0x80284001", "TBS_E_INTERNAL_ERROR"),
    ("0x80290407", "TPM_E_PCP_INTERNAL_ERROR"),
    // SSPI / Schannel and certificates.
    ("0x80090304", "SEC_E_INTERNAL_ERROR"),
    ("0x8009030C", "SEC_E_LOGON_DENIED"),
    ("0x80090311", "SEC_E_NO_AUTHENTICATING_AUTHORITY"),
    ("0x80090322", "SEC_E_WRONG_PRINCIPAL"),
    ("0x80090325", "SEC_E_UNTRUSTED_ROOT"),
    ("0x800B0101", "CERT_E_EXPIRED"),
    ("0x800B0109", "CERT_E_UNTRUSTEDROOT"),
    ("0x800B010C", "CERT_E_REVOKED"),
    ("0x80092013", "CRYPT_E_REVOCATION_OFFLINE"),
    // Outlook (MAPI, Internet mail).
    ("0x8004011D", "MAPI_E_FAILONEPROVIDER"),
    ("0x80040600", "MAPI_E_CORRUPT_STORE"),
    ("0x800CCC0E", "IXP_E_FAILED_TO_CONNECT"),
];

fn first_name(input: &str) -> Option<&'static str> {
    let results = explain(input).unwrap_or_else(|e| panic!("{input}: {e}"));
    Some(results[0].interpretations.first()?.names.first()?.name)
}

#[test]
fn explain_leads_with_the_documented_name() {
    assert!(FIRST_NAMES.len() >= 50, "{}", FIRST_NAMES.len());
    let wrong: Vec<String> = FIRST_NAMES
        .iter()
        .filter_map(|&(input, expected)| {
            let actual = first_name(input);
            (actual != Some(expected)).then(|| format!("{input}: {actual:?}, expected {expected}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} wrong first names:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// An HRESULT_FROM_WIN32 value leads with its Win32 error's name, marked as the
/// name of the wrapped code; DirectInput's and Still Image's names for the same
/// HRESULT follow.
#[test]
fn wrapped_win32_name_leads_and_is_marked() {
    let results = explain("0x80070002").unwrap();
    let names = &results[0].interpretations[0].names;
    assert_eq!(names[0].name, "ERROR_FILE_NOT_FOUND");
    assert!(
        matches!(names[0].origin, Origin::Wrapped { value: 2, .. }),
        "{:?}",
        names[0].origin
    );
    let rest: Vec<&str> = names[1..].iter().map(|n| n.name).collect();
    assert!(rest.contains(&"DIERR_NOTFOUND"), "{rest:?}");
    assert!(rest.contains(&"STIERR_OBJECTNOTFOUND"), "{rest:?}");
}

/// Generic names come before a component's names for the same value, even when
/// the component's sort first alphabetically.
#[test]
fn generic_names_come_before_component_names() {
    let names = |input: &str| -> Vec<&'static str> {
        explain(input).unwrap()[0].interpretations[0]
            .names
            .iter()
            .map(|n| n.name)
            .collect()
    };
    assert_eq!(
        names("0x8007000E")[..3],
        ["ERROR_OUTOFMEMORY", "E_OUTOFMEMORY", "DNS_ERROR_NO_MEMORY"]
    );
    assert_eq!(names("0x80004005")[..2], ["E_FAIL", "MAPI_E_CALL_FAILED"]);
    assert_eq!(names("0")[0], "ERROR_SUCCESS");
}

/// Small values that the headers also name as success codes show them too:
/// `0x00000001` is ERROR_INVALID_FUNCTION and S_FALSE, `0x00000000` also S_OK.
#[test]
fn success_codes_are_shown_beside_the_win32_error() {
    for (input, win32, hresult) in [
        ("0x00000001", "ERROR_INVALID_FUNCTION", "S_FALSE"),
        ("0x00000000", "ERROR_SUCCESS", "S_OK"),
    ] {
        let results = explain(input).unwrap();
        let list = &results[0].interpretations;
        assert_eq!(list[0].names[0].name, win32, "{input}");
        assert!(
            list[1..]
                .iter()
                .any(|i| i.kind.id() == "hresult" && i.names[0].name == hresult),
            "{input}: {:?}",
            list.iter()
                .map(|i| (&i.normalized, &i.names))
                .collect::<Vec<_>>()
        );
    }
    assert_eq!(first_name("0x00000118"), Some("STATUS_REPARSE_OBJECT"));
}

/// CMTrace Open's table names these values wrongly (0x800B010C as
/// CERT_E_CN_NO_MATCH, 0x80090304 as SEC_E_LOGON_DENIED, 0x80070775 as
/// ERROR_INVALID_DATATYPE, 0x80090020 as NTE_INTERNAL_ERROR); the headers do not.
#[test]
fn values_another_tool_mislabels_get_their_header_names() {
    for (input, right, wrong) in [
        ("0x800B010C", "CERT_E_REVOKED", "CERT_E_CN_NO_MATCH"),
        ("0x80090304", "SEC_E_INTERNAL_ERROR", "SEC_E_LOGON_DENIED"),
        (
            "0x80070775",
            "ERROR_ACCOUNT_LOCKED_OUT",
            "ERROR_INVALID_DATATYPE",
        ),
        ("0x80090020", "NTE_FAIL", "NTE_INTERNAL_ERROR"),
    ] {
        assert_eq!(first_name(input), Some(right), "{input}");
        let all: Vec<&str> = explain(input).unwrap()[0]
            .interpretations
            .iter()
            .flat_map(|i| i.names.iter().map(|n| n.name))
            .collect();
        assert!(!all.contains(&wrong), "{input}: {all:?}");
    }
}
