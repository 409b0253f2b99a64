//! The knowledge-base linter: every rule a reviewed entry must pass. Used by
//! `m365doctor kb lint`, by the tests on the bundled data, and on a company's
//! own entries before they are used.

use crate::model::{self, Action, ActionFile, Bi, Entry, APPS, RISKS, WHO};
use m365doctor_codes::Layer;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// One fault, in both languages, with the file it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub en: String,
    pub ja: String,
}

/// The most of a message a problem prints: a message this long can only be
/// an echo of what the file holds (a 50 MB string), which is cut.
const MAX_MESSAGE_CHARS: usize = 2000;

impl Problem {
    fn new(file: &str, en: impl Into<String>, ja: impl Into<String>) -> Problem {
        let cap = |s: String| {
            if s.len() > MAX_MESSAGE_CHARS {
                m365doctor_text::clipped(&s, MAX_MESSAGE_CHARS)
            } else {
                s
            }
        };
        Problem {
            file: file.to_string(),
            en: cap(en.into()),
            ja: cap(ja.into()),
        }
    }
}

/// A TOML error as one short line: where it is and what is wrong, with the
/// value it quotes cut short, never the offending line itself (the error's
/// own text repeats the whole line and underlines it).
fn toml_error(e: &toml::de::Error, text: &str) -> String {
    let message = e.message().trim().replace('\n', " ");
    let message = m365doctor_text::clipped(&message, 200);
    let Some(at) = e.span().map(|s| s.start.min(text.len())) else {
        return message;
    };
    let before = text.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("line {line}, column {column}: {message}")
}

/// Parses one entry file; `keys` are filled from `codes`.
pub fn parse_entry(file: &str, text: &str) -> Result<Entry, Problem> {
    let mut entry: Entry = toml::from_str(text).map_err(|e| {
        let msg = toml_error(&e, text);
        Problem::new(
            file,
            format!("not a valid entry: {msg}"),
            format!("エントリとして読み込めません: {msg}"),
        )
    })?;
    let mut keys = Vec::new();
    for code in entry.codes.iter() {
        match model::code_key(code) {
            Ok(key) => keys.push(key.into()),
            Err(why) => {
                return Err(Problem::new(
                    file,
                    format!("code `{code}` cannot be parsed: {why}"),
                    format!("コード `{code}` を解釈できません: {why}"),
                ))
            }
        }
    }
    entry.keys = keys.into();
    Ok(entry)
}

pub fn parse_actions(file: &str, text: &str) -> Result<Vec<Action>, Problem> {
    toml::from_str::<ActionFile>(text)
        .map(|f| f.actions)
        .map_err(|e| {
            let msg = toml_error(&e, text);
            Problem::new(
                file,
                format!("not a valid action list: {msg}"),
                format!("アクション一覧として読み込めません: {msg}"),
            )
        })
}

/// Entries of a directory (recursively), with their file names, and the
/// problems of files that did not parse. `actions.toml` is read separately.
pub struct Loaded {
    pub entries: Vec<(String, Entry)>,
    pub actions: Option<(String, Vec<Action>)>,
    pub problems: Vec<Problem>,
    /// Faults that do not stop the entries from being used (see [`Origin`]).
    pub warnings: Vec<Problem>,
}

/// The largest entry file read: entries are a few KiB; a bigger file is
/// named as a problem instead of being read and parsed.
pub const MAX_ENTRY_FILE: u64 = 1 << 20;

