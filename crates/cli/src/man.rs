//! `m365doctor man`: one manual page with every command and every option,
//! generated from the same definitions as `--help`. The global options are
//! described once, at the top; each command (`m365doctor fix run` too) gets
//! its synopsis, description, options and examples in the COMMANDS section,
//! so the page refers to no other page.

use crate::args::Cli;
use clap::CommandFactory;
use clap_mangen::Man;
use std::io::{self, Write};

pub fn write(out: &mut impl Write) -> io::Result<()> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let page = Man::new(cmd.clone());
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    page.render_options_section(out)?;
    writeln!(out, ".SH COMMANDS")?;
    for sub in cmd.get_subcommands() {
        command(out, sub)?;
    }
    if cmd.get_after_help().is_some() {
        page.render_extra_section(out)?;
    }
    page.render_version_section(out)
}

/// One command's part of the page, then its own commands'.
fn command(out: &mut impl Write, cmd: &clap::Command) -> io::Result<()> {
    if cmd.is_hide_set() {
        return Ok(());
    }
    let path = cmd.get_bin_name().unwrap_or_else(|| cmd.get_name());
    writeln!(out, ".SS \"{}\"", path.replace('-', "\\-"))?;
    // The global options are on the page once, at the top.
    let mut own = cmd.clone();
    let globals: Vec<clap::Id> = own
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.get_id().clone())
        .collect();
    for id in globals {
        own = own.mut_arg(id, |a| a.hide(true));
    }
    let page = Man::new(own.clone());
    let mut sections: Vec<u8> = Vec::new();
    page.render_synopsis_section(&mut sections)?;
    page.render_description_section(&mut sections)?;
    if own.get_arguments().any(|a| !a.is_hide_set()) {
        page.render_options_section(&mut sections)?;
    }
    if own.get_after_help().is_some() || own.get_after_long_help().is_some() {
        page.render_extra_section(&mut sections)?;
    }
    // The sections' own headings would end the COMMANDS section: each
    // becomes a paragraph inside this command's subsection.
    for line in String::from_utf8_lossy(&sections).lines() {
        if line.starts_with(".SH ") || line == ".SH" {
            writeln!(out, ".PP")?;
        } else {
            writeln!(out, "{line}")?;
        }
    }
    for sub in cmd.get_subcommands() {
        command(out, sub)?;
    }
    Ok(())
}
