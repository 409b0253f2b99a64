//! Codes where identity SDKs and logs print them. Each fixture is written in
//! our own words on the shape of a public report (the URL above it): the
//! codes, labels and log prefixes are as those programs print them, the
//! sentences and identifiers are ours. Each says which codes must be found,
//! which numbers must not be, and which program its code lines come from.

use m365doctor_codes::context::{sources_in, Source};
use m365doctor_codes::interpret::decode;
use m365doctor_scan::extract;

struct Fixture {
    /// The public report whose format the text follows.
    url: &'static str,
    text: &'static str,
    codes: &'static [&'static str],
    not_codes: &'static [&'static str],
    /// The program the code lines come from, as the whole text says.
    source: Option<Source>,
}

const FIXTURES: &[Fixture] = &[
    // MSAL.NET's exception when the runtime broker fails: a sign-extended
    // HRESULT after `Error:`, the tag in hex and in decimal after it.
    Fixture {
        url: "https://github.com/AzureAD/microsoft-authentication-library-for-dotnet/issues/3877",
        text: "Sign-in failed:\n\
MSAL.Desktop.4.61.3.0.MsalServiceException:\n\
\tErrorCode: unknown_broker_error\n\
Microsoft.Identity.Client.MsalServiceException: Unknown Status: Unexpected\n\
Error: 0xffffffff80070520\n\
Context: Winrt exception was thrown '(pii)'.\n\
Tag: 0x2339e4e3 (error code -2147023584) (internal error code 590996707)\n\
   at Microsoft.Identity.Client.Platforms.Features.RuntimeBroker.WamAdapters.HandleResponse(AuthResult authResult)\n",
        codes: &["0x80070520"],
        not_codes: &["0x2339e4e3", "590996707", "4.61.3.0"],
        source: Some(Source::WindowsBroker),
    },
    // MSAL runtime log lines: thread tag, function and line number, the
    // internal error's tag, then the status block the broker returns.
    Fixture {
        url: "https://github.com/AzureAD/microsoft-authentication-library-for-dotnet/issues/4122",
        text: "[MSAL|LogLevel:Error] True MSAL 4.59.0.0 MSAL.NetCore .NET 8.0.2 Microsoft Windows 10.0.22631 [2026-03-02 08:14:05Z] [MSAL:0003]        ERROR   ErrorInternalImpl:134   Created an error: 9o4t9, StatusInternal::Unexpected, InternalEvent::None, Error Code -2147023728\n\
[MSAL|LogLevel:Error] True MSAL 4.59.0.0 MSAL.NetCore .NET 8.0.2 Microsoft Windows 10.0.22631 [2026-03-02 08:14:05Z] [WamBroker] Could not sign in silently. Status: Unexpected\n\
Error: 0xcaa70004\n\
Context: (pii)\n\
Tag: 0x21420087\n",
        codes: &["0x80070490", "0xCAA70004"],
        not_codes: &["134", "0003", "0x21420087", "10.0.22631", "8.0.2", "4.59.0.0"],
        source: Some(Source::WindowsBroker),
    },
    // The MSAL runtime's telemetry block in a -Debug transcript of
    // Microsoft Graph PowerShell, and its JSON form in an Azure PowerShell one.
    Fixture {
        url: "https://github.com/microsoftgraph/msgraph-sdk-powershell/issues/3538",
        text: "DEBUG: False MSAL 4.78.0.0 MSAL.CoreCLR .NET 9.0.10 Microsoft Windows 10.0.26200 [2026-02-20 17:04:39Z] [MSAL:0004]\tINFO   \tLogTelemetryData:464\tKey: api_error_code, Value: -2147023584\n\
DEBUG: False MSAL 4.78.0.0 MSAL.CoreCLR .NET 9.0.10 Microsoft Windows 10.0.26200 [2026-02-20 17:04:39Z] [MSAL:0004]\tINFO   \tLogTelemetryData:464\tKey: api_error_tag, Value: 55xnl\n\
DEBUG: False MSAL 4.78.0.0 MSAL.CoreCLR .NET 9.0.10 Microsoft Windows 10.0.26200 [2026-02-20 17:04:39Z] [MSAL:0004]\tINFO   \tLogTelemetryData:464\tKey: broker_error_location, Value: 7rhah\n\
DEBUG: False MSAL 4.78.0.0 MSAL.CoreCLR .NET 9.0.10 Microsoft Windows 10.0.26200 [2026-02-20 17:04:39Z] [MSAL:0004]\tINFO   \tLogTelemetryData:464\tKey: request_duration, Value: 78\n\
DEBUG: False MSAL 4.78.0.0 MSAL.CoreCLR .NET 9.0.10 Microsoft Windows 10.0.26200 [2026-02-20 17:04:39Z] [MSAL:0004]\tINFO   \tLogTelemetryData:464\tKey: http_status, Value: 400\n\
DEBUG: {\"oauth_error_code\":\"invalid_grant\",\"http_status\":400,\"http_content_size\":751,\"api_error_code\":-895352829,\"silent_code\":0,\"is_cached\":1}\n",
        codes: &["0x80070520", "0xCAA20003"],
        not_codes: &["464", "78", "400", "751", "0004", "10.0.26200"],
        source: Some(Source::WindowsBroker),
    },
    // MSAL for Python through pymsalruntime, as Azure CLI prints it: E_FAIL
    // in unsigned decimal, then the tag in decimal.
    Fixture {
        url: "https://github.com/Azure/azure-cli/issues/30141",
        text: "az login\n\
msal.broker: [MSAL:0004]        INFO    LogTelemetryData:430    Key: api_error_tag, Value: 7q6ch\n\
msal.broker: [MSAL:0004]        INFO    LogTelemetryData:430    Key: request_duration, Value: 3520\n\
msal.broker: [MSAL:0002]\tERROR  \tErrorInternalImpl:134\tCreated an error: 7q6ch, StatusInternal::Unexpected, InternalEvent::None, Error Code -2147467259, Context '(pii)'\n\
ERROR: (pii). Status: Response_Status.Status_Unexpected, Error code: 2147500037, Tag: 508638823\n\
  File \"/opt/az/lib/python3.12/site-packages/msal/broker.py\", line 202, in _signin_interactively\n",
        codes: &["0x80004005"],
        not_codes: &["508638823", "430", "3520", "134", "202"],
        source: Some(Source::WindowsBroker),
    },
    // Microsoft Identity Broker on Linux in the journal: PIDs in brackets,
    // thread ids, a UID in brackets, the MSAL runtime's `Error Code 0`,
    // OneAuth tags, and the Intune app's dialog code.
    Fixture {
        url: "https://github.com/NixOS/nixpkgs/issues/401875",
        text: "Apr 25 22:02:56 ws-17 microsoft-identity-broker[715232]: I/getAccounts: [2026-04-25 20:02:56 - thread_id: 28, correlation_id: 0b6f1e8a-2c3d-4e5f-8a9b-1c2d3e4f5a6b - ] Received method call from UID [1000], with correlationId [0b6f1e8a-2c3d-4e5f-8a9b-1c2d3e4f5a6b].\n\
Apr 25 22:02:57 ws-17 microsoft-identity-device-broker[18804]: [MSAL:0002]        ERROR          ErrorInternalImpl:134        Created an error: 4ko04, StatusInternal::KeyNotFound, InternalEvent::None, Error Code 0, Context 'Crypto key not found'\n\
Apr 25 22:02:57 ws-17 intune-portal[6282]: oneauth{tag=\"59ljv\"}: Found 1 accounts using client ID: b743a22d-6705-4147-8670-d92fa515ee2b\n\
Apr 25 22:03:41 ws-17 intune-portal[6282]: sign-in window closed: Something went wrong [1001]\n",
        codes: &["1001"],
        not_codes: &["715232", "18804", "6282", "1000", "28", "134", "0002"],
        source: Some(Source::LinuxBroker),
    },
    // Himmelblau's PAM daemon: the Entra error in a Rust debug print with
    // its `error_codes: [..]`, the AADSTSError struct with a bare code, and
    // timing spans full of numbers.
    Fixture {
        url: "https://github.com/himmelblau-idm/himmelblau/issues/1344",
        text: "Apr 20 17:59:21 ws-03 himmelblaud[1792]: 4f1df153-e0b5-49c5-ba02-26989a425712 INFO     pam authenticate init [ 26.1ms | 2.52% / 100.00% ]\n\
Apr 20 17:59:21 ws-03 himmelblaud[1792]: 4f1df153-e0b5-49c5-ba02-26989a425712 ERROR       ┕━ 🚨 [error]: Failed to join domain: AcquireTokenFailed(ErrorResponse { error: \"invalid_grant\", error_description: \"AADSTS50076: MFA is needed after a policy change. Trace ID: fa961664-cd24-4f8d-a04f-2ae330111500 Correlation ID: b39b6977-bf81-4fc4-8dda-1fdb0e33b6a3 Timestamp: 2026-04-20 17:13:14Z\", error_codes: [50076] })\n\
Jul 01 21:41:54 head-node himmelblaud[17499]: 80c27a42-468e-41de-b885-5f96a88c1128 ERROR    ┕━ 🚨 [error]: AADSTSError(AADSTSError { code: 16000, description: \"account selection needed\" })\n",
        codes: &["AADSTS50076", "AADSTS16000"],
        not_codes: &["1792", "17499", "26.1", "2.52"],
        source: Some(Source::LinuxPam),
    },
    // sssd and pam_unix lines: return codes and debug levels, no Windows codes.
    Fixture {
        url: "https://github.com/himmelblau-idm/himmelblau/issues/419",
        text: "Mar 03 09:10:11 ws01 sssd_be[912]: [sssd[be[contoso.example]]] [sdap_sasl_bind] (0x0020): ldap_sasl_bind failed (-2)[Local error]\n\
Mar 03 09:10:12 ws01 gdm-password][2231]: pam_sss(gdm-password:auth): received for user alice: 4 (System error)\n\
Mar 03 09:10:12 ws01 sshd[4412]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.44\n",
        codes: &[],
        not_codes: &["0x0020", "-2", "912", "2231", "4412", "4"],
        source: Some(Source::LinuxPam),
    },
    // Git Credential Manager with the broker: the WAM error block under its
    // trace lines (CAA code in decimal, the tag in decimal).
    Fixture {
        url: "https://github.com/git-ecosystem/git-credential-manager/issues/1443",
        text: "09:22:10.112233 ...ftAuthentication.cs:250 trace: [GetTokenForUserAsync] Using broker to acquire a token for 'https://dev.azure.com/fabrikam/'\n\
09:22:12.998877 ...ftAuthentication.cs:314 trace: [GetTokenForUserAsync] Exception: Microsoft.Identity.Client.MsalServiceException: WAM Error\n \
Error Code: 3399942148\n \
Error Message: NoNetwork\n \
WAM Error Message: (pii)\n \
Internal Error Code: 557973641\n\
fatal: WAM Error NoNetwork\n",
        codes: &["0xCAA70004"],
        not_codes: &["557973641", "250", "314"],
        source: Some(Source::GcmBroker),
    },
    // Git Credential Manager's own store: the Win32 error in hex brackets.
    Fixture {
        url: "https://github.com/git-for-windows/git/issues/2922",
        text: "11:03:16.657215 ...sHostProvider.cs:125 trace: [StoreCredentialAsync] Storing credential with service=https://fabrikam.visualstudio.com account=alice@contoso.example...\n\
fatal: Failed to write item to store. [0x520]\n\
   at GitCredentialManager.Interop.Windows.Native.Win32Error.ThrowIfError(Int32 error, String defaultErrorMessage, ITrace2 trace2)\n",
        codes: &["1312"],
        not_codes: &["125"],
        source: Some(Source::GcmStore),
    },
    // GCM relaying Entra's answer after `fatal:`.
    Fixture {
        url: "https://github.com/git-ecosystem/git-credential-manager/issues/1297",
        text: "$ git -c credential.azreposCredentialType=oauth credential-manager get\n\
fatal: AADSTS9002332: The app 'Visual Studio - Legacy' only accepts work or school accounts here.\n",
        codes: &["AADSTS9002332"],
        not_codes: &[],
        source: Some(Source::Gcm),
    },
    // Azure CLI: MSAL for Python's debug line and the error the CLI prints,
    // with `(invalid_grant)` and a traceback's line numbers.
    Fixture {
        url: "https://github.com/Azure/azure-cli/issues/29282",
        text: "DEBUG: msal.application: Refresh failed. invalid_grant: AADSTS530003: This resource needs a managed device. Trace ID: a3c52841-d43e-4d86-88e7-d0f2c3862b00 Correlation ID: 53263086-9034-477f-b299-66436a86d9d2 Timestamp: 2026-06-29 06:51:14Z\n\
DEBUG: cli.azure.cli.core.azclierror: Traceback (most recent call last):\n\
  File \"/opt/az/lib/python3.11/site-packages/knack/cli.py\", line 233, in invoke\n\
ERROR: (invalid_grant) AADSTS50076: Sign in again with multi-factor authentication for this resource.\n",
        codes: &["AADSTS530003", "AADSTS50076"],
        not_codes: &["233", "3.11"],
        source: Some(Source::AzureCli),
    },
    // Azure PowerShell with the broker: the WAM error block in decimal.
    Fixture {
        url: "https://github.com/Azure/azure-powershell/issues/24964",
        text: "PS C:\\> Connect-AzAccount -Tenant contoso.onmicrosoft.com\n\
Connect-AzAccount: InteractiveBrowserCredential authentication failed: WAM Error\n \
Error Code: 3399614476\n \
Error Message: InvalidGrant\n \
Internal Error Code: 558133255\n",
        codes: &["0xCAA2000C"],
        not_codes: &["558133255"],
        source: Some(Source::WindowsBroker),
    },
    // Browser redirect URLs: the error percent-encoded with `+` for spaces,
    // and the error URI's `code=`; a JSON body percent-encoded in a query.
    Fixture {
        url: "https://github.com/Azure-Samples/active-directory-dotnet-graphapi-web/issues/7",
        text: "https://localhost:8400/?error=invalid_request&error_description=Sign-in+failed.+AADSTS900144%3a+The+client_id+parameter+is+missing.%0d%0aTrace+ID%3a+0b3c5a1e-1111-4c2d-9e8f-2a3b4c5d6e7f&error_uri=https%3a%2f%2flogin.microsoftonline.com%2ferror%3fcode%3d900144\n\
https://app.contoso.example/auth/callback#error=access_denied&error_description=Denied.+AADSTS50105%3a+The+user+is+not+assigned+to+the+app.&state=12345\n\
POST /report?body=%7B%22error%22%3A%22invalid_grant%22%2C%22error_codes%22%3A%5B50126%5D%7D\n",
        codes: &["AADSTS900144", "AADSTS50105", "AADSTS50126"],
        not_codes: &["8400", "12345"],
        source: Some(Source::BrowserRedirect),
    },
    // A token endpoint's JSON error body.
    Fixture {
        url: "https://github.com/himmelblau-idm/himmelblau/issues/1678",
        text: "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70043: The refresh token expired after a sign-in frequency policy.\",\"error_codes\":[70043],\"timestamp\":\"2026-05-02 10:11:12Z\",\"trace_id\":\"4cb1d5ef-eeb7-4e9f-a164-642698f40f00\",\"correlation_id\":\"cc44b910-8df3-4025-8b62-b4bb1d60990a\",\"suberror\":\"bad_token\"}\n",
        codes: &["AADSTS70043"],
        not_codes: &["2026", "10"],
        source: None,
    },
    // Entra's sign-in log, copied from the portal: the code without AADSTS.
    Fixture {
        url: "https://github.com/AzureAD/microsoft-authentication-library-common-for-objc/pull/1811",
        text: "Date (UTC)\t2026-05-04T08:10:44Z\n\
Status\tFailure\n\
Sign-in error code\t53008\n\
Failure reason\tThe device must be joined to the workplace.\n\
Client app\tMobile Apps and Desktop clients\n",
        codes: &["AADSTS53008"],
        not_codes: &["2026"],
        source: None,
    },
    // Look-alike characters: full-width text from a Japanese IME, a
    // multiplication sign for `x`, a zero-width space from a chat tool, an
    // en dash for the minus sign, the letter O for zero.
    Fixture {
        url: "https://github.com/microsoft/vscode/issues/276371",
        text: "エラー コード：０ｘ８００４８８２３\n\
The dialog said Error code 0×80070005\n\
Our chat bot copied it as CAA5\u{200B}0021 for me\n\
hr = \u{2013}2147024891\n\
Someone typed 0x8OO4O11D in the ticket\n",
        codes: &["0x80048823", "0x80070005", "0xCAA50021", "0x8004011D"],
        not_codes: &[],
        source: None,
    },
];