/// Every `.toml` file below `dir`, through the walk every command uses:
/// links that loop are followed once, pipes and devices are never opened
/// (each is named as a warning), and a file that cannot be read is a
/// problem while the others are read.
pub fn load_dir(dir: &Path) -> Result<Loaded, std::io::Error> {
    // The folder itself must be one: a missing or unreadable folder is the
    // caller's error, as before.
    std::fs::read_dir(dir)?;
    let walk =
        m365doctor_walk::walk_matching(&[dir], |p| p.extension().is_some_and(|e| e == "toml"));
    let mut loaded = Loaded {
        entries: Vec::new(),
        actions: None,
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    for skip in &walk.skipped {
        let name = skip.path.display().to_string();
        let m = skip.reason.message();
        let problem = Problem::new(&name, m.en, m.ja);
        if skip.reason.is_error() {
            loaded.problems.push(problem);
        } else {
            loaded.warnings.push(problem);
        }
    }
    for found in walk.files {
        let path = found.path;
        let name = path.display().to_string();
        let text = match read_entry_file(&path) {
            Ok(t) => t,
            Err(why) => {
                loaded.problems.push(Problem::new(&name, why.en, why.ja));
                continue;
            }
        };
        if path.file_name().is_some_and(|n| n == "actions.toml") {
            match parse_actions(&name, &text) {
                Ok(actions) => loaded.actions = Some((name, actions)),
                Err(p) => loaded.problems.push(p),
            }
            continue;
        }
        match parse_entry(&name, &text) {
            Ok(entry) => loaded.entries.push((name, entry)),
            Err(p) => loaded.problems.push(p),
        }
    }
    Ok(loaded)
}

/// One entry file's text, at most [`MAX_ENTRY_FILE`] bytes of UTF-8.
fn read_entry_file(path: &Path) -> Result<String, m365doctor_codes::Message> {
    use std::io::Read;
    let file = m365doctor_walk::open(path, false).map_err(|reason| {
        let m = reason.message();
        m365doctor_codes::Message::new(
            format!("not read: {}", m.en),
            format!("読み込んでいません: {}", m.ja),
        )
    })?;
    let mut bytes = Vec::new();
    let read = file.take(MAX_ENTRY_FILE + 1).read_to_end(&mut bytes);
    if let Err(e) = read {
        return Err(m365doctor_codes::Message::new(
            format!("cannot read: {e}"),
            format!("読み込めません: {e}"),
        ));
    }
    if bytes.len() as u64 > MAX_ENTRY_FILE {
        let kib = MAX_ENTRY_FILE >> 10;
        return Err(m365doctor_codes::Message::new(
            format!("larger than {kib} KiB: not an entry, not read"),
            format!("{kib} KiB を超えるため、エントリとして読み込んでいません"),
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        m365doctor_codes::Message::new(
            "not UTF-8 text: entries are written in UTF-8",
            "UTF-8 のテキストではありません。エントリは UTF-8 で書いてください",
        )
    })
}

/// Loads and lints a directory of a company's entries; `actions` is the
/// vocabulary steps may use (the directory's own actions.toml replaces it
/// when present). Warnings are in `Loaded::warnings`.
pub fn lint_dir(dir: &Path, actions: &[Action]) -> Result<(Loaded, Vec<Problem>), std::io::Error> {
    lint_dir_as(dir, actions, Origin::Org)
}

/// [`lint_dir`] for entries of the given origin.
pub fn lint_dir_as(
    dir: &Path,
    actions: &[Action],
    origin: Origin,
) -> Result<(Loaded, Vec<Problem>), std::io::Error> {
    let mut loaded = load_dir(dir)?;
    let mut problems = loaded.problems.clone();
    let vocabulary: &[Action] = match &loaded.actions {
        Some((file, own)) => {
            problems.extend(lint_actions(file, own));
            problems.extend(lint_actions_wording(file, own));
            own
        }
        None => actions,
    };
    problems.extend(lint(&loaded.entries, vocabulary));
    let (errors, warnings) = lint_records(&loaded.entries, origin);
    problems.extend(errors);
    loaded.warnings.extend(warnings);
    Ok((loaded, problems))
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn bi_ok(file: &str, what: &str, t: &Bi, out: &mut Vec<Problem>) {
    if t.en.trim().is_empty() {
        out.push(Problem::new(
            file,
            format!("{what}: English text is missing"),
            format!("{what}: 英語のテキストがありません"),
        ));
    }
    if t.ja.trim().is_empty() {
        out.push(Problem::new(
            file,
            format!("{what}: Japanese text is missing"),
            format!("{what}: 日本語のテキストがありません"),
        ));
    }
}

pub fn lint_actions(file: &str, actions: &[Action]) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for a in actions {
        if let Ok(json) = serde_json::to_value(a) {
            lint_controls(file, &json, &format!("actions.{}", a.id), &mut out);
        }
        if !is_kebab(&a.id) {
            out.push(Problem::new(
                file,
                format!("action id `{}` is not kebab-case", a.id),
                format!("アクション ID `{}` がケバブケースではありません", a.id),
            ));
        }
        if !seen.insert(a.id.clone()) {
            out.push(Problem::new(
                file,
                format!("action id `{}` appears twice", a.id),
                format!("アクション ID `{}` が重複しています", a.id),
            ));
        }
        if !WHO.contains(&a.who.as_ref()) {
            out.push(Problem::new(
                file,
                format!("action `{}`: unknown who `{}`", a.id, a.who),
                format!("アクション `{}`: who `{}` は不明です", a.id, a.who),
            ));
        }
        if !RISKS.contains(&a.risk.as_ref()) {
            out.push(Problem::new(
                file,
                format!("action `{}`: unknown risk `{}`", a.id, a.risk),
                format!("アクション `{}`: risk `{}` は不明です", a.id, a.risk),
            ));
        }
        bi_ok(
            file,
            &format!("action `{}` title", a.id),
            &a.title,
            &mut out,
        );
        bi_ok(file, &format!("action `{}` text", a.id), &a.text, &mut out);
    }
    out
}

/// Every rule of kb/README.md, per entry and across entries.
pub fn lint(entries: &[(String, Entry)], actions: &[Action]) -> Vec<Problem> {
    let mut out = Vec::new();
    let action_ids: HashSet<&str> = actions.iter().map(|a| a.id.as_ref()).collect();
    for (file, e) in entries {
        lint_entry(file, e, &action_ids, &mut out);
        lint_decimal_forms(file, e, &mut out);
        if let Ok(json) = serde_json::to_value(e) {
            lint_controls(file, &json, "", &mut out);
        }
    }
    // The example is checked on its own; its codes belong to real entries too.
    let entries: Vec<&(String, Entry)> = entries.iter().filter(|(f, _)| !is_example(f)).collect();
    let mut ids: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (file, e) in &entries {
        ids.entry(e.id.as_ref()).or_default().push(file);
    }
    for (id, files) in ids.iter().filter(|(_, f)| f.len() > 1) {
        out.push(Problem::new(
            files[1],
            format!("duplicate id `{id}` (also in {})", files[0]),
            format!("ID `{id}` が重複しています ({} にもあります)", files[0]),
        ));
    }
    // A code may be claimed by one entry without app context (the default)
    // and by entries whose app contexts do not overlap.
    let mut claims: BTreeMap<&str, Vec<(&str, &Entry)>> = BTreeMap::new();
    for (file, e) in &entries {
        for key in e.keys.iter() {
            claims.entry(key.as_ref()).or_default().push((file, e));
        }
    }
    for (key, list) in claims.iter().filter(|(_, l)| l.len() > 1) {
        for (n, (file, a)) in list.iter().enumerate() {
            for (_, b) in &list[..n] {
                let both_generic = a.apps.is_empty() && b.apps.is_empty();
                let overlap = a.apps.iter().any(|x| b.apps.contains(x));
                if both_generic || overlap {
                    out.push(Problem::new(
                        file,
                        format!("code {key} is also claimed by `{}` with no app context to tell them apart; give each entry its `apps`", b.id),
                        format!("コード {key} は `{}` でも使われており、アプリの文脈 (apps) で区別できません。各エントリに apps を指定してください", b.id),
                    ));
                }
            }
        }
    }
    out
}

fn is_example(file: &str) -> bool {
    Path::new(file)
        .file_name()
        .is_some_and(|n| n == "EXAMPLE.toml")
}

fn lint_entry(file: &str, e: &Entry, actions: &HashSet<&str>, out: &mut Vec<Problem>) {
    let p = |en: String, ja: String| Problem::new(file, en, ja);
    for (n, key) in e.keys.iter().enumerate() {
        if e.keys[..n].contains(key) {
            out.push(p(
                format!("code {key} is listed twice (in two forms?)"),
                format!("コード {key} が 2 回記載されています (別の表記で重複していませんか)"),
            ));
        }
    }
    if !is_kebab(&e.id) {
        out.push(p(
            format!("id `{}` is not kebab-case", e.id),
            format!("ID `{}` がケバブケースではありません", e.id),
        ));
    }
    let stem = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if stem != e.id && stem != "EXAMPLE" {
        out.push(p(
            format!("id `{}` differs from the file name `{stem}.toml`", e.id),
            format!("ID `{}` がファイル名 `{stem}.toml` と一致しません", e.id),
        ));
    }
    if Layer::from_id(&e.layer).is_none() {
        out.push(p(
            format!("unknown layer `{}`", e.layer),
            format!("レイヤー `{}` は不明です", e.layer),
        ));
    }
    for app in e.apps.iter() {
        if !APPS.contains(&app.as_ref()) {
            out.push(p(
                format!("unknown app `{app}`"),
                format!("アプリ `{app}` は不明です"),
            ));
        }
    }
    bi_ok(file, "title", &e.title, out);
    bi_ok(file, "summary", &e.summary, out);
    if e.codes.is_empty() && e.messages.en.is_empty() && e.messages.ja.is_empty() {
        out.push(p(
            "the entry covers no code and no message text, so nothing can find it".into(),
            "コードもメッセージもないため、このエントリは検索されません".into(),
        ));
    }
    for m in e.messages.en.iter().chain(e.messages.ja.iter()) {
        if m.trim().chars().count() < 4 {
            out.push(p(
                format!("message `{m}` is too short to recognise"),
                format!("メッセージ `{m}` は短すぎて識別に使えません"),
            ));
        }
    }
    if e.causes.is_empty() {
        out.push(p("no cause".into(), "原因がありません".into()));
    }
    for (n, c) in e.causes.iter().enumerate() {
        bi_ok(
            file,
            &format!("cause {}", n + 1),
            &Bi {
                en: c.en.clone(),
                ja: c.ja.clone(),
            },
            out,
        );
        bi_ok(file, &format!("cause {} tell", n + 1), &c.tell, out);
    }
    if e.steps.is_empty() {
        out.push(p("no step".into(), "手順がありません".into()));
    }
    // Users and admins each work down their own list, least invasive first;
    // handing over (contact-admin, collect-evidence) changes nothing and may
    // come wherever the user's own steps end.
    let mut highest: BTreeMap<&str, usize> = BTreeMap::new();
    for (n, s) in e.steps.iter().enumerate() {
        let at = format!("step {}", n + 1);
        if !actions.contains(s.action.as_ref()) {
            out.push(p(
                format!("{at}: unknown action `{}`", s.action),
                format!("{at}: アクション `{}` は不明です", s.action),
            ));
        }
        if !WHO.contains(&s.who.as_ref()) {
            out.push(p(
                format!("{at}: who must be user or admin, not `{}`", s.who),
                format!("{at}: who は user または admin です (`{}` は不可)", s.who),
            ));
        }
        let rank = model::risk_rank(&s.risk);
        if rank == usize::MAX {
            out.push(p(
                format!("{at}: unknown risk `{}`", s.risk),
                format!("{at}: risk `{}` は不明です", s.risk),
            ));
            continue;
        }
        bi_ok(
            file,
            &at,
            &Bi {
                en: s.en.clone(),
                ja: s.ja.clone(),
            },
            out,
        );
        bi_ok(file, &format!("{at} verify"), &s.verify, out);
        match &s.loses {
            Some(l) => bi_ok(file, &format!("{at} loses"), l, out),
            None if rank >= 2 => out.push(p(
                format!(
                    "{at}: risk {} needs `loses` (what it may lose or reset)",
                    s.risk
                ),
                format!(
                    "{at}: risk が {} の手順には loses (失われる可能性があるもの) が必要です",
                    s.risk
                ),
            )),
            None => {}
        }
        let handover = matches!(s.action.as_ref(), "contact-admin" | "collect-evidence");
        let track = highest.entry(s.who.as_ref()).or_insert(0);
        if let Some(r) = &s.order_reason {
            bi_ok(file, &format!("{at} order_reason"), r, out);
        } else if rank < *track && !handover {
            out.push(p(
                format!("{at}: risk {} comes after a riskier step; order steps least invasive first or give `order_reason`", s.risk),
                format!("{at}: risk {} の手順がよりリスクの高い手順の後にあります。影響の小さい順に並べるか order_reason を記載してください", s.risk),
            ));
        }
        if !handover {
            *track = (*track).max(rank);
        }
    }
    if e.references.is_empty() {
        out.push(p("no reference".into(), "参考資料がありません".into()));
    }
    for r in e.references.iter() {
        if !r.starts_with("https://") || r.contains(' ') {
            out.push(p(
                format!("reference `{r}` is not an https URL"),
                format!("参考資料 `{r}` は https の URL ではありません"),
            ));
        }
    }
    if let Some(d) = &e.departs_from_guide {
        bi_ok(file, "departs_from_guide", d, out);
    }
}

/// Where linted entries come from: the bundled base must meet every rule;
/// a company's own entries get warnings for what older runbooks lack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Bundled,
    Org,
}

/// The rules of the `checked`, `commands`, `messages.unconfirmed` and
/// `symptoms` keys and of Japanese wording: (errors, warnings).
pub fn lint_records(entries: &[(String, Entry)], origin: Origin) -> (Vec<Problem>, Vec<Problem>) {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let checked_required = origin == Origin::Bundled;
    for (file, e) in entries {
        let mut unchecked = Vec::new();
        lint_checked(file, e, &mut errors, &mut unchecked);
        if checked_required {
            errors.append(&mut unchecked);
        } else {
            warnings.append(&mut unchecked);
        }
        // A company's runbook is not held to the bundled base's style: a
        // missing shell, a command the tokenizer-level checker doubts and
        // Japanese wording are warnings there, so they do not block it.
        let mut style = Vec::new();
        lint_commands(file, e, &mut errors, &mut style);
        lint_japanese(file, e, &mut style);
        if origin == Origin::Bundled {
            errors.append(&mut style);
        } else {
            warnings.append(&mut style);
        }
        lint_unconfirmed(file, e, &mut errors);
    }
    lint_symptoms(entries, &mut errors);
    (errors, warnings)
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let num = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    parts.len() == 3
        && num(parts[0], 4)
        && num(parts[1], 2)
        && num(parts[2], 2)
        && parts[0] >= "2020"
        && ("01"..="12").contains(&parts[1])
        && ("01"..="31").contains(&parts[2])
}

fn is_ms_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('/').collect();
    let num = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    parts.len() == 3
        && num(parts[0], 2)
        && num(parts[1], 2)
        && num(parts[2], 4)
        && ("01"..="12").contains(&parts[0])
        && ("01"..="31").contains(&parts[1])
}

