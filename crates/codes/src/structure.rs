//! Structural decoding: the bit fields of HRESULT, NTSTATUS and the ADAL/WAM
//! `0xCAA…` family, and the number ranges of AADSTS codes. Works for every
//! value, known or not, so even an undocumented code names its layer.

use crate::layer::Layer;
use crate::text::Text;

/// HRESULT fields per MS-ERREF 2.1: S R C N X, 11-bit facility, 16-bit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HResultFields {
    pub severity: u8,
    pub reserved: u8,
    pub customer: u8,
    pub nt_mapped: u8,
    pub x: u8,
    pub facility: u16,
    pub code: u16,
}

impl HResultFields {
    pub fn of(value: u32) -> HResultFields {
        HResultFields {
            severity: (value >> 31) as u8 & 1,
            reserved: (value >> 30) as u8 & 1,
            customer: (value >> 29) as u8 & 1,
            nt_mapped: (value >> 28) as u8 & 1,
            x: (value >> 27) as u8 & 1,
            facility: ((value >> 16) & 0x7FF) as u16,
            code: (value & 0xFFFF) as u16,
        }
    }

    pub fn value(&self) -> u32 {
        (u32::from(self.severity) << 31)
            | (u32::from(self.reserved) << 30)
            | (u32::from(self.customer) << 29)
            | (u32::from(self.nt_mapped) << 28)
            | (u32::from(self.x) << 27)
            | (u32::from(self.facility) << 16)
            | u32::from(self.code)
    }

    /// A failure HRESULT: S set, and R clear unless N says an NTSTATUS is
    /// mapped in (then R belongs to the NTSTATUS severity).
    pub fn is_failure(&self) -> bool {
        self.severity == 1 && (self.reserved == 0 || self.nt_mapped == 1)
    }
}

/// NTSTATUS fields per MS-ERREF 2.3: 2-bit severity, C, N, 12-bit facility,
/// 16-bit code. The ADAL/WAM `0xCAA…` codes use the same layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NtStatusFields {
    pub severity: u8,
    pub customer: u8,
    pub reserved: u8,
    pub facility: u16,
    pub code: u16,
}

impl NtStatusFields {
    pub fn of(value: u32) -> NtStatusFields {
        NtStatusFields {
            severity: (value >> 30) as u8,
            customer: (value >> 29) as u8 & 1,
            reserved: (value >> 28) as u8 & 1,
            facility: ((value >> 16) & 0xFFF) as u16,
            code: (value & 0xFFFF) as u16,
        }
    }

    pub fn value(&self) -> u32 {
        (u32::from(self.severity) << 30)
            | (u32::from(self.customer) << 29)
            | (u32::from(self.reserved) << 28)
            | (u32::from(self.facility) << 16)
            | u32::from(self.code)
    }

    pub fn severity_name(&self) -> Text {
        match self.severity {
            0 => Text::new("success", "成功"),
            1 => Text::new("informational", "情報"),
            2 => Text::new("warning", "警告"),
            _ => Text::new("error", "エラー"),
        }
    }
}

/// What the low 16 bits of a CAA code carry in some facilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaaLowWord {
    /// An opaque code number within the facility.
    Code,
    /// An HTTP status returned by the server (facility 0xAA3).
    HttpStatus,
    /// A WinINet/WinHTTP error (facility 0xAA8), e.g. 0x2EE2 = 12002.
    InternetError,
}

/// One facility of the ADAL/WAM authentication library.
#[derive(Debug, Clone, Copy)]
pub struct CaaFacility {
    pub facility: u16,
    pub title: Text,
    pub layer: Layer,
    pub low_word: CaaLowWord,
}

