//! Bilingual text: every user-facing string exists in English and Japanese.

use serde::{Deserialize, Serialize};

/// The languages m365doctor speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    /// Parses `en`, `ja`, and locale strings such as `ja_JP.UTF-8` or `en-US`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag
            .trim()
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "ja" | "jp" | "japanese" => Some(Lang::Ja),
            "en" | "c" | "posix" | "english" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }
}

/// A static text in both languages, for tables compiled into the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text {
    pub en: &'static str,
    pub ja: &'static str,
}

impl Text {
    pub const fn new(en: &'static str, ja: &'static str) -> Text {
        Text { en, ja }
    }

    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ja => self.ja,
        }
    }
}

/// A text built at run time (it contains values), in both languages.
/// Serialized as `{"en": …, "ja": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Message {
    pub en: String,
    pub ja: String,
}

impl Message {
    pub fn new(en: impl Into<String>, ja: impl Into<String>) -> Message {
        Message {
            en: en.into(),
            ja: ja.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }
}

impl From<Text> for Message {
    fn from(t: Text) -> Message {
        Message::new(t.en, t.ja)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_tags() {
        assert_eq!(Lang::from_tag("ja_JP.UTF-8"), Some(Lang::Ja));
        assert_eq!(Lang::from_tag("ja"), Some(Lang::Ja));
        assert_eq!(Lang::from_tag("en-US"), Some(Lang::En));
        assert_eq!(Lang::from_tag("C.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de_DE"), None);
        assert_eq!(Lang::from_tag(""), None);
    }

    #[test]
    fn a_message_is_stored_as_its_two_texts() {
        let m = Message::new("Moved", "移動しました");
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"en":"Moved","ja":"移動しました"}"#);
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), m);
        assert_eq!(Message::from(Text::new("a", "あ")).get(Lang::Ja), "あ");
    }
}