fn is_source(text: &str) -> bool {
    let Some((repo, path)) = text.split_once(':') else {
        return false;
    };
    let mut parts = repo.split('/');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
    };
    ok(parts.next())
        && ok(parts.next())
        && parts.next().is_none()
        && !path.is_empty()
        && !path.contains(' ')
}

/// `checked`: one well-formed record per reference. Malformed records are
/// errors; missing ones go to `missing` (errors or warnings, see [`Origin`]).
fn lint_checked(file: &str, e: &Entry, errors: &mut Vec<Problem>, missing: &mut Vec<Problem>) {
    let p = |en: String, ja: String| Problem::new(file, en, ja);
    let mut seen: Vec<&str> = Vec::new();
    for c in e.checked.iter() {
        let url = c.url.as_ref();
        if !e.references.iter().any(|r| r == url) {
            errors.push(p(
                format!("checked: `{url}` is not one of the references"),
                format!("checked: `{url}` は references にありません"),
            ));
        }
        if seen.contains(&url) {
            errors.push(p(
                format!("checked: `{url}` is recorded twice"),
                format!("checked: `{url}` が 2 回記録されています"),
            ));
        }
        seen.push(url);
        if !is_date(&c.date) {
            errors.push(p(
                format!("checked: date `{}` is not YYYY-MM-DD", c.date),
                format!(
                    "checked: date `{}` が YYYY-MM-DD 形式ではありません",
                    c.date
                ),
            ));
        }
        if let Some(source) = &c.source {
            if !is_source(source) {
                errors.push(p(
                    format!("checked: source `{source}` is not owner/repo:path"),
                    format!("checked: source `{source}` が owner/repo:path 形式ではありません"),
                ));
            }
        }
        if let Some(commit) = &c.commit {
            if commit.len() != 40 || !commit.bytes().all(|b| b.is_ascii_hexdigit()) {
                errors.push(p(
                    format!("checked: commit `{commit}` is not 40 hex digits"),
                    format!("checked: commit `{commit}` が 16 進 40 桁ではありません"),
                ));
            }
            if c.source.is_none() {
                errors.push(p(
                    format!("checked: `{url}` gives a commit without its source file"),
                    format!("checked: `{url}` に commit がありますが source (ソース ファイル) がありません"),
                ));
            }
        }
        if let Some(d) = &c.ms_date {
            if !is_ms_date(d) {
                errors.push(p(
                    format!("checked: ms_date `{d}` is not MM/DD/YYYY"),
                    format!("checked: ms_date `{d}` が MM/DD/YYYY 形式ではありません"),
                ));
            }
        }
        if c.commit.is_none()
            && c.ms_date.is_none()
            && c.note.as_ref().is_none_or(|n| n.trim().is_empty())
        {
            errors.push(p(
                format!("checked: `{url}` says neither which commit nor which ms.date was read; give commit, ms_date or a note"),
                format!("checked: `{url}` には読んだ commit も ms.date もありません。commit、ms_date、note のいずれかを記載してください"),
            ));
        }
    }
    if e.checked.is_empty() {
        missing.push(p(
            "no `checked` record: say what each reference was checked against (source file and commit, or ms_date) and when".into(),
            "checked の記録がありません。各参考資料をいつ、何 (ソース ファイルと commit、または ms_date) で確認したかを記載してください".into(),
        ));
        return;
    }
    for r in e.references.iter() {
        if !seen.contains(&r.as_ref()) {
            missing.push(p(
                format!("checked: reference `{r}` has no record"),
                format!("checked: 参考資料 `{r}` の記録がありません"),
            ));
        }
    }
}

