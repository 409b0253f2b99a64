//! Every bundled Windows command parses in the shell it says it is for, and
//! the checker catches the mistakes that break a pasted command.

use m365doctor_kb::shell::check_windows_command;
use m365doctor_kb::ENTRIES;

#[test]
fn every_bundled_windows_command_parses_in_its_shell() {
    let mut checked = 0;
    let mut faults = Vec::new();
    for e in ENTRIES {
        for (n, s) in e.steps.iter().enumerate() {
            let Some(command) = &s.commands.windows else {
                continue;
            };
            let shell = s
                .commands
                .windows_shell
                .as_deref()
                .unwrap_or_else(|| panic!("{} step {}: no windows_shell", e.id, n + 1));
            assert!(s.run_as.is_some(), "{} step {}: no run_as", e.id, n + 1);
            checked += 1;
            for f in check_windows_command(shell, command) {
                faults.push(format!("{} step {}: {command}: {}", e.id, n + 1, f.en));
            }
        }
    }
    println!("{checked} Windows commands checked");
    assert!(checked > 200, "{checked}");
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

fn faults(shell: &str, command: &str) -> Vec<String> {
    check_windows_command(shell, command)
        .into_iter()
        .map(|f| f.en)
        .collect()
}

fn rejects(shell: &str, command: &str, needle: &str) {
    let found = faults(shell, command);
    assert!(
        found.iter().any(|f| f.contains(needle)),
        "{shell}: {command}: expected {needle:?}, got {found:?}"
    );
}

#[test]
fn good_commands_pass() {
    for (shell, command) in [
        ("either", "dsregcmd /status"),
        ("either", "cscript \"C:\\Program Files\\Microsoft Office\\Office16\\OSPP.VBS\" /dstatus"),
        ("cmd", "%localappdata%\\Microsoft\\OneDrive\\onedrive.exe /reset"),
        ("cmd", "reg export \"HKCU\\Software\\X\" \"%USERPROFILE%\\x.reg\" /y && reg delete \"HKCU\\Software\\X\" /f"),
        ("cmd", "powershell -NoProfile -Command \"Get-Service NlaSvc | Format-Table Name,Status\""),
        ("powershell", "Add-AppxPackage -Register \"$env:windir\\SystemApps\\Microsoft.AAD.BrokerPlugin_cw5n1h2txyewy\\Appxmanifest.xml\" -DisableDevelopmentMode"),
        ("powershell", "$t=Get-Date; foreach($d in 'A','B'){ if(Test-Path $d){ \"$($d)-$t\" } }"),
        ("powershell", "Write-Output 'it''s 100%'"),
        ("powershell", "[Net.ServicePointManager]::SecurityProtocol='Tls12'; try { 1 } catch {}"),
    ] {
        assert_eq!(faults(shell, command), Vec::<String>::new(), "{shell}: {command}");
    }
}

#[test]
fn the_mistakes_that_break_a_pasted_command_are_caught() {
    // Shown for PowerShell but wrapped: the outer shell expands $env:windir.
    rejects(
        "powershell",
        "powershell -NoProfile -Command \"Add-AppxPackage -Register ($env:windir + '\\x.xml')\"",
        "expands",
    );
    // cmd syntax in PowerShell.
    rejects(
        "powershell",
        "explorer.exe %localappdata%\\Microsoft",
        "%NAME%",
    );
    rejects("powershell", "reg export A B && reg delete A /f", "&&");
    rejects(
        "powershell",
        "\"C:\\Program Files\\x\\SCANPST.EXE\"",
        "call operator",
    );
    rejects("powershell", "dsregcmd /status > nul", "nul");
    // PowerShell syntax in cmd.
    rejects("cmd", "Get-Tpm", "cmdlet");
    rejects("cmd", "Rename-Item $env:LOCALAPPDATA\\x y", "cmdlet");
    rejects("cmd", "echo $env:windir", "`$…`");
    // Unbalanced quotes and brackets.
    rejects(
        "cmd",
        "findstr /i \"login %SystemRoot%\\hosts",
        "double quotes",
    );
    rejects("powershell", "Get-Item 'C:\\x", "single-quoted");
    rejects("powershell", "foreach($d in 1,2){ $d", "never closed");
    rejects("powershell", "Get-Item (1]", "closed by");
    rejects("powershell", "\"a $(Get-Date\"", "never closed");
    // A PowerShell script in cmd's -Command "…" cannot hold a double quote.
    rejects(
        "cmd",
        "powershell -Command \"Add-AppxPackage -Register \"$env:windir\\x.xml\"\"",
        "ends the argument",
    );
    // `either` means both shells read it the same way.
    rejects("either", "Get-NetConnectionProfile", "either");
    rejects("either", "findstr /i \"x\" %SystemRoot%\\hosts", "either");
    rejects("either", "w32tm /resync; w32tm /query /status", "either");
    rejects("bash", "ls", "unknown shell");
}
