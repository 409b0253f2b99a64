//! `clear-office-credentials`: the generic Credential Manager entries that
//! Office, Teams and OneDrive saved are removed by name. Their secrets
//! cannot be read, so they cannot be backed up: undo is impossible, and the
//! plan says so before anything runs.

use crate::action::{Action, Roots};
use crate::facts::{cmdkey_name, parse_cmdkey_list, Facts};
use crate::host::Host;
use crate::plan::{apps_closed, Check, Op, Options, Plan, Step, Undo, UndoKind, OFFICE_APPS};
use crate::t;
use crate::text::Text;

pub const ACTION: Action = Action {
    id: "clear-office-credentials",
    undo: UndoKind::None,
    undo_note,
    roots: Roots {
        credentials: is_office_credential,
        ..Roots::NONE
    },
    gather,
    plan,
    ..Action::DEFAULT
};

fn undo_note() -> Text {
    t!(
        "Cannot be undone: saved passwords and tokens cannot be read, so they cannot be backed up. The journal keeps the names of the removed entries; signing in again recreates them.",
        "元に戻せません。保存されたパスワードやトークンは読み出せないため、バックアップできません。削除したエントリの名前はジャーナルに残ります。再度サインインすると作り直されます。"
    )
}

fn gather(host: &dyn Host, facts: &mut Facts) {
    facts.probe_output(host, "cmdkey", &["/list"]);
}

fn plan(p: &mut Plan, facts: &Facts, _: &Options) {
    p.preconditions.push(apps_closed(OFFICE_APPS));
    let listed = parse_cmdkey_list(facts.output("cmdkey", &["/list"]).unwrap_or(""));
    let targets: Vec<&String> = listed.iter().filter(|t| is_office_credential(t)).collect();
    for target in &targets {
        let name = cmdkey_name(target).to_string();
        // The whole target with its type: a bare name would also
        // match a domain credential of the same name.
        let full = target.to_string();
        p.steps.push(Step {
            does: t!(
                "Remove the saved credential `{name}` from Credential Manager",
                "資格情報マネージャーから保存済みの資格情報 `{name}` を削除する"
            ),
            op: Op::CmdkeyDelete { target: full },
            undo: Undo::Impossible { why: undo_note() },
            backup: None,
            notice: Some(t!(
                "You sign in again where this credential was used.",
                "この資格情報を使っていたアプリで再度サインインが必要です。"
            )),
            admin: false,
        });
    }
    if !targets.is_empty() {
        p.verify.push(Check::CredentialsAbsent {
            targets: targets.iter().map(|t| t.to_string()).collect(),
        });
    }
    if !facts.probed {
        p.notes.push(t!(
            "On Windows, the plan lists by name each generic entry of `cmdkey /list` whose name starts with MicrosoftOffice<version>_Data:, OneDrive Cached Credential, msteams_adalsso/, Microsoft.AAD.BrokerPlugin or OneAuth; domain credentials and other programs' entries are never removed.",
            "Windows 上では、`cmdkey /list` の汎用資格情報のうち、名前が MicrosoftOffice<バージョン>_Data:、OneDrive Cached Credential、msteams_adalsso/、Microsoft.AAD.BrokerPlugin、OneAuth で始まるものを名前ごとに計画に示します。ドメインの資格情報や他のプログラムのエントリは削除しません。"
        ));
    }
    p.notes.push(t!(
        "Passwords and tokens in Credential Manager cannot be backed up: this step cannot be undone. You will sign in again to Office, Teams and OneDrive.",
        "資格情報マネージャーのパスワードやトークンはバックアップできないため、この操作は元に戻せません。Office、Teams、OneDrive に再度サインインすることになります。"
    ));
}

/// Whether a Credential Manager target belongs to Office, Teams or
/// OneDrive. Only generic credentials whose name starts with a name these
/// apps are known to write are selected: Windows' own entries (domain
/// passwords and certificates, Microsoft account, WindowsLive) and every
/// other program's entry stay, even when an Office word appears somewhere
/// inside their name (`adalbert-nas`, `onedrive.contoso.com`).
pub fn is_office_credential(target: &str) -> bool {
    let (kind, name) = match target.split_once(":target=") {
        Some((kind, name)) => (kind.trim(), name),
        None => ("", target),
    };
    if !(kind.eq_ignore_ascii_case("LegacyGeneric") || kind.eq_ignore_ascii_case("Generic")) {
        return false;
    }
    let lower = name.to_ascii_lowercase();
    // MicrosoftOffice15_Data:…, MicrosoftOffice16_Data:SSPI:…, …:orgid:…, …:ADAL:…
    if let Some(rest) = lower.strip_prefix("microsoftoffice") {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        return digits > 0 && rest[digits..].starts_with("_data:");
    }
    lower == "onedrive cached credential"
        || lower.starts_with("onedrive cached credential ")
        || lower.starts_with("msteams_adalsso/")
        || lower.starts_with("microsoft.aad.brokerplugin")
        || lower.starts_with("oneauth")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_generic_entries_with_an_office_name_at_the_start_are_office_credentials() {
        for office in [
            "LegacyGeneric:target=MicrosoftOffice16_Data:SSPI:megan.bowen@contoso.com",
            "LegacyGeneric:target=MicrosoftOffice15_Data:ADAL:3c1f9a7e",
            "Generic:target=OneDrive Cached Credential",
            "LegacyGeneric:target=OneDrive Cached Credential Business - Business1",
            "LegacyGeneric:target=msteams_adalsso/adal_context_0",
            "LegacyGeneric:target=Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy/x",
            "LegacyGeneric:target=OneAuth/megan.bowen@contoso.com",
        ] {
            assert!(is_office_credential(office), "{office}");
        }
        for other in [
            "Domain:target=MicrosoftOffice16_Data:SSPI:megan.bowen@contoso.com",
            "Domain:target=onedrive.contoso.com",
            "Domain:interactive=msteams_adalsso/x",
            "WindowsLive:target=virtualapp/didlogical",
            "MicrosoftAccount:target=SSO_POP_Device",
            "LegacyGeneric:target=adalbert-nas.contoso.local",
            "LegacyGeneric:target=TERMSRV/msoffice-rds.contoso.com",
            "LegacyGeneric:target=Backup-MicrosoftOffice16_Data:orgid",
            "LegacyGeneric:target=MicrosoftOffice_Data:x",
            "LegacyGeneric:target=OneDrive Cached CredentialX",
            "LegacyGeneric:target=git:https://onedrive.example.com",
            "LegacyGeneric:target=git:https://github.com/adalovelace",
            "LegacyGeneric:target=https://onedrive-backup.example.com",
            "Domain:target=adalbert-pc",
            "Domain:target=OneAuth/megan.bowen@contoso.com",
            "LegacyGeneric:target=MyOneAuthTool",
        ] {
            assert!(!is_office_credential(other), "{other}");
        }
    }
}