/// `commands.windows` says its shell and parses in it; the step says whose
/// process runs it. Wrong values go to `errors`; a missing shell or run_as
/// and grammar faults to `style` (errors or warnings, see [`Origin`]).
fn lint_commands(file: &str, e: &Entry, errors: &mut Vec<Problem>, style: &mut Vec<Problem>) {
    let p = |en: String, ja: String| Problem::new(file, en, ja);
    for (n, s) in e.steps.iter().enumerate() {
        let at = format!("step {}", n + 1);
        if let Some(r) = &s.run_as {
            if !model::RUN_AS.contains(&r.as_ref()) {
                errors.push(p(
                    format!("{at}: run_as must be one of {:?}, not `{r}`", model::RUN_AS),
                    format!(
                        "{at}: run_as は {:?} のいずれかです (`{r}` は不可)",
                        model::RUN_AS
                    ),
                ));
            }
        }
        let Some(command) = &s.commands.windows else {
            if s.commands.windows_shell.is_some() {
                errors.push(p(
                    format!("{at}: commands.windows_shell without commands.windows"),
                    format!("{at}: commands.windows がないのに commands.windows_shell があります"),
                ));
            }
            continue;
        };
        if s.run_as.is_none() {
            style.push(p(
                format!(
                    "{at}: a step with a Windows command needs run_as ({:?})",
                    model::RUN_AS
                ),
                format!(
                    "{at}: Windows のコマンドがある手順には run_as ({:?}) が必要です",
                    model::RUN_AS
                ),
            ));
        }
        match &s.commands.windows_shell {
            None => style.push(p(
                format!(
                    "{at}: commands.windows needs commands.windows_shell ({:?})",
                    model::WINDOWS_SHELLS
                ),
                format!(
                    "{at}: commands.windows には commands.windows_shell ({:?}) が必要です",
                    model::WINDOWS_SHELLS
                ),
            )),
            Some(shell) if !model::WINDOWS_SHELLS.contains(&shell.as_ref()) => errors.push(p(
                format!(
                    "{at}: commands.windows_shell must be one of {:?}, not `{shell}`",
                    model::WINDOWS_SHELLS
                ),
                format!(
                    "{at}: commands.windows_shell は {:?} のいずれかです (`{shell}` は不可)",
                    model::WINDOWS_SHELLS
                ),
            )),
            Some(shell) => {
                for fault in crate::shell::check_windows_command(shell, command) {
                    style.push(p(
                        format!("{at}: commands.windows: {}", fault.en),
                        format!("{at}: commands.windows: {}", fault.ja),
                    ));
                }
            }
        }
    }
}

