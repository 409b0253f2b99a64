//! The analyses as KQL for Log Analytics, Microsoft Sentinel and Azure
//! Data Explorer, generated from [`crate::spec`] (the same code lists,
//! predicates, columns, windows and thresholds as the Rust aggregation).
//!
//! Every query stands alone: it starts from a normalised view (`Signins`)
//! over the literal tables `SigninLogs`, `AADNonInteractiveUserSignInLogs`,
//! `AADServicePrincipalSignInLogs` and `AADManagedIdentitySignInLogs`, in
//! which the columns that are `dynamic` in one table and JSON text in
//! another are made `dynamic` before the `union`. Codes are compared as
//! strings (`ResultType` is a string; ordering operators would not work).
//! Queries are preceded by one `//` line naming them and separated by a
//! blank line, with no blank line inside, as Kusto editors expect.

use crate::spec::{self, Pred, Thresholds, COLUMNS, TABLES};

/// A KQL string literal: double quotes, with `\` and `"` escaped and
/// control characters written as escapes, so any user-supplied text is inert.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One emitted query.
#[derive(Debug, Clone)]
pub struct Query {
    /// Stable name: `failures`, `password-spray`, …
    pub id: &'static str,
    pub title: &'static str,
    /// Executed by the differential test (the advanced spike query is
    /// checked statically only: duckdb-kql has no `make-series`).
    pub portable: bool,
    pub text: String,
}

fn minutes(m: i64) -> String {
    format!("{m}m")
}

/// The `let` lines every query starts with.
fn prelude(th: &Thresholds) -> Vec<String> {
    let mut lines = vec![
        format!("let lookback = {}d;", th.get("kql-lookback-days")),
        format!(
            "let Interrupts = dynamic([{}]);",
            spec::code_list(spec::INTERRUPT_CODES)
        ),
        "let Signins = union".to_string(),
    ];
    for (i, t) in TABLES.iter().enumerate() {
        let cols: Vec<String> = COLUMNS
            .iter()
            .map(|c| {
                let e = (c.expr)(t);
                if e == c.name {
                    e
                } else {
                    format!("{} = {e}", c.name)
                }
            })
            .collect();
        lines.push(format!("    ({}", t.name));
        lines.push("    | where TimeGenerated > ago(lookback)".into());
        let end = if i + 1 == TABLES.len() { ");" } else { ")," };
        lines.push(format!("    | project {}{end}", cols.join(", ")));
    }
    lines
}

