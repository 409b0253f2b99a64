//! m365doctor-dsreg (being written).