// Facility meanings from the public WinRT WebProviderError documentation and
// MSAL maintainers' statements (AA3, AA7 and AA8 mean the network environment);
// see shared research anchors.md §2.
pub static CAA_FACILITIES: &[CaaFacility] = &[
    CaaFacility {
        facility: 0xAA1,
        title: Text::new(
            "developer error: the app called the authentication library incorrectly or needs user input",
            "開発者エラー: アプリの認証ライブラリの呼び出し方に問題があるか、ユーザーの操作が必要です",
        ),
        layer: Layer::WamBroker,
        low_word: CaaLowWord::Code,
    },
    CaaFacility {
        facility: 0xAA2,
        title: Text::new(
            "protocol error: Microsoft Entra ID answered with an OAuth error",
            "プロトコル エラー: Microsoft Entra ID が OAuth エラーを返しました",
        ),
        layer: Layer::Other,
        low_word: CaaLowWord::Code,
    },
    CaaFacility {
        facility: 0xAA3,
        title: Text::new(
            "HTTP error: the server answered with the HTTP status in the low word",
            "HTTP エラー: 下位ワードの HTTP ステータスをサーバーが返しました",
        ),
        layer: Layer::Network,
        low_word: CaaLowWord::HttpStatus,
    },
    CaaFacility {
        facility: 0xAA4,
        title: Text::new(
            "serialization error: stored authentication data could not be read or written",
            "シリアル化エラー: 保存された認証データを読み書きできませんでした",
        ),
        layer: Layer::WamBroker,
        low_word: CaaLowWord::Code,
    },
    CaaFacility {
        facility: 0xAA5,
        title: Text::new(
            "system error: the token broker or the operating system failed",
            "システム エラー: トークン ブローカーまたは OS 側で失敗しました",
        ),
        layer: Layer::WamBroker,
        low_word: CaaLowWord::Code,
    },
    CaaFacility {
        facility: 0xAA6,
        title: Text::new(
            "JSON error: a server response could not be parsed",
            "JSON エラー: サーバーの応答を解析できませんでした",
        ),
        layer: Layer::WamBroker,
        low_word: CaaLowWord::Code,
    },
    CaaFacility {
        facility: 0xAA7,
        title: Text::new(
            "URLMON/INET error: the request could not be sent or the response could not be received",
            "URLMON/INET エラー: 要求の送信または応答の受信に失敗しました",
        ),
        layer: Layer::Network,
        low_word: CaaLowWord::Code,
    },
    CaaFacility {
        facility: 0xAA8,
        title: Text::new(
            "Internet API error: the WinINet/WinHTTP error is in the low word",
            "インターネット API エラー: 下位ワードが WinINet/WinHTTP のエラーです",
        ),
        layer: Layer::Network,
        low_word: CaaLowWord::InternetError,
    },
    CaaFacility {
        facility: 0xAA9,
        title: Text::new(
            "server error: WS-Trust, realm discovery or the federation server failed",
            "サーバー エラー: WS-Trust、レルム探索、またはフェデレーション サーバーで失敗しました",
        ),
        layer: Layer::Federation,
        low_word: CaaLowWord::Code,
    },
    CaaFacility {
        facility: 0xAAA,
        title: Text::new(
            "unexpected error inside the authentication library",
            "認証ライブラリ内部の予期しないエラー",
        ),
        layer: Layer::WamBroker,
        low_word: CaaLowWord::Code,
    },
    CaaFacility {
        facility: 0xAAB,
        title: Text::new(
            "token broker error: the Web Account Manager plug-in failed",
            "トークン ブローカー エラー: Web アカウント マネージャーのプラグインで失敗しました",
        ),
        layer: Layer::WamBroker,
        low_word: CaaLowWord::Code,
    },
];

/// Whether a 32-bit value is an ADAL/WAM code: NTSTATUS-style layout with the
/// C and N bits clear and a facility in 0xAA0–0xAAF.
pub fn is_caa(value: u32) -> bool {
    let fields = NtStatusFields::of(value);
    fields.customer == 0 && fields.reserved == 0 && (0xAA0..=0xAAF).contains(&fields.facility)
}

pub fn caa_facility(facility: u16) -> Option<&'static CaaFacility> {
    CAA_FACILITIES.iter().find(|f| f.facility == facility)
}

/// WinINet and WinHTTP errors occupy 12001–12192 in the Win32 error space.
pub fn is_internet_error(code: u32) -> bool {
    (12001..=12192).contains(&code)
}

/// Internet errors that mean a certificate or TLS problem rather than reachability.
pub fn internet_error_layer(code: u32) -> Layer {
    match code {
        // Certificate, TLS channel, client certificate and proxy-authentication errors.
        12037 | 12038 | 12044 | 12045 | 12055 | 12056 | 12057 | 12157 | 12169 | 12170 | 12175
        | 12178 | 12179 | 12180 | 12185 | 12186 | 12187 | 12188 => Layer::ProxyTls,
        _ => Layer::Network,
    }
}

/// A number range of AADSTS codes, as a fallback for codes no table knows.
#[derive(Debug, Clone, Copy)]
pub struct AadstsRange {
    pub pattern: &'static str,
    pub title: Text,
    pub layer: Option<Layer>,
}

