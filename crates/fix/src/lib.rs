//! m365doctor-fix: safe, journaled, undoable repairs, and evidence collection.
