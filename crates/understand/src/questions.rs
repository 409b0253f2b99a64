//! Questions for when the text leaves the answer open. Each question asks
//! about one situation of the clue vocabulary — the things the entries'
//! "how to tell" texts turn on (does it happen on other devices, does the
//! browser work, is the clock right, did the password change) — and each
//! answer counts as if the text had said it: it sets clues, which move
//! every entry through the same weights the text's clues use.
//!
//! [`select`] picks the questions whose answers are expected to separate
//! the remaining layers best (expected reduction of the entropy of the
//! layer distribution, with each entry's likely answer read from how the
//! answer would move it).

use crate::{clues, model, Engine, Understanding};

#[derive(Debug)]
pub struct Answer {
    pub id: &'static str,
    pub en: &'static str,
    pub ja: &'static str,
    /// The clues this answer sets, with their values (+1 for, −1 against;
    /// a "no" to a question about an event counts less than a "yes").
    pub sets: &'static [(&'static str, f64)],
}

#[derive(Debug)]
pub struct Question {
    pub id: &'static str,
    pub en: &'static str,
    pub ja: &'static str,
    pub answers: &'static [Answer],
}

impl Question {
    pub fn answer(&self, id: &str) -> Option<&'static Answer> {
        self.answers.iter().find(|a| a.id == id)
    }

    /// The clues the question is about.
    pub fn clues(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for a in self.answers {
            for (c, _) in a.sets {
                if !out.contains(c) {
                    out.push(c);
                }
            }
        }
        out
    }
}

/// An answer id that the question does not have (or an unknown question).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAnswer {
    pub question: String,
    pub answer: String,
}

