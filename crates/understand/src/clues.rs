//! Clues: what a text says about the app, the platform and the situation
//! ("since I changed my password", "新しいスマホにしてから", "works in the
//! browser"), found with small phrase patterns in both languages.
//!
//! English patterns are matched on stemmed words, in order, with up to two
//! other words between them ("changed my password" and "password was
//! changed" are two patterns; "changing the password" matches the first).
//! A `|` inside a pattern word gives alternatives. Japanese patterns are
//! matched on the normal form of the text; `…` stands for up to twelve
//! characters of anything. A clue that `negatable` is not counted after
//! "not", "no", "without" … or before ない/ません/なし.
//!
//! A signed clue has patterns for both answers: "other devices work" is
//! +1, "all my devices" is −1.

use crate::text::{self, Script, Token};
use aho_corasick::AhoCorasick;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An app or product the person uses.
    App,
    /// The operating system.
    Platform,
    /// The situation around the problem (new phone, VPN, after an update).
    Context,
    /// What the problem is about (MFA, licences, a developer's app): a hint
    /// for the layer.
    Topic,
}

#[derive(Debug)]
pub struct ClueDef {
    pub id: &'static str,
    pub kind: Kind,
    pub label_en: &'static str,
    pub label_ja: &'static str,
    pub en: &'static [&'static str],
    pub ja: &'static [&'static str],
    /// Patterns for the opposite answer (value −1).
    pub neg_en: &'static [&'static str],
    pub neg_ja: &'static [&'static str],
    pub negatable: bool,
    /// Apps this one implies (`word` implies `office`).
    pub implies: &'static [&'static str],
    /// Found only when none of these was (`visual studio` when it was not
    /// `visual studio code`).
    pub unless: &'static [&'static str],
}

const fn clue(
    id: &'static str,
    kind: Kind,
    label_en: &'static str,
    label_ja: &'static str,
) -> ClueDef {
    ClueDef {
        id,
        kind,
        label_en,
        label_ja,
        en: &[],
        ja: &[],
        neg_en: &[],
        neg_ja: &[],
        negatable: false,
        implies: &[],
        unless: &[],
    }
}

use Kind::*;

