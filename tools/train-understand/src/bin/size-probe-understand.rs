//! Size probe with the text understanding linked in (see size-probe.rs).

fn main() {
    // The argument is a file whose text is used (or the text itself).
    let arg = std::env::args().nth(1).unwrap_or_default();
    let query = std::fs::read_to_string(&arg).unwrap_or(arg);
    let kb = m365doctor_kb::Kb::bundled();
    let hits = kb.search(&query);
    let u = m365doctor_understand::Engine::bundled()
        .understand(&m365doctor_understand::Query::text(&query));
    println!(
        "{} entries, {} hits, {:?}",
        m365doctor_kb::ENTRIES.len(),
        hits.len(),
        u.top_layer().map(|l| l.layer.id())
    );
}
