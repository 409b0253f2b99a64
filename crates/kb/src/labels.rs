//! The words for a step's `who` and `risk` values, in the output language:
//! every report and plan prints them through here.

use m365doctor_codes::Lang;

/// `user` / `admin` in `lang`.
pub fn who_label(who: &str, lang: Lang) -> &'static str {
    match (who, lang) {
        ("admin", Lang::En) => "admin",
        ("admin", Lang::Ja) => "管理者",
        (_, Lang::En) => "user",
        (_, Lang::Ja) => "ユーザー",
    }
}

/// A risk level (`none`, `low`, `medium`, `high`) in `lang`; an unknown
/// level is shown as it is.
pub fn risk_label(risk: &str, lang: Lang) -> &str {
    match (risk, lang) {
        ("none", Lang::Ja) => "なし",
        ("low", Lang::Ja) => "低",
        ("medium", Lang::Ja) => "中",
        ("high", Lang::Ja) => "高",
        (r, _) => r,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RISKS, WHO};

    #[test]
    fn every_who_and_risk_has_its_words_in_both_languages() {
        for who in WHO {
            assert_eq!(who_label(who, Lang::En), *who);
            assert!(!who_label(who, Lang::Ja).is_ascii(), "{who}");
        }
        for risk in RISKS {
            assert_eq!(risk_label(risk, Lang::En), *risk);
            assert!(!risk_label(risk, Lang::Ja).is_ascii(), "{risk}");
        }
    }
}