/// The clue vocabulary. Context and platform ids are the ones entries may
/// list under `[clues]` (see `m365doctor_kb::model::CLUES`).
pub static CLUES: &[ClueDef] = &[
    // Apps.
    ClueDef {
        en: &[
            "new teams",
            "teams 2",
            "teams new",
            "teams work or school",
            "ms-teams exe",
        ],
        ja: &["新しい…teams", "新teams", "新 teams"],
        implies: &["teams"],
        ..clue("teams-new", App, "new Teams", "新しい Teams")
    },
    ClueDef {
        en: &["classic teams", "teams classic", "old teams", "teams 1"],
        ja: &[
            "クラシック…teams",
            "従来の teams",
            "旧 teams",
            "旧teams",
            "従来のteams",
        ],
        implies: &["teams"],
        ..clue("teams-classic", App, "classic Teams", "クラシック Teams")
    },
    ClueDef {
        en: &["teams", "msteams", "microsoft teams"],
        ja: &["チームズ"],
        ..clue("teams", App, "Teams", "Teams")
    },
    ClueDef {
        en: &["new outlook", "outlook new", "olk exe", "olk"],
        ja: &["新しい…outlook", "新outlook", "新 outlook"],
        implies: &["outlook"],
        ..clue("outlook-new", App, "new Outlook", "新しい Outlook")
    },
    ClueDef {
        en: &[
            "classic outlook",
            "outlook classic",
            "outlook 2013",
            "outlook 2016",
            "outlook 2019",
            "outlook 2021",
            "outlook 2024",
            "outlook exe",
            "outlook desktop",
            "desktop outlook",
        ],
        ja: &[
            "クラシック…outlook",
            "従来の outlook",
            "従来のoutlook",
            "デスクトップ版の outlook",
        ],
        implies: &["outlook"],
        ..clue(
            "outlook-classic",
            App,
            "classic Outlook",
            "クラシック Outlook",
        )
    },
    ClueDef {
        en: &[
            "outlook ios",
            "outlook android",
            "outlook mobile",
            "outlook app phone",
            "outlook iphone",
        ],
        ja: &["スマホの outlook", "スマホのoutlook", "outlook アプリ"],
        implies: &["outlook"],
        ..clue("outlook-mobile", App, "Outlook mobile", "Outlook モバイル")
    },
    ClueDef {
        en: &["outlook", "owa"],
        ja: &["アウトルック"],
        ..clue("outlook", App, "Outlook", "Outlook")
    },
    ClueDef {
        en: &["word", "winword"],
        ja: &["ワード"],
        implies: &["office"],
        unless: &["git-credential-manager"],
        ..clue("word", App, "Word", "Word")
    },
    ClueDef {
        en: &["excel"],
        ja: &["エクセル"],
        implies: &["office"],
        ..clue("excel", App, "Excel", "Excel")
    },
    ClueDef {
        en: &["powerpoint", "pptx"],
        ja: &["パワポ", "パワーポイント"],
        implies: &["office"],
        ..clue("powerpoint", App, "PowerPoint", "PowerPoint")
    },
    ClueDef {
        en: &["onenote"],
        ja: &["ワンノート"],
        implies: &["office"],
        ..clue("onenote", App, "OneNote", "OneNote")
    },
    ClueDef {
        en: &[
            "office",
            "microsoft 365 apps",
            "m365 apps",
            "office 365",
            "o365",
            "microsoft 365",
            "m365",
            "office app",
        ],
        ja: &["オフィス"],
        ..clue(
            "office",
            App,
            "Microsoft 365 Apps (Office)",
            "Microsoft 365 Apps (Office)",
        )
    },
    ClueDef {
        en: &["onedrive", "odb", "onedrive business"],
        ja: &["ワンドライブ"],
        ..clue("onedrive", App, "OneDrive", "OneDrive")
    },
    ClueDef {
        en: &["sharepoint", "spo"],
        ja: &["シェアポイント"],
        ..clue("sharepoint", App, "SharePoint", "SharePoint")
    },
    ClueDef {
        en: &["microsoft edge", "edge", "msedge"],
        ja: &["エッジ"],
        ..clue("edge", App, "Microsoft Edge", "Microsoft Edge")
    },
    ClueDef {
        en: &[
            "browser",
            "chrome",
            "firefox",
            "safari",
            "web page",
            "webpage",
            "outlook web",
            "owa",
            "office com",
            "web version",
            "web app",
            "portal azure com",
            "incognito",
            "inprivate",
            "in private",
        ],
        ja: &["ブラウザ", "web 版", "web版", "シークレット"],
        ..clue("browser", App, "a web browser", "Web ブラウザー")
    },
    ClueDef {
        en: &[
            "az signin",
            "azure cli",
            "az cli",
            "az account",
            "azure-cli",
            "az devops",
        ],
        ja: &[],
        ..clue("azure-cli", App, "Azure CLI", "Azure CLI")
    },
    ClueDef {
        en: &[
            "connect-azaccount",
            "az accounts",
            "azure powershell",
            "az powershell",
        ],
        ..clue(
            "azure-powershell",
            App,
            "Azure PowerShell",
            "Azure PowerShell",
        )
    },
    ClueDef {
        en: &[
            "connect-mggraph",
            "microsoft graph powershell",
            "graph powershell",
            "mggraph",
        ],
        ..clue(
            "graph-powershell",
            App,
            "Microsoft Graph PowerShell",
            "Microsoft Graph PowerShell",
        )
    },
    ClueDef {
        en: &["vscode", "visual studio code", "code exe"],
        ..clue("vscode", App, "Visual Studio Code", "Visual Studio Code")
    },
    ClueDef {
        en: &["visual studio", "devenv"],
        unless: &["vscode"],
        ..clue("visual-studio", App, "Visual Studio", "Visual Studio")
    },
    ClueDef {
        en: &[
            "git credential manager",
            "git-credential-manager",
            "gcm",
            "credential helper",
            "git push",
            "git clone",
            "git pull",
            "git fetch",
            "dev azure com",
            "azure devops",
            "azure repos",
        ],
        ..clue(
            "git-credential-manager",
            App,
            "Git Credential Manager",
            "Git Credential Manager",
        )
    },
    ClueDef {
        en: &["company portal", "companyportal", "portal app"],
        ja: &[
            "ポータル サイト",
            "ポータルサイト",
            "ポータル アプリ",
            "ポータルアプリ",
        ],
        ..clue(
            "company-portal",
            App,
            "Company Portal",
            "ポータル サイト (Company Portal)",
        )
    },
    ClueDef {
        en: &[
            "intune-portal",
            "intune app",
            "microsoft intune app",
            "intune portal",
        ],
        ..clue(
            "intune-portal",
            App,
            "Microsoft Intune app (Linux)",
            "Microsoft Intune アプリ (Linux)",
        )
    },
    ClueDef {
        en: &["authenticator", "msauthenticator"],
        ja: &["認証アプリ", "オーセンティケーター", "オーセンティケータ"],
        ..clue(
            "authenticator",
            App,
            "Microsoft Authenticator",
            "Microsoft Authenticator",
        )
    },
    ClueDef {
        en: &[
            "windows hello",
            "hello business",
            "whfb",
            "pin",
            "lock screen",
            "signin screen",
            "windows signin",
            "signin windows",
            "welcome screen",
            "autopilot",
            "oobe",
            "dsregcmd",
            "hybrid join",
            "entra join",
            "azure ad join",
            "aad join",
        ],
        ja: &[
            "ロック画面",
            "サインイン画面",
            "windows に…サインイン",
            "windowsに…サインイン",
            "顔認証",
            "指紋認証",
        ],
        ..clue(
            "windows",
            App,
            "the Windows sign-in",
            "Windows へのサインイン",
        )
    },
    // Platforms.
    ClueDef {
        en: &[
            "windows",
            "win10",
            "win11",
            "win 10",
            "win 11",
            "windows 10",
            "windows 11",
            "surface",
        ],
        ..clue("platform-windows", Platform, "Windows", "Windows")
    },
    ClueDef {
        en: &[
            "mac", "macos", "macbook", "imac", "os x", "osx", "keychain", "sonoma", "ventura",
            "sequoia", "monterey",
        ],
        ja: &["マック", "キーチェーン"],
        ..clue("platform-macos", Platform, "macOS", "macOS")
    },
    ClueDef {
        en: &["iphone", "ipad", "ios", "ipados"],
        ja: &["アイフォン", "アイパッド"],
        ..clue("platform-ios", Platform, "iOS", "iOS")
    },
    ClueDef {
        en: &["android", "pixel", "galaxy", "xperia", "aquos", "oneplus"],
        ja: &["アンドロイド"],
        ..clue("platform-android", Platform, "Android", "Android")
    },
    ClueDef {
        en: &[
            "linux", "ubuntu", "rhel", "red hat", "debian", "fedora", "gnome", "pam", "sssd",
        ],
        ja: &["リナックス"],
        ..clue("platform-linux", Platform, "Linux", "Linux")
    },
    // Context.
    ClueDef {
        en: &[
            "new phone",
            "new iphone",
            "new android",
            "new mobile",
            "new cell",
            "new smartphone",
            "chang phone",
            "switch phone",
            "replac phone",
            "upgrad phone",
            "lost phone",
            "phone stolen",
            "phone broke",
            "broken phone",
            "old phone",
            "phone number chang",
            "new number",
            "phone replac",
            "phone reset",
        ],
        ja: &[
            "新しいスマホ",
            "スマホを…変え",
            "スマホを…替え",
            "スマホを…換え",
            "機種変",
            "買い替え",
            "買い換え",
            "乗り換え",
            "スマホを…なくし",
            "スマホを…紛失",
            "スマホが…壊れ",
            "スマホを…初期化",
            "古いスマホ",
            "新しい…iphone",
            "新しい…android",
            "電話番号が変わ",
            "電話番号を変",
        ],
        negatable: true,
        ..clue(
            "new-phone",
            Context,
            "a new or replaced phone",
            "スマートフォンの機種変更・紛失",
        )
    },
    ClueDef {
        en: &[
            "password chang",
            "password reset",
            "password updat",
            "chang password",
            "reset password",
            "updat password",
            "new password",
            "password was reset",
            "password just chang",
        ],
        ja: &[
            "パスワード…変更",
            "パスワード…変え",
            "パスワード…リセット",
            "パスワード…更新",
            "新しいパスワード",
            "パスワードを…変えた",
        ],
        negatable: true,
        ..clue(
            "password-changed",
            Context,
            "the password changed recently",
            "最近パスワードを変更した",
        )
    },
    ClueDef {
        en: &[
            "password expir",
            "expir password",
            "password is expir",
            "password has expir",
        ],
        ja: &["パスワード…期限"],
        negatable: true,
        ..clue(
            "password-expired",
            Context,
            "the password expired",
            "パスワードの有効期限切れ",
        )
    },
    ClueDef {
        en: &[
            "after updat",
            "after upgrad",
            "after patch",
            "since updat",
            "since upgrad",
            "since patch",
            "windows updat",
            "latest updat",
            "recent updat",
            "feature updat",
            "cumulative updat",
            "patch tuesday",
            "updat yesterday",
            "updat last",
            "updated to",
            "upgraded to",
            "24h2",
            "23h2",
            "22h2",
            "new version",
            "new build",
        ],
        ja: &[
            "アップデート後",
            "アップデートして",
            "アップデートしたら",
            "アップデートしてから",
            "更新後",
            "更新してから",
            "更新したら",
            "更新プログラム",
            "バージョンアップ",
            "アップグレード",
            "アップデートが…入",
            "更新が…入",
        ],
        negatable: true,
        ..clue(
            "after-update",
            Context,
            "after an update",
            "更新 (アップデート) の後",
        )
    },
    ClueDef {
        en: &[
            "vpn",
            "globalprotect",
            "anyconnect",
            "forticlient",
            "pulse secure",
            "always on vpn",
            "wireguard",
        ],
        negatable: true,
        ..clue("vpn", Context, "a VPN", "VPN")
    },
    ClueDef {
        en: &[
            "from home",
            "at home",
            "home wifi",
            "home network",
            "home internet",
            "home router",
            "work from home",
            "wfh",
            "hotel",
            "guest wifi",
            "guest network",
            "public wifi",
            "tether",
            "hotspot",
            "coffee shop",
            "airport",
            "remote user",
            "work remotely",
            "working remotely",
        ],
        ja: &[
            "自宅",
            "在宅",
            "家から",
            "テレワーク",
            "リモートワーク",
            "ホテル",
            "ゲスト wi",
            "ゲストwi",
            "ゲスト用の…wi",
            "公衆 wi",
            "公衆wi",
            "公衆無線",
            "テザリング",
            "モバイルルーター",
            "モバイル ルーター",
            "外出先",
            "出張先",
        ],
        negatable: true,
        ..clue(
            "home-network",
            Context,
            "a home, hotel or guest network",
            "自宅・ホテル・ゲストのネットワーク",
        )
    },
    ClueDef {
        en: &[
            "in the office",
            "at the office",
            "office network",
            "corporate network",
            "company network",
            "corp network",
            "internal network",
            "on site",
            "onsite",
            "on the lan",
            "corp wifi",
            "office wifi",
            "on prem network",
            "domain network",
        ],
        ja: &[
            "社内ネットワーク",
            "社内の…ネットワーク",
            "会社のネットワーク",
            "社内 lan",
            "社内lan",
            "社内の lan",
            "オフィスで",
            "出社",
            "社内では",
            "会社では",
            "社内から",
            "社内の wi",
            "社内wi",
        ],
        negatable: true,
        ..clue(
            "office-network",
            Context,
            "the office network",
            "社内ネットワーク",
        )
    },
    ClueDef {
        en: &["proxy", "pac file", "pac url", "wpad", "proxy pac", "407"],
        ja: &["プロキシ", "プロキシー"],
        negatable: true,
        ..clue("proxy", Context, "a proxy", "プロキシ")
    },
    ClueDef {
        en: &[
            "ssl inspection",
            "tls inspection",
            "https inspection",
            "ssl decryption",
            "tls decryption",
            "ssl interception",
            "tls interception",
            "zscaler",
            "netskope",
            "blue coat",
            "bluecoat",
            "palo alto",
            "fortigate",
            "man in the middle",
            "mitm",
            "certificate error",
            "certificate warning",
            "untrusted certificate",
            "root certificate",
            "self signed certificate",
            "certificate chain",
            "not trusted",
        ],
        ja: &[
            "ssl 検査",
            "tls 検査",
            "ssl検査",
            "tls検査",
            "インスペクション",
            "復号",
            "証明書…エラー",
            "証明書…警告",
            "ルート証明書",
            "信頼されていない",
            "証明書チェーン",
        ],
        negatable: true,
        ..clue(
            "tls-inspection",
            Context,
            "TLS inspection or a certificate warning",
            "TLS 検査・証明書の警告",
        )
    },
    ClueDef {
        en: &[
            "clock",
            "timezone",
            "system time",
            "wrong time",
            "time is wrong",
            "time was wrong",
            "time is off",
            "time was off",
            "date and time",
            "time sync",
            "time sync|synchronize|synchronization|synchronise",
            "ntp",
            "time skew",
            "clock skew",
            "bios battery",
            "cmos battery",
            "minutes ahead",
            "minutes behind",
            "hours ahead",
            "hours behind",
            "wrong date",
            "w32tm",
        ],
        ja: &[
            "時刻",
            "時計",
            "タイムゾーン",
            "時間が…ずれ",
            "時間が…狂",
            "日付と時刻",
            "時間が合って",
            "時差",
            "日付が…ずれ",
            "日付が…違",
            "分進んで",
            "分遅れ",
            "時間進んで",
            "時間遅れ",
        ],
        negatable: true,
        ..clue(
            "clock",
            Context,
            "the clock or time zone",
            "時刻・タイム ゾーン",
        )
    },
    ClueDef {
        en: &[
            "shared pc",
            "shared computer",
            "shared device",
            "shared machine",
            "shared workstation",
            "shared laptop",
            "kiosk",
            "several people use",
            "multiple people use",
            "frontline",
            "hot desk",
        ],
        ja: &[
            "共有 pc",
            "共有pc",
            "共用",
            "共有端末",
            "共有の pc",
            "複数人で使",
            "共有の端末",
        ],
        negatable: true,
        ..clue("shared-pc", Context, "a shared PC", "共有 PC")
    },
    ClueDef {
        en: &[
            "vdi",
            "citrix",
            "avd",
            "azure virtual desktop",
            "windows virtual desktop",
            "rds",
            "remote desktop",
            "terminal server",
            "fslogix",
            "windows 365",
            "cloud pc",
            "vmware horizon",
            "horizon",
            "non-persistent",
            "nonpersistent",
            "golden image",
            "session host",
        ],
        ja: &[
            "仮想デスクトップ",
            "リモート デスクトップ",
            "リモートデスクトップ",
            "ターミナル サーバー",
            "ターミナルサーバー",
            "非永続",
        ],
        negatable: true,
        ..clue(
            "vdi",
            Context,
            "VDI, Remote Desktop or FSLogix",
            "VDI・リモート デスクトップ・FSLogix",
        )
    },
    ClueDef {
        en: &[
            "personal account",
            "microsoft account",
            "msa",
            "hotmail",
            "outlook com",
            "live com",
            "msn com",
            "gmail",
            "home account",
            "microsoft 365 personal",
            "microsoft 365 family",
            "office home",
            "xbox",
            "skype",
            "consumer account",
        ],
        ja: &[
            "個人用",
            "個人の…アカウント",
            "個人アカウント",
            "microsoft アカウント",
            "microsoftアカウント",
            "家庭用",
            "家族",
        ],
        negatable: true,
        ..clue(
            "personal-account",
            Context,
            "a personal Microsoft account",
            "個人用 Microsoft アカウント",
        )
    },
    ClueDef {
        en: &[
            "personal device",
            "personal pc",
            "personal laptop",
            "personal phone",
            "personal computer",
            "own device",
            "own laptop",
            "own pc",
            "own phone",
            "byod",
            "home pc",
            "home computer",
            "private phone",
            "private device",
        ],
        ja: &[
            "私物",
            "個人の pc",
            "個人のpc",
            "個人所有",
            "自宅の pc",
            "自宅のpc",
            "自前の",
            "自分の端末",
        ],
        negatable: true,
        ..clue(
            "personal-device",
            Context,
            "a personal (unmanaged) device",
            "私物 (管理外) のデバイス",
        )
    },
    ClueDef {
        en: &[
            "work account",
            "school account",
            "work or school",
            "organization account",
            "organisation account",
            "company account",
            "corporate account",
            "work email",
            "office 365 account",
        ],
        ja: &[
            "職場または学校",
            "会社のアカウント",
            "組織のアカウント",
            "学校のアカウント",
            "会社アカウント",
            "社用アカウント",
            "仕事用",
        ],
        negatable: true,
        ..clue(
            "work-account",
            Context,
            "a work or school account",
            "職場または学校アカウント",
        )
    },
    ClueDef {
        en: &[
            "reimag",
            "reinstall windows",
            "reinstalled windows",
            "fresh install",
            "clean install",
            "reset this pc",
            "reset the pc",
            "factory reset",
            "wiped",
            "autopilot reset",
            "rebuilt",
            "new image",
            "reformat",
            "fresh windows",
        ],
        ja: &[
            "初期化",
            "再セットアップ",
            "クリーンインストール",
            "クリーン インストール",
            "リカバリ",
            "windows を…再インストール",
            "ワイプ",
            "キッティング",
        ],
        negatable: true,
        ..clue(
            "reimaged",
            Context,
            "the device was reset or re-imaged",
            "デバイスの初期化・再イメージ化",
        )
    },
    ClueDef {
        en: &[
            "new laptop",
            "new pc",
            "new computer",
            "new machine",
            "new device",
            "new surface",
            "replacement laptop",
            "replacement pc",
            "motherboard",
            "mainboard",
            "system board",
            "replac laptop",
            "replac pc",
            "hardware replac",
            "new hardware",
            "back from repair",
        ],
        ja: &[
            "新しい pc",
            "新しいpc",
            "pc を…交換",
            "pc交換",
            "マザーボード",
            "修理から",
            "新しいノート",
            "端末を…交換",
            "端末の入れ替え",
            "pc の入れ替え",
            "新しい…端末",
            "新しい…パソコン",
            "pc を…入れ替え",
            "新しいデバイス",
        ],
        negatable: true,
        ..clue(
            "hardware-replaced",
            Context,
            "a new or repaired device",
            "新しい・修理したデバイス",
        )
    },
    ClueDef {
        en: &[
            "works on my phone",
            "work on my phone",
            "works on other",
            "work on other",
            "works on another",
            "other devices work",
            "other devices are fine",
            "other pcs work",
            "other pcs are fine",
            "other computers work",
            "other laptops work",
            "only on this pc",
            "only on this computer",
            "only on this laptop",
            "only on this device",
            "only on this machine",
            "only on one pc",
            "only this pc",
            "only this device",
            "just this pc",
            "just this laptop",
            "phone works",
            "phone is fine",
            "fine on my phone",
            "fine on other",
            "colleague pc works",
            "another pc works",
            "another device works",
            "mobile works",
        ],
        ja: &[
            "他の pc では",
            "他のpcでは",
            "ほかの pc では",
            "ほかのpcでは",
            "別の pc では",
            "別のpcでは",
            "他の端末では",
            "ほかの端末では",
            "別の端末では",
            "スマホでは…でき",
            "スマホでは…使え",
            "スマホでは…問題",
            "スマホは…使え",
            "スマホからは",
            "この pc だけ",
            "このpcだけ",
            "この端末だけ",
            "特定の pc",
            "特定のpc",
            "特定の端末",
            "1 台だけ",
            "1台だけ",
            "一台だけ",
        ],
        neg_en: &[
            "all devices",
            "all my devices",
            "every device",
            "any device",
            "all pcs",
            "every pc",
            "all computers",
            "phone too",
            "phone as well",
            "phone also",
            "also on my phone",
            "also on the phone",
            "multiple devices",
            "every computer",
            "different pc too",
            "other pcs too",
        ],
        neg_ja: &[
            "どの端末でも",
            "どの pc でも",
            "どのpcでも",
            "すべての端末",
            "全ての端末",
            "スマホでも",
            "全端末",
            "どのデバイスでも",
            "他の pc でも",
            "他のpcでも",
            "ほかの pc でも",
            "ほかのpcでも",
            "別の pc でも",
            "別のpcでも",
        ],
        ..clue(
            "other-devices-work",
            Context,
            "other devices work",
            "ほかのデバイスでは使える",
        )
    },
    ClueDef {
        en: &[
            "browser works",
            "browser is fine",
            "browser fine",
            "web works",
            "web is fine",
            "web version works",
            "works in the browser",
            "works in browser",
            "works in a browser",
            "works on the web",
            "work in the browser",
            "fine in the browser",
            "fine in browser",
            "fine on the web",
            "owa works",
            "owa is fine",
            "owa fine",
            "outlook on the web works",
            "web app works",
            "web mail fine",
            "webmail works",
            "webmail fine",
            "webmail is fine",
            "office com works",
            "in edge it works",
            "edge works",
            "signin on the web",
            "signin in the browser",
            "signin fine in the browser",
            "can signin to the portal",
            "portal works",
            "website works",
        ],
        ja: &[
            "ブラウザでは…でき",
            "ブラウザでは…使え",
            "ブラウザでは…問題",
            "ブラウザーでは…でき",
            "ブラウザからは…でき",
            "ブラウザなら",
            "ブラウザでは普通",
            "web 版では…でき",
            "web版では…でき",
            "web 版は…使え",
            "web版は…使え",
            "web 版では…問題",
            "web版では…問題",
            "web では…でき",
            "webでは…でき",
            "ブラウザは…使え",
            "ブラウザは…問題",
        ],
        neg_en: &[
            "browser too",
            "browser also",
            "browser as well",
            "also in the browser",
            "even in the browser",
            "even the browser",
            "same in the browser",
            "web too",
            "web also",
            "web as well",
            "owa too",
            "owa also",
            "also on the web",
            "same on the web",
            "even on the web",
        ],
        neg_ja: &[
            "ブラウザでも",
            "ブラウザーでも",
            "web 版でも",
            "web版でも",
            "web でも",
            "webでも",
        ],
        ..clue(
            "browser-works",
            Context,
            "signing in at the web page works",
            "ブラウザーではサインインできる",
        )
    },
    ClueDef {
        en: &[
            "everyone",
            "everybody",
            "all users",
            "all our users",
            "all of our users",
            "whole company",
            "whole office",
            "whole team",
            "multiple users",
            "several users",
            "many users",
            "some users",
            "entire org",
            "entire company",
            "nobody can",
            "no one can",
            "company-wide",
            "tenant-wide",
            "all employees",
            "all staff",
            "users report",
            "users are",
            "our users",
        ],
        ja: &[
            "全員",
            "全社",
            "全ユーザー",
            "複数のユーザー",
            "複数ユーザー",
            "他の人も",
            "ほかの人も",
            "社員全員",
            "みんな",
            "誰も",
            "多数のユーザー",
            "何人か",
            "一部のユーザー",
            "数名",
            "複数の社員",
            "全社員",
        ],
        neg_en: &[
            "only one user",
            "one user",
            "single user",
            "only me",
            "just me",
            "only for me",
            "only my account",
            "other users are fine",
            "other users fine",
            "colleagues are fine",
            "colleagues fine",
            "nobody else",
            "no one else",
        ],
        neg_ja: &[
            "自分だけ",
            "私だけ",
            "1 人だけ",
            "一人だけ",
            "1人だけ",
            "このユーザーだけ",
            "特定のユーザー",
            "他の人は",
            "ほかの人は",
            "同僚は",
        ],
        ..clue(
            "many-users",
            Context,
            "many users are affected",
            "複数のユーザーに起きている",
        )
    },
    ClueDef {
        en: &[
            "keeps asking",
            "keep asking",
            "keeps prompting",
            "keep prompting",
            "keeps popping",
            "asks again",
            "asking again",
            "again and again",
            "over and over",
            "repeated prompt",
            "repeatedly",
            "prompt loop",
            "signin loop",
            "loop",
            "every time",
            "constantly",
            "endless prompt",
            "every few minutes",
            "every hour",
            "every day",
            "every morning",
            "every restart",
            "keeps coming back",
            "each time",
        ],
        ja: &[
            "何度も",
            "繰り返し",
            "ループ",
            "毎回",
            "何回も",
            "延々",
            "しつこく",
            "都度",
            "毎朝",
            "毎日",
            "たびに",
            "度に",
            "頻繁に",
        ],
        ..clue(
            "prompt-loop",
            Topic,
            "asked again and again",
            "何度も求められる",
        )
    },
    ClueDef {
        en: &[
            "hang",
            "hangs",
            "stuck",
            "spinning",
            "spinner",
            "freez",
            "frozen",
            "blank",
            "white screen",
            "white window",
            "nothing happens",
            "never loads",
            "loading forever",
            "endless loading",
            "not responding",
            "black screen",
            "grey window",
            "gray window",
            "empty window",
            "does nothing",
            "just sits",
            "infinite",
        ],
        ja: &[
            "固ま",
            "フリーズ",
            "進まない",
            "ぐるぐる",
            "くるくる",
            "真っ白",
            "白い画面",
            "読み込み中",
            "応答なし",
            "反応しない",
            "何も起き",
            "真っ黒",
            "終わらない",
            "止まった",
            "止まる",
            "表示されない",
            "空白",
            "何も表示",
        ],
        ..clue(
            "hangs",
            Topic,
            "it hangs or shows a blank window",
            "固まる・画面が真っ白",
        )
    },
    // Topics: what the problem is about.
    ClueDef {
        en: &[
            "mfa",
            "authenticator",
            "verification code",
            "approve",
            "approval request",
            "number matching",
            "number match",
            "sms code",
            "text message",
            "security info",
            "security information",
            "second factor",
            "otp",
            "one-time code",
            "phone call",
            "push notification",
            "verify your identity",
            "fido",
            "security key",
            "passkey",
        ],
        ja: &[
            "承認",
            "確認コード",
            "認証コード",
            "セキュリティ情報",
            "通知が…来",
            "ワンタイム",
            "パスキー",
            "セキュリティ キー",
            "本人確認",
        ],
        ..clue("topic-mfa", Topic, "MFA", "多要素認証 (MFA)")
    },
    ClueDef {
        en: &[
            "license|licence|licensing|licensed|licenses|licences",
            "subscription",
            "activate|activation|activated|activating",
            "unlicensed",
            "product key",
            "reduced functionality",
            "read-only mode",
            "view only",
            "plan",
            "seat",
        ],
        ja: &[
            "ライセンス",
            "サブスクリプション",
            "アクティベーション",
            "プロダクト キー",
            "プロダクトキー",
            "機能制限",
            "閲覧のみ",
            "読み取り専用",
            "製品版",
            "契約",
        ],
        ..clue(
            "topic-license",
            Topic,
            "licences and activation",
            "ライセンス・ライセンス認証",
        )
    },
    ClueDef {
        en: &[
            "compliant",
            "compliance",
            "noncompliant",
            "intune",
            "managed device",
            "device management",
            "enroll",
            "enrol",
            "mdm",
            "conditional access",
            "access policy",
            "approved app",
            "approved client",
            "app protection",
            "device policy",
            "managed by your organization",
            "blocked by policy",
            "policy",
        ],
        ja: &[
            "準拠",
            "コンプライアンス",
            "条件付きアクセス",
            "管理対象",
            "デバイス管理",
            "ポリシー",
            "承認済み",
            "アプリ保護",
            "管理されたデバイス",
        ],
        ..clue(
            "topic-compliance",
            Topic,
            "device compliance and access policies",
            "デバイスのコンプライアンス・アクセス ポリシー",
        )
    },
    ClueDef {
        en: &[
            "tpm",
            "pin",
            "windows hello",
            "hello business",
            "face recognition",
            "facial recognition",
            "fingerprint",
            "biometric",
            "smart card",
            "smartcard",
            "ngc",
            "security processor",
            "trusted platform",
            "bitlocker",
        ],
        ja: &[
            "顔認証",
            "指紋",
            "セキュリティ プロセッサ",
            "セキュリティプロセッサ",
            "スマートカード",
            "スマート カード",
            "生体認証",
        ],
        ..clue(
            "topic-hello",
            Topic,
            "Windows Hello, PIN or TPM",
            "Windows Hello・PIN・TPM",
        )
    },
    ClueDef {
        en: &[
            "msal",
            "adal",
            "sdk",
            "app registration",
            "client id",
            "client secret",
            "clientid",
            "redirect uri",
            "reply url",
            "api permission",
            "scope",
            "consent",
            "service principal",
            "oauth",
            "openid",
            "token endpoint",
            "my app",
            "our app",
            "javascript",
            "python",
            "net core",
            "spa",
            "graph api",
            "manifest",
            "appid",
            "app id",
            "enterprise app",
            "multi-tenant",
            "multitenant",
            "daemon",
            "certificate credential",
            "assertion",
            "jwt",
            "saml app",
        ],
        ja: &[
            "アプリ登録",
            "アプリの登録",
            "リダイレクト",
            "クライアント id",
            "クライアントid",
            "同意",
            "アクセス許可",
            "スコープ",
            "自社アプリ",
            "社内アプリ",
            "開発",
            "エンタープライズ アプリ",
            "エンタープライズアプリ",
            "クライアント シークレット",
        ],
        ..clue(
            "topic-developer",
            Topic,
            "an app registration or an app's own code",
            "アプリの登録・アプリのコード",
        )
    },
    ClueDef {
        en: &[
            "adfs",
            "ad fs",
            "federation|federated",
            "okta",
            "pingfederate",
            "ping identity",
            "saml",
            "ws-trust",
            "wstrust",
            "idp",
            "identity provider",
            "pass-through",
            "pta",
            "seamless sso",
            "on-prem ad",
            "on-premises ad",
            "entra connect",
            "azure ad connect",
            "aad connect",
            "shibboleth",
        ],
        ja: &[
            "フェデレーション",
            "パススルー",
            "シングル サインオン",
            "シングルサインオン",
        ],
        ..clue(
            "topic-federation",
            Topic,
            "federation (AD FS, another identity provider)",
            "フェデレーション (AD FS・他社 IdP)",
        )
    },
    ClueDef {
        en: &[
            "profile",
            "ost",
            "pst",
            "mail profile",
            "autodiscover",
            "exchange",
            "mailbox",
            "data file",
            "imap",
            "pop3",
            "smtp",
            "send receive",
            "folders",
            "offline address book",
            "cached mode",
        ],
        ja: &[
            "プロファイル",
            "データ ファイル",
            "データファイル",
            "メールボックス",
            "送受信",
            "フォルダー",
            "フォルダ",
            "キャッシュ モード",
        ],
        ..clue(
            "topic-mail-profile",
            Topic,
            "the mail profile and data files",
            "メール プロファイルとデータ ファイル",
        )
    },
    ClueDef {
        en: &[
            "outage",
            "service health",
            "down for everyone",
            "degraded",
            "incident",
            "microsoft side",
            "status page",
            "temporarily unavailable",
            "try again later",
            "maintenance",
            "503",
            "server error",
            "service unavailable",
        ],
        ja: &[
            "障害",
            "サービス正常性",
            "メンテナンス",
            "一時的",
            "しばらくして",
            "時間をおいて",
            "時間を置いて",
            "サーバー側",
            "サービス側",
        ],
        ..clue(
            "topic-service",
            Topic,
            "a service problem or outage",
            "サービスの障害",
        )
    },
    ClueDef {
        en: &[
            "locked",
            "lockout",
            "locked out",
            "disabled",
            "blocked",
            "suspended",
            "deleted",
            "wrong password",
            "incorrect password",
            "forgot password",
            "forgotten password",
            "password incorrect",
            "password is wrong",
            "password wrong",
            "account expired",
            "unusual activity",
            "suspicious",
            "risky",
            "compromised",
        ],
        ja: &[
            "ロック",
            "無効",
            "ブロック",
            "停止",
            "削除",
            "パスワードが…違",
            "パスワードが…間違",
            "パスワードを…忘れ",
            "パスワードを…間違",
            "不審",
            "不正",
            "リスク",
            "乗っ取",
        ],
        ..clue(
            "topic-account",
            Topic,
            "the account itself (locked, disabled, wrong password)",
            "アカウント自体 (ロック・無効・パスワード誤り)",
        )
    },
    ClueDef {
        en: &[
            "credential manager",
            "keychain",
            "cached credential",
            "saved password",
            "stored credential",
            "saved credential",
            "wrong account",
            "old account",
            "another account",
            "different account",
            "previous account",
            "identitycache",
            "identity cache",
            "token cache",
            "cached account",
            "remembered account",
            "two accounts",
            "multiple accounts",
            "second account",
        ],
        ja: &[
            "資格情報",
            "キーチェーン",
            "保存されたパスワード",
            "別のアカウント",
            "古いアカウント",
            "前のアカウント",
            "キャッシュ",
            "2 つのアカウント",
            "複数のアカウント",
            "以前のアカウント",
            "違うアカウント",
        ],
        ..clue(
            "topic-cache",
            Topic,
            "saved credentials or a cached account",
            "保存された資格情報・キャッシュされたアカウント",
        )
    },
    ClueDef {
        en: &[
            "internet",
            "no connection",
            "offline",
            "dns",
            "firewall",
            "timeout",
            "timed out",
            "cannot connect",
            "can t connect",
            "couldn t connect",
            "unable to connect",
            "connection",
            "network",
            "unreachable",
            "resolve",
            "port 443",
            "wifi",
            "ethernet",
            "no network",
            "disconnected",
        ],
        ja: &[
            "ネットワーク",
            "インターネット",
            "接続できません",
            "接続できない",
            "つながらない",
            "繋がらない",
            "ファイアウォール",
            "タイムアウト",
            "オフライン",
            "名前解決",
            "回線",
            "通信",
        ],
        ..clue(
            "topic-network",
            Topic,
            "the network connection",
            "ネットワーク接続",
        )
    },
    ClueDef {
        en: &[
            "wam",
            "broker",
            "aad broker",
            "token broker",
            "web account manager",
            "prt",
            "aadbrokerplugin",
            "microsoft aad brokerplugin",
            "access work or school",
            "work or school account",
            "something went wrong",
            "need your password",
        ],
        ja: &[
            "ブローカー",
            "職場または学校…アカウント",
            "問題が発生しました",
            "アクセス…職場または学校",
        ],
        ..clue(
            "topic-broker",
            Topic,
            "the token broker (WAM) or the accounts Windows keeps",
            "トークン ブローカー (WAM)・Windows のアカウント",
        )
    },
    ClueDef {
        en: &[
            "dsregcmd",
            "hybrid join",
            "hybrid joined",
            "azure ad join",
            "aad join",
            "entra join",
            "entra joined",
            "azure ad joined",
            "device registration",
            "registered device",
            "device id",
            "workplace join",
            "autopilot",
            "domain joined",
            "device object",
            "device is disabled",
            "join the device",
        ],
        ja: &[
            "ハイブリッド参加",
            "ハイブリッド join",
            "デバイス登録",
            "デバイスの登録",
            "ドメイン参加",
            "entra 参加",
            "entra参加",
            "azure ad 参加",
            "デバイス id",
            "デバイス オブジェクト",
        ],
        ..clue(
            "topic-registration",
            Topic,
            "device registration and join",
            "デバイスの登録と参加",
        )
    },
    // Is the text about signing in at all?
    ClueDef {
        en: &[
            "signin",
            "signout",
            "password",
            "account",
            "authentication|authenticate|authenticating",
            "credential",
            "token",
            "license|licence|licensing|licensed",
            "activate|activation|activated",
            "access denied",
            "unauthorized|unauthorised",
            "verify",
            "prompt",
            "aadsts",
            "sso",
            "entra",
            "azure ad",
            "tenant",
            "pin",
            "consent",
            "compliant",
            "locked",
            "mfa",
            "authenticator",
            "permission",
            "auth",
            "identity",
            "user name",
            "username",
            "unlicensed",
        ],
        ja: &[
            "サインイン",
            "パスワード",
            "アカウント",
            "認証",
            "資格情報",
            "トークン",
            "ライセンス",
            "ロック",
            "アクセス",
            "承認",
            "サインアウト",
            "ユーザー名",
            "準拠",
            "許可",
        ],
        ..clue("about-sign-in", Topic, "signing in", "サインイン")
    },
];

