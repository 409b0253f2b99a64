//! The ranking model: a log-linear model over the knowledge-base entries
//! (plus one "not about signing in" candidate), whose features are the
//! retrieval scores of the entry's fields, the evidence of codes and dialog
//! texts, the app, and the clues found in the text, weighed per layer.
//!
//! ```text
//! score(entry) = w · features(entry)      P(entry) = softmax(score)
//! P(layer)     = Σ P(entry) over the layer's entries
//! P(not about signing in) = σ(v · gate features)
//! ```
//!
//! The weights are fitted by `tools/train-understand` on the corpus's
//! training split (maximum likelihood of the acceptable layers and of the
//! labelled entry, with an L2 pull towards hand-set prior values for the
//! clue-by-layer weights, so that a clue the corpus rarely shows still
//! counts as a helpdesk engineer would count it), and written to
//! `generated/weights.rs`. Everything here is pure: the trainer and the
//! library share it.

use crate::clues::{self, Kind as ClueKind, CLUES};
use m365doctor_codes::Layer;

/// Features of one (text, entry) pair with a weight shared by all entries.
pub const DENSE: &[&str] = &[
    "symptoms",
    "dialog",
    "explanation",
    "steps",
    "symptoms-abs",
    "dialog-abs",
    "explanation-abs",
    "steps-abs",
    "code-entry",
    "code-layer",
    "dialog-entry",
    "dialog-layer",
    "app-match",
    "app-mismatch",
    "entry-clues",
    "codeless-entry",
    "code-elsewhere",
    // The retrieval scores again, for texts in which a code was found: the
    // words count less (or more) when a code already speaks.
    "symptoms-abs+code",
    "dialog-abs+code",
    "explanation-abs+code",
    "steps-abs+code",
    // A symptom entry (no code of its own) when the text has a code.
    "codeless-entry+code",
];

/// Features of the "not about signing in" candidate.
pub const NONE: &[&str] = &[
    "bias",
    "sign-in-words",
    "evidence",
    "best-match",
    "length",
    "topics",
    "apps",
    "symptom-match",
];

pub fn layer_count() -> usize {
    Layer::ALL.len()
}

pub fn layer_index(layer: Layer) -> usize {
    Layer::ALL.iter().position(|l| *l == layer).unwrap_or(0)
}

/// Where each group of weights starts in the flat weight vector.
pub struct Layout;

impl Layout {
    pub fn dense() -> usize {
        0
    }
    pub fn bias() -> usize {
        DENSE.len()
    }
    pub fn clue() -> usize {
        Self::bias() + layer_count()
    }
    pub fn clue_layer(clue: usize, layer: usize) -> usize {
        Self::clue() + clue * layer_count() + layer
    }
    pub fn none() -> usize {
        Self::clue() + CLUES.len() * layer_count()
    }
    pub fn size() -> usize {
        Self::none() + NONE.len()
    }
}

/// The name of weight `i` (`symptoms`, `bias:clock`, `clue:vpn:network`, `none:bias`).
pub fn weight_name(i: usize) -> String {
    if i < Layout::bias() {
        DENSE[i].to_string()
    } else if i < Layout::clue() {
        format!("bias:{}", Layer::ALL[i - Layout::bias()].id())
    } else if i < Layout::none() {
        let j = i - Layout::clue();
        format!(
            "clue:{}:{}",
            CLUES[j / layer_count()].id,
            Layer::ALL[j % layer_count()].id()
        )
    } else {
        format!("none:{}", NONE.get(i - Layout::none()).unwrap_or(&"?"))
    }
}

/// The weights, the calibration and where they come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub weights: Vec<f64>,
    /// Platt scaling of a layer probability: σ(a · logit(p) + b).
    pub calibration: (f64, f64),
}