/// Unconfirmed dialog texts must be able to match, and not repeat a
/// confirmed one.
fn lint_unconfirmed(file: &str, e: &Entry, errors: &mut Vec<Problem>) {
    let p = |en: String, ja: String| Problem::new(file, en, ja);
    let confirmed: Vec<String> = e
        .messages
        .en
        .iter()
        .chain(e.messages.ja.iter())
        .map(|m| crate::text::normalize_for_match(m))
        .collect();
    for m in e
        .messages
        .unconfirmed
        .en
        .iter()
        .chain(e.messages.unconfirmed.ja.iter())
    {
        if confirmed.contains(&crate::text::normalize_for_match(m)) {
            errors.push(p(
                format!("message `{m}` is listed as both confirmed and unconfirmed"),
                format!("メッセージ `{m}` が確認済みと未確認の両方にあります"),
            ));
        }
        let phrases = crate::text::key_phrases(m);
        let weight: usize = phrases.iter().map(|k| k.chars().count()).sum();
        if phrases.len() < 2 && weight < 6 {
            errors.push(p(
                format!("unconfirmed message `{m}` has too few key phrases to be matched ({phrases:?}); make it longer"),
                format!("未確認のメッセージ `{m}` はキー フレーズが少なすぎて照合できません ({phrases:?})。もっと長くしてください"),
            ));
        }
    }
}

