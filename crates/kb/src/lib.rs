//! m365doctor-kb: the knowledge base. Bundled entries are compiled from
//! `kb/**/*.toml` by build.rs into statics; a company's own entries
//! (`--kb-dir`) are loaded and linted at run time and override bundled ones
//! with the same code and app context.

pub mod json;
mod labels;
pub mod lint;
pub mod model;
pub mod shell;
pub mod text;
pub mod typography;

pub use labels::{risk_label, who_label};
use m365doctor_codes::{Decoded, Interpretation, Lang};
pub use model::{Action, Bi, Entry};
use std::path::Path;

mod compiled {
    // Some types only appear once the data has entries of that shape.
    #[allow(unused_imports)]
    use crate::model::{Action, Bi, Cause, Checked, Commands, Entry, Messages, Step, Texts};
    use std::borrow::Cow;
    include!(concat!(env!("OUT_DIR"), "/kb.rs"));
}

pub use compiled::{ACTIONS, ENTRIES};

impl Bi {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }
}

impl From<&Bi> for m365doctor_codes::Message {
    fn from(t: &Bi) -> Self {
        m365doctor_codes::Message::new(t.en.as_ref(), t.ja.as_ref())
    }
}

/// Where an entry comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Bundled,
    /// A company's runbook directory.
    Org(String),
}

impl Source {
    pub fn label(&self) -> String {
        match self {
            Source::Bundled => "bundled".into(),
            Source::Org(dir) => format!("org:{dir}"),
        }
    }
}

pub fn action(id: &str) -> Option<&'static Action> {
    ACTIONS.iter().find(|a| a.id == id)
}

/// The bundled knowledge base plus, optionally, a company's own entries.
#[derive(Debug, Default)]
pub struct Kb {
    org: Vec<Entry>,
    org_dir: Option<String>,
}

impl Kb {
    pub fn bundled() -> Kb {
        Kb::default()
    }

    /// Adds the entries of `dir`, which must pass the linter.
    pub fn with_org_dir(dir: &Path) -> Result<Kb, Vec<lint::Problem>> {
        let (loaded, problems) = lint::lint_dir(dir, &action_list()).map_err(|e| {
            vec![lint::Problem {
                file: dir.display().to_string(),
                en: format!("cannot read the directory: {e}"),
                ja: format!("ディレクトリを読み込めません: {e}"),
            }]
        })?;
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Kb {
            org: loaded.entries.into_iter().map(|(_, e)| e).collect(),
            org_dir: Some(dir.display().to_string()),
        })
    }

    fn org_source(&self) -> Source {
        Source::Org(self.org_dir.clone().unwrap_or_default())
    }

    /// Every entry: the company's first, then bundled ones.
    pub fn entries(&self) -> impl Iterator<Item = (&Entry, Source)> {
        self.org
            .iter()
            .map(|e| (e, self.org_source()))
            .chain(ENTRIES.iter().map(|e| (e, Source::Bundled)))
    }

    pub fn get(&self, id: &str) -> Option<(&Entry, Source)> {
        self.entries().find(|(e, _)| e.id == id)
    }

    /// The entry for a code key (see `model::code_key`) in an app context:
    /// an entry for one of the apps beats a general one, a general one beats
    /// an entry for other apps; a company's entry beats a bundled one.
    pub fn find(&self, key: &str, apps: &[&str]) -> Option<(&Entry, Source)> {
        let fit = |e: &Entry| -> usize {
            if e.apps.iter().any(|a| apps.contains(&a.as_ref())) {
                3
            } else if e.apps.is_empty() {
                2
            } else {
                1
            }
        };
        let mut best: Option<(&Entry, Source, usize)> = None;
        for (entry, source) in self
            .entries()
            .filter(|(e, _)| e.keys.iter().any(|k| k == key))
        {
            let score = fit(entry);
            if best.as_ref().is_none_or(|(_, _, s)| score > *s) {
                best = Some((entry, source, score));
            }
        }
        best.map(|(e, s, _)| (e, s))
    }

    /// Full-text search in both languages; every word must occur somewhere.
    /// Titles and dialog texts weigh more than the rest.
    pub fn search(&self, query: &str) -> Vec<(&Entry, Source)> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(usize, &Entry, Source)> = Vec::new();
        for (entry, source) in self.entries() {
            let title =
                format!("{} {} {}", entry.id, entry.title.en, entry.title.ja).to_lowercase();
            let messages: String = entry
                .messages
                .en
                .iter()
                .chain(entry.messages.ja.iter())
                .map(|m| m.to_lowercase())
                .collect::<Vec<_>>()
                .join("\n");
            let body = body_text(entry).to_lowercase();
            let mut score = 0;
            let mut all = true;
            for w in &words {
                let s = 4 * usize::from(title.contains(w.as_str()))
                    + 3 * usize::from(messages.contains(w.as_str()))
                    + usize::from(body.contains(w.as_str()));
                if s == 0 {
                    all = false;
                    break;
                }
                score += s;
            }
            if all && !hits.iter().any(|(_, e, _)| e.id == entry.id) {
                hits.push((score, entry, source));
            }
        }
        hits.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
        hits.into_iter().map(|(_, e, s)| (e, s)).collect()
    }
}

