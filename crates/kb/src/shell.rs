//! Checks that a Windows command shown in an entry runs in the shell it is
//! written for. There is no PowerShell on the build machines, so this is a
//! tokenizer-level check for the mistakes that break a pasted command:
//! unbalanced quotes and brackets, syntax of the other shell (`%VAR%` in
//! PowerShell, `$var` or cmdlets in cmd), and `powershell -Command "…$x…"`
//! shown for pasting into PowerShell, where the outer shell expands `$x`
//! before the inner one sees it.

/// One reason a command would not run as written in its shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellProblem {
    pub en: String,
    pub ja: String,
}

fn problem(en: impl Into<String>, ja: impl Into<String>) -> ShellProblem {
    ShellProblem {
        en: en.into(),
        ja: ja.into(),
    }
}

/// Checks `command` against the grammar of `shell` (`cmd`, `powershell` or
/// `either`, see `model::WINDOWS_SHELLS`); an empty list means it parses.
pub fn check_windows_command(shell: &str, command: &str) -> Vec<ShellProblem> {
    let mut out = Vec::new();
    if command.trim().is_empty() {
        out.push(problem("the command is empty", "コマンドが空です"));
        return out;
    }
    if command.contains('\n') || command.contains('\r') {
        out.push(problem(
            "the command spans several lines; give one line that can be pasted",
            "コマンドが複数行にわたっています。貼り付けられる 1 行にしてください",
        ));
    }
    match shell {
        "cmd" => check_cmd(command, &mut out),
        "powershell" => check_powershell(command, &mut out),
        "either" => {
            check_cmd(command, &mut out);
            check_powershell(command, &mut out);
            check_either(command, &mut out);
        }
        other => out.push(problem(
            format!("unknown shell `{other}`"),
            format!("シェル `{other}` は不明です"),
        )),
    }
    out.dedup();
    out
}

/// `Verb-Noun` at a command position: a PowerShell cmdlet.
fn is_cmdlet(word: &str) -> bool {
    let Some((verb, noun)) = word.split_once('-') else {
        return false;
    };
    let capitalised = |w: &str| {
        let mut c = w.chars();
        c.next().is_some_and(|f| f.is_ascii_uppercase())
            && w.len() > 1
            && w.chars().all(|c| c.is_ascii_alphanumeric())
    };
    capitalised(verb) && capitalised(noun)
}

/// The first word of `text` (after leading blanks), as the shell would see it.
fn first_word(text: &str) -> &str {
    let t = text.trim_start();
    let end = t
        .find(|c: char| c.is_whitespace() || c == '(' || c == ';' || c == '|')
        .unwrap_or(t.len());
    &t[..end]
}