/// The range an AADSTS number falls in. The Entra reference groups codes by
/// their leading digits; five-digit codes by the first one or two digits,
/// six- and seven-digit codes by their first two.
pub fn aadsts_range(code: u32) -> AadstsRange {
    let digits = code.to_string();
    let lead2 = &digits[..digits.len().min(2)];
    let wide = digits.len() >= 6;
    let (pattern, en, ja, layer) = match (wide, lead2) {
        _ if digits.len() < 5 => (
            "other",
            "a range the reference does not describe",
            "リファレンスに記載のない範囲",
            None,
        ),
        (true, "13") => (
            "13xxxx",
            "device and Windows Hello (NGC) sign-in",
            "デバイスと Windows Hello (NGC) のサインイン",
            Some(Layer::DeviceRegistration),
        ),
        (true, "50") => (
            "50xxxx",
            "sign-in, resource and MFA checks",
            "サインイン、リソース、MFA の確認",
            None,
        ),
        (true, "70") => (
            "70xxxx",
            "application and OAuth protocol",
            "アプリケーションと OAuth プロトコル",
            Some(Layer::AppRegistration),
        ),
        (true, "90") => (
            "90xxxx",
            "malformed request or tenant configuration",
            "要求の形式またはテナント構成",
            Some(Layer::AppRegistration),
        ),
        (true, "16") => (
            "16xxxx",
            "session and account selection",
            "セッションとアカウントの選択",
            Some(Layer::AccountState),
        ),
        (true, "12") => (
            "12xxxx",
            "password and credential policy",
            "パスワードと資格情報のポリシー",
            Some(Layer::AccountState),
        ),
        (true, _) => (
            "other",
            "a range the reference does not describe",
            "リファレンスに記載のない範囲",
            None,
        ),
        (false, "65") => (
            "65xxx",
            "consent to an application",
            "アプリケーションへの同意",
            Some(Layer::AppRegistration),
        ),
        (false, "75") => (
            "75xxx",
            "SAML requests",
            "SAML 要求",
            Some(Layer::Federation),
        ),
        (false, l) => match &l[..1] {
            "1" => (
                "1xxxx",
                "interaction and account selection",
                "操作とアカウントの選択",
                Some(Layer::AccountState),
            ),
            "2" => (
                "2xxxx",
                "WS-Federation and on-premises federation",
                "WS-Federation とオンプレミスのフェデレーション",
                Some(Layer::Federation),
            ),
            "3" | "4" => (
                "3xxxx–4xxxx",
                "external identity provider",
                "外部 ID プロバイダー",
                Some(Layer::Federation),
            ),
            "5" => (
                "5xxxx",
                "sign-in: credentials, account state, MFA and Conditional Access",
                "サインイン: 資格情報、アカウントの状態、MFA、条件付きアクセス",
                None,
            ),
            "6" => (
                "6xxxx",
                "consent and authorization",
                "同意と承認",
                Some(Layer::AppRegistration),
            ),
            "7" => (
                "7xxxx",
                "application and OAuth protocol",
                "アプリケーションと OAuth プロトコル",
                Some(Layer::AppRegistration),
            ),
            "8" => (
                "8xxxx",
                "pass-through authentication and Seamless SSO",
                "パススルー認証とシームレス SSO",
                Some(Layer::Federation),
            ),
            "9" => (
                "9xxxx",
                "malformed request or tenant configuration",
                "要求の形式またはテナント構成",
                Some(Layer::AppRegistration),
            ),
            _ => (
                "other",
                "a range the reference does not describe",
                "リファレンスに記載のない範囲",
                None,
            ),
        },
    };
    AadstsRange {
        pattern,
        title: Text::new(en, ja),
        layer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hresult_fields_of_known_values() {
        let f = HResultFields::of(0x8004011D);
        assert_eq!(
            (f.severity, f.reserved, f.customer, f.nt_mapped, f.x),
            (1, 0, 0, 0, 0)
        );
        assert_eq!((f.facility, f.code), (4, 0x011D));
        let f = HResultFields::of(0xD000006D);
        assert_eq!((f.severity, f.reserved, f.nt_mapped), (1, 1, 1));
        assert!(HResultFields::of(0x80072EE7).is_failure());
        assert!(!HResultFields::of(0xC0000234).is_failure());
    }

    #[test]
    fn caa_layout() {
        let f = NtStatusFields::of(0xCAA20003);
        assert_eq!(
            (f.severity, f.customer, f.reserved, f.facility, f.code),
            (3, 0, 0, 0xAA2, 3)
        );
        assert!(is_caa(0xCAA82EE2));
        assert!(is_caa(0x4AA50081));
        assert!(!is_caa(0xC000006D));
        assert!(!is_caa(0xDAA20003));
        assert_eq!(
            caa_facility(0xAA8).unwrap().low_word,
            CaaLowWord::InternetError
        );
    }

    #[test]
    fn aadsts_ranges() {
        assert_eq!(aadsts_range(50126).pattern, "5xxxx");
        assert_eq!(aadsts_range(65001).pattern, "65xxx");
        assert_eq!(aadsts_range(700016).pattern, "70xxxx");
        assert_eq!(aadsts_range(135011).layer, Some(Layer::DeviceRegistration));
        assert_eq!(aadsts_range(81010).layer, Some(Layer::Federation));
        assert_eq!(aadsts_range(7).pattern, "other");
    }
}
