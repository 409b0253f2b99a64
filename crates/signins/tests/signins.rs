//! Integration tests of m365doctor-signins: every input shape and quirk,
//! every analysis on planted incidents, bad input, and the outputs.
//! One test binary with modules (link time matters on two cores).

mod signins {
    pub mod bad_input;
    pub mod common;
    pub mod incidents;
    pub mod outputs;
    pub mod shapes;
}