/// How a clue is expected to move the layers before any data is seen: the
/// prior the trained clue-by-layer weights are pulled towards, and their
/// value when the corpus has no example. Positive: the clue points at the
/// layer; negative: it speaks against it.
pub const PRIORS: &[(&str, &str, f64)] = &[
    ("clock", "clock", 3.0),
    ("tls-inspection", "proxy-tls", 2.5),
    ("proxy", "proxy-tls", 2.5),
    ("vpn", "network", 1.0),
    ("vpn", "proxy-tls", 0.5),
    ("home-network", "network", 1.0),
    ("home-network", "proxy-tls", 0.3),
    ("office-network", "network", 0.5),
    ("office-network", "device-registration", 0.5),
    ("new-phone", "mfa", 2.5),
    ("password-changed", "credential-store", 1.2),
    ("password-changed", "account-state", 0.8),
    ("password-changed", "wam-broker", 0.5),
    ("password-expired", "account-state", 2.0),
    ("after-update", "wam-broker", 0.6),
    ("after-update", "tpm", 0.5),
    ("after-update", "office-app", 0.5),
    ("shared-pc", "licensing", 0.8),
    ("shared-pc", "credential-store", 0.5),
    ("vdi", "wam-broker", 0.6),
    ("vdi", "licensing", 0.6),
    ("vdi", "credential-store", 0.5),
    ("personal-account", "credential-store", 0.5),
    ("personal-account", "account-state", 0.5),
    ("personal-device", "conditional-access", 1.5),
    ("reimaged", "device-registration", 1.2),
    ("reimaged", "tpm", 0.8),
    ("hardware-replaced", "tpm", 1.0),
    ("hardware-replaced", "device-registration", 1.0),
    ("other-devices-work", "wam-broker", 0.8),
    ("other-devices-work", "credential-store", 0.8),
    ("other-devices-work", "tpm", 0.6),
    ("other-devices-work", "device-registration", 0.6),
    ("other-devices-work", "office-app", 0.5),
    ("other-devices-work", "outlook-profile", 0.5),
    ("other-devices-work", "clock", 0.5),
    ("other-devices-work", "network", 0.3),
    ("other-devices-work", "account-state", -1.2),
    ("other-devices-work", "licensing", -0.5),
    ("other-devices-work", "service", -1.0),
    ("other-devices-work", "mfa", -0.5),
    ("other-devices-work", "federation", -0.8),
    ("other-devices-work", "app-registration", -0.5),
    ("browser-works", "wam-broker", 1.2),
    ("browser-works", "credential-store", 0.8),
    ("browser-works", "office-app", 0.6),
    ("browser-works", "outlook-profile", 0.8),
    ("browser-works", "tpm", 0.4),
    ("browser-works", "device-registration", 0.3),
    ("browser-works", "account-state", -1.5),
    ("browser-works", "mfa", -0.5),
    ("browser-works", "service", -0.8),
    ("browser-works", "federation", -1.0),
    ("browser-works", "licensing", -0.3),
    ("many-users", "service", 1.5),
    ("many-users", "federation", 1.0),
    ("many-users", "network", 0.6),
    ("many-users", "proxy-tls", 0.6),
    ("many-users", "licensing", 0.4),
    ("many-users", "app-registration", 0.4),
    ("many-users", "conditional-access", 0.4),
    ("many-users", "credential-store", -0.8),
    ("many-users", "tpm", -0.8),
    ("many-users", "wam-broker", -0.4),
    ("prompt-loop", "credential-store", 0.8),
    ("prompt-loop", "wam-broker", 0.5),
    ("prompt-loop", "mfa", 0.3),
    ("prompt-loop", "outlook-profile", 0.3),
    ("hangs", "wam-broker", 0.8),
    ("hangs", "office-app", 0.6),
    ("hangs", "network", 0.3),
    ("topic-mfa", "mfa", 2.0),
    ("topic-license", "licensing", 2.0),
    ("topic-compliance", "conditional-access", 1.5),
    ("topic-compliance", "device-registration", 0.5),
    ("topic-hello", "tpm", 2.0),
    ("topic-developer", "app-registration", 2.0),
    ("topic-federation", "federation", 2.0),
    ("topic-mail-profile", "outlook-profile", 1.5),
    ("topic-service", "service", 1.5),
    ("topic-account", "account-state", 1.5),
    ("topic-cache", "credential-store", 1.5),
    ("topic-network", "network", 1.5),
    ("topic-broker", "wam-broker", 1.5),
    ("topic-registration", "device-registration", 1.5),
    ("platform-macos", "credential-store", 0.5),
    ("platform-linux", "device-registration", 0.3),
    ("platform-linux", "wam-broker", 0.3),
    ("platform-ios", "mfa", 0.3),
    ("platform-ios", "conditional-access", 0.5),
    ("platform-android", "mfa", 0.3),
    ("platform-android", "conditional-access", 0.5),
    ("teams", "wam-broker", 0.3),
    ("outlook-classic", "outlook-profile", 0.5),
    ("azure-cli", "wam-broker", 0.3),
    ("azure-cli", "app-registration", 0.3),
    ("vscode", "wam-broker", 0.3),
    ("git-credential-manager", "credential-store", 1.0),
    ("company-portal", "device-registration", 0.8),
    ("company-portal", "conditional-access", 0.8),
    ("intune-portal", "device-registration", 1.0),
    ("authenticator", "mfa", 1.5),
    ("windows", "tpm", 0.5),
    ("windows", "device-registration", 0.5),
];