impl std::fmt::Display for UnknownAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match find(&self.question) {
            None => write!(
                f,
                "unknown question `{}`; the questions are: {}",
                self.question,
                QUESTIONS
                    .iter()
                    .map(|q| q.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Some(q) => write!(
                f,
                "question `{}` has no answer `{}`; its answers are: {}",
                q.id,
                self.answer,
                q.answers
                    .iter()
                    .map(|a| a.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

impl std::error::Error for UnknownAnswer {}

const fn yes(sets: &'static [(&'static str, f64)]) -> Answer {
    Answer {
        id: "yes",
        en: "Yes",
        ja: "はい",
        sets,
    }
}

const fn no(sets: &'static [(&'static str, f64)]) -> Answer {
    Answer {
        id: "no",
        en: "No",
        ja: "いいえ",
        sets,
    }
}

const UNSURE: Answer = Answer {
    id: "unsure",
    en: "I don't know",
    ja: "わからない",
    sets: &[],
};

pub static QUESTIONS: &[Question] = &[
    Question {
        id: "other-devices",
        en: "Does signing in with the same account work on another device (another PC, or your phone)?",
        ja: "同じアカウントで、ほかのデバイス (別の PC やスマートフォン) ではサインインできますか?",
        answers: &[
            yes(&[("other-devices-work", 1.0)]),
            no(&[("other-devices-work", -1.0)]),
            UNSURE,
        ],
    },
    Question {
        id: "browser",
        en: "Can you sign in with the same account at https://www.office.com in a web browser?",
        ja: "同じアカウントで、Web ブラウザーから https://www.office.com にサインインできますか?",
        answers: &[
            yes(&[("browser-works", 1.0)]),
            no(&[("browser-works", -1.0)]),
            UNSURE,
        ],
    },
    Question {
        id: "clock",
        en: "Are this device's time, date and time zone right (compare them with your phone)?",
        ja: "このデバイスの時刻・日付・タイム ゾーンは正しいですか (スマートフォンの時刻と比べてください)?",
        answers: &[
            yes(&[("clock", -0.7)]),
            no(&[("clock", 1.0)]),
            UNSURE,
        ],
    },
    Question {
        id: "password-changed",
        en: "Did your password change, expire or get reset in the last few days?",
        ja: "この数日のうちに、パスワードを変更した、期限が切れた、またはリセットされたことはありますか?",
        answers: &[
            yes(&[("password-changed", 1.0)]),
            no(&[("password-changed", -0.5), ("password-expired", -0.5)]),
            UNSURE,
        ],
    },
    Question {
        id: "new-phone",
        en: "Did you recently get a new phone, or reset or lose the phone you approve sign-ins with?",
        ja: "最近、スマートフォンを機種変更・初期化・紛失しましたか (サインインの承認に使うもの)?",
        answers: &[
            yes(&[("new-phone", 1.0)]),
            no(&[("new-phone", -0.5)]),
            UNSURE,
        ],
    },
    Question {
        id: "many-users",
        en: "Do other people in your organization have the same problem?",
        ja: "組織内のほかの人にも同じ問題が起きていますか?",
        answers: &[
            yes(&[("many-users", 1.0)]),
            no(&[("many-users", -1.0)]),
            UNSURE,
        ],
    },
    Question {
        id: "network",
        en: "Which network is the device on when it fails?",
        ja: "失敗するとき、デバイスはどのネットワークにつながっていますか?",
        answers: &[
            Answer {
                id: "office",
                en: "The office network",
                ja: "社内ネットワーク",
                sets: &[("office-network", 1.0)],
            },
            Answer {
                id: "home",
                en: "Home, a hotel or a guest network",
                ja: "自宅・ホテル・ゲスト用のネットワーク",
                sets: &[("home-network", 1.0)],
            },
            Answer {
                id: "vpn",
                en: "A VPN",
                ja: "VPN",
                sets: &[("vpn", 1.0)],
            },
            UNSURE,
        ],
    },
    Question {
        id: "proxy",
        en: "Does the network use a proxy or inspect HTTPS traffic (a company proxy, Zscaler, Netskope and the like)?",
        ja: "ネットワークでプロキシや HTTPS の検査 (社内プロキシ、Zscaler、Netskope など) を使っていますか?",
        answers: &[
            yes(&[("proxy", 1.0), ("tls-inspection", 0.5)]),
            no(&[("proxy", -0.5), ("tls-inspection", -0.5)]),
            UNSURE,
        ],
    },
    Question {
        id: "after-update",
        en: "Did it start right after a Windows or Office update?",
        ja: "Windows または Office の更新 (アップデート) の直後から起きていますか?",
        answers: &[
            yes(&[("after-update", 1.0)]),
            no(&[("after-update", -0.5)]),
            UNSURE,
        ],
    },
    Question {
        id: "device-reset",
        en: "Was this device recently reset, re-imaged, repaired or replaced?",
        ja: "このデバイスは最近、初期化・再イメージ化・修理・交換されましたか?",
        answers: &[
            yes(&[("reimaged", 1.0), ("hardware-replaced", 0.5)]),
            no(&[("reimaged", -0.5), ("hardware-replaced", -0.5)]),
            UNSURE,
        ],
    },
    Question {
        id: "shared-or-virtual",
        en: "Is this a shared PC, or a virtual desktop (Citrix, Azure Virtual Desktop, Remote Desktop)?",
        ja: "共有 PC、または仮想デスクトップ (Citrix、Azure Virtual Desktop、リモート デスクトップ) ですか?",
        answers: &[
            Answer {
                id: "shared",
                en: "A shared PC",
                ja: "共有 PC",
                sets: &[("shared-pc", 1.0)],
            },
            Answer {
                id: "virtual",
                en: "A virtual desktop",
                ja: "仮想デスクトップ",
                sets: &[("vdi", 1.0)],
            },
            Answer {
                id: "neither",
                en: "Neither",
                ja: "どちらでもない",
                sets: &[("shared-pc", -0.5), ("vdi", -0.5)],
            },
            UNSURE,
        ],
    },
    Question {
        id: "account-kind",
        en: "Which kind of account are you signing in with?",
        ja: "どの種類のアカウントでサインインしていますか?",
        answers: &[
            Answer {
                id: "work",
                en: "A work or school account",
                ja: "職場または学校アカウント",
                sets: &[("work-account", 1.0), ("personal-account", -1.0)],
            },
            Answer {
                id: "personal",
                en: "A personal Microsoft account (Outlook.com, Hotmail, Microsoft 365 Personal or Family)",
                ja: "個人用 Microsoft アカウント (Outlook.com、Hotmail、Microsoft 365 Personal / Family)",
                sets: &[("personal-account", 1.0), ("work-account", -1.0)],
            },
            UNSURE,
        ],
    },
    Question {
        id: "managed-device",
        en: "Is this device managed by your organization (set up by IT, or enrolled with Company Portal)?",
        ja: "このデバイスは組織が管理していますか (IT 部門が用意した、またはポータル サイトで登録した)?",
        answers: &[
            yes(&[("personal-device", -1.0)]),
            no(&[("personal-device", 1.0)]),
            UNSURE,
        ],
    },
    Question {
        id: "what-happens",
        en: "What happens when it fails?",
        ja: "失敗するとき、どうなりますか?",
        answers: &[
            Answer {
                id: "asks-again",
                en: "It asks for the password or sign-in again and again",
                ja: "パスワードやサインインを何度も求められる",
                sets: &[("prompt-loop", 1.0)],
            },
            Answer {
                id: "hangs",
                en: "It hangs, or the sign-in window stays blank",
                ja: "固まる、またはサインイン画面が真っ白のまま",
                sets: &[("hangs", 1.0)],
            },
            Answer {
                id: "error",
                en: "It shows an error message",
                ja: "エラー メッセージが表示される",
                sets: &[("prompt-loop", -0.5), ("hangs", -0.5)],
            },
            UNSURE,
        ],
    },
];

pub fn find(id: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.id == id)
}

