//! Undo: every step the run began, last first, by the undo its plan
//! gives (or the value journaled just before it), each journaled.

use super::{read_journal, Record, Refused, Report, RunState, Runner};
use crate::plan::{Op, Undo};
use crate::t;
use crate::text::Text;

impl Runner<'_> {
    /// Reverses every step the run began, last first, and journals it.
    /// Refused (status `refused`, nothing changed) where the run's action
    /// does not run or when its journal is damaged.
    pub fn undo(&self, state: &RunState) -> Report {
        let refused = |status: &str, why: Vec<Text>| Report {
            run: state.id.clone(),
            dir: state.dir.clone(),
            status: status.into(),
            steps: Vec::new(),
            checks: Vec::new(),
            notes: why,
        };
        let why = self.cannot_resolve(state);
        if !why.is_empty() {
            return refused("refused", why);
        }
        let _lock = match self.lock(&state.id) {
            Ok(l) => l,
            Err(Refused(why)) => return refused("busy", why),
        };
        // What the journal says now, under the lock.
        let state = match read_journal(self.host, &state.dir) {
            Ok(s) => s,
            Err(e) => {
                return refused(
                    "refused",
                    vec![t!(
                        "The journal of run {} cannot be read now ({e}); nothing was changed.",
                        "実行 {} のジャーナルを現在読み取れません ({e})。何も変更していません。",
                        state.id
                    )],
                )
            }
        };
        let why = self.cannot_resolve(&state);
        if !why.is_empty() {
            return refused("refused", why);
        }
        self.undo_steps(&state)
    }

    pub(super) fn undo_steps(&self, state: &RunState) -> Report {
        let mut report = Report {
            run: state.id.clone(),
            dir: state.dir.clone(),
            status: "undo-unfinished".into(),
            steps: Vec::new(),
            checks: Vec::new(),
            notes: Vec::new(),
        };
        if state.undo_finished == Some(true) {
            report.status = state.status().into();
            report.notes.push(t!(
                "This run was already undone.",
                "この実行はすでに元に戻されています。"
            ));
            report.notes.extend(
                state
                    .irreversible()
                    .into_iter()
                    .map(|i| not_undone(state, i)),
            );
            return report;
        }
        let mut ok = true;
        for (i, step) in state.plan.steps.iter().enumerate().rev() {
            if !state.begun.contains(&i) || state.undone.contains(&i) {
                continue;
            }
            if let Some(why) = self.not_created_here(state, i, &step.op) {
                report.notes.push(why.clone());
                if self
                    .journal(&state.dir, &Record::UndoSkipped { step: i, why })
                    .is_err()
                {
                    return report;
                }
                continue;
            }
            let restore = match (&step.op, &step.undo) {
                (Op::RegSetString { key, name, .. }, Undo::Restore { .. }) => {
                    match state.previous.get(&i) {
                        Some(Some(data)) => Some(Op::RegSetString {
                            key: key.clone(),
                            name: name.clone(),
                            data: data.clone(),
                        }),
                        Some(None) => Some(Op::RegDeleteValue {
                            key: key.clone(),
                            name: name.clone(),
                        }),
                        // The value is read and journaled before it is
                        // set: without that record nothing was set.
                        None => None,
                    }
                }
                (_, Undo::Restore { op }) => Some(op.clone()),
                _ => None,
            };
            let undo = match (&step.undo, restore) {
                (Undo::Restore { .. }, None) => Undo::NotNeeded {
                    why: t!(
                        "The step had not changed anything yet.",
                        "この手順はまだ何も変更していませんでした。"
                    ),
                },
                (Undo::Restore { .. }, Some(op)) => Undo::Restore { op },
                (other, _) => other.clone(),
            };
            match &undo {
                Undo::Restore { op } => {
                    if self
                        .journal(
                            &state.dir,
                            &Record::UndoBegin {
                                step: i,
                                time: self.now(),
                            },
                        )
                        .is_err()
                    {
                        return report;
                    }
                    // A backup file is imported only when it holds nothing
                    // but what the action changes (it lies in a folder the
                    // user can write to).
                    let applied = match super::trust::reg_file_outside(self.host, &state.action, op)
                    {
                        Some(why) => Err(std::io::Error::other(why)),
                        None => self.apply(op),
                    };
                    match applied {
                        Ok(detail) => {
                            let label = undo_label(&step.does);
                            report.steps.push((label, Ok(detail.clone())));
                            if self
                                .journal(
                                    &state.dir,
                                    &Record::UndoDone {
                                        step: i,
                                        time: self.now(),
                                        detail,
                                    },
                                )
                                .is_err()
                            {
                                return report;
                            }
                        }
                        Err(e) => {
                            ok = false;
                            let label = undo_label(&step.does);
                            report.steps.push((label, Err(e.to_string())));
                            let _ = self.journal(
                                &state.dir,
                                &Record::UndoFailed {
                                    step: i,
                                    time: self.now(),
                                    error: e.to_string(),
                                },
                            );
                        }
                    }
                }
                Undo::NotNeeded { why } | Undo::Impossible { why } => {
                    if state.irreversible().contains(&i) {
                        report.notes.push(not_undone(state, i));
                    }
                    if self
                        .journal(
                            &state.dir,
                            &Record::UndoSkipped {
                                step: i,
                                why: why.clone(),
                            },
                        )
                        .is_err()
                    {
                        return report;
                    }
                }
            }
        }
        if self
            .journal(
                &state.dir,
                &Record::UndoFinished {
                    time: self.now(),
                    ok,
                },
            )
            .is_ok()
        {
            report.status = if !ok {
                "undo-failed"
            } else if state.irreversible().is_empty() {
                "undone"
            } else {
                "undone-partially"
            }
            .into();
        }
        report
    }

    /// Why the undo of a creating step must not run: the run did not
    /// create the key (the step failed, or the key it found was not empty).
    fn not_created_here(&self, state: &RunState, i: usize, op: &Op) -> Option<Text> {
        let Op::RegCreateKey { key } = op else {
            return None;
        };
        // Ours: the journal says the key was absent just before this step
        // (journals of the first version: the step is done).
        let ours = (state.previous.contains_key(&i) && !state.failed_steps.contains(&i))
            || state.done.contains(&i);
        if !ours && self.key_exists(key).ok() == Some(false) {
            return None;
        }
        (!ours).then(|| {
            t!(
                "Kept {key}: this run did not create it.",
                "{key} はこの実行で作成したものではないため、そのまま残しました。"
            )
        })
    }
}

/// Names a change no undo gives back, and why.
fn not_undone(state: &RunState, step: usize) -> Text {
    let s = &state.plan.steps[step];
    let why = match &s.undo {
        Undo::Impossible { why } | Undo::NotNeeded { why } => why.clone(),
        Undo::Restore { .. } => Text::default(),
    };
    Text::new(
        format!("Not undone: {} — {}", s.does.en, why.en),
        format!("元に戻せない変更: {} — {}", s.does.ja, why.ja),
    )
}

fn undo_label(does: &Text) -> Text {
    Text::new(
        format!("Undo: {}", does.en),
        format!("元に戻す: {}", does.ja),
    )
}