/// `symptoms`: both languages, and no wording shared by two entries (a
/// description that fits two problems cannot tell them apart). `clues`:
/// known ids, weights from -3 to 3 and not 0.
fn lint_symptoms(entries: &[(String, Entry)], errors: &mut Vec<Problem>) {
    let mut owners: BTreeMap<String, &str> = BTreeMap::new();
    for (file, e) in entries.iter().filter(|(f, _)| !is_example(f)) {
        let p = |en: String, ja: String| Problem::new(file, en, ja);
        for (id, weight) in e.clues.iter() {
            if !model::CLUES.contains(&id.as_ref()) {
                errors.push(p(
                    format!("clue `{id}` is not one of {:?}", model::CLUES),
                    format!(
                        "手がかり `{id}` は {:?} のいずれでもありません",
                        model::CLUES
                    ),
                ));
            }
            if *weight == 0 || !(-3..=3).contains(weight) {
                errors.push(p(
                    format!("clue `{id}` has weight {weight}; use -3 to 3, not 0"),
                    format!("手がかり `{id}` の重み {weight} は使えません。-3 から 3 (0 以外) にしてください"),
                ));
            }
        }
        if e.symptoms.en.is_empty() != e.symptoms.ja.is_empty() {
            errors.push(p(
                "symptoms: give them in both English and Japanese".into(),
                "symptoms: 英語と日本語の両方を記載してください".into(),
            ));
        }
        for s in e.symptoms.en.iter().chain(e.symptoms.ja.iter()) {
            if s.trim().chars().count() < 4 {
                errors.push(p(
                    format!("symptom `{s}` is too short"),
                    format!("symptom `{s}` が短すぎます"),
                ));
            }
            let key = crate::text::normalize_for_match(s);
            match owners.get(&key) {
                Some(other) if *other == e.id.as_ref() => errors.push(p(
                    format!("symptom `{s}` is listed twice"),
                    format!("symptom `{s}` が 2 回記載されています"),
                )),
                Some(other) => errors.push(p(
                    format!("symptom `{s}` is also a symptom of `{other}`"),
                    format!("symptom `{s}` は `{other}` にもあります"),
                )),
                None => {
                    owners.insert(key, e.id.as_ref());
                }
            }
        }
    }
}

/// Every English/Japanese pair of an entry's prose, in reading order.
fn prose(e: &Entry) -> Vec<(String, &Bi)> {
    let mut out: Vec<(String, &Bi)> =
        vec![("title".into(), &e.title), ("summary".into(), &e.summary)];
    for (n, c) in e.causes.iter().enumerate() {
        out.push((format!("cause {}", n + 1), &c.tell));
    }
    for (n, s) in e.steps.iter().enumerate() {
        out.push((format!("step {} verify", n + 1), &s.verify));
        if let Some(l) = &s.loses {
            out.push((format!("step {} loses", n + 1), l));
        }
        if let Some(r) = &s.order_reason {
            out.push((format!("step {} order_reason", n + 1), r));
        }
    }
    if let Some(d) = &e.departs_from_guide {
        out.push(("departs_from_guide".into(), d));
    }
    out
}

fn lint_pair(file: &str, what: &str, en: &str, ja: &str, errors: &mut Vec<Problem>) {
    let faults = crate::typography::check_japanese(ja)
        .into_iter()
        .chain(crate::typography::check_pair(en, ja));
    for f in faults {
        errors.push(Problem::new(
            file,
            format!("{what}: {}", f.en),
            format!("{what}: {}", f.ja),
        ));
    }
}

/// Japanese typography and wording of an entry's prose (not of its dialog
/// texts, which are quoted as shown).
fn lint_japanese(file: &str, e: &Entry, errors: &mut Vec<Problem>) {
    for (what, t) in prose(e) {
        lint_pair(file, &what, &t.en, &t.ja, errors);
    }
    for (n, c) in e.causes.iter().enumerate() {
        lint_pair(file, &format!("cause {}", n + 1), &c.en, &c.ja, errors);
    }
    for (n, s) in e.steps.iter().enumerate() {
        lint_pair(file, &format!("step {}", n + 1), &s.en, &s.ja, errors);
    }
    let mut reading: Vec<&str> = vec![&e.title.ja, &e.summary.ja];
    for c in e.causes.iter() {
        reading.extend([c.ja.as_ref(), c.tell.ja.as_ref()]);
    }
    for s in e.steps.iter() {
        reading.push(&s.ja);
    }
    for f in crate::typography::check_first_mentions(reading) {
        errors.push(Problem::new(file, f.en, f.ja));
    }
}

/// The Japanese wording of the action vocabulary.
pub fn lint_actions_wording(file: &str, actions: &[Action]) -> Vec<Problem> {
    let mut out = Vec::new();
    for a in actions {
        lint_pair(
            file,
            &format!("action `{}` title", a.id),
            &a.title.en,
            &a.title.ja,
            &mut out,
        );
        lint_pair(
            file,
            &format!("action `{}` text", a.id),
            &a.text.en,
            &a.text.ja,
            &mut out,
        );
    }
    out
}