fn entropy(p: &[f64]) -> f64 {
    let total: f64 = p.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    p.iter()
        .filter(|&&x| x > 0.0)
        .map(|&x| {
            let q = x / total;
            -q * q.ln()
        })
        .sum()
}

/// The expected reduction of the layers' entropy if `q` were answered,
/// given the entries' probabilities `p`.
pub fn information_gain(engine: &Engine, p: &[f64], q: &Question) -> f64 {
    let layers = model::layer_probabilities(p, &engine_layers(engine, p.len()));
    let before = entropy(&layers);
    let answers: Vec<&Answer> = q.answers.iter().filter(|a| !a.sets.is_empty()).collect();
    if answers.is_empty() {
        return 0.0;
    }
    // P(answer | entry) ∝ exp(effect): an answer that would raise an entry
    // is the answer expected when that entry is right.
    let mut joint = vec![vec![0.0; p.len()]; answers.len()];
    for (k, &pk) in p.iter().enumerate() {
        if pk < 1e-6 {
            continue;
        }
        let effects: Vec<f64> = answers.iter().map(|a| engine.answer_effect(a, k)).collect();
        let max = effects.iter().copied().fold(f64::MIN, f64::max);
        let z: f64 = effects.iter().map(|e| (e - max).exp()).sum();
        for (a, e) in effects.iter().enumerate() {
            joint[a][k] = pk * (e - max).exp() / z;
        }
    }
    let mut after = 0.0;
    for row in &joint {
        let pa: f64 = row.iter().sum();
        if pa <= 0.0 {
            continue;
        }
        let layers = model::layer_probabilities(row, &engine_layers(engine, p.len()));
        after += pa * entropy(&layers);
    }
    let total: f64 = joint.iter().flatten().sum();
    before - after / total.max(1e-12)
}

fn engine_layers(engine: &Engine, n: usize) -> Vec<usize> {
    (0..n).map(|k| engine.layer_of(k)).collect()
}

/// Up to `n` questions, most informative first, leaving out those already
/// answered and those whose situation the text already states.
pub fn select(engine: &Engine, u: &Understanding, p: &[f64], n: usize) -> Vec<&'static Question> {
    let mut scored: Vec<(f64, &'static Question)> = Vec::new();
    for q in QUESTIONS {
        if u.answers.iter().any(|(id, _)| *id == q.id) {
            continue;
        }
        let stated = q
            .clues()
            .iter()
            .any(|c| u.clues.iter().any(|f| f.id == *c && f.value != 0.0));
        if stated {
            continue;
        }
        let gain = information_gain(engine, p, q);
        if gain > 0.01 {
            scored.push((gain, q));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(b.1.id)));
    scored.into_iter().take(n).map(|(_, q)| q).collect()
}

/// Every clue a question may set exists in the clue vocabulary.
pub fn unknown_clues() -> Vec<&'static str> {
    QUESTIONS
        .iter()
        .flat_map(|q| q.clues())
        .filter(|c| clues::def(c).is_none())
        .collect()
}
