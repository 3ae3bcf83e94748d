//! A `[[trainer]]` entry: name, title, kind (expert, industry, local) and translations.

use super::{Checker, TrainerToml, quoted};
use crate::domain::catalog::{Trainer, TrainerKind};

pub(super) fn check(c: &mut Checker<'_>, t: &TrainerToml) -> Trainer {
    let item = quoted("trainer", t.key.get_ref());
    c.key(&t.key, &item);
    c.text(&t.name, &item, "name", 40);
    c.text(&t.title, &item, "title", 80);
    let kind = TrainerKind::parse(t.kind.get_ref()).unwrap_or_else(|| {
        c.report(&t.kind.span(), &item, "kind", "must be expert, industry or local");
        TrainerKind::Expert
    });
    let tr = c.translations(
        &t.tr,
        &t.key.span(),
        &item,
        &[("name", 80, false), ("title", 160, false), ("bio", 1500, false)],
        0,
    );
    Trainer {
        key: t.key.get_ref().clone(),
        name: t.name.get_ref().trim().to_owned(),
        title: t.title.get_ref().trim().to_owned(),
        kind,
        bio: t.bio.clone(),
        tr,
    }
}

#[cfg(test)]
mod tests {
    use super::super::said;

    fn trainer(kind: &str, name: &str) -> String {
        format!("[[trainer]]\nkey = \"wang\"\nname = \"{name}\"\ntitle = \"副教授\"\nkind = \"{kind}\"\n")
    }

    #[test]
    fn a_trainer_of_each_kind_is_clean_and_an_unknown_kind_or_long_name_is_said() {
        for kind in ["expert", "industry", "local"] {
            assert_eq!(said(&trainer(kind, "王立新")), Vec::<String>::new(), "{kind}");
        }
        assert_eq!(said(&trainer("guru", "王立新")), vec!["trainer \"wang\": kind"]);
        assert_eq!(said(&trainer("local", &"王".repeat(41))), vec!["trainer \"wang\": name"]);
    }
}
