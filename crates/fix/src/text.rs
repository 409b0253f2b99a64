//! Bilingual texts of plans, journals and reports.

use m365doctor_codes::Lang;
use serde::{Deserialize, Serialize};

/// A text in English and Japanese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Text {
    pub en: String,
    pub ja: String,
}

impl Text {
    pub fn new(en: impl Into<String>, ja: impl Into<String>) -> Text {
        Text {
            en: en.into(),
            ja: ja.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            _ => &self.en,
        }
    }
}

/// `Text` from a format string pair: `t!("Moved {p}", "{p} を移動")`.
#[macro_export]
macro_rules! t {
    ($en:literal, $ja:literal) => {
        $crate::text::Text::new(format!($en), format!($ja))
    };
    ($en:literal, $ja:literal, $($arg:expr),+) => {
        $crate::text::Text::new(format!($en, $($arg),+), format!($ja, $($arg),+))
    };
}
