//! `m365doctor serve`: the local web page and JSON API (crates/serve).

use crate::say;
use m365doctor_codes::Lang;
use m365doctor_kb::Kb;
use m365doctor_serve::Config;
use std::io;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The address and port to listen on (port 0 picks a free one)
    #[arg(long, default_value = "127.0.0.1:8765")]
    pub addr: String,
    /// Open the page in the default browser once the server is listening
    #[arg(long)]
    pub open: bool,
    /// Allow listening on an address other than loopback, so that other machines can connect
    #[arg(long)]
    pub allow_remote: bool,
    /// A host name the page may be reached under besides localhost and IP addresses (repeatable; with --allow-remote)
    #[arg(long = "allowed-host", value_name = "NAME", requires = "allow_remote")]
    pub allowed_hosts: Vec<String>,
    /// The largest request body accepted, in MiB
    #[arg(long, value_name = "MIB", default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_body: u32,
    /// Seconds allowed for one request, from the end of its headers to the answer
    #[arg(long, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3600))]
    pub timeout: u32,
}

pub fn run(args: ServeArgs, kb: Kb, lang: Lang) -> io::Result<ExitCode> {
    let Ok(addr) = args.addr.parse::<SocketAddr>() else {
        say(
            lang,
            &format!("`{}` is not an address and port such as 127.0.0.1:8765 or [::1]:8765", args.addr),
            &format!("`{}` はアドレスとポートではありません (127.0.0.1:8765 や [::1]:8765 のように指定してください)", args.addr),
        );
        return Ok(ExitCode::from(2));
    };
    let config = Config {
        lang,
        max_body: (args.max_body as usize) << 20,
        timeout: Duration::from_secs(args.timeout.into()),
        allow_remote: args.allow_remote,
        allowed_hosts: args.allowed_hosts,
        ..Config::default()
    };
    if !m365doctor_serve::is_loopback(addr.ip()) {
        if !args.allow_remote {
            say(
                lang,
                &format!("{addr} is not a loopback address: other machines could reach the page. Add --allow-remote if that is what you want"),
                &format!("{addr} はループバック アドレスではないため、ほかのマシンからページにアクセスできるようになります。意図どおりであれば --allow-remote を付けてください"),
            );
            return Ok(ExitCode::from(2));
        }
        say(
            lang,
            "warning: listening beyond this machine. Anyone who can reach this address can send text to be diagnosed and read the answers; there is no sign-in, and the traffic is plain HTTP, not encrypted (pasted logs and HAR files cross the network as they are). Use it only on a network you trust",
            "警告: このマシンの外からの接続を受け付けます。このアドレスに到達できる人は誰でも診断を依頼し、結果を読むことができます (サインインはありません)。通信は暗号化されていない HTTP のため、貼り付けたログや HAR ファイルはそのままネットワークを流れます。信頼できるネットワークでのみ使用してください",
        );
    }
    let listener = match m365doctor_serve::bind(addr, &config) {
        Ok(l) => l,
        Err(e) => {
            say(
                lang,
                &format!("cannot listen on {addr}: {e}"),
                &format!("{addr} で待ち受けできません: {e}"),
            );
            return Ok(ExitCode::from(1));
        }
    };
    let url = format!("http://{}/", listener.local_addr()?);
    say(
        lang,
        &format!("serving the page and API on {url} (Ctrl+C stops)"),
        &format!("{url} でページと API を提供しています (Ctrl+C で停止)"),
    );
    if args.open {
        if let Err(e) = open_browser(&url) {
            say(
                lang,
                &format!("cannot open a browser ({e}); open {url} yourself"),
                &format!("ブラウザーを開けません ({e})。{url} を手動で開いてください"),
            );
        }
    }
    m365doctor_serve::run(listener, kb, &config, None)?;
    Ok(ExitCode::SUCCESS)
}

fn open_browser(url: &str) -> io::Result<()> {
    let mut command = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    command
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(addr: &str, allow_remote: bool) -> ServeArgs {
        ServeArgs {
            addr: addr.into(),
            open: false,
            allow_remote,
            allowed_hosts: Vec::new(),
            max_body: 25,
            timeout: 30,
        }
    }

    #[test]
    fn refuses_bad_and_non_loopback_addresses_before_listening() {
        let code = run(args("localhost", false), Kb::bundled(), Lang::En).unwrap();
        assert_eq!(code, ExitCode::from(2));
        let code = run(args("0.0.0.0:0", false), Kb::bundled(), Lang::Ja).unwrap();
        assert_eq!(code, ExitCode::from(2));
        let config = Config::default();
        let refused = m365doctor_serve::bind("0.0.0.0:0".parse().unwrap(), &config).unwrap_err();
        assert_eq!(refused.kind(), io::ErrorKind::PermissionDenied);
        let bound = m365doctor_serve::bind("127.0.0.1:0".parse().unwrap(), &config).unwrap();
        assert!(bound.local_addr().unwrap().ip().is_loopback());
    }
}