fn body_text(e: &Entry) -> String {
    let mut parts: Vec<&str> = vec![&e.summary.en, &e.summary.ja, &e.layer];
    parts.extend(e.codes.iter().map(|c| c.as_ref()));
    parts.extend(e.keys.iter().map(|c| c.as_ref()));
    for c in e.causes.iter() {
        parts.extend([
            c.en.as_ref(),
            c.ja.as_ref(),
            c.tell.en.as_ref(),
            c.tell.ja.as_ref(),
        ]);
    }
    for s in e.steps.iter() {
        parts.extend([s.en.as_ref(), s.ja.as_ref(), s.action.as_ref()]);
    }
    parts.join("\n")
}

/// The action vocabulary as owned values (for linting a company's entries).
pub fn action_list() -> Vec<Action> {
    ACTIONS.to_vec()
}

/// The ids of the actions an entry's steps use, in order, without repeats.
pub fn entry_actions(e: &Entry) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    for s in e.steps.iter() {
        if !ids.contains(&s.action.as_ref()) {
            ids.push(&s.action);
        }
    }
    ids
}

/// A knowledge-base entry found for a code or a dialog text, with where it
/// comes from. Renderers read the entry from here; nothing looks it up again
/// by its id.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'kb> {
    pub entry: &'kb Entry,
    pub source: Source,
}

impl<'kb> Found<'kb> {
    pub fn id(&self) -> &'kb str {
        &self.entry.id
    }

    /// The ids of the actions the entry's steps use, in order, without repeats.
    pub fn actions(&self) -> Vec<&'kb str> {
        entry_actions(self.entry)
    }

    /// The layer the entry names.
    pub fn layer(&self) -> Option<m365doctor_codes::Layer> {
        m365doctor_codes::Layer::from_id(&self.entry.layer)
    }
}

/// A decoded code with the knowledge-base entry of each reading (`None`
/// where there is none) and of its sub-error: what `explain` shows.
#[derive(Debug, Clone)]
pub struct Explained<'kb> {
    pub decoded: Decoded,
    /// One per `decoded.interpretations`, in the same order.
    pub entries: Vec<Option<Found<'kb>>>,
    pub sub_error: Option<Box<Explained<'kb>>>,
}

impl Explained<'_> {
    /// Each reading with its entry.
    pub fn readings(&self) -> impl Iterator<Item = (&Interpretation, Option<&Found<'_>>)> {
        self.decoded
            .interpretations
            .iter()
            .zip(self.entries.iter().map(Option::as_ref))
    }
}

impl Kb {
    /// The knowledge-base lookup of a code's reading: the entry for its key
    /// in the app context given by the caller and by the reading itself.
    /// Every front end and report attaches entries through this one function.
    pub fn entry_for(&self, i: &Interpretation, apps: &[&str]) -> Option<Found<'_>> {
        let key = model::interpretation_key(i.kind, &i.normalized);
        // The apps the user's text or `--app` names come before the apps a
        // curated meaning was written for: 0x80070005 in a OneDrive report
        // is OneDrive's entry, though the curated row names Office.
        if !apps.is_empty() {
            if let Some((entry, source)) = self
                .entries()
                .filter(|(e, _)| e.keys.iter().any(|k| *k == key))
                .find(|(e, _)| e.apps.iter().any(|a| apps.contains(&a.as_ref())))
            {
                return Some(Found { entry, source });
            }
        }
        let mut context: Vec<&str> = apps.to_vec();
        context.extend(i.apps.iter().copied());
        self.find(&key, &context)
            .map(|(entry, source)| Found { entry, source })
    }

    /// `decoded` with the entry of each reading attached, the sub-error's too.
    pub fn explain(&self, decoded: Decoded, apps: &[&str]) -> Explained<'_> {
        let entries = decoded
            .interpretations
            .iter()
            .map(|i| self.entry_for(i, apps))
            .collect();
        let sub_error = decoded
            .sub_error
            .as_deref()
            .map(|sub| Box::new(self.explain(sub.clone(), apps)));
        Explained {
            decoded,
            entries,
            sub_error,
        }
    }
}