/// A log full of numbers that are not codes: time stamps, PIDs, sizes,
/// line numbers, GUIDs, versions, ports, durations, years, device numbers.
const HARD_NEGATIVE: &str = "2026-03-02T08:14:05.123Z pid=4412 tid=7788 msg=\"GET /oauth2/v2.0/token 200 in 1532 ms\" size=80090016 port=50126\n\
Apr 25 22:02:56 host kernel: [ 1234.567890] usb 1-1: new high-speed USB device number 12002 using xhci_hcd\n\
  File \"/opt/az/lib/python3.12/site-packages/msal/application.py\", line 2084, in _acquire_token_interactive_via_broker\n\
Build 26100.2314, version 10.0.26100.2314, KB5044284 installed in 00:02:13\n\
Listening on 0.0.0.0:50126 (pid 53003), thread_id: 50105, Tag: 0xcaa20003\n\
Elapsed: 00:00:50.126, retries: 3, year 2026, 65536 bytes, 3399614467 ms since boot? no: uptime 1024 s\n\
[MSAL:0003] INFO LogTelemetryData:464 Key: request_duration, Value: 50126\n\
{\"t\":\"4sufd\",\"tid\":2,\"ts\":3264,\"s\":2,\"l\":2},{\"t\":\"4swgg\",\"tid\":3,\"ts\":3518,\"a\":9,\"ie\":1}\n\
Client app version 1.2508.17, broker version 2.0.1, window handle 0x00A3062C\n\
correlation_id: 0b6f1e8a-2c3d-4e5f-8a9b-1c2d3e4f5a6b, user object 80072ee7-0000-4000-8000-000000000000\n";

