//! The default output language: the OS locale.

use m365doctor_codes::Lang;

/// LC_ALL, LC_MESSAGES, LANG on Unix (first one set wins, as POSIX says); the
/// user's UI language on Windows. English when nothing says otherwise.
pub fn detect() -> Lang {
    from_env(|k| std::env::var(k).ok())
        .or_else(windows_ui)
        .unwrap_or_default()
}

pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Option<Lang> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| get(k))
        .find(|v| !v.is_empty())
        .and_then(|v| Lang::from_tag(&v))
}

#[cfg(windows)]
fn windows_ui() -> Option<Lang> {
    #[link(name = "kernel32")]
    extern "system" {
        fn GetUserDefaultUILanguage() -> u16;
    }
    // SAFETY: takes no arguments and only reads the user's settings.
    let langid = unsafe { GetUserDefaultUILanguage() };
    // The primary language id is the low 10 bits; 0x11 is Japanese.
    Some(if langid & 0x3FF == 0x11 {
        Lang::Ja
    } else {
        Lang::En
    })
}

#[cfg(not(windows))]
fn windows_ui() -> Option<Lang> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn posix_precedence() {
        assert_eq!(from_env(env(&[("LANG", "ja_JP.UTF-8")])), Some(Lang::Ja));
        assert_eq!(
            from_env(env(&[("LANG", "ja_JP.UTF-8"), ("LC_ALL", "en_US.UTF-8")])),
            Some(Lang::En)
        );
        assert_eq!(
            from_env(env(&[("LC_ALL", ""), ("LC_MESSAGES", "ja_JP")])),
            Some(Lang::Ja)
        );
        assert_eq!(from_env(env(&[])), None);
    }
}
