//! docs/domain.md prints the transition table and the reason codes; these tests keep it
//! true to the code. (The permission matrix is checked in permissions.rs.)

use diapath_domain::RequestState;
use diapath_domain::reasons::ReasonCode;
use diapath_domain::request::ActionKind;

pub fn domain_md() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/domain.md");
    std::fs::read_to_string(path).expect("docs/domain.md exists")
}

fn snake<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// The rows of the markdown table whose header row is `header`, cells trimmed.
fn table(doc: &str, header: &str) -> Vec<Vec<String>> {
    let cells = |l: &str| -> Vec<String> {
        l.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_owned())
            .collect()
    };
    let mut lines = doc.lines().skip_while(|l| cells(l) != cells(header));
    assert!(
        lines.next().is_some(),
        "docs/domain.md has no table {header}"
    );
    lines
        .skip(1)
        .take_while(|l| l.trim_start().starts_with('|'))
        .map(cells)
        .collect()
}

#[test]
fn docs_print_the_transition_table() {
    let mut rows = Vec::new();
    for state in RequestState::ALL {
        for action in ActionKind::ALL {
            let to = state.after(action);
            if !to.is_empty() {
                let to: Vec<String> = to.iter().map(|s| format!("`{}`", snake(s))).collect();
                rows.push(vec![
                    format!("`{}`", snake(state)),
                    format!("`{}`", snake(action)),
                    to.join(" or "),
                ]);
            }
        }
    }
    assert_eq!(table(&domain_md(), "| from | action | to |"), rows);
}

#[test]
fn docs_print_every_reason_code() {
    let rows: Vec<Vec<String>> = ReasonCode::ALL
        .into_iter()
        .map(|c| {
            vec![
                format!("`{}`", snake(c)),
                snake(c.kind()),
                c.text().to_owned(),
            ]
        })
        .collect();
    assert_eq!(table(&domain_md(), "| code | kind | plain English |"), rows);
}
