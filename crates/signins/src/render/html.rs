//! HTML.

pub fn page(_r: &crate::Report, _ja: bool) -> String {
    String::new()
}
