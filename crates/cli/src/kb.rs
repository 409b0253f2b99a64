//! `m365doctor kb`: list, show, search and lint the knowledge base.

use crate::args::KbCommand;
use crate::render::{self, Style};
use m365doctor_codes::Lang;
use m365doctor_kb::lint::{self, Problem};
use m365doctor_kb::{Entry, Kb, Source, ACTIONS};
use serde_json::{json, Value};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const KB_SCHEMA: &str = "m365doctor.kb/1";

pub fn run(
    command: KbCommand,
    kb: &Kb,
    kb_dir: Option<&Path>,
    lang: Lang,
    style: &Style,
) -> io::Result<ExitCode> {
    let mut out = io::stdout().lock();
    match command {
        KbCommand::List { json } => {
            let entries: Vec<(&Entry, Source)> = kb.entries().collect();
            if json {
                let doc = json!({
                    "schema": KB_SCHEMA,
                    "entries": entries.iter().map(|(e, s)| summary(e, s)).collect::<Vec<_>>(),
                    "actions": ACTIONS.iter().map(|a| json!({"id": a.id, "who": a.who, "risk": a.risk, "automated": a.automated, "title": pick(&a.title, lang)})).collect::<Vec<_>>(),
                });
                serde_json::to_writer_pretty(&mut out, &doc)?;
                writeln!(out)?;
            } else {
                for (e, s) in &entries {
                    let source = if *s == Source::Bundled {
                        String::new()
                    } else {
                        format!(" ({})", s.label())
                    };
                    writeln!(
                        out,
                        "{:<48} {:<20} {}{source}",
                        e.id,
                        e.layer,
                        pick(&e.title, lang)
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        KbCommand::Show { id, json } => match kb.get(&id) {
            Some((e, s)) => {
                if json {
                    let mut v = serde_json::to_value(e).unwrap_or(Value::Null);
                    v["source"] = s.label().into();
                    v["normalized_codes"] = normalized(e).into();
                    serde_json::to_writer_pretty(&mut out, &v)?;
                    writeln!(out)?;
                } else {
                    render::entry_block(&mut out, e, &s.label(), lang, style)?;
                }
                Ok(ExitCode::SUCCESS)
            }
            None => {
                let (en, ja) = (
                    format!("no entry with id `{id}`; `m365doctor kb list` shows them all"),
                    format!("ID `{id}` のエントリはありません。`m365doctor kb list` で一覧を表示できます"),
                );
                eprintln!("m365doctor: {}", if lang == Lang::Ja { ja } else { en });
                Ok(ExitCode::from(1))
            }
        },
        KbCommand::Search { words, json } => {
            let hits = kb.search(&words.join(" "));
            if json {
                let doc = json!({
                    "schema": KB_SCHEMA,
                    "query": words.join(" "),
                    "entries": hits.iter().map(|(e, s)| summary(e, s)).collect::<Vec<_>>(),
                });
                serde_json::to_writer_pretty(&mut out, &doc)?;
                writeln!(out)?;
            } else {
                for (e, _) in &hits {
                    writeln!(out, "{:<48} {}", e.id, pick(&e.title, lang))?;
                }
            }
            Ok(if hits.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        KbCommand::Lint { dir } => {
            let dir = dir
                .or_else(|| kb_dir.map(Path::to_path_buf))
                .unwrap_or_else(default_kb_dir);
            match lint::lint_dir(&dir, &m365doctor_kb::action_list()) {
                Ok((loaded, problems)) => {
                    drop(out);
                    print_problems(&problems, lang);
                    let n = loaded.entries.len();
                    if problems.is_empty() {
                        match lang {
                            Lang::En => println!("{}: {n} entries, no problems", dir.display()),
                            Lang::Ja => {
                                println!("{}: {n} 件のエントリ、問題はありません", dir.display())
                            }
                        }
                        Ok(ExitCode::SUCCESS)
                    } else {
                        match lang {
                            Lang::En => eprintln!(
                                "{}: {} problems in {n} entries",
                                dir.display(),
                                problems.len()
                            ),
                            Lang::Ja => eprintln!(
                                "{}: {n} 件のエントリに {} 件の問題があります",
                                dir.display(),
                                problems.len()
                            ),
                        }
                        Ok(ExitCode::from(1))
                    }
                }
                Err(e) => {
                    match lang {
                        Lang::En => eprintln!("m365doctor: cannot read {}: {e}", dir.display()),
                        Lang::Ja => {
                            eprintln!("m365doctor: {} を読み込めません: {e}", dir.display())
                        }
                    }
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}

/// `kb/` of the source tree when run from it, else `./kb`.
fn default_kb_dir() -> PathBuf {
    let built = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../kb");
    if let Ok(built) = built.canonicalize() {
        built
    } else {
        PathBuf::from("kb")
    }
}

pub fn print_problems(problems: &[Problem], lang: Lang) {
    for p in problems {
        let text = if lang == Lang::Ja { &p.ja } else { &p.en };
        eprintln!("{}: {text}", p.file);
    }
}

fn pick(t: &m365doctor_kb::model::Bi, lang: Lang) -> &str {
    if lang == Lang::Ja {
        &t.ja
    } else {
        &t.en
    }
}

fn normalized(e: &Entry) -> Vec<String> {
    e.keys
        .iter()
        .map(|k| k.trim_start_matches("office:").to_string())
        .collect()
}

fn summary(e: &Entry, s: &Source) -> Value {
    let mut langs = vec![];
    if !e.title.en.is_empty() {
        langs.push("en");
    }
    if !e.title.ja.is_empty() {
        langs.push("ja");
    }
    json!({
        "id": e.id,
        "codes": normalized(e),
        "apps": e.apps,
        "messages": e.messages.en.len() + e.messages.ja.len(),
        "layer": e.layer,
        "langs": langs,
        "actions": m365doctor_kb::entry_actions(e),
        "references": e.references,
        "source": s.label(),
    })
}