fn normalized(text: &str) -> (Vec<String>, Vec<String>) {
    let e = extract(text);
    let mut found = Vec::new();
    let mut raw = Vec::new();
    for c in &e.codes {
        raw.push(c.token.text.clone());
        let d = decode(&c.token, &[]);
        if let Some(i) = d.interpretations.first() {
            found.push(i.normalized.clone());
        }
        if let Some(sub) = d.sub_error.as_ref().and_then(|s| s.interpretations.first()) {
            found.push(sub.normalized.clone());
        }
    }
    (found, raw)
}

#[test]
fn codes_in_the_contexts_that_print_them() {
    let mut problems = Vec::new();
    for f in FIXTURES {
        let (found, raw) = normalized(f.text);
        for code in f.codes {
            if !found.iter().any(|c| c == code) {
                problems.push(format!("{}: missed {code} (found {found:?})", f.url));
            }
        }
        for not in f.not_codes {
            let as_code = |r: &String| r == not || (not.contains(r.as_str()) && r.len() >= 3);
            if raw.iter().any(as_code) || found.iter().any(|c| c.eq_ignore_ascii_case(not)) {
                problems.push(format!("{}: read {not} as a code (raw {raw:?})", f.url));
            }
        }
        let extra: Vec<&String> = found
            .iter()
            .filter(|c| !f.codes.contains(&c.as_str()))
            .collect();
        if !extra.is_empty() {
            problems.push(format!("{}: unexpected codes {extra:?}", f.url));
        }
        let source = sources_in(f.text).main();
        if source != f.source {
            problems.push(format!(
                "{}: source {source:?}, expected {:?}",
                f.url, f.source
            ));
        }
        // Every code line carries its own line's sources.
        let e = extract(f.text);
        for c in &e.codes {
            let line = f.text.lines().nth(c.line - 1).unwrap();
            if c.sources != sources_in(line) {
                problems.push(format!("{}: line {} sources differ", f.url, c.line));
            }
        }
        if e.sources != sources_in(f.text) && !f.text.contains('%') {
            problems.push(format!("{}: text sources differ", f.url));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn a_log_full_of_numbers_has_no_codes() {
    let (found, raw) = normalized(HARD_NEGATIVE);
    assert!(found.is_empty(), "found {found:?} from {raw:?}");
}

#[test]
fn bare_numbers_are_entra_errors_only_where_the_line_says_so() {
    let (found, _) = normalized("Error code 50999 while saving the spreadsheet");
    assert!(found.is_empty(), "{found:?}");
    // The same unknown number on a line about Entra, or after Entra's label.
    let (found, _) = normalized("login.microsoftonline.com answered: error code 50999");
    assert_eq!(found, ["AADSTS50999"]);
    let (found, _) = normalized("{\"error_codes\":[50999]}");
    assert_eq!(found, ["AADSTS50999"]);
    // A number of the Windows errors' range (10054 is WSAECONNRESET) is no
    // Entra error even there.
    let (found, _) = normalized("Entra sign-in failed: error code 10054");
    assert!(!found.iter().any(|c| c.starts_with("AADSTS")), "{found:?}");
    let (found, _) = normalized("Entra sign-in failed: error code 12002");
    assert_eq!(found, ["12002"]);
    // A failure after `failed` is not an Entra error by its range alone.
    let (found, _) = normalized("copy failed 65536");
    assert!(found.is_empty(), "{found:?}");
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect()
}

/// Words of identity logs that are never codes.
const NOISE: &[&str] = &[
    "2026-03-02T08:14:05.123Z",
    "[MSAL:0003]",
    "LogTelemetryData:464",
    "pid=4412",
    "tid=7788",
    "thread_id: 28,",
    "Tag: 0x2339e4e3",
    "(internal error code 590996707)",
    "Key: request_duration, Value: 3520",
    "version 10.0.26100.2314",
    "1532 ms",
    "65536 bytes",
    "port 50126",
    "line 2084",
    "0b6f1e8a-2c3d-4e5f-8a9b-1c2d3e4f5a6b",
    "himmelblaud[17499]:",
    "[ 26.1ms | 2.52% / 100.00% ]",
    "Created an error: 9o4t9,",
    "Error Code 0,",
    "HTTP StatusCode 400",
    "INFO",
    "ERROR",
    "sign-in",
    "failed",
    "completed",
    "size=80090016",
    "window handle 0x00A3062C",
    "3 分待ちました",
    "パスコード 1001",
];

proptest::proptest! {
    /// Noise words in any order hold no code; a labelled code put among them
    /// in any of its forms is found, and only it.
    #[test]
    fn a_code_among_log_noise(
        words in proptest::collection::vec(proptest::sample::select(NOISE), 0..12),
        at in 0usize..12,
        v in proptest::sample::select(&[0x80070520u32, 0xCAA70004, 0x80004005, 0xC000006D, 0x8018002B][..]),
        form in 0usize..5,
    ) {
        let line = words.join(" ");
        let (found, raw) = normalized(&line);
        proptest::prop_assert!(found.is_empty(), "{} -> {:?}", line, raw);
        let code = match form {
            0 => format!("Error: 0x{v:08x}"),
            1 => format!("Error code: {}", v as i32),
            2 => format!("Error Code: {v}"),
            3 => format!("Error: 0xffffffff{v:08x}"),
            _ => format!("エラー コード：０ｘ{}", full_width(&format!("{v:08X}"))),
        };
        let mut with = words.clone();
        with.insert(at.min(words.len()), &code);
        let line = with.join(" ");
        let (found, raw) = normalized(&line);
        proptest::prop_assert_eq!(found, vec![format!("0x{v:08X}")], "{} -> {:?}", line, raw);
    }
}
