use super::*;

/// A fresh folder for one test, removed at the end.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Dir {
        let dir =
            std::env::temp_dir().join(format!("m365doctor-walk-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn names(&self, walk: &Walk) -> Vec<String> {
        walk.files
            .iter()
            .map(|f| f.path.strip_prefix(&self.0).unwrap().display().to_string())
            .collect()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(unix)]
fn link(target: &str, at: &Path) {
    std::os::unix::fs::symlink(target, at).unwrap();
}

#[cfg(unix)]
fn mkfifo(at: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(at)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn files_in_order_and_errors_one_by_one() {
    let d = Dir::new("order");
    d.write("b/2.log", "xy");
    d.write("a.log", "x");
    let missing = d.0.join("missing.log");
    let w = walk(&[d.0.clone(), missing.clone()]);
    assert_eq!(d.names(&w), ["a.log", "b/2.log"]);
    assert_eq!(w.total_bytes(), 3);
    assert_eq!(w.skipped.len(), 1);
    assert_eq!(w.skipped[0].path, missing);
    assert!(matches!(w.skipped[0].reason, Reason::Unreadable(_)));
    assert!(w.has_errors());
}

#[cfg(unix)]
#[test]
fn links_to_the_folder_itself_or_above_are_loops_walked_once() {
    let d = Dir::new("loops");
    d.write("a.log", "Error code: 0xCAA70004");
    link(".", &d.0.join("s1"));
    link(".", &d.0.join("s2"));
    let w = walk(&[&d.0]);
    // Before: the file was found once per path through the links, and two
    // links made the walk exponential.
    assert_eq!(d.names(&w), ["a.log"]);
    let loops: Vec<_> = w
        .skipped
        .iter()
        .filter(|s| matches!(&s.reason, Reason::Loop { to } if *to == d.0))
        .map(|s| s.path.file_name().unwrap().to_owned())
        .collect();
    assert_eq!(loops, ["s1", "s2"]);
    assert!(!w.has_errors(), "a loop is skipped on purpose");
    assert!(w.skipped[0].message().en.contains("not followed"));

    // A link to the parent: the walk reaches this folder again and stops there.
    let inner = d.0.join("inner");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(inner.join("b.log"), "x").unwrap();
    link("..", &inner.join("up"));
    let w = walk(&[&inner]);
    assert_eq!(w.files.len(), 2, "{:?}", w.files);
    assert!(w
        .skipped
        .iter()
        .any(|s| matches!(&s.reason, Reason::Loop { to } if *to == inner)));
}

#[cfg(unix)]
#[test]
fn chains_of_links_that_never_end_and_broken_links() {
    let d = Dir::new("chains");
    d.write("a.log", "x");
    link("b", &d.0.join("c"));
    link("c", &d.0.join("b"));
    link("nowhere.log", &d.0.join("dangling.log"));
    d.write("z.log", "z");
    let w = walk(&[&d.0]);
    assert_eq!(d.names(&w), ["a.log", "z.log"], "the rest is read");
    let reasons: Vec<(String, bool)> = w
        .skipped
        .iter()
        .map(|s| {
            (
                s.path.file_name().unwrap().to_string_lossy().into_owned(),
                s.reason.is_error(),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            ("b".to_string(), false),
            ("c".to_string(), false),
            ("dangling.log".to_string(), true)
        ]
    );
    assert!(matches!(w.skipped[2].reason, Reason::BrokenLink));
}

#[cfg(unix)]
#[test]
fn pipes_sockets_and_devices_in_a_folder_are_named_never_opened() {
    let d = Dir::new("special");
    d.write("a.log", "x");
    mkfifo(&d.0.join("pipe"));
    let _socket = std::os::unix::net::UnixListener::bind(d.0.join("sock")).unwrap();
    link("/dev/zero", &d.0.join("zero.log"));
    let w = walk(&[&d.0]);
    assert_eq!(d.names(&w), ["a.log"]);
    let kinds: Vec<_> = w
        .skipped
        .iter()
        .map(|s| match s.reason {
            Reason::Special(k) => k,
            _ => panic!("{s:?}"),
        })
        .collect();
    assert_eq!(kinds, [Special::Fifo, Special::Socket, Special::Device]);
    assert!(!w.has_errors());
    assert!(w.skipped[0].message().ja.contains("FIFO"));

    // Named on its own, a pipe is read (`<(command)`); a device is not.
    let w = walk(&[d.0.join("pipe"), d.0.join("zero.log")]);
    assert_eq!(w.files.len(), 1);
    assert!(w.files[0].pipe);
    assert!(matches!(
        w.skipped[0].reason,
        Reason::Special(Special::Device)
    ));
}

#[cfg(unix)]
#[test]
fn a_file_replaced_by_a_fifo_after_the_walk_is_refused_without_waiting() {
    let d = Dir::new("swap");
    let path = d.write("a.log", "x");
    let w = walk(&[&d.0]);
    std::fs::remove_file(&path).unwrap();
    mkfifo(&path);
    // No writer: a blocking open would wait for ever.
    match open(&w.files[0].path, w.files[0].pipe) {
        Err(Reason::Special(Special::Fifo)) => {}
        other => panic!("{other:?}"),
    }
    let dev = open(Path::new("/dev/zero"), false);
    assert!(matches!(dev, Err(Reason::Special(Special::Device))));
    assert!(open(&d.write("b.log", "y"), false).is_ok());
}

#[cfg(unix)]
#[test]
fn the_same_file_by_two_paths_is_read_once() {
    let d = Dir::new("dups");
    d.write("app-1.log", "x");
    link("app-1.log", &d.0.join("current.log"));
    std::fs::create_dir(d.0.join("sub")).unwrap();
    link("sub", &d.0.join("sub-link"));
    let w = walk(&[&d.0]);
    assert_eq!(d.names(&w), ["app-1.log"]);
    assert!(w
        .skipped
        .iter()
        .all(|s| matches!(s.reason, Reason::Duplicate { .. })));
    assert_eq!(w.skipped.len(), 2);
}

#[cfg(unix)]
#[test]
fn an_unreadable_folder_is_named_and_the_rest_read() {
    use std::os::unix::fs::PermissionsExt;
    let d = Dir::new("noperm");
    d.write("a.log", "x");
    d.write("locked/b.log", "y");
    d.write("z.log", "z");
    let locked = d.0.join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable_anyway = std::fs::read_dir(&locked).is_ok(); // root reads everything
    let w = walk(&[&d.0]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    if readable_anyway {
        return;
    }
    assert_eq!(d.names(&w), ["a.log", "z.log"]);
    assert_eq!(w.skipped.len(), 1);
    assert_eq!(w.skipped[0].path, locked);
    assert!(w.has_errors());
}

#[test]
fn only_wanted_files_are_looked_at() {
    let d = Dir::new("wanted");
    d.write("a.toml", "x");
    d.write("b.txt", "x");
    d.write("sub/c.toml", "x");
    let w = walk_matching(&[&d.0], |p| p.extension().is_some_and(|e| e == "toml"));
    assert_eq!(d.names(&w), ["a.toml", "sub/c.toml"]);
    #[cfg(unix)]
    {
        mkfifo(&d.0.join("pipe.txt"));
        mkfifo(&d.0.join("pipe.toml"));
        let w = walk_matching(&[&d.0], |p| p.extension().is_some_and(|e| e == "toml"));
        assert_eq!(w.skipped.len(), 1, "{:?}", w.skipped);
        assert!(w.skipped[0].path.ends_with("pipe.toml"));
    }
}

#[test]
fn reads_stop_at_the_limit_and_say_so() {
    let data = b"0123456789";
    assert_eq!(
        read_at_most(Vec::new(), &data[..], 20).unwrap(),
        (data.to_vec(), false)
    );
    assert_eq!(
        read_at_most(Vec::new(), &data[..], 10).unwrap(),
        (data.to_vec(), false)
    );
    assert_eq!(
        read_at_most(Vec::new(), &data[..], 4).unwrap(),
        (b"0123".to_vec(), true)
    );
    // With a head already read, longer than the limit.
    assert_eq!(
        read_at_most(b"abcdef".to_vec(), &data[..0], 4).unwrap(),
        (b"abcd".to_vec(), true)
    );
    assert_eq!(
        read_at_most(b"ab".to_vec(), &data[..], 5).unwrap(),
        (b"ab012".to_vec(), true)
    );
    // A stream that never ends is read no further than the limit.
    let (bytes, more) = read_at_most(Vec::new(), io::repeat(b'x'), 1 << 16).unwrap();
    assert_eq!((bytes.len(), more), (1 << 16, true));
}
