use std::collections::VecDeque;

use super::*;

/// Answers calls from a script and keeps virtual time.
struct Script {
    answers: VecDeque<(&'static str, Result<Fields>)>,
    now: Duration,
    calls: Vec<(String, Vec<(String, String)>)>,
}

impl Script {
    fn new(answers: Vec<(&'static str, Result<Fields>)>) -> Script {
        Script { answers: answers.into(), now: Duration::ZERO, calls: Vec::new() }
    }
}

impl Driver for Script {
    fn call(&mut self, path: &str, fields: &[(&str, &str)]) -> Result<Fields> {
        self.calls.push((path.to_owned(), fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()));
        let (expected, answer) = self.answers.pop_front().expect("an unscripted call");
        assert_eq!(path, expected);
        self.now += Duration::from_millis(10);
        answer
    }
    fn sleep(&mut self, d: Duration) {
        self.now += d;
    }
    fn elapsed(&self) -> Duration {
        self.now
    }
}

fn ok(pairs: &[(&str, &str)]) -> Result<Fields> {
    let mut f = Fields::from_pairs([("return_code", "SUCCESS"), ("result_code", "SUCCESS")]).unwrap();
    for (k, v) in pairs {
        f.insert(*k, *v);
    }
    Ok(f)
}

fn biz(code: &str, extra: &[(&str, &str)]) -> Result<Fields> {
    let mut f = Fields::from_pairs([("return_code", "SUCCESS"), ("result_code", "FAIL"), ("err_code", code)]).unwrap();
    for (k, v) in extra {
        f.insert(*k, *v);
    }
    Err(Error::new(ErrorKind::BusinessFail, format!("err_code={code}")).with_response(f))
}

const PAY: &[(&str, &str)] = &[("out_trade_no", "T1"), ("auth_code", "134600000000000000"), ("sub_mch_id", "42")];

fn options() -> MicropayOptions {
    MicropayOptions {
        poll_interval: Duration::from_secs(5),
        poll_deadline: Duration::from_secs(30),
        reverse_attempts: 3,
        reverse_interval: Duration::from_secs(1),
    }
}

#[test]
fn paid_at_once() {
    let mut s = Script::new(vec![(MICROPAY, ok(&[("transaction_id", "X")]))]);
    let out = run_with(&mut s, PAY, &options()).unwrap();
    assert_eq!(out.state, MicropayState::Paid);
    assert_eq!(out.fields.get("transaction_id"), Some("X"));
    assert_eq!(out.steps.len(), 1);
    assert_eq!(out.steps[0].outcome(), "SUCCESS");
}

#[test]
fn userpaying_then_paid_by_query() {
    let mut s = Script::new(vec![
        (MICROPAY, biz("USERPAYING", &[])),
        (ORDERQUERY, ok(&[("trade_state", "USERPAYING")])),
        (ORDERQUERY, ok(&[("trade_state", "SUCCESS"), ("transaction_id", "X")])),
    ]);
    let out = run_with(&mut s, PAY, &options()).unwrap();
    assert_eq!(out.state, MicropayState::Paid);
    assert_eq!(out.fields.get("transaction_id"), Some("X"));
    let outcomes: Vec<&str> = out.steps.iter().map(Step::outcome).collect();
    assert_eq!(outcomes, ["USERPAYING", "USERPAYING", "SUCCESS"]);
    // Queries name the order and keep the caller's sub-merchant, nothing else.
    assert_eq!(s.calls[1].1, [("out_trade_no".to_owned(), "T1".to_owned()), ("sub_mch_id".to_owned(), "42".to_owned())]);
}

#[test]
fn deadline_then_reverse_with_recall() {
    let mut answers = vec![(MICROPAY, biz("USERPAYING", &[]))];
    // 30 s deadline, 5 s interval: six queries.
    for _ in 0..6 {
        answers.push((ORDERQUERY, ok(&[("trade_state", "USERPAYING")])));
    }
    answers.push((REVERSE, biz("SYSTEMERROR", &[("recall", "Y")])));
    answers.push((REVERSE, ok(&[("recall", "N")])));
    let mut s = Script::new(answers);
    let out = run_with(&mut s, PAY, &options()).unwrap();
    assert_eq!(out.state, MicropayState::Reversed);
    assert_eq!(out.steps.len(), 9);
    assert_eq!(out.steps[7].record("WXPAY_RESULT_BUSINESS_FAIL")[6], "Y");
    assert!(s.answers.is_empty());
}

#[test]
fn reverse_gives_up_after_its_attempts() {
    let mut s = Script::new(vec![
        (MICROPAY, biz("SYSTEMERROR", &[])),
        (ORDERQUERY, ok(&[("trade_state", "PAYERROR")])),
        (REVERSE, ok(&[("recall", "Y")])),
        (REVERSE, Err(Error::new(ErrorKind::Timeout, "timed out"))),
        (REVERSE, ok(&[("recall", "Y")])),
    ]);
    let out = run_with(&mut s, PAY, &options()).unwrap();
    assert_eq!(out.state, MicropayState::Unknown);
    assert_eq!(out.fields.get("recall"), Some("Y"));
    assert_eq!(out.steps[3].outcome(), "ERROR");
}

#[test]
fn definite_failures_are_not_polled() {
    let mut s = Script::new(vec![(MICROPAY, biz("NOTENOUGH", &[]))]);
    let out = run_with(&mut s, PAY, &options()).unwrap();
    assert_eq!(out.state, MicropayState::Failed);
    assert_eq!(out.fields.get("err_code"), Some("NOTENOUGH"));
    assert_eq!(out.steps[0].outcome(), "NOTENOUGH");
}

#[test]
fn a_lost_answer_is_queried() {
    let mut s = Script::new(vec![
        (MICROPAY, Err(Error::new(ErrorKind::Transport, "connection reset"))),
        (ORDERQUERY, ok(&[("trade_state", "SUCCESS")])),
    ]);
    assert_eq!(run_with(&mut s, PAY, &options()).unwrap().state, MicropayState::Paid);
}

#[test]
fn local_errors_are_returned() {
    let mut s = Script::new(vec![(MICROPAY, Err(Error::new(ErrorKind::MissingField, "no auth_code")))]);
    assert_eq!(run_with(&mut s, PAY, &options()).unwrap_err().kind(), ErrorKind::MissingField);
    let mut s = Script::new(vec![]);
    assert_eq!(run_with(&mut s, &[("auth_code", "1")], &options()).unwrap_err().kind(), ErrorKind::MissingField);
    let bad = MicropayOptions { reverse_attempts: 0, ..options() };
    assert_eq!(run_with(&mut s, PAY, &bad).unwrap_err().kind(), ErrorKind::InvalidArgument);
}
