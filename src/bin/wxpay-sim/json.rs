//! Just enough JSON output for the control endpoints.

use std::fmt::Write;

pub struct Json {
    out: String,
    first: bool,
    close: char,
}

impl Json {
    pub fn object() -> Json {
        Json { out: "{".into(), first: true, close: '}' }
    }

    pub fn array() -> Json {
        Json { out: "[".into(), first: true, close: ']' }
    }

    fn comma(&mut self) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
    }

    fn key(&mut self, name: &str) {
        self.comma();
        push_str(&mut self.out, name);
        self.out.push(':');
    }

    pub fn field_str(&mut self, name: &str, value: &str) {
        self.key(name);
        push_str(&mut self.out, value);
    }

    pub fn field_num(&mut self, name: &str, value: u64) {
        self.key(name);
        let _ = write!(self.out, "{value}");
    }

    pub fn field_bool(&mut self, name: &str, value: bool) {
        self.key(name);
        self.out.push_str(if value { "true" } else { "false" });
    }

    /// `value` must already be JSON.
    pub fn field_raw(&mut self, name: &str, value: &str) {
        self.key(name);
        self.out.push_str(value);
    }

    /// `value` must already be JSON.
    pub fn item_raw(&mut self, value: &str) {
        self.comma();
        self.out.push_str(value);
    }

    pub fn finish(mut self) -> String {
        self.out.push(self.close);
        self.out
    }
}

fn push_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        let mut j = Json::object();
        j.field_str("a\"", "x\n\u{1}é");
        j.field_num("n", 3);
        let mut arr = Json::array();
        arr.item_raw(&j.finish());
        arr.item_raw("true");
        assert_eq!(arr.finish(), r#"[{"a\"":"x\n\u0001é","n":3},true]"#);
    }
}
