//! Bills from `pay/downloadbill` and `pay/downloadfundflow`: WeChat's CSV in
//! which every data cell starts with a backtick (so that spreadsheets keep
//! long numbers as text).
//!
//! Shape: a header line of column names, data rows, then a summary header
//! and one summary row. The header lines carry no backticks; data rows do,
//! which is how the summary header is told from a row.

use std::io::Read;

use flate2::read::GzDecoder;

use crate::error::{Error, ErrorKind, Result, truncate};

/// Column names and rows of cells, each row as long as `columns`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The rows as records: pairs of column name and cell.
    pub fn records(&self) -> impl Iterator<Item = Vec<(&str, &str)>> {
        self.rows.iter().map(|r| self.columns.iter().map(String::as_str).zip(r.iter().map(String::as_str)).collect())
    }
}

/// A parsed bill: the transactions (or fund flows) and the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bill {
    pub rows: Table,
    /// Usually one row of totals.
    pub summary: Table,
}

/// Parses a bill, gunzipping it first if it is gzip, within `max_size`
/// bytes of text.
///
/// Errors: [`ErrorKind::ResponseInvalid`] for text that is not a bill (no
/// header, a row whose cell count differs from its header's, not UTF-8, a
/// damaged gzip stream); [`ErrorKind::ResponseTooLarge`] over `max_size`.
pub fn parse(body: &[u8], max_size: usize) -> Result<Bill> {
    let unzipped;
    let body = if body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        GzDecoder::new(body)
            .take(max_size as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| invalid(format!("the gzip bill is damaged: {e}")))?;
        unzipped = out;
        unzipped.as_slice()
    } else {
        body
    };
    if body.len() > max_size {
        return Err(Error::new(ErrorKind::ResponseTooLarge, format!("the bill is over the limit of {max_size} bytes")));
    }
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let text = std::str::from_utf8(body)
        .map_err(|e| invalid(format!("the bill is not UTF-8 text (at byte {})", e.valid_up_to())))?;
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r')).enumerate().filter(|(_, l)| !l.trim().is_empty());

    let (_, header) = lines.next().ok_or_else(|| invalid("the bill is empty".into()))?;
    if header.starts_with('`') {
        return Err(invalid("the bill's first line is a data row, not a header".into()));
    }
    let mut bill = Bill { rows: Table { columns: split_header(header), rows: Vec::new() }, summary: Table::default() };
    let mut in_summary = false;
    for (n, line) in lines {
        if !line.starts_with('`') {
            if in_summary {
                return Err(invalid(format!("line {}: a third header line", n + 1)));
            }
            in_summary = true;
            bill.summary.columns = split_header(line);
            continue;
        }
        let table = if in_summary { &mut bill.summary } else { &mut bill.rows };
        let cells = split_row(line);
        if cells.len() != table.columns.len() {
            return Err(invalid(format!(
                "line {}: {} cells under a header of {} columns",
                n + 1,
                cells.len(),
                table.columns.len()
            )));
        }
        table.rows.push(cells);
    }
    if !in_summary || bill.summary.rows.is_empty() {
        return Err(invalid("the bill has no summary (it may be truncated)".into()));
    }
    Ok(bill)
}

fn split_header(line: &str) -> Vec<String> {
    line.split(',').map(|c| c.trim().to_owned()).collect()
}

/// Cells are `` `value `` joined by commas; splitting on ``,` `` keeps a comma
/// inside a value.
fn split_row(line: &str) -> Vec<String> {
    let line = line.strip_prefix('`').unwrap_or(line);
    line.split(",`").map(str::to_owned).collect()
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::ResponseInvalid, truncate(&message, 512).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BILL: &str = "交易时间,公众账号ID,商户订单号,商品名称,订单金额\r\n\
        `2014-11-10 16:33:45,`wx2421b1c4370ec43b,`1415757673,`T-shirt, red,`0.01\r\n\
        `2014-11-10 16:46:14,`wx2421b1c4370ec43b,`1415757674,`mug,`1.00\r\n\
        总交易单数,总交易额\r\n\
        `2,`1.01\r\n";

    #[test]
    fn parses_rows_and_summary_keeping_commas_inside_cells() {
        let bill = parse(BILL.as_bytes(), 1 << 20).unwrap();
        assert_eq!(bill.rows.columns, ["交易时间", "公众账号ID", "商户订单号", "商品名称", "订单金额"]);
        assert_eq!(bill.rows.rows.len(), 2);
        assert_eq!(bill.rows.rows[0][3], "T-shirt, red");
        assert_eq!(bill.rows.rows[1][4], "1.00");
        assert_eq!(bill.summary.columns, ["总交易单数", "总交易额"]);
        assert_eq!(bill.summary.rows, [vec!["2".to_owned(), "1.01".to_owned()]]);
        let first: Vec<(&str, &str)> = bill.rows.records().next().unwrap();
        assert_eq!(first[2], ("商户订单号", "1415757673"));
    }

    #[test]
    fn gzip_gives_the_same_bill() {
        use flate2::{Compression, write::GzEncoder};
        use std::io::Write;
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        gz.write_all(BILL.as_bytes()).unwrap();
        let zipped = gz.finish().unwrap();
        assert_eq!(parse(&zipped, 1 << 20).unwrap(), parse(BILL.as_bytes(), 1 << 20).unwrap());
        assert_eq!(parse(&zipped, 100).unwrap_err().kind(), ErrorKind::ResponseTooLarge);
        assert_eq!(parse(&zipped[..zipped.len() / 2], 1 << 20).unwrap_err().kind(), ErrorKind::ResponseInvalid);
    }

    #[test]
    fn refuses_what_is_not_a_bill() {
        for bad in ["", "`a,`b\n", "a,b\n`1\n总\n`1\n", "a,b\n`1,`2\n", "a\n`1\nb\n`2\nc\n", "<xml></xml>", "a,b\nc,d\n"] {
            assert_eq!(parse(bad.as_bytes(), 1 << 20).unwrap_err().kind(), ErrorKind::ResponseInvalid, "{bad:?}");
        }
        assert_eq!(parse(b"\xff\xfe", 1 << 20).unwrap_err().kind(), ErrorKind::ResponseInvalid);
    }

    #[test]
    fn empty_bill_with_summary_only() {
        let bill = parse("a,b\n总,额\n`0,`0.00\n".as_bytes(), 1 << 20).unwrap();
        assert!(bill.rows.rows.is_empty());
        assert_eq!(bill.summary.rows.len(), 1);
    }
}
