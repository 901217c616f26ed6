//! Content pages built from sections: summary lists, tables, eligibility panels, the AGP
//! report, callouts and inline forms. One template renders every worklist, patient,
//! request, decision, review and admin page, so they share the NHS.UK patterns.

use askama::Template;

use crate::agp_report::ReportView;
use crate::page::Chrome;
use crate::views::form::Field;

/// NHS.UK tag colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// Neutral.
    Grey,
    /// Done, approved, met.
    Green,
    /// In progress.
    Blue,
    /// Waiting on someone.
    Yellow,
    /// Due soon.
    Orange,
    /// Refused, overdue, not met.
    Red,
    /// With the commissioner.
    Purple,
    /// Other state.
    White,
}

impl Colour {
    /// The CSS modifier.
    pub fn class(self) -> &'static str {
        match self {
            Colour::Grey => "nhsuk-tag--grey",
            Colour::Green => "nhsuk-tag--green",
            Colour::Blue => "nhsuk-tag--blue",
            Colour::Yellow => "nhsuk-tag--yellow",
            Colour::Orange => "nhsuk-tag--orange",
            Colour::Red => "nhsuk-tag--red",
            Colour::Purple => "nhsuk-tag--purple",
            Colour::White => "nhsuk-tag--white",
        }
    }
}

/// A status tag.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// Text.
    pub text: String,
    /// Colour.
    pub colour: Colour,
}

impl Tag {
    /// A tag.
    pub fn new(text: impl Into<String>, colour: Colour) -> Self {
        Self {
            text: text.into(),
            colour,
        }
    }
}

/// A table cell: text, optionally a link, optionally a tag.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cell {
    /// Text.
    pub text: String,
    /// Link target, if a link.
    pub href: Option<String>,
    /// Shown as a tag in this colour.
    pub tag: Option<Colour>,
}

impl Cell {
    /// Plain text.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }

    /// A link.
    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            href: Some(href.into()),
            tag: None,
        }
    }

    /// A tag.
    pub fn tag(tag: Tag) -> Self {
        Self {
            text: tag.text,
            href: None,
            tag: Some(tag.colour),
        }
    }
}

/// A table with a caption.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Caption (the table's heading).
    pub caption: String,
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<Cell>>,
    /// Shown instead of the table when there are no rows.
    pub empty: String,
}

/// One criterion of a policy as the eligibility panel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionLine {
    /// The criterion in plain English.
    pub text: String,
    /// Met / not met / unknown.
    pub status: Tag,
    /// The fact values used, in words.
    pub evidence: String,
    /// Source and section.
    pub source: String,
}

/// The eligibility of a patient under one policy.
#[derive(Debug, Clone, PartialEq)]
pub struct EligibilityPanel {
    /// Policy title and version.
    pub title: String,
    /// Overall outcome.
    pub outcome: Tag,
    /// Criterion by criterion.
    pub criteria: Vec<CriterionLine>,
    /// Evidence to collect.
    pub gaps: Vec<String>,
    /// What would make the person eligible.
    pub would_change: Vec<String>,
}

/// A form inside a content page (decision, confirm review, refer, …).
#[derive(Debug, Clone, PartialEq)]
pub struct InlineForm {
    /// Heading above the form.
    pub heading: String,
    /// Where it posts.
    pub action: String,
    /// Fields (rendered like the form page's).
    pub fields: Vec<Field>,
    /// Button text.
    pub submit: String,
    /// Whether the button is a warning (red) button.
    pub warning: bool,
}

/// One section of a content page.
#[derive(Debug, Clone)]
pub enum Section {
    /// Key/value rows.
    Summary {
        /// Heading.
        heading: String,
        /// (key, value) rows.
        rows: Vec<(String, String)>,
    },
    /// A table.
    Table(Table),
    /// Eligibility under one policy.
    Eligibility(EligibilityPanel),
    /// The AGP report body.
    Report(Box<ReportView>),
    /// Inset text (information to notice).
    Inset(String),
    /// A warning callout with a heading.
    Warning {
        /// Heading.
        heading: String,
        /// Text.
        text: String,
    },
    /// Links shown as NHS.UK action links / buttons.
    Actions(Vec<(String, String)>),
    /// A form.
    Form(InlineForm),
}

/// A content page.
#[derive(Debug, Clone, Template)]
#[template(path = "content.html")]
pub struct ContentPage {
    /// Header, navigation, CSRF token, request id.
    pub chrome: Chrome,
    /// Title and heading.
    pub title: String,
    /// Caption above the heading, or empty.
    pub caption: String,
    /// A success banner after an action, or empty.
    pub banner: String,
    /// Sections in order.
    pub sections: Vec<Section>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::form::FieldKind;

    #[test]
    fn every_section_kind_renders() {
        let page = ContentPage {
            chrome: Chrome {
                csrf: "c1".into(),
                ..Chrome::default()
            },
            title: "Test Patient".into(),
            caption: "NHS number 999 000 0018".into(),
            banner: "Request submitted".into(),
            sections: vec![
                Section::Summary {
                    heading: "Details".into(),
                    rows: vec![("Date of birth".into(), "1 May 1990".into())],
                },
                Section::Table(Table {
                    caption: "HbA1c".into(),
                    headers: vec!["Date".into(), "Result".into()],
                    rows: vec![vec![
                        Cell::text("2026-10-01"),
                        Cell::tag(Tag::new("72 mmol/mol", Colour::Red)),
                    ]],
                    empty: "No results".into(),
                }),
                Section::Table(Table {
                    caption: "Requests".into(),
                    headers: vec!["Technology".into()],
                    rows: vec![],
                    empty: "No requests yet".into(),
                }),
                Section::Eligibility(EligibilityPanel {
                    title: "NICE NG17 (v1)".into(),
                    outcome: Tag::new("Needs evidence", Colour::Yellow),
                    criteria: vec![CriterionLine {
                        text: "Type 1 diabetes".into(),
                        status: Tag::new("Met", Colour::Green),
                        evidence: "diagnosis type 1 (2001-03-04)".into(),
                        source: "NICE NG17 1.6.12".into(),
                    }],
                    gaps: vec!["An HbA1c result from the last 3 months".into()],
                    would_change: vec![],
                }),
                Section::Inset("Trial review due 2027-05-01".into()),
                Section::Warning {
                    heading: "Restricted device".into(),
                    text: "Only the specialist team may prescribe.".into(),
                },
                Section::Actions(vec![("Record HbA1c".into(), "/p/1/hba1c".into())]),
                Section::Form(InlineForm {
                    heading: "Decide".into(),
                    action: "/requests/1/decide".into(),
                    fields: vec![Field::new("note", "Note", FieldKind::TextArea)],
                    submit: "Approve".into(),
                    warning: false,
                }),
            ],
        };
        let html = page.render().unwrap();
        for text in [
            "Request submitted",
            "Date of birth",
            "nhsuk-tag--red",
            "No requests yet",
            "Needs evidence",
            "An HbA1c result from the last 3 months",
            "nhsuk-inset-text",
            "nhsuk-warning-callout",
            r#"href="/p/1/hba1c""#,
            r#"name="csrf" value="c1""#,
            r#"action="/requests/1/decide""#,
        ] {
            assert!(html.contains(text), "{text} missing");
        }
    }
}