fn q(
    id: &'static str,
    title: &'static str,
    portable: bool,
    th: &Thresholds,
    body: &[String],
) -> Query {
    let mut lines = vec![format!("// {id}: {title}")];
    lines.extend(prelude(th));
    lines.extend(body.iter().cloned());
    Query {
        id,
        title,
        portable,
        text: lines.join("\n"),
    }
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn code_ranking(pred: &Pred, th: &Thresholds) -> Vec<String> {
    vec![
        format!("let Affected = toscalar(Signins | where {} | summarize dcount(User));", pred.kql()),
        "Signins".into(),
        format!("| where {}", pred.kql()),
        "| summarize Events = count(), Users = dcount(User), Apps = dcount(App), Interactive = countif(Kind == \"interactive\"), NonInteractive = countif(Kind != \"interactive\"), First = min(TimeGenerated), Last = max(TimeGenerated) by Code".into(),
        "| extend Share = round(todouble(Users) / Affected, 4), Code = strcat(\"AADSTS\", Code)".into(),
        "| project Code, Events, Users, Apps, Share, Interactive, NonInteractive, First, Last".into(),
        "| order by Users desc, Events desc, Code asc".into(),
        format!("| take {}", th.get("top")),
    ]
}

/// Windows of one key with their neighbours (`Window ± W`), as the Rust
/// side merges flagged windows with the windows next to them.
fn near(key: &str) -> String {
    format!(
        "let Near = union (Flagged), (Flagged | extend Window = Window - W), (Flagged | extend Window = Window + W) | distinct {key}, Window;"
    )
}

/// Every query, in the order of the analyses.
pub fn all(th: &Thresholds) -> Vec<Query> {
    let failures = spec::FAILURES.kql();
    let mut out = Vec::new();
    out.push(q(
        "totals",
        "sign-ins, successes, interrupts and failures, users and applications",
        true,
        th,
        &[
            "Signins".into(),
            format!(
                "| summarize Events = count(), Successes = countif({}), Interrupts = countif({}), Failures = countif({}), Users = dcountif(User, Kind in (\"interactive\", \"non_interactive\")), ServicePrincipals = dcountif(User, Kind in (\"service_principal\", \"managed_identity\")), FailingUsers = dcountif(User, {}), Interactive = countif(Kind == \"interactive\"), NonInteractive = countif(Kind == \"non_interactive\"), ServicePrincipal = countif(Kind == \"service_principal\"), ManagedIdentity = countif(Kind == \"managed_identity\"), First = min(TimeGenerated), Last = max(TimeGenerated)",
                spec::SUCCESSES.kql(),
                spec::INTERRUPTS.kql(),
                failures,
                failures
            ),
        ],
    ));
    out.push(q(
        "failures",
        "failures ranked by users affected",
        true,
        th,
        &code_ranking(&spec::FAILURES, th),
    ));
    out.push(q(
        "interrupts",
        "interrupts (MFA, consent, stay signed in): counted apart, not failures",
        true,
        th,
        &code_ranking(&spec::INTERRUPTS, th),
    ));
    let mut parts = Vec::new();
    for d in spec::DIMENSIONS {
        if d.key == spec::POLICY_DIMENSION {
            let results = spec::POLICY_BLOCKING_RESULTS
                .iter()
                .map(|r| string(r))
                .collect::<Vec<_>>()
                .join(", ");
            parts.push(format!(
                "    (Problems | mv-expand Policy = Policies | where tostring(Policy.result) in ({results}) | summarize Events = count(), Users = dcount(User) by Code, Value = tostring(Policy.displayName) | extend Dimension = \"{}\")",
                d.key
            ));
        } else {
            parts.push(format!(
                "    (Problems | summarize Events = count(), Users = dcount(User) by Code, Value = {} | extend Dimension = \"{}\")",
                d.column, d.key
            ));
        }
    }
    let n = parts.len();
    let mut body = vec![
        "let Problems = Signins | where Code != \"0\";".to_string(),
        "union".into(),
    ];
    for (i, p) in parts.into_iter().enumerate() {
        body.push(if i + 1 < n { format!("{p},") } else { p });
    }
    body.extend(s(&[
        "| project Code = strcat(\"AADSTS\", Code), Dimension, Value, Events, Users",
        "| order by Code asc, Dimension asc, Events desc, Users desc, Value asc",
    ]));
    out.push(q("breakdown", "what concentrates each failure and interrupt: app, client app, OS, browser, device, country, policy", true, th, &body));
    let impact = spec::POLICY_IMPACT_RESULTS
        .iter()
        .map(|r| string(r))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(q(
        "conditional-access",
        "Conditional Access impact per policy, report-only policies that would block",
        true,
        th,
        &[
            "Signins".into(),
            "| mv-expand Policy = Policies".into(),
            "| extend Result = tostring(Policy.result), PolicyId = tostring(Policy.id), PolicyName = tostring(Policy.displayName)".into(),
            format!("| where Result in ({impact})"),
            "| summarize Events = count(), Users = dcount(User), Apps = dcount(App) by PolicyId, Policy = PolicyName, Result".into(),
            "| extend ReportOnly = Result startswith \"reportOnly\"".into(),
            "| project PolicyId, Policy, Result, Events, Users, Apps, ReportOnly".into(),
            "| order by Users desc, Events desc, Policy asc, PolicyId asc, Result asc".into(),
        ],
    ));
    let bucket = minutes(th.get("spike-bucket-minutes"));
    out.push(q(
        "failures-over-time",
        "failures per code and time step (the series the spikes are found in)",
        true,
        th,
        &[
            "Signins".into(),
            format!("| where {failures}"),
            format!("| summarize Events = count() by Code = strcat(\"AADSTS\", Code), Start = bin(TimeGenerated, {bucket})"),
            "| order by Code asc, Start asc".into(),
        ],
    ));
    out.push(q(
        "spikes",
        "spikes: steps far above the code's median (robust z-score over MAD); advanced: uses make-series",
        false,
        th,
        &[
            "Signins".into(),
            format!("| where {failures}"),
            format!("| make-series Events = count() default = 0 on TimeGenerated from bin(ago(lookback), {bucket}) to now() step {bucket} by Code"),
            "| extend Sorted = array_sort_asc(Events), N = array_length(Events)".into(),
            "| extend Median = (todouble(Sorted[(N - 1) / 2]) + todouble(Sorted[N / 2])) / 2.0".into(),
            "| extend Deviations = array_sort_asc(series_abs(series_subtract(Events, Median)))".into(),
            "| extend Mad = (todouble(Deviations[(N - 1) / 2]) + todouble(Deviations[N / 2])) / 2.0".into(),
            "| extend Scores = series_divide(series_subtract(Events, Median), max_of(1.4826 * Mad, 1.0))".into(),
            "| mv-expand Start = TimeGenerated to typeof(datetime), Count = Events to typeof(long), Score = Scores to typeof(double)".into(),
            format!("| where Count >= {} and Score >= {}", th.get("spike-min-events"), th.get("spike-min-score")),
            "| project Code = strcat(\"AADSTS\", Code), Start, Events = Count, Baseline = Median, Score = round(Score, 2)".into(),
            "| order by Score desc, Start asc".into(),
        ],
    ));
    out.push(q(
        "password-spray",
        "password spray: many accounts, few tries each, from one IP address in a window",
        true,
        th,
        &[
            format!("let W = {};", minutes(th.get("spray-window-minutes"))),
            format!("let Attempts = Signins | where {} | extend Window = bin(TimeGenerated, W);", spec::SPRAY.kql()),
            format!(
                "let Flagged = Attempts | summarize Events = count(), Users = dcount(User) by Ip, Window | where Users >= {} and Events <= {} * Users | project Ip, Window;",
                th.get("spray-min-users"),
                th.get("spray-max-attempts-per-user")
            ),
            near("Ip"),
            format!("let LastSuccess = Signins | where {} | summarize LastSuccess = max(TimeGenerated) by Ip;", spec::SUCCESSES.kql()),
            "Attempts".into(),
            "| join kind=inner Near on Ip, Window".into(),
            "| summarize Events = count(), Users = dcount(User), First = min(TimeGenerated), Last = max(TimeGenerated) by Ip".into(),
            "| join kind=leftouter LastSuccess on Ip".into(),
            "| extend SuccessAfter = isnotnull(LastSuccess) and LastSuccess >= First".into(),
            "| project Ip, Users, Events, First, Last, SuccessAfter".into(),
            "| order by Events desc, Ip asc".into(),
        ],
    ));
    out.push(q(
        "brute-force",
        "brute force: many wrong passwords for one account in a window",
        true,
        th,
        &[
            format!("let W = {};", minutes(th.get("brute-window-minutes"))),
            format!("let Attempts = Signins | where {} | extend Window = bin(TimeGenerated, W);", spec::BRUTE_FORCE.kql()),
            format!("let Flagged = Attempts | summarize Events = count() by User, Window | where Events >= {} | project User, Window;", th.get("brute-min-attempts")),
            near("User"),
            "let Hits = Attempts | join kind=inner Near on User, Window;".into(),
            format!(
                "let Entered = Hits | distinct User, Ip | join kind=inner (Signins | where {} | summarize LastSuccess = max(TimeGenerated) by User, Ip) on User, Ip | summarize LastSuccess = max(LastSuccess) by User;",
                spec::SUCCESSES.kql()
            ),
            "Hits".into(),
            "| summarize Events = count(), Ips = dcount(Ip), First = min(TimeGenerated), Last = max(TimeGenerated) by User".into(),
            "| join kind=leftouter Entered on User".into(),
            "| extend SuccessAfter = isnotnull(LastSuccess) and LastSuccess >= First".into(),
            "| project User, Ips, Events, First, Last, SuccessAfter".into(),
            "| order by Events desc, User asc".into(),
        ],
    ));
    out.push(q(
        "lockout",
        "smart lockout bursts per account",
        true,
        th,
        &[
            format!("let W = {};", minutes(th.get("lockout-window-minutes"))),
            format!("let Attempts = Signins | where {} | extend Window = bin(TimeGenerated, W);", spec::LOCKOUT.kql()),
            format!("let Flagged = Attempts | summarize Events = count() by User, Window | where Events >= {} | project User, Window;", th.get("lockout-min-events")),
            near("User"),
            format!("let LastSuccess = Signins | where {} | summarize LastSuccess = max(TimeGenerated) by User;", spec::SUCCESSES.kql()),
            "Attempts".into(),
            "| join kind=inner Near on User, Window".into(),
            "| summarize Events = count(), Ips = dcount(Ip), First = min(TimeGenerated), Last = max(TimeGenerated) by User".into(),
            "| join kind=leftouter LastSuccess on User".into(),
            "| extend SuccessAfter = isnotnull(LastSuccess) and LastSuccess >= First".into(),
            "| project User, Ips, Events, First, Last, SuccessAfter".into(),
            "| order by Events desc, User asc".into(),
        ],
    ));
    out.push(q(
        "mfa-fatigue",
        "MFA fatigue: many denied or unanswered MFA requests, then a success",
        true,
        th,
        &[
            format!("let W = {};", minutes(th.get("mfa-window-minutes"))),
            format!("let Denials = Signins | where {} | extend Window = bin(TimeGenerated, W);", spec::MFA_DENIED.kql()),
            format!("let Flagged = Denials | summarize Denied = count() by User, Window | where Denied >= {} | project User, Window;", th.get("mfa-min-denials")),
            "let Attempts = Denials | join kind=inner Flagged on User, Window;".into(),
            "let Windows = Attempts | summarize First = min(TimeGenerated) by User, Window;".into(),
            format!("let Successes = Signins | where {} | project User, SuccessTime = TimeGenerated;", spec::INTERACTIVE_SUCCESS.kql()),
            "let Gave = Windows | join kind=inner Successes on User | where SuccessTime >= First and SuccessTime < Window + 2 * W | distinct User | extend Gave = true;".into(),
            "Attempts".into(),
            "| summarize Events = count(), Ips = dcount(Ip), First = min(TimeGenerated), Last = max(TimeGenerated) by User".into(),
            "| join kind=leftouter Gave on User".into(),
            "| extend SuccessAfter = isnotnull(Gave)".into(),
            "| project User, Ips, Events, First, Last, SuccessAfter".into(),
            "| order by Events desc, User asc".into(),
        ],
    ));
    out.push(q(
        "legacy-auth",
        "legacy authentication (IMAP, POP, SMTP, ActiveSync, …) per client app",
        true,
        th,
        &[
            "Signins".into(),
            format!("| where {}", spec::LEGACY.kql()),
            format!("| summarize Events = count(), Successes = countif({}), Users = dcount(User), Ips = dcount(Ip), First = min(TimeGenerated), Last = max(TimeGenerated) by ClientApp", spec::SUCCESSES.kql()),
            "| order by Events desc, ClientApp asc".into(),
        ],
    ));
    out.push(q(
        "device-code",
        "device code flow sign-ins per app",
        true,
        th,
        &[
            "Signins".into(),
            format!("| where {}", spec::DEVICE_CODE.kql()),
            format!("| summarize Events = count(), Successes = countif({}), Users = dcount(User), Ips = dcount(Ip), First = min(TimeGenerated), Last = max(TimeGenerated) by App", spec::SUCCESSES.kql()),
            "| order by Events desc, App asc".into(),
        ],
    ));
    let top = th.get("top");
    out.push(q(
        "worst-users",
        "users with the most failures",
        true,
        th,
        &[
            "Signins".into(),
            "| where Kind in (\"interactive\", \"non_interactive\") and Code != \"0\"".into(),
            format!("| summarize Failures = countif({failures}), Interrupts = countif({}), Apps = dcount(App) by User", spec::INTERRUPTS.kql()),
            "| where Failures > 0".into(),
            "| order by Failures desc, User asc".into(),
            format!("| take {top}"),
        ],
    ));
    out.push(q(
        "service-principals",
        "applications and managed identities with the most failures",
        true,
        th,
        &[
            "Signins".into(),
            "| where Kind in (\"service_principal\", \"managed_identity\") and Code != \"0\"".into(),
            format!(
                "| summarize Failures = countif({failures}), Interrupts = countif({}), Apps = dcount(App), CredentialProblem = countif(Code in ({})) > 0, Name = max(App) by User",
                spec::INTERRUPTS.kql(),
                spec::code_list(spec::APP_CREDENTIAL_CODES)
            ),
            "| where Failures > 0".into(),
            "| extend Name = iff(isempty(Name), User, Name)".into(),
            "| order by Failures desc, Name asc".into(),
            format!("| take {top}"),
        ],
    ));
    out.push(q(
        "devices",
        "devices with the most failures",
        true,
        th,
        &[
            "Signins".into(),
            format!("| where {failures} and (isnotempty(DeviceId) or isnotempty(DeviceName))"),
            "| summarize Failures = count(), Users = dcount(User), DeviceName = max(DeviceName) by Device = iff(isempty(DeviceId), DeviceName, DeviceId)".into(),
            "| extend Name = iff(isempty(DeviceName), Device, DeviceName)".into(),
            "| project Name, Failures, Users".into(),
            "| order by Failures desc, Name asc".into(),
            format!("| take {top}"),
        ],
    ));
    out.push(q(
        "stale-sessions",
        "expired sessions and refresh tokens (non-interactive background noise)",
        true,
        th,
        &[
            "Signins".into(),
            format!("| where {}", spec::STALE.kql()),
            "| summarize Events = count(), NonInteractive = countif(Kind == \"non_interactive\"), Users = dcount(User)".into(),
        ],
    ));
    out
}

/// A lookup of one Correlation ID or request id in every table.
pub fn lookup(th: &Thresholds, id: &str) -> Query {
    let lit = string(id.trim());
    q(
        "lookup",
        "the sign-ins of one Correlation ID or request id",
        true,
        th,
        &[
            "Signins".into(),
            format!("| where CorrelationId =~ {lit} or Id =~ {lit}"),
            "| order by TimeGenerated asc".into(),
        ],
    )
}

/// What `--kql` prints.
pub fn queries(th: &Thresholds, lookup_id: Option<&str>) -> String {
    let mut qs = all(th);
    if let Some(id) = lookup_id {
        qs.push(lookup(th, id));
    }
    let mut out = qs
        .iter()
        .map(|q| q.text.clone())
        .collect::<Vec<_>>()
        .join("\n\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_escaped() {
        assert_eq!(string(r#"o'brien"x\y"#), r#""o'brien\"x\\y""#);
        assert_eq!(string("a\nb\u{1}"), "\"a\\nb\\u0001\"");
    }

    #[test]
    fn layout_for_kusto_editors() {
        let text = queries(&Thresholds::default(), Some("6f0c2d1e\"; drop"));
        let blocks: Vec<&str> = text.trim_end().split("\n\n").collect();
        assert_eq!(blocks.len(), all(&Thresholds::default()).len() + 1);
        for b in &blocks {
            let first = b.lines().next().unwrap();
            assert!(first.starts_with("// "), "{first}");
            assert_eq!(b.lines().filter(|l| l.starts_with("//")).count(), 1, "{b}");
            assert!(b.lines().all(|l| !l.trim().is_empty()));
            for t in TABLES {
                assert!(b.contains(t.name), "literal table names");
            }
            assert!(!b.contains("table("));
        }
        assert!(text.contains(r#"CorrelationId =~ "6f0c2d1e\"; drop""#));
    }

    #[test]
    fn thresholds_reach_the_queries() {
        let mut th = Thresholds::default();
        th.set("spray-min-users=7").unwrap();
        th.set("mfa-window-minutes=15").unwrap();
        let text = queries(&th, None);
        assert!(text.contains("where Users >= 7 and"));
        assert!(text.contains("let W = 15m;"));
    }
}
