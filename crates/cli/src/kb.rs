//! `m365doctor kb`: list, show, search and lint the knowledge base.

use crate::args::KbCommand;
use crate::render::{self, Style};
use m365doctor_codes::Lang;
use m365doctor_kb::json::{entry_document, list_document, search_document};
use m365doctor_kb::lint::{self, Problem};
use m365doctor_kb::{Entry, Kb, Source};
use m365doctor_text::visible;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
                m365doctor_text::json::to_writer_pretty(&mut out, &list_document(kb, lang))?;
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
                        e.title.get(lang)
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        KbCommand::Show { id, json } => match kb.get(&id) {
            Some((e, s)) => {
                if json {
                    m365doctor_text::json::to_writer_pretty(&mut out, &entry_document(e, &s))?;
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
                crate::say(lang, &en, &ja);
                Ok(ExitCode::from(1))
            }
        },
        KbCommand::Search { words, json } => {
            let query = words.join(" ");
            let hits = kb.search(&query);
            if json {
                m365doctor_text::json::to_writer_pretty(&mut out, &search_document(&query, &hits))?;
                writeln!(out)?;
            } else {
                for (e, _) in &hits {
                    writeln!(out, "{:<48} {}", e.id, e.title.get(lang))?;
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
            // The bundled base meets every rule (style and command grammar are
            // errors there); a company's folder gets warnings for those.
            let origin = if is_bundled_kb_dir(&dir) {
                lint::Origin::Bundled
            } else {
                lint::Origin::Org
            };
            let shown = visible(&dir.display().to_string()).into_owned();
            match lint::lint_dir_as(&dir, &m365doctor_kb::action_list(), origin) {
                Ok((loaded, problems)) => {
                    drop(out);
                    print_warnings(&loaded.warnings, lang);
                    print_problems(&problems, lang);
                    let n = loaded.entries.len();
                    if problems.is_empty() {
                        match lang {
                            Lang::En => println!("{shown}: {n} entries, no problems"),
                            Lang::Ja => println!("{shown}: {n} 件のエントリ、問題はありません"),
                        }
                        Ok(ExitCode::SUCCESS)
                    } else {
                        match lang {
                            Lang::En => {
                                eprintln!("{shown}: {} problems in {n} entries", problems.len())
                            }
                            Lang::Ja => eprintln!(
                                "{shown}: {n} 件のエントリに {} 件の問題があります",
                                problems.len()
                            ),
                        }
                        Ok(ExitCode::from(1))
                    }
                }
                Err(e) => {
                    crate::say(
                        lang,
                        &format!("cannot read {shown}: {e}"),
                        &format!("{shown} を読み込めません: {e}"),
                    );
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

/// Whether `dir` is the bundled `kb/` of the source tree m365doctor was built from.
fn is_bundled_kb_dir(dir: &Path) -> bool {
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../kb");
    match (bundled.canonicalize(), dir.canonicalize()) {
        (Ok(bundled), Ok(dir)) => bundled == dir,
        _ => false,
    }
}

/// The file names are a company folder's and the messages quote its files:
/// both are printed with their control characters made visible.
fn print_warnings(warnings: &[Problem], lang: Lang) {
    for p in warnings {
        let (file, en, ja) = (visible(&p.file), visible(&p.en), visible(&p.ja));
        match lang {
            Lang::En => eprintln!("warning: {file}: {en}"),
            Lang::Ja => eprintln!("警告: {file}: {ja}"),
        }
    }
}

pub fn print_problems(problems: &[Problem], lang: Lang) {
    for p in problems {
        let text = if lang == Lang::Ja { &p.ja } else { &p.en };
        eprintln!("{}: {}", visible(&p.file), visible(text));
    }
}