pub fn def(id: &str) -> Option<&'static ClueDef> {
    CLUES.iter().find(|c| c.id == id)
}

pub fn position(id: &str) -> Option<usize> {
    CLUES.iter().position(|c| c.id == id)
}

/// One clue found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub id: &'static str,
    pub kind: Kind,
    /// +1 for the clue, −1 for its opposite (signed clues only).
    pub value: f32,
    /// How many times it was found (for `about-sign-in`: the density).
    pub count: usize,
    /// The words that matched, as they appear in the normal form.
    pub matched: Vec<String>,
}

/// An English pattern: per position, the accepted terms.
type Phrase = Vec<Vec<String>>;

struct Compiled {
    /// (clue index, sign, phrase)
    en: Vec<(usize, f32, Phrase)>,
    /// By the first term of each English phrase, the phrases' indexes.
    en_by_first: HashMap<String, Vec<usize>>,
    /// (clue index, sign, segments split at `…`)
    ja: Vec<(usize, f32, Vec<String>)>,
    /// Over the first segment of every Japanese pattern.
    ja_first: Option<AhoCorasick>,
}

fn compiled() -> &'static Compiled {
    static C: OnceLock<Compiled> = OnceLock::new();
    C.get_or_init(|| {
        let stemmer = text::english();
        let mut en = Vec::new();
        let mut ja = Vec::new();
        for (i, c) in CLUES.iter().enumerate() {
            for (sign, list) in [(1.0, c.en), (-1.0, c.neg_en)] {
                for p in list {
                    en.push((i, sign, phrase(p, &stemmer)));
                }
            }
            for (sign, list) in [(1.0, c.ja), (-1.0, c.neg_ja)] {
                for p in list {
                    let segments = p.split('…').map(text::canonical).collect();
                    ja.push((i, sign, segments));
                }
            }
        }
        let mut en_by_first: HashMap<String, Vec<usize>> = HashMap::new();
        for (n, (_, _, p)) in en.iter().enumerate() {
            for first in p.first().into_iter().flatten() {
                en_by_first.entry(first.clone()).or_default().push(n);
            }
        }
        let ja_first = AhoCorasick::builder()
            .build(
                ja.iter()
                    .map(|(_, _, s): &(usize, f32, Vec<String>)| s[0].as_str()),
            )
            .ok();
        Compiled {
            en,
            en_by_first,
            ja,
            ja_first,
        }
    })
}

