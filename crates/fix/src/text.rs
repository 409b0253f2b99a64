//! Bilingual texts of plans, journals and reports: the one bilingual text
//! type of m365doctor (`m365doctor_text::Message`, stored as `{"en", "ja"}`).

pub use m365doctor_text::Message as Text;

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
