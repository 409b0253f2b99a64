//! The fixed vocabulary of layers in the sign-in chain. Ids are part of the
//! JSON contract: extend only by adding.

use crate::text::Text;
use serde::{Serialize, Serializer};

macro_rules! layers {
    ($($variant:ident = $id:literal, $en:literal, $ja:literal;)*) => {
        /// Which layer of the sign-in chain refused the sign-in.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Layer { $($variant,)* }

        impl Layer {
            pub const ALL: &'static [Layer] = &[$(Layer::$variant,)*];

            /// The stable id used in JSON and data files.
            pub fn id(self) -> &'static str {
                match self { $(Layer::$variant => $id,)* }
            }

            pub fn label(self) -> Text {
                match self { $(Layer::$variant => Text::new($en, $ja),)* }
            }

            pub fn from_id(id: &str) -> Option<Layer> {
                match id { $($id => Some(Layer::$variant),)* _ => None }
            }
        }
    };
}

layers! {
    Network = "network", "Network", "ネットワーク";
    ProxyTls = "proxy-tls", "Proxy and TLS inspection", "プロキシ / TLS 検査";
    Clock = "clock", "Device clock", "デバイスの時刻";
    OutlookProfile = "outlook-profile", "Outlook profile", "Outlook プロファイル";
    OfficeApp = "office-app", "Office app", "Office アプリ";
    WamBroker = "wam-broker", "Web Account Manager (WAM) and token broker", "Web アカウント マネージャー (WAM) とトークン ブローカー";
    CredentialStore = "credential-store", "Credential store", "資格情報の保存領域 (資格情報マネージャー)";
    DeviceRegistration = "device-registration", "Device registration in Microsoft Entra ID", "Microsoft Entra ID へのデバイス登録";
    Tpm = "tpm", "TPM and key storage", "TPM とキー記憶域";
    AccountState = "account-state", "Account state (password, lockout, disabled)", "アカウントの状態 (パスワード、ロックアウト、無効化)";
    Mfa = "mfa", "Multifactor authentication", "多要素認証 (MFA)";
    ConditionalAccess = "conditional-access", "Conditional Access", "条件付きアクセス";
    Licensing = "licensing", "Licensing and activation", "ライセンスとライセンス認証";
    Federation = "federation", "Federation (AD FS, WS-Trust, pass-through authentication)", "フェデレーション (AD FS、WS-Trust、パススルー認証)";
    AppRegistration = "app-registration", "App registration and consent", "アプリの登録と同意";
    Service = "service", "Microsoft service side", "Microsoft サービス側";
    Other = "other", "Other", "その他";
}

impl Serialize for Layer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_kebab_case() {
        for &layer in Layer::ALL {
            assert_eq!(Layer::from_id(layer.id()), Some(layer));
            assert!(layer
                .id()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'));
            assert!(!layer.label().en.is_empty() && !layer.label().ja.is_empty());
        }
        assert_eq!(Layer::ALL.len(), 17);
        assert_eq!(Layer::from_id("credential-manager"), None);
    }
}