/// The terms of a pattern, word by word, `|` giving alternatives.
fn phrase(pattern: &str, stemmer: &rust_stemmers::Stemmer) -> Phrase {
    let canonical = text::canonical(pattern);
    let mut out: Phrase = Vec::new();
    for word in canonical.split(|c: char| !c.is_ascii_alphanumeric() && c != '|') {
        if word.is_empty() {
            continue;
        }
        let alts: Vec<String> = word
            .split('|')
            .filter(|w| !w.is_empty())
            .map(|w| text::stem_word(stemmer, w))
            .collect();
        out.push(alts);
    }
    out
}

const NEGATIONS: &[&str] = &[
    "not", "no", "never", "without", "didn", "haven", "hasn", "wasn", "weren", "isn", "don",
    "doesn", "nor", "aren",
];

/// At most this many other words between two words of a phrase.
const GAP: usize = 2;
/// At most this many characters between two segments of a Japanese pattern.
const JA_GAP: usize = 12;

/// The clues of a text (given as its canonical form and its tokens).
pub fn detect(canonical: &str, tokens: &[Token]) -> Vec<Found> {
    let c = compiled();
    let mut hits: Vec<(usize, f32, String)> = Vec::new();
    // English: the Latin words only, in order.
    let words: Vec<&Token> = tokens
        .iter()
        .filter(|t| t.script == Script::Latin)
        .collect();
    for (start, w) in words.iter().enumerate() {
        let Some(list) = c.en_by_first.get(&w.term) else {
            continue;
        };
        for &n in list {
            let (clue, sign, phrase) = &c.en[n];
            let Some(end) = match_phrase(&words, start, phrase) else {
                continue;
            };
            if CLUES[*clue].negatable
                && (negated(&words, start) || negated_ja(canonical, words[end].end))
            {
                continue;
            }
            let surface: Vec<&str> = words[start..=end]
                .iter()
                .map(|t| t.surface.as_str())
                .collect();
            // Words right next to each other say it more surely than words
            // with others between them ("browser works" beside "browser …
            // too").
            let tight = if end - start + 1 == phrase.len() {
                1.0
            } else {
                0.6
            };
            hits.push((*clue, *sign * tight, surface.join(" ")));
        }
    }
    // Japanese: the normal form.
    if let Some(ac) = &c.ja_first {
        for m in ac.find_overlapping_iter(canonical) {
            let (clue, sign, segments) = &c.ja[m.pattern().as_usize()];
            // A katakana word inside a longer one is another word
            // (ワード in パスワード).
            let before = canonical[..m.start()].chars().next_back();
            let first = segments[0].chars().next();
            if first.is_some_and(text::is_katakana) && before.is_some_and(text::is_katakana) {
                continue;
            }
            let mut at = m.end();
            let mut ok = true;
            for seg in &segments[1..] {
                let window_end = advance(canonical, at, JA_GAP + seg.chars().count());
                match canonical[at..window_end].find(seg.as_str()) {
                    Some(n) => at += n + seg.len(),
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
                continue;
            }
            if CLUES[*clue].negatable && negated_ja(canonical, at) {
                continue;
            }
            hits.push((*clue, *sign, canonical[m.start()..at].to_string()));
        }
    }
    // Fold the hits into one value per clue.
    let mut per: Vec<(f32, f32, Vec<String>)> = vec![(0.0, 0.0, Vec::new()); CLUES.len()];
    for (clue, sign, surface) in hits {
        let p = &mut per[clue];
        if sign > 0.0 {
            p.0 += sign;
        } else {
            p.1 -= sign;
        }
        if !p.2.contains(&surface) && p.2.len() < 5 {
            p.2.push(surface);
        }
    }
    let mut found: Vec<Found> = Vec::new();
    for (i, (pos, neg, matched)) in per.into_iter().enumerate() {
        if pos == 0.0 && neg == 0.0 {
            continue;
        }
        let value = if pos > neg {
            1.0
        } else if neg > pos {
            -1.0
        } else {
            0.0
        };
        if value == 0.0 {
            continue;
        }
        found.push(Found {
            id: CLUES[i].id,
            kind: CLUES[i].kind,
            value,
            count: (pos + neg).round().max(1.0) as usize,
            matched,
        });
    }
    // `unless` and `implies`.
    let present: Vec<&str> = found.iter().map(|f| f.id).collect();
    found.retain(|f| def(f.id).is_none_or(|d| !d.unless.iter().any(|u| present.contains(u))));
    let mut implied: Vec<Found> = Vec::new();
    for f in &found {
        for &imp in def(f.id).map(|d| d.implies).unwrap_or(&[]) {
            if !found.iter().any(|g| g.id == imp) && !implied.iter().any(|g| g.id == imp) {
                if let Some(d) = def(imp) {
                    implied.push(Found {
                        id: d.id,
                        kind: d.kind,
                        value: 1.0,
                        count: 1,
                        matched: f.matched.clone(),
                    });
                }
            }
        }
    }
    found.extend(implied);
    found.sort_by_key(|f| position(f.id));
    found
}

fn match_phrase(words: &[&Token], start: usize, phrase: &Phrase) -> Option<usize> {
    if !phrase[0].contains(&words[start].term) {
        return None;
    }
    let mut at = start;
    for alts in &phrase[1..] {
        let end = (at + 2 + GAP).min(words.len());
        let next = (at + 1..end).find(|&j| alts.contains(&words[j].term));
        at = next?;
    }
    Some(at)
}

fn negated(words: &[&Token], start: usize) -> bool {
    words[start.saturating_sub(3)..start]
        .iter()
        .any(|w| NEGATIONS.contains(&w.surface.as_str()))
}

/// Whether the Japanese right after a match denies it (VPN は使っていません,
/// パスワードは変更していない). The look stops where a new clause starts: a
/// clause ending (から, ので, 、) or a verb that is not one of using,
/// connecting, setting or changing (更新してから起動しない is an update
/// followed by a failure, not a denied update).
fn negated_ja(canonical: &str, end: usize) -> bool {
    const VERBS: &str = "使用利接続入設定変更無効";
    let mut window = String::new();
    for c in canonical[end..].chars().take(10) {
        if matches!(c, '、' | '。' | ',' | '.') || (text::is_kanji(c) && !VERBS.contains(c)) {
            break;
        }
        window.push(c);
        for stop in ["から", "ので", "けど", "が、"] {
            if window.ends_with(stop) {
                return false;
            }
        }
    }
    ["ない", "ません", "なし", "無し", "ではな", "おらず"]
        .iter()
        .any(|n| window.contains(n))
}

/// The byte offset `chars` characters after `from` (or the end).
fn advance(s: &str, from: usize, chars: usize) -> usize {
    s[from..]
        .char_indices()
        .nth(chars)
        .map(|(n, _)| from + n)
        .unwrap_or(s.len())
}