/// Dense weights with a prior of their own (the rest are pulled towards
/// zero): a code that names an entry should decide unless the words speak
/// clearly against it, as a helpdesk engineer reads a report; the corpus
/// alone, where codes and words mostly agree, would not teach that.
pub const DENSE_PRIORS: &[(&str, f64)] = &[("code-entry", 4.0), ("code-layer", 2.0)];

impl Params {
    /// The weights before training: the priors, retrieval and evidence
    /// weighed by hand. Used when the generated weights do not fit this
    /// build (a clue was added and the trainer not run yet).
    pub fn prior() -> Params {
        let mut w = vec![0.0; Layout::size()];
        for (id, layer, weight) in PRIORS {
            if let (Some(c), Some(l)) = (clues::position(id), Layer::from_id(layer)) {
                w[Layout::clue_layer(c, layer_index(l))] = *weight;
            }
        }
        let dense = [
            ("symptoms", 3.0),
            ("dialog", 2.0),
            ("explanation", 1.5),
            ("steps", 0.5),
            ("symptoms-abs", 0.5),
            ("dialog-abs", 0.5),
            ("explanation-abs", 0.3),
            ("code-entry", 4.0),
            ("code-layer", 2.0),
            ("dialog-entry", 3.0),
            ("dialog-layer", 1.0),
            ("app-match", 0.5),
            ("app-mismatch", -0.5),
            ("entry-clues", 0.5),
        ];
        for (name, v) in dense {
            if let Some(i) = DENSE.iter().position(|d| *d == name) {
                w[Layout::dense() + i] = v;
            }
        }
        let none = [
            ("bias", 1.0),
            ("sign-in-words", -2.0),
            ("evidence", -3.0),
            ("best-match", -0.5),
        ];
        for (name, v) in none {
            if let Some(i) = NONE.iter().position(|d| *d == name) {
                w[Layout::none() + i] = v;
            }
        }
        Params {
            weights: w,
            calibration: (1.0, 0.0),
        }
    }

    /// The prior weight vector (what the L2 term pulls towards).
    pub fn prior_weights() -> Vec<f64> {
        let mut w = vec![0.0; Layout::size()];
        for (id, layer, weight) in PRIORS {
            if let (Some(c), Some(l)) = (clues::position(id), Layer::from_id(layer)) {
                w[Layout::clue_layer(c, layer_index(l))] = *weight;
            }
        }
        for (name, weight) in DENSE_PRIORS {
            if let Some(i) = DENSE.iter().position(|d| d == name) {
                w[Layout::dense() + i] = *weight;
            }
        }
        w
    }

    pub fn calibrate(&self, p: f64) -> f64 {
        let p = p.clamp(1e-6, 1.0 - 1e-6);
        let (a, b) = self.calibration;
        sigmoid(a * (p / (1.0 - p)).ln() + b)
    }
}

pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// A sparse feature vector: (weight index, value).
pub type Sparse = Vec<(u32, f32)>;

/// Everything the model needs about one text: a feature vector per entry
/// (in index order) and one for the "not about signing in" candidate.
#[derive(Debug, Clone, Default)]
pub struct Features {
    pub entries: Vec<Sparse>,
    pub none: Sparse,
    /// The layer of each entry (index into `Layer::ALL`).
    pub layers: Vec<usize>,
}

impl Features {
    /// The linear scores of the entries and of the none candidate.
    pub fn scores(&self, w: &[f64]) -> (Vec<f64>, f64) {
        let dot = |f: &Sparse| {
            f.iter()
                .map(|&(i, v)| w[i as usize] * v as f64)
                .sum::<f64>()
        };
        (self.entries.iter().map(dot).collect(), dot(&self.none))
    }
}

/// Softmax over the entries and the none candidate: (entries, none).
pub fn softmax(scores: &[f64], none: f64) -> (Vec<f64>, f64) {
    let max = scores.iter().copied().fold(none, f64::max);
    let exps: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
    let none_exp = (none - max).exp();
    let total: f64 = exps.iter().sum::<f64>() + none_exp;
    (exps.iter().map(|e| e / total).collect(), none_exp / total)
}

