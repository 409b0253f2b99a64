//! Tables generated from upstream sources; never edit these by hand, rerun the generator
//! named in each file's first line instead.

pub mod win_errors;
