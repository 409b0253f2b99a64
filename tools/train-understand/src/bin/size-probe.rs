//! Size probe: a release binary that uses the knowledge base; its twin
//! `size-probe-understand` uses the text
//! understanding too. bench/understand.sh compares their sizes, which is
//! what linking m365doctor-understand adds to a binary that already has
//! the knowledge base.

fn main() {
    // The argument is a file whose text is used (or the text itself).
    let arg = std::env::args().nth(1).unwrap_or_default();
    let query = std::fs::read_to_string(&arg).unwrap_or(arg);
    let kb = m365doctor_kb::Kb::bundled();
    let hits = kb.search(&query);
    println!(
        "{} entries, {} hits",
        m365doctor_kb::ENTRIES.len(),
        hits.len()
    );
}