/// The entries' probabilities given that the text is about signing in
/// (they sum to 1), and the probability that it is not.
pub fn predict(scores: &[f64], none: f64) -> (Vec<f64>, f64) {
    let (p, _) = softmax(scores, f64::NEG_INFINITY);
    (p, sigmoid(none))
}

/// Layer probabilities from entry probabilities.
pub fn layer_probabilities(p: &[f64], layers: &[usize]) -> Vec<f64> {
    let mut out = vec![0.0; layer_count()];
    for (pe, &l) in p.iter().zip(layers) {
        out[l] += pe;
    }
    out
}

/// One training example: the features of a text and what is right.
#[derive(Debug, Clone)]
pub struct Example {
    pub features: Features,
    /// Acceptable layers (empty: not about signing in).
    pub layers: Vec<usize>,
    /// The labelled entry (index), if any.
    pub entry: Option<usize>,
}

/// How the training objective is weighed.
#[derive(Debug, Clone, Copy)]
pub struct Objective {
    /// Weight of the entry's log-likelihood next to the layer's.
    pub entry: f64,
    /// L2 strength towards the prior for clue-by-layer weights.
    pub l2_clue: f64,
    /// L2 strength towards zero for every other weight.
    pub l2: f64,
    /// L2 strength of the "not about signing in" gate.
    pub l2_gate: f64,
}

/// The objective of the ranking (mean negative log-likelihood of the
/// sign-in examples plus the L2 terms) and its gradient. The none
/// candidate's weights are not touched here: see [`fit_gate`].
pub fn loss_and_gradient(
    examples: &[Example],
    w: &[f64],
    prior: &[f64],
    objective: Objective,
) -> (f64, Vec<f64>) {
    let mut grad = vec![0.0; w.len()];
    let mut loss = 0.0;
    let sign_in: Vec<&Example> = examples.iter().filter(|e| !e.layers.is_empty()).collect();
    let n = sign_in.len().max(1) as f64;
    for ex in sign_in {
        let (scores, _) = ex.features.scores(w);
        let (p, _) = softmax(&scores, f64::NEG_INFINITY);
        // Target distribution over entries for the layer term: the model's
        // own probabilities restricted to the acceptable layers.
        let mut target = vec![0.0; p.len()];
        let mass: f64 = p
            .iter()
            .zip(&ex.features.layers)
            .filter(|(_, l)| ex.layers.contains(l))
            .map(|(pe, _)| pe)
            .sum();
        loss -= mass.max(1e-12).ln();
        if mass > 0.0 {
            for (k, (pe, l)) in p.iter().zip(&ex.features.layers).enumerate() {
                if ex.layers.contains(l) {
                    target[k] = pe / mass;
                }
            }
        }
        if let Some(e) = ex.entry {
            loss -= objective.entry * p[e].max(1e-12).ln();
            target[e] += objective.entry;
        }
        let total_target: f64 = target.iter().sum();
        // d(-Σ log) / d score_k = total_target · p_k − target_k
        for (k, f) in ex.features.entries.iter().enumerate() {
            let g = total_target * p[k] - target[k];
            if g.abs() < 1e-12 {
                continue;
            }
            for &(i, v) in f {
                grad[i as usize] += g * v as f64 / n;
            }
        }
    }
    loss /= n;
    let clue_range = Layout::clue()..Layout::none();
    for i in 0..Layout::none() {
        let (strength, centre) = if clue_range.contains(&i) || prior[i] != 0.0 {
            (objective.l2_clue, prior[i])
        } else {
            (objective.l2, 0.0)
        };
        let d = w[i] - centre;
        loss += 0.5 * strength * d * d;
        grad[i] += strength * d;
    }
    (loss, grad)
}

