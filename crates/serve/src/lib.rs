//! m365doctor-serve: the local web page and JSON API.