/// A decimal form of a code written in an entry's text (`2147943712`, `-2147023584`,
/// as Office, WAM and Microsoft's pages print codes) must be the value of one of the
/// entry's codes, or of a code the same text writes in hex (a pointer to another
/// entry): a wrong digit sends the reader who searches for it to another error.
fn lint_decimal_forms(file: &str, e: &Entry, out: &mut Vec<Problem>) {
    let mut values = HashSet::new();
    for code in e.codes.iter() {
        for d in m365doctor_codes::explain(code).unwrap_or_default() {
            values.extend(d.interpretations.iter().map(|i| i.value));
        }
    }
    let mut texts = Vec::new();
    if let Ok(json) = serde_json::to_value(e) {
        entry_texts(&json, "", &mut texts);
    }
    for (field, text) in texts {
        let beside = hex_code_forms(&text);
        for (written, value) in decimal_code_forms(&text) {
            if !values.contains(&value) && !beside.contains(&value) {
                out.push(Problem::new(
                    file,
                    format!("{field}: {written} is the decimal form of 0x{value:08X}, which is not one of the entry's codes"),
                    format!("{field}: {written} は 0x{value:08X} の 10 進表記で、このエントリのコードに含まれていません"),
                ));
            }
        }
    }
}

/// Every string of an entry or action (`at` is where it is) is printed on
/// terminals as it is: one holding a control, escape or bidirectional
/// character (a company folder is input too) is refused. Line breaks and
/// tabs are text.
fn lint_controls(file: &str, v: &serde_json::Value, at: &str, out: &mut Vec<Problem>) {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            let bad = s
                .chars()
                .find(|&c| c != '\n' && m365doctor_text::is_hidden_control(c));
            if let Some(c) = bad {
                let code = format!("U+{:04X}", c as u32);
                out.push(Problem::new(
                    file,
                    format!("{at} holds the control character {code}, which a terminal would act on; remove it"),
                    format!("{at} に制御文字 {code} が含まれています。端末が制御として解釈するため、削除してください"),
                ));
            }
        }
        Value::Array(list) => {
            for (n, x) in list.iter().enumerate() {
                lint_controls(file, x, &format!("{at}[{}]", n + 1), out);
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                let at = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                lint_controls(file, x, &at, out);
            }
        }
        _ => {}
    }
}

/// The prose of an entry with where it is (`summary.en`, `steps[2].ja`); the codes,
/// the id and the reference URLs are not prose.
fn entry_texts(v: &serde_json::Value, at: &str, out: &mut Vec<(String, String)>) {
    use serde_json::Value;
    match v {
        Value::String(s) => out.push((at.to_string(), s.clone())),
        Value::Array(list) => {
            for (n, x) in list.iter().enumerate() {
                entry_texts(x, &format!("{at}[{}]", n + 1), out);
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                if at.is_empty() && matches!(k.as_str(), "id" | "codes" | "references") {
                    continue;
                }
                let at = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                entry_texts(x, &at, out);
            }
        }
        _ => {}
    }
}

/// The 32-bit codes written in decimal in `text`: a signed form (`-2147023584`) or
/// an unsigned one with the severity bit set (`2147943712`), standing on their own
/// (not inside a URL, a GUID, a hex number or a longer run of digits).
fn decimal_code_forms(text: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for token in text.split_whitespace().filter(|t| !t.contains("://")) {
        let b = token.as_bytes();
        let glued = |at: Option<usize>| {
            at.and_then(|j| b.get(j))
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        };
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let dash = start > 0 && b[start - 1] == b'-';
            // `-` is a sign only where it does not join two words (`b960-8490…`).
            let negative = dash && !glued(start.checked_sub(2));
            if glued(start.checked_sub(1)) || (dash && !negative) || glued(Some(i)) {
                continue;
            }
            let Ok(n) = token[start..i].parse::<i64>() else {
                continue;
            };
            let value = match (negative, n) {
                (true, 100_000_000..=0x8000_0000) => (-n) as i32 as u32,
                (false, 0x8000_0000..=0xFFFF_FFFF) => n as u32,
                _ => continue,
            };
            let sign = if negative { "-" } else { "" };
            out.push((format!("{sign}{}", &token[start..i]), value));
        }
    }
    out
}