/// Fits the "not about signing in" gate, P(none) = σ(w · g), by logistic
/// regression (Newton's method, L2 towards zero) on every example, and
/// writes its weights into `w`.
pub fn fit_gate(examples: &[Example], w: &mut [f64], l2: f64) {
    let dims = NONE.len();
    let rows: Vec<(Vec<f64>, f64)> = examples
        .iter()
        .map(|ex| {
            let mut x = vec![0.0; dims];
            for &(i, v) in &ex.features.none {
                x[i as usize - Layout::none()] = v as f64;
            }
            (x, if ex.layers.is_empty() { 1.0 } else { 0.0 })
        })
        .collect();
    // Not reweighted: saying "not about signing in" to a sign-in problem
    // costs more than answering a question that was not one.
    let weight_pos = 1.0;
    let mut beta = vec![0.0; dims];
    for _ in 0..50 {
        let mut g = vec![0.0; dims];
        let mut h = vec![vec![0.0; dims]; dims];
        for (x, y) in &rows {
            let z: f64 = x.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let q = sigmoid(z);
            let c = if *y > 0.5 { weight_pos } else { 1.0 };
            for i in 0..dims {
                g[i] += c * (q - y) * x[i];
                for j in 0..dims {
                    h[i][j] += c * q * (1.0 - q) * x[i] * x[j];
                }
            }
        }
        for i in 0..dims {
            g[i] += l2 * beta[i];
            h[i][i] += l2 + 1e-9;
        }
        let step = solve(h, g);
        let mut moved = 0.0;
        for i in 0..dims {
            beta[i] -= step[i];
            moved += step[i].abs();
        }
        if moved < 1e-10 {
            break;
        }
    }
    for (i, b) in beta.iter().enumerate() {
        w[Layout::none() + i] = *b;
    }
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let d = a[col][col];
        if d.abs() < 1e-15 {
            continue;
        }
        for row in col + 1..n {
            let f = a[row][col] / d;
            let (upper, lower) = a.split_at_mut(row);
            for (x, y) in lower[0][col..].iter_mut().zip(&upper[col][col..]) {
                *x -= f * y;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let s: f64 = (row + 1..n).map(|k| a[row][k] * x[k]).sum();
        x[row] = if a[row][row].abs() < 1e-15 {
            0.0
        } else {
            (b[row] - s) / a[row][row]
        };
    }
    x
}

/// Fits the weights with Adam from `start`, a fixed number of steps (the
/// result is the same on every run).
pub fn fit(examples: &[Example], start: &[f64], objective: Objective, steps: usize) -> Vec<f64> {
    let prior = Params::prior_weights();
    let mut w = start.to_vec();
    let mut m = vec![0.0; w.len()];
    let mut v = vec![0.0; w.len()];
    let (b1, b2, eps) = (0.9f64, 0.999f64, 1e-8);
    for t in 1..=steps {
        // A learning rate that decays, so the last steps settle.
        let lr = 0.05 / (1.0 + t as f64 / 300.0);
        let (_, g) = loss_and_gradient(examples, &w, &prior, objective);
        for i in 0..w.len() {
            m[i] = b1 * m[i] + (1.0 - b1) * g[i];
            v[i] = b2 * v[i] + (1.0 - b2) * g[i] * g[i];
            let mh = m[i] / (1.0 - b1.powi(t as i32));
            let vh = v[i] / (1.0 - b2.powi(t as i32));
            w[i] -= lr * mh / (vh.sqrt() + eps);
        }
    }
    fit_gate(examples, &mut w, objective.l2_gate);
    w
}

/// Platt scaling fitted on (probability, right?) pairs: (a, b) of
/// σ(a · logit(p) + b), by Newton's method on the log-likelihood.
pub fn fit_platt(points: &[(f64, bool)]) -> (f64, f64) {
    let (mut a, mut b) = (1.0f64, 0.0f64);
    // Targets smoothed as Platt recommends, so that a perfect separation
    // does not send the slope to infinity.
    let pos = points.iter().filter(|p| p.1).count() as f64;
    let neg = points.len() as f64 - pos;
    let hi = (pos + 1.0) / (pos + 2.0);
    let lo = 1.0 / (neg + 2.0);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for &(p, right) in points {
            let p = p.clamp(1e-6, 1.0 - 1e-6);
            let x = (p / (1.0 - p)).ln();
            let q = sigmoid(a * x + b);
            let y = if right { hi } else { lo };
            let d = q - y;
            ga += d * x;
            gb += d;
            let s = q * (1.0 - q);
            haa += s * x * x;
            hab += s * x;
            hbb += s;
        }
        haa += 1e-6;
        hbb += 1e-6;
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() + db.abs() < 1e-10 {
            break;
        }
    }
    (a, b)
}

/// Whether a clue takes part in the clue-by-layer weights (the sign-in
/// detector only feeds the none candidate).
pub fn layered(clue: &clues::ClueDef) -> bool {
    clue.id != "about-sign-in"
}

/// The kind of every clue, for documentation and tests.
pub fn clue_kinds() -> Vec<(&'static str, ClueKind)> {
    CLUES.iter().map(|c| (c.id, c.kind)).collect()
}