/// `%NAME%` outside quotes-agnostic scanning: cmd's variable expansion.
fn has_percent_variable(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let rest = &bytes[i + 1..];
            let name = rest
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            if name > 0 && rest.get(name) == Some(&b'%') {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// A PowerShell variable: `$name`, `$env:NAME`, `${…}`, `$_`, `$true`.
fn has_dollar_variable(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).any(|w| {
        w[0] == '$' && (w[1].is_ascii_alphabetic() || w[1] == '_' || w[1] == '{' || w[1] == '(')
    })
}

/// `powershell … -Command …` / `pwsh … -c …`: the text after the switch.
fn powershell_wrapper(command: &str) -> Option<&str> {
    let exe = first_word(command).to_ascii_lowercase();
    let exe = exe.trim_matches('"');
    let name = exe.rsplit(['\\', '/']).next().unwrap_or(exe);
    if !matches!(name, "powershell" | "powershell.exe" | "pwsh" | "pwsh.exe") {
        return None;
    }
    let lower = command.to_ascii_lowercase();
    for switch in [" -command ", " -c ", " -encodedcommand ", " -file "] {
        if let Some(at) = lower.find(switch) {
            return Some(command[at + switch.len()..].trim());
        }
    }
    Some("")
}

fn check_cmd(command: &str, out: &mut Vec<ShellProblem>) {
    if command.matches('"').count() % 2 == 1 {
        out.push(problem(
            "cmd: the double quotes are not balanced",
            "cmd: 二重引用符 (\") の数が合っていません",
        ));
    }
    if let Some(inner) = powershell_wrapper(command) {
        // cmd passes the quoted script to PowerShell untouched (apart from
        // %VAR%), so the script itself must parse.
        let script = inner
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(inner);
        if script.contains('"') {
            out.push(problem(
                "cmd: the PowerShell script inside -Command \"…\" contains a double quote, which ends the argument early; use single quotes inside",
                "cmd: -Command \"…\" 内の PowerShell スクリプトに二重引用符があり、引数がそこで終わってしまいます。内側では単一引用符を使ってください",
            ));
        }
        check_powershell(script, out);
        return;
    }
    for segment in command.split(['&', '|']) {
        let word = first_word(segment);
        if is_cmdlet(word) {
            out.push(problem(
                format!("cmd: `{word}` is a PowerShell cmdlet; mark the command as powershell"),
                format!("cmd: `{word}` は PowerShell のコマンドレットです。シェルを powershell にしてください"),
            ));
        }
    }
    if has_dollar_variable(command) || command.contains("$env:") {
        out.push(problem(
            "cmd: `$…` is PowerShell syntax; cmd passes it on literally",
            "cmd: `$…` は PowerShell の構文で、cmd ではそのまま渡されます",
        ));
    }
}

/// Tokenizes PowerShell just far enough to find unbalanced strings and
/// brackets: single-quoted strings (`''` escapes), double-quoted strings
/// (backtick and `""` escapes, `$( … )` subexpressions), comments.
fn check_powershell(command: &str, out: &mut Vec<ShellProblem>) {
    let chars: Vec<char> = command.chars().collect();
    let mut stack: Vec<char> = Vec::new();
    if let Err(p) = scan_ps(&chars, &mut 0, &mut stack) {
        out.push(p);
    } else if let Some(open) = stack.last() {
        out.push(problem(
            format!("PowerShell: `{open}` is never closed"),
            format!("PowerShell: `{open}` が閉じられていません"),
        ));
    }
    // Outside single-quoted strings, %NAME% is cmd syntax PowerShell keeps as text.
    if has_percent_variable(&without_single_quoted(command)) {
        out.push(problem(
            "PowerShell: `%NAME%` is cmd syntax; use `$env:NAME`",
            "PowerShell: `%NAME%` は cmd の構文です。`$env:NAME` を使ってください",
        ));
    }
    if command.contains("&&") || command.contains("||") {
        out.push(problem(
            "PowerShell: `&&` and `||` do not exist in Windows PowerShell 5.1; use `;` or separate commands",
            "PowerShell: `&&` と `||` は Windows PowerShell 5.1 にはありません。`;` を使うか、コマンドを分けてください",
        ));
    }
    let trimmed = command.trim_start();
    if trimmed.starts_with('"') || trimmed.starts_with('\'') {
        out.push(problem(
            "PowerShell: a command that starts with a quoted path is only a string; prefix it with the call operator `& `",
            "PowerShell: 引用符で囲んだパスで始まるコマンドは文字列として扱われます。先頭に呼び出し演算子 `& ` を付けてください",
        ));
    }
    let lower = command.to_ascii_lowercase();
    if [">nul", "> nul", ">&nul"].iter().any(|r| lower.contains(r)) {
        out.push(problem(
            "PowerShell: redirecting to `nul` fails in Windows PowerShell; use `$null`",
            "PowerShell: `nul` へのリダイレクトは Windows PowerShell では失敗します。`$null` を使ってください",
        ));
    }
    if let Some(inner) = powershell_wrapper(command) {
        if inner.starts_with('"') && has_dollar_variable(inner) {
            out.push(problem(
                "PowerShell: `powershell -Command \"…$x…\"` pasted into PowerShell expands `$x` in the outer shell first; give the script itself",
                "PowerShell: `powershell -Command \"…$x…\"` を PowerShell に貼り付けると、外側のシェルが先に `$x` を展開します。スクリプトそのものを記載してください",
            ));
        }
    }
    if matches!(
        first_word(command).to_ascii_lowercase().as_str(),
        "mklink" | "assoc" | "ftype" | "ver" | "vol"
    ) {
        out.push(problem(
            format!("PowerShell: `{}` is a cmd built-in", first_word(command)),
            format!(
                "PowerShell: `{}` は cmd の内部コマンドです",
                first_word(command)
            ),
        ));
    }
}

fn without_single_quoted(command: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    let mut in_double = false;
    for c in command.chars() {
        match c {
            '\'' if !in_double => inside = !inside,
            '"' if !inside => {
                in_double = !in_double;
                out.push(c);
            }
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

fn closing(open: char) -> char {
    match open {
        '(' => ')',
        '{' => '}',
        _ => ']',
    }
}

/// Scans from `*i` until the brackets already on `stack` (a subexpression's
/// opening one) are closed, or the end of the text.
fn scan_ps(chars: &[char], i: &mut usize, stack: &mut Vec<char>) -> Result<(), ShellProblem> {
    let base = stack.len();
    while *i < chars.len() {
        let c = chars[*i];
        match c {
            '`' => *i += 1,
            '#' if *i == 0 || chars[*i - 1].is_whitespace() || chars[*i - 1] == ';' => {
                // A comment runs to the end of the line.
                while *i < chars.len() && chars[*i] != '\n' {
                    *i += 1;
                }
            }
            '\'' => {
                *i += 1;
                loop {
                    match chars.get(*i) {
                        None => {
                            return Err(problem(
                                "PowerShell: a single-quoted string is never closed",
                                "PowerShell: 単一引用符の文字列が閉じられていません",
                            ))
                        }
                        Some('\'') if chars.get(*i + 1) == Some(&'\'') => *i += 2,
                        Some('\'') => break,
                        Some(_) => *i += 1,
                    }
                }
            }
            '"' => {
                *i += 1;
                loop {
                    match chars.get(*i) {
                        None => {
                            return Err(problem(
                                "PowerShell: a double-quoted string is never closed",
                                "PowerShell: 二重引用符の文字列が閉じられていません",
                            ))
                        }
                        Some('`') => *i += 2,
                        Some('"') if chars.get(*i + 1) == Some(&'"') => *i += 2,
                        Some('"') => break,
                        Some('$') if chars.get(*i + 1) == Some(&'(') => {
                            *i += 2;
                            let mut inner = vec!['('];
                            scan_ps(chars, i, &mut inner)?;
                            if !inner.is_empty() {
                                return Err(problem(
                                    "PowerShell: a `$(` inside a string is never closed",
                                    "PowerShell: 文字列内の `$(` が閉じられていません",
                                ));
                            }
                        }
                        Some(_) => *i += 1,
                    }
                }
            }
            '(' | '{' | '[' => stack.push(c),
            ')' | '}' | ']' => match stack.pop() {
                Some(open) if closing(open) == c => {
                    // The bracket that opened a subexpression closes it.
                    if stack.len() < base {
                        return Ok(());
                    }
                }
                Some(open) => {
                    return Err(problem(
                        format!("PowerShell: `{open}` is closed by `{c}`"),
                        format!("PowerShell: `{open}` が `{c}` で閉じられています"),
                    ))
                }
                None => {
                    return Err(problem(
                        format!("PowerShell: `{c}` has no opening bracket"),
                        format!("PowerShell: `{c}` に対応する開き括弧がありません"),
                    ))
                }
            },
            _ => {}
        }
        *i += 1;
    }
    Ok(())
}

/// What `either` adds: the characters one of the two shells reads
/// differently (quoting with `'`, `;`, `&`, brackets, `@`, backtick, `$`, `%`).
fn check_either(command: &str, out: &mut Vec<ShellProblem>) {
    let odd: Vec<char> = command
        .chars()
        .filter(|c| {
            matches!(
                c,
                '\'' | ';' | '&' | '(' | ')' | '{' | '}' | '@' | '`' | '$' | '%' | ','
            )
        })
        .collect();
    if !odd.is_empty() {
        let list: String = odd.iter().collect();
        out.push(problem(
            format!("either: `{list}` is read differently by cmd and PowerShell; mark the command as cmd or powershell"),
            format!("either: `{list}` は cmd と PowerShell で解釈が異なります。シェルを cmd または powershell にしてください"),
        ));
    }
    let first = first_word(command);
    if is_cmdlet(first) || first.starts_with('"') {
        out.push(problem(
            format!("either: `{first}` does not run the same way in both shells"),
            format!("either: `{first}` は両方のシェルで同じようには実行されません"),
        ));
    }
}
