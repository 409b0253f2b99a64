//! Lines of a text by number, in constant time: evidence quotes the line of
//! every hit, and re-reading the text from the top for each one made a
//! diagnosis quadratic in the number of hits.

/// The start of every line of a text, numbered from 1 as `str::lines` counts them.
pub(crate) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines { text, starts }
    }

    /// Line `n` (from 1) without its line end and surrounding white space;
    /// empty past the end.
    pub(crate) fn get(&self, n: usize) -> &'a str {
        let n = n.max(1);
        let Some(&start) = self.starts.get(n - 1) else {
            return "";
        };
        if start >= self.text.len() {
            return "";
        }
        let end = self.starts.get(n).map_or(self.text.len(), |next| next - 1);
        self.text[start..end].trim()
    }

    /// The number (from 1) of the line holding byte `offset`.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_lines_as_str_lines() {
        for text in [
            "",
            "one",
            "one\n",
            "one\r\ntwo\r\n\r\nfour",
            "\n\nthree\n",
            "  padded  \nlast\r",
            "日本語\nの行",
        ] {
            let lines = Lines::new(text);
            let expected: Vec<&str> = text.lines().map(str::trim).collect();
            for (i, want) in expected.iter().enumerate() {
                assert_eq!(lines.get(i + 1), *want, "{text:?} line {}", i + 1);
            }
            assert_eq!(lines.get(expected.len() + 1), "", "{text:?} past the end");
            assert_eq!(lines.get(0), expected.first().copied().unwrap_or(""));
        }
        let text = "one\ntwo\n\nfour";
        let lines = Lines::new(text);
        for (offset, line) in [(0, 1), (3, 1), (4, 2), (8, 3), (9, 4), (12, 4)] {
            assert_eq!(lines.line_of(offset), line, "offset {offset}");
        }
    }
}
