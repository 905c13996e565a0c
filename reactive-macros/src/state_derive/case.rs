//! `#[serde(rename_all = "…")]`: the field names serde writes, so that patch paths match the
//! JSON. Fields are snake_case in Rust; each rule says how serde respells them.

/// One of serde's `rename_all` rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RenameRule {
    /// `lowercase`
    Lower,
    /// `UPPERCASE`
    Upper,
    /// `PascalCase`
    Pascal,
    /// `camelCase`
    Camel,
    /// `snake_case`
    Snake,
    /// `SCREAMING_SNAKE_CASE`
    ScreamingSnake,
    /// `kebab-case`
    Kebab,
    /// `SCREAMING-KEBAB-CASE`
    ScreamingKebab,
}

impl RenameRule {
    /// The rule serde spells `name`; `None` for one serde does not know (serde reports it).
    pub(crate) fn from_name(name: &str) -> Option<RenameRule> {
        Some(match name {
            "lowercase" => RenameRule::Lower,
            "UPPERCASE" => RenameRule::Upper,
            "PascalCase" => RenameRule::Pascal,
            "camelCase" => RenameRule::Camel,
            "snake_case" => RenameRule::Snake,
            "SCREAMING_SNAKE_CASE" => RenameRule::ScreamingSnake,
            "kebab-case" => RenameRule::Kebab,
            "SCREAMING-KEBAB-CASE" => RenameRule::ScreamingKebab,
            _ => return None,
        })
    }

    /// The name serde writes for the snake_case field `field`.
    pub(crate) fn apply_to_field(self, field: &str) -> String {
        match self {
            // A snake_case name is already lowercase.
            RenameRule::Lower | RenameRule::Snake => field.to_owned(),
            RenameRule::Upper | RenameRule::ScreamingSnake => field.to_ascii_uppercase(),
            RenameRule::Kebab => field.replace('_', "-"),
            RenameRule::ScreamingKebab => field.to_ascii_uppercase().replace('_', "-"),
            RenameRule::Pascal => pascal(field),
            RenameRule::Camel => {
                let pascal = pascal(field);
                let mut chars = pascal.chars();
                match chars.next() {
                    Some(first) => first.to_lowercase().chain(chars).collect(),
                    None => pascal,
                }
            }
        }
    }
}

/// `max_hp` → `MaxHp`: each underscore dropped, the letter after it (and the first) in capitals.
fn pascal(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut capital = true;
    for ch in field.chars() {
        if ch == '_' {
            capital = true;
        } else if capital {
            out.extend(ch.to_uppercase());
            capital = false;
        } else {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::RenameRule;

    fn rename(rule: &str, field: &str) -> String {
        RenameRule::from_name(rule)
            .expect("a serde rule")
            .apply_to_field(field)
    }

    #[test]
    fn every_serde_rule_respells_a_snake_case_field_as_serde_does() {
        let field = "page_size";
        assert_eq!(rename("lowercase", field), "page_size");
        assert_eq!(rename("UPPERCASE", field), "PAGE_SIZE");
        assert_eq!(rename("PascalCase", field), "PageSize");
        assert_eq!(rename("camelCase", field), "pageSize");
        assert_eq!(rename("snake_case", field), "page_size");
        assert_eq!(rename("SCREAMING_SNAKE_CASE", field), "PAGE_SIZE");
        assert_eq!(rename("kebab-case", field), "page-size");
        assert_eq!(rename("SCREAMING-KEBAB-CASE", field), "PAGE-SIZE");
    }

    #[test]
    fn a_single_word_field_keeps_its_letters() {
        assert_eq!(rename("camelCase", "id"), "id");
        assert_eq!(rename("PascalCase", "id"), "Id");
    }

    #[test]
    fn an_unknown_rule_is_left_to_serde() {
        assert!(RenameRule::from_name("Title Case").is_none());
    }
}
