//! bindings/shortcuts.tsv, the named endpoint methods of the three wrappers,
//! names only endpoints of the core's table.

use wxpay::endpoints::{self, BodyKind, Match};

#[test]
fn every_shortcut_is_an_endpoint_of_the_table() {
    let list = include_str!("../bindings/shortcuts.tsv");
    let mut paths = Vec::new();
    for line in list.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let columns: Vec<&str> = line.split('\t').collect();
        assert_eq!(columns.len(), 4, "path and three method names: {line:?}");
        let path = columns[0];
        let found = endpoints::lookup(path).unwrap();
        assert_eq!(found.matched, Match::Exact, "{path} is not in the endpoint table");
        let download = path.starts_with("pay/download");
        let kind = if download { BodyKind::Bytes } else { BodyKind::Xml };
        assert_eq!(found.endpoint.body, kind, "{path}");
        paths.push(path);
    }
    assert_eq!(paths.len(), 32);
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), 32, "a path is listed twice");
}
