//! `m365doctor diagnose`: reads files, folders or standard input, and prints
//! the diagnosis as text, a Markdown ticket or JSON. A shell over
//! m365doctor_diagnose: it prints what the loader skipped and the documents.

use crate::args::{DiagnoseArgs, Format};
use crate::{forced_encoding, say};
use m365doctor_codes::Lang;
use m365doctor_diagnose::{parse_answer, Case, Diagnoser, Limits, Loader, Options};
use m365doctor_kb::Kb;
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;

/// A Teams sign-in failure whose real cause is name resolution: the built-in example.
pub const EXAMPLE: &str = m365doctor_diagnose::EXAMPLE;

pub fn run(args: &DiagnoseArgs, kb: &Kb, lang: Lang, color: bool) -> io::Result<ExitCode> {
    let forced = match forced_encoding(args.encoding.as_deref(), lang) {
        Ok(f) => f,
        Err(code) => return Ok(code),
    };
    for t in &args.tried {
        if m365doctor_kb::action(t).is_none() {
            say(
                lang,
                &format!("unknown action `{t}` for --tried; `m365doctor kb list --json` lists the action ids"),
                &format!("--tried のアクション `{t}` は不明です。`m365doctor kb list --json` でアクション ID を確認できます"),
            );
            return Ok(ExitCode::from(2));
        }
    }
    let mut answers = Vec::new();
    for arg in &args.answer {
        match parse_answer(arg) {
            Ok((q, a)) => answers.push((q.id.to_string(), a.id.to_string())),
            Err(e) => {
                say(
                    lang,
                    &format!("--answer: {}", e.message.en),
                    &format!("--answer: {}", e.message.ja),
                );
                return Ok(ExitCode::from(2));
            }
        }
    }
    let mut loader = Loader::new(Limits::with_max_input(args.max_input), forced);
    if args.example {
        loader.add_bytes("example", EXAMPLE.as_bytes());
    } else if args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-") {
        if io::stdin().is_terminal() {
            say(
                lang,
                "paste the error text, then press Ctrl-D (Ctrl-Z and Enter on Windows)",
                "エラーの文面を貼り付けてから Ctrl-D を押してください (Windows では Ctrl-Z のあと Enter)",
            );
        }
        loader.add_reader("stdin", io::stdin().lock())?;
    }
    for path in args.paths.iter().filter(|p| p.as_os_str() != "-") {
        loader.add_path(path);
    }
    let loaded = loader.finish();
    for s in &loaded.skipped {
        say(
            lang,
            &format!("{}: {}", s.name, s.reason.en),
            &format!("{}: {}", s.name, s.reason.ja),
        );
    }
    for (path, e) in &loaded.unreadable {
        say(
            lang,
            &format!("cannot read {}: {e}", path.display()),
            &format!("{} を読み込めません: {e}", path.display()),
        );
    }
    let mut apps: Vec<String> = args.app.iter().map(|a| a.id().to_string()).collect();
    apps.dedup();
    let options = Options {
        apps,
        tried: args.tried.clone(),
        redact: !args.no_redact,
        answers,
        ..Options::default()
    };
    let diagnoser = Diagnoser::new(kb);
    let mut case = diagnoser.diagnose(&loaded.inputs, kb, &options);
    let format = if args.json { Format::Json } else { args.format };
    // Questions are asked only of a person at a terminal: never when the
    // input or the answers come from a pipe, nor for a JSON consumer.
    if !args.no_ask
        && format != Format::Json
        && !case.questions.is_empty()
        && io::stdin().is_terminal()
        && io::stderr().is_terminal()
    {
        ask(
            &mut case,
            kb,
            &diagnoser,
            &mut io::stdin().lock(),
            &mut io::stderr(),
            lang,
        )?;
    }
    let mut out = io::stdout().lock();
    match format {
        Format::Json => {
            m365doctor_text::json::to_writer_pretty(&mut out, &case.to_json(lang))?;
            writeln!(out)?;
        }
        Format::Markdown => out.write_all(case.markdown(lang).as_bytes())?,
        Format::Text => case.write_text(&mut out, lang, color)?,
    }
    out.flush()?;
    Ok(if loaded.unreadable.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// At most this many questions are asked at the terminal.
pub const ASKED_AT_MOST: usize = 3;

/// Asks the case's best question, re-ranks with the answer, and again, up
/// to [`ASKED_AT_MOST`] questions or until none is left (the case asks
/// none once its best layer is sure enough). An answer is its number or
/// its id; an empty line or end of input stops asking, an unknown answer
/// asks again. Prompts go to `prompt` (standard error), so that standard
/// output stays the report alone.
pub fn ask<'kb>(
    case: &mut Case<'kb>,
    kb: &'kb Kb,
    diagnoser: &Diagnoser,
    input: &mut impl BufRead,
    prompt: &mut impl Write,
    lang: Lang,
) -> io::Result<()> {
    let ja = lang == Lang::Ja;
    let mut asked = 0;
    while asked < ASKED_AT_MOST {
        let Some(q) = case.questions.first().copied() else {
            break;
        };
        if asked == 0 {
            writeln!(
                prompt,
                "\n{}",
                if ja {
                    "原因を絞り込むために質問します (番号を入力してください。Enter だけでスキップします)"
                } else {
                    "A few questions to narrow the cause down (type a number; Enter alone skips)"
                }
            )?;
        }
        writeln!(prompt, "\n{}", if ja { q.ja } else { q.en })?;
        for (n, a) in q.answers.iter().enumerate() {
            writeln!(prompt, "  {}. {}", n + 1, if ja { a.ja } else { a.en })?;
        }
        let answer = loop {
            write!(prompt, "> ")?;
            prompt.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                return Ok(());
            }
            let line = line.trim();
            if line.is_empty() {
                return Ok(());
            }
            let chosen = line
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| q.answers.get(i))
                .or_else(|| q.answer(line));
            match chosen {
                Some(a) => break a,
                None => writeln!(
                    prompt,
                    "{}",
                    if ja {
                        format!("1 から {} の番号を入力してください", q.answers.len())
                    } else {
                        format!("type a number from 1 to {}", q.answers.len())
                    }
                )?,
            }
        };
        // The ids come from the question itself, so they are known.
        let _ = diagnoser.answer(case, kb, q.id, answer.id);
        asked += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use m365doctor_diagnose::Input;

    fn case<'kb>(kb: &'kb Kb, d: &Diagnoser) -> Case<'kb> {
        let inputs = [Input::new("pasted", "Teamsにサインインできません。")];
        d.diagnose(&inputs, kb, &Options::default())
    }

    #[test]
    fn asks_by_number_or_id_and_re_ranks() {
        let kb = Kb::bundled();
        let d = Diagnoser::new(&kb);
        let mut c = case(&kb, &d);
        let first = c.questions[0];
        let before = c.layers.clone();
        // A wrong number is asked again; `no` by id answers the first
        // question; the next question is answered by its number.
        let mut input = io::Cursor::new(b"9\nno\n1\n".to_vec());
        let mut prompt = Vec::new();
        ask(&mut c, &kb, &d, &mut input, &mut prompt, Lang::En).unwrap();
        let prompt = String::from_utf8(prompt).unwrap();
        assert!(prompt.contains(first.en), "{prompt}");
        assert!(prompt.contains("type a number from 1 to"), "{prompt}");
        assert_eq!(c.answers[0].0.id, first.id);
        assert_eq!(c.answers[0].1.id, "no");
        assert!(c.answers.len() >= 2 || c.questions.is_empty());
        assert_ne!(c.layers, before);
    }

    #[test]
    fn an_empty_line_or_the_end_of_input_stops_asking() {
        let kb = Kb::bundled();
        let d = Diagnoser::new(&kb);
        for input in [&b"\n2\n"[..], &b""[..]] {
            let mut c = case(&kb, &d);
            let mut prompt = Vec::new();
            ask(
                &mut c,
                &kb,
                &d,
                &mut io::Cursor::new(input.to_vec()),
                &mut prompt,
                Lang::Ja,
            )
            .unwrap();
            assert!(c.answers.is_empty());
            assert!(String::from_utf8(prompt)
                .unwrap()
                .contains("原因を絞り込むために質問します"));
        }
    }

    #[test]
    fn at_most_three_questions() {
        let kb = Kb::bundled();
        let d = Diagnoser::new(&kb);
        let mut c = case(&kb, &d);
        // `unsure` leaves the ranking as it is, so questions keep coming.
        let mut input = io::Cursor::new(b"unsure\nunsure\nunsure\nunsure\nunsure\n".to_vec());
        ask(&mut c, &kb, &d, &mut input, &mut io::sink(), Lang::En).unwrap();
        assert_eq!(c.answers.len(), ASKED_AT_MOST);
        assert!(
            input.position() < input.get_ref().len() as u64,
            "stopped before the end"
        );
    }
}