/// The 32-bit codes written in hex in `text`: `0x80070520`, or eight hex digits
/// standing on their own as Office prints them (`80070520`).
fn hex_code_forms(text: &str) -> HashSet<u32> {
    let mut out = HashSet::new();
    for token in text.split_whitespace().filter(|t| !t.contains("://")) {
        let b = token.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_hexdigit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && b[i].is_ascii_hexdigit() {
                i += 1;
            }
            let prefixed =
                start >= 2 && b[start - 2] == b'0' && b[start - 1].eq_ignore_ascii_case(&b'x');
            let alone = |at: Option<usize>| {
                !at.and_then(|j| b.get(j))
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            };
            let bare = i - start == 8 && alone(start.checked_sub(1)) && alone(Some(i));
            if prefixed || bare {
                if let Ok(v) = u32::from_str_radix(&token[start..i], 16) {
                    out.insert(v);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod decimal_form_tests {
    use super::*;

    #[test]
    fn finds_signed_and_unsigned_forms_but_not_urls_guids_or_hex() {
        let text = "Office shows 2147943712 or -2147023584 (0x80070520); \
            0xcaa82ee2/-894947614; https://example.com/2147943712; \
            reset-onedrive-34701e00-b960-8490539905; 0x80070520; 1001; 12002; 10 minutes; \
            例: 2156265478)。";
        let found: Vec<(String, u32)> = decimal_code_forms(text);
        assert_eq!(
            found,
            [
                ("2147943712".to_string(), 0x8007_0520),
                ("-2147023584".to_string(), 0x8007_0520),
                ("-894947614".to_string(), 0xCAA8_2EE2),
                ("2156265478".to_string(), 0x8086_0006),
            ]
        );
    }

    fn entry(codes: &[&str], summary: &str) -> Entry {
        let codes: Vec<String> = codes.iter().map(|c| format!("{c:?}")).collect();
        let text = format!(
            "id = \"x\"\ncodes = [{}]\nlayer = \"other\"\nreferences = [\"https://learn.microsoft.com/x-2156265482\"]\n\
             [title]\nen = \"t\"\nja = \"t\"\n[summary]\nen = {summary:?}\nja = \"s\"\n",
            codes.join(", ")
        );
        parse_entry("x.toml", &text).unwrap()
    }

    #[test]
    fn a_decimal_form_must_be_one_of_the_entry_codes() {
        let mut out = Vec::new();
        let right = entry(
            &["0x80860006", "0x8086000C"],
            "shown as 2156265478 or -2138701818",
        );
        lint_decimal_forms("x.toml", &right, &mut out);
        assert!(out.is_empty(), "{out:?}");
        let pointer = entry(
            &["1001"],
            "if it shows 80070520 or -2147023584, see that entry",
        );
        lint_decimal_forms("x.toml", &pointer, &mut out);
        assert!(out.is_empty(), "{out:?}");
        let wrong = entry(&["0x80860006", "0x8086000C"], "shown as 2156265482");
        lint_decimal_forms("x.toml", &wrong, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0]
                .en
                .contains("summary.en: 2156265482 is the decimal form of 0x8086000A"),
            "{}",
            out[0].en
        );
    }
}

#[cfg(test)]
mod hostile_input_tests {
    use super::*;

    const ENTRY: &str = "id = \"x\"\ncodes = [\"0x80070005\"]\nlayer = \"other\"\n\
        references = [\"https://learn.microsoft.com/x\"]\n\
        [title]\nen = \"TITLE\"\nja = \"t\"\n[summary]\nen = \"SUMMARY\"\nja = \"s\"\n";

    fn with(title: &str, summary: &str) -> Entry {
        let text = ENTRY.replace("TITLE", title).replace("SUMMARY", summary);
        parse_entry("x.toml", &text).unwrap()
    }

    fn controls(e: &Entry) -> Vec<Problem> {
        let mut out = Vec::new();
        lint_controls("x.toml", &serde_json::to_value(e).unwrap(), "", &mut out);
        out
    }

    #[test]
    fn escape_and_bidi_characters_in_a_company_entry_are_refused() {
        // TOML's own escapes put the raw characters into the entry.
        assert!(controls(&with("Sign-in failed", "Line one\\nline\\ttwo")).is_empty());
        let esc = controls(&with("ok", "\\u001b]52;c;cHduZWQ=\\u0007"));
        assert_eq!(esc.len(), 1, "{esc:?}");
        assert!(esc[0].en.contains("summary.en") && esc[0].en.contains("U+001B"));
        let both = controls(&with("\\u202Egnp.exe", "\\u009B2J"));
        assert_eq!(both.len(), 2, "{both:?}");
        // Through the folder check that `--kb-dir` and `kb lint` use.
        let problems = lint(&[("x.toml".into(), with("\\u001b[2J", "s"))], &[]);
        assert!(
            problems.iter().any(|p| p.en.contains("U+001B")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_huge_value_is_not_echoed_by_a_toml_error() {
        // An unterminated 1 MB string, and an unknown 100 kB key.
        let text = format!("id = \"x\"\ntitle = \"{}\n", "A".repeat(1 << 20));
        let p = parse_entry("big.toml", &text).unwrap_err();
        assert!(p.en.len() < 400, "{} bytes: {}", p.en.len(), &p.en[..400]);
        assert!(
            p.en.starts_with("not a valid entry: line 2, column"),
            "{}",
            p.en
        );
        let text = format!("id = \"x\"\nunknown_{} = 1\n", "k".repeat(100_000));
        let p = parse_entry("key.toml", &text).unwrap_err();
        assert!(p.en.len() < 400 && p.ja.len() < 600, "{}", p.en);
        assert!(p.en.contains("line 2, column 1"), "{}", p.en);
        // Any other message quoting the file is cut too.
        let text = ENTRY.replace("0x80070005", &"9".repeat(1 << 20));
        let p = parse_entry("code.toml", &text).unwrap_err();
        assert!(
            p.en.chars().count() < MAX_MESSAGE_CHARS + 20,
            "{}",
            p.en.len()
        );
    }
}
